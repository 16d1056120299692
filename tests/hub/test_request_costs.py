"""What one request costs the hub: queries per contest list, bytes read per sample."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from hub_support import Hub, bearer, new_contest, new_user
from support import make_problem

from arena.hub.app import create_app
from arena.hub.routes_problems import SAMPLE_BYTES
from arena.settings import Settings
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem


class _CountingPool:
    """The hub's real pool, with every query of every connection it lends written down."""

    def __init__(self, pool: Any, log: list[str]) -> None:
        self.pool = pool
        self.log = log

    def _record(self, record: Any) -> None:
        self.log.append(record.query)

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        async with self.pool.acquire() as conn:
            conn.add_query_logger(self._record)
            try:
                yield conn
            finally:
                conn.remove_query_logger(self._record)


async def _queries_of_a_listing(app: Any, headers: dict[str, str]) -> int:
    log: list[str] = []
    state = app.state.hub
    real = state.db
    state.db = _CountingPool(real, log)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            answer = await client.get("/api/contests", headers=headers)
            assert answer.status_code == 200, answer.text
    finally:
        state.db = real
    return len(log)


async def test_listing_contests_costs_the_same_queries_for_1_or_40_more_contests(
    hubs: list[Hub], hub_env: dict[str, str], hub_problem: tuple[int, str], db: Any
) -> None:
    _, _, token = await new_user(hubs[0], db)
    app = create_app(Settings.from_env(hub_env))
    async with app.router.lifespan_context(app):
        for headers in ({}, bearer(token)):  # the session cache and asyncpg's type lookups
            await _queries_of_a_listing(app, headers)
        before = [await _queries_of_a_listing(app, h) for h in ({}, bearer(token))]
        for _ in range(40):
            await new_contest(db, hub_problem[0])
        after = [await _queries_of_a_listing(app, h) for h in ({}, bearer(token))]
    assert after == before, (before, after)
    assert after[0] <= 3, after  # anonymous: the contests and their problems


async def test_a_huge_sample_is_shown_cut_and_never_read_whole(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    big = "1 2\n" * (8 << 20)  # 32 MiB
    root = make_problem(tmp_path / "p", {"sample/1": (big, "3\n"), "secret/1": ("1 1\n", "2\n")})
    slug = f"huge-sample-{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(database_url)
    try:
        await import_problem(conn, DiskBlobStore(Path(hub_env["ARENA_BLOB_DIR"])), root, slug=slug)
    finally:
        await conn.close()
    async with httpx.AsyncClient(base_url=hubs[0].url, timeout=30) as client:
        shown = await client.get(f"/api/problems/{slug}")
    assert shown.status_code == 200, shown.text
    [sample] = shown.json()["samples"]
    assert len(sample["input"]) == SAMPLE_BYTES and sample["input"].startswith("1 2\n")
    assert sample["output"] == "3\n"
    store = DiskBlobStore(Path(hub_env["ARENA_BLOB_DIR"]))
    digest = store.put(big.encode())
    assert len(store.get_prefix(digest, 10)) == 10
