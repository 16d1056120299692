"""Hub fixtures: real hub processes (uvicorn) and a real judging worker on the test database."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_support import (  # noqa: F401
    PASSWORD,
    Hub,
    bearer,
    new_contest,
    new_user,
    start_hub,
    stop_process,
)
from pipeline_support import kill_worker, start_worker
from redis.asyncio import Redis
from support import REDIS_PORT, code_stubs, make_problem, redis_url

from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

# Apart from the pipeline tests' database; overridable so two sessions can run side by side.
HUB_REDIS_DB = int(os.environ.get("ARENA_TEST_HUB_REDIS_DB", "10"))


_start_hub = start_hub  # older name
_stop = stop_process


@pytest.fixture(scope="session")
def hub_env(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ARENA_DATABASE_URL=database_url,
        ARENA_REDIS_URL=redis_url(HUB_REDIS_DB),
        # One store per test session: tests/web/ instantiates these fixtures a second time (its
        # own hubs and worker) on the same database and job queue, so either world's worker
        # may take the other's job and must find its blobs (content-addressed: safe to share).
        ARENA_BLOB_DIR=str(tmp_path_factory.getbasetemp() / "blobs"),
        ARENA_JUDGE_SLOTS="1",
        ARENA_JUDGE_JOB_TIMEOUT_S="30",
        ARENA_LOGIN_ATTEMPTS="1000",
        ARENA_REGISTRATIONS_PER_HOUR="100000",
        ARENA_PASSWORD_MEMORY_KIB="8192",
        ARENA_PASSWORD_TIME_COST="1",
        ARENA_LEADERBOARD_TICK_S="0.1",
        # Small enough that the upload tests can pass them with a few MiB.
        ARENA_PROBLEM_UPLOAD_MAX_BYTES=str(4 << 20),
        ARENA_PROBLEM_UPLOAD_UNPACKED_MAX_BYTES=str(64 << 20),
    )
    return env


@pytest.fixture(scope="session")
async def hub_redis(hub_env: dict[str, str]) -> AsyncIterator[Redis]:
    redis = Redis(port=REDIS_PORT, db=HUB_REDIS_DB)
    await redis.flushdb()
    yield redis
    await redis.aclose()


@pytest.fixture
async def stop_redis() -> AsyncIterator[Redis]:
    """The stop tests' own Redis database (their hubs and workers), emptied first."""
    from stop_support import STOP_REDIS_DB

    redis = Redis(port=REDIS_PORT, db=STOP_REDIS_DB)
    await redis.flushdb()
    yield redis
    await redis.aclose()


@pytest.fixture(scope="session")
def hubs(
    hub_env: dict[str, str], hub_redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Hub]]:
    """Two hub processes on one database and one Redis: any of them serves any client."""
    logs = tmp_path_factory.mktemp("hub-logs")
    started = [start_hub(hub_env, logs / f"hub{i}.log") for i in range(2)]
    yield started
    for hub in started:
        stop_process(hub.process)


@pytest.fixture(scope="session")
def hub_worker(hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_worker(hub_env, log)
    yield process
    kill_worker(process)


@pytest.fixture(scope="session")
async def hub_problem(
    database_url: str, hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, str]:
    """A+B with one sample and two secret tests, imported into the hubs' blob store."""
    import asyncpg

    root = tmp_path_factory.mktemp("aplusb")
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    tests["secret/02"] = ("-4 10\n", "6\n")
    make_problem(root, tests, time_limit_s=1.0)
    conn = await asyncpg.connect(database_url)
    try:
        slug = f"aplusb-{uuid.uuid4().hex[:6]}"
        imported = await import_problem(
            conn,
            DiskBlobStore(Path(hub_env["ARENA_BLOB_DIR"])),
            root,
            slug=slug,
            code_stubs=code_stubs(),
        )
    finally:
        await conn.close()
    return imported.problem_id, slug
