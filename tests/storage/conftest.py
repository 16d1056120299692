"""Storage test fixtures: a blob store in tmp_path, a connection to the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from arena.storage.blobs import DiskBlobStore


@pytest.fixture
def blobs(tmp_path: Path) -> DiskBlobStore:
    return DiskBlobStore(tmp_path / "blobs")


@pytest.fixture
async def conn(db: Any) -> AsyncIterator[Any]:
    async with db.acquire() as connection:
        yield connection
