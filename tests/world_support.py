"""A world of its own for one test: a hub and a judging worker on a fresh database and a Redis
server of their own, so what they serve holds only what the test makes. The session's database
holds every earlier test's contests, and a check that walks all contests (check-api.sh) would
otherwise walk theirs too."""

from __future__ import annotations

import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import redis
from db_support import fresh_pool
from hub_support import Hub, free_port, start_hub, stop_process
from pipeline_support import die_with_parent, kill_worker, start_worker
from support import code_stubs, make_problem

from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem


class World(msgspec.Struct, kw_only=True):
    env: dict[str, str]
    db: Any  # an asyncpg pool on the world's database
    hub: Hub


def _redis_server(log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A Redis server nobody else uses: pub/sub channels ignore database numbers."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
        )  # fmt: skip
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    try:
        while True:
            try:
                if client.ping():
                    return process, port
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    except BaseException:
        _stop_server(process)
        raise
    finally:
        client.close()


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait()


@asynccontextmanager
async def own_world(base_env: dict[str, str], tmp: Path) -> AsyncIterator[World]:
    """``base_env``'s settings, with the world's database, Redis and blob store. Each part is
    undone however the test or a later part's start ends (in reverse order)."""
    async with AsyncExitStack() as stack:
        server, port = _redis_server(tmp / "redis.log")
        stack.callback(_stop_server, server)
        url, db = await stack.enter_async_context(fresh_pool())
        env = {
            **base_env,
            "ARENA_DATABASE_URL": url,
            "ARENA_REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "ARENA_BLOB_DIR": str(tmp / "blobs"),
        }
        hub = start_hub(env, tmp / "hub.log")
        stack.callback(stop_process, hub.process)
        stack.callback(kill_worker, start_worker(env, tmp / "worker.log"))
        yield World(env=env, db=db, hub=hub)


async def import_aplusb(world: World, root: Path) -> tuple[int, str]:
    """A+B (one sample, two secret tests) in the world's database and blob store."""
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    make_problem(root, tests, time_limit_s=1.0)
    async with world.db.acquire() as conn:
        imported = await import_problem(
            conn,
            DiskBlobStore(Path(world.env["ARENA_BLOB_DIR"])),
            root,
            slug="aplusb",
            code_stubs=code_stubs(),
        )
    return imported.problem_id, imported.slug
