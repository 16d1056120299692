"""Storage test fixtures: a blob store in tmp_path, a connection to the storage tests' own
database (db_support.own_database_url says why they need one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from db_support import own_database_url

from arena.storage.blobs import DiskBlobStore

database_url = pytest.fixture(scope="session", name="database_url")(own_database_url)


@pytest.fixture
def blobs(tmp_path: Path) -> DiskBlobStore:
    return DiskBlobStore(tmp_path / "blobs")


@pytest.fixture
async def conn(db: Any) -> AsyncIterator[Any]:
    async with db.acquire() as connection:
        yield connection
