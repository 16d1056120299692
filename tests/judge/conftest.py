"""The judge tests' own database.

The hub tests keep a worker alive for the whole session, and its sweeper claims any queued row
of its database every few seconds. The judge tests start workers of their own (with their own
blob stores) and count exactly who judged what, so they must not share that database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    from db_support import fresh_database

    async with fresh_database() as url:
        yield url
