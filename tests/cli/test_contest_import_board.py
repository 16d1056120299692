"""``arena contest import`` run again on a contest whose board was already built: the new team
(no submissions yet) and the renamed one show on the board at once, the teams' rows are queued
for the hubs' next tick, and nobody is logged out when accounts.yaml did not change. And the
command's refusal of an admin account without ``--grant-admin``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from cli_support import arena, cli_env
from redis.asyncio import Redis
from support import REDIS_PORT
from team_package_support import Names, team_package

from arena.storage import keys, ranking_cache
from arena.storage.blobs import DiskBlobStore


async def _names_on_board(redis: Redis, contest_id: int) -> set[str]:
    rows, _total = await ranking_cache.read_page(redis, contest_id, "jury", 0, 100)
    return {r.username for r in rows}


async def test_reimport_refreshes_the_board_and_keeps_sessions(
    db: Any, database_url: str, tmp_path: Path
) -> None:
    env = cli_env(database_url, blob_dir=tmp_path / "b")
    n = Names()
    async with db.acquire() as conn:
        pkg = await team_package(conn, DiskBlobStore(tmp_path / "b"), tmp_path, n)

    refused = arena(env, "contest", "import", str(pkg))
    assert refused.returncode == 2
    assert refused.stderr.startswith("arena: error: accounts.yaml: line 16, $[4].type:")
    assert "--grant-admin" in refused.stderr, refused.stderr

    done = arena(env, "contest", "import", "--grant-admin", str(pkg))
    assert done.returncode == 0, done.stderr
    assert "ranking rebuilt: 2 contestants" in done.stdout, done.stdout
    contest_id = await db.fetchval("SELECT id FROM contests WHERE external_id = $1", n.contest)
    redis = Redis(port=REDIS_PORT)
    try:
        # Someone viewed the board: it is built, with the two teams.
        async with db.acquire() as conn:
            await ranking_cache.rebuild(conn, redis, contest_id)
        assert await _names_on_board(redis, contest_id) == {"Two Of Us", "Solo"}
        await redis.delete(keys.ranking_dirty(contest_id))

        # A third team (its account new), and the first one renamed; accounts.yaml otherwise
        # as it was: no account changes, so the hubs close no one's sockets.
        teams = json.loads((pkg / "teams.json").read_text())
        teams[0]["name"] = "Renamed"
        teams.append({"id": f"{n.t1}-3", "name": "Newcomers"})
        (pkg / "teams.json").write_text(json.dumps(teams, indent=1))
        dan = f"dan{n.t1[-8:]}"
        with (pkg / "accounts.yaml").open("a") as accounts:
            accounts.write(f"- username: {dan}\n  type: team\n  team_id: {n.t1}-3\n")
        listener = redis.pubsub()
        await listener.subscribe(keys.ACCOUNTS_CHANNEL)
        try:
            again = await asyncio.to_thread(
                arena, env, "contest", "import", "--grant-admin", str(pkg)
            )
            heard = []
            for _ in range(10):
                message = await listener.get_message(ignore_subscribe_messages=True, timeout=0.2)
                if message is not None:
                    heard.append(message["data"])
        finally:
            await listener.aclose()
        assert again.returncode == 0, again.stderr
        assert "hubs told: 0 accounts changed" in again.stdout, again.stdout
        assert heard == []

        assert await _names_on_board(redis, contest_id) == {"Renamed", "Solo", "Newcomers"}
        registrations = {
            r["user_id"]
            for r in await db.fetch("SELECT user_id FROM teams WHERE contest_id = $1", contest_id)
        }
        dirty = {int(m) for m in await redis.smembers(keys.ranking_dirty(contest_id))}
        assert dirty == registrations and len(registrations) == 3
        assert str(contest_id).encode() in await redis.smembers(keys.DIRTY_CONTESTS)
    finally:
        await redis.aclose()
