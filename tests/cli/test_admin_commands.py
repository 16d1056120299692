"""The admin CLI against the real Postgres and Redis: rejudge and leaderboard rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli_support import arena, cli_env
from pipeline_support import REDIS_TEST_DB, SOURCES, make_world
from redis.asyncio import Redis
from support import REDIS_PORT

from arena.storage import keys, submissions
from arena.storage.blobs import DiskBlobStore


async def test_rejudge_and_rebuild(db: Any, database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, redis_db=REDIS_TEST_DB)
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "b"), tmp_path / "p", users=2)
        sid = await submissions.create_submission(
            conn,
            user_id=world.user_ids[0],
            problem_id=world.problem_id,
            language="python3",
            source=SOURCES["AC"].encode(),
            contest_id=world.contest_id,
        )
        # Judged by hand: the row as a worker leaves it; the contest's results were final.
        await conn.execute(
            "UPDATE submissions SET status = 'done', verdict = 'AC' WHERE id = $1", sid
        )
        await conn.execute(
            "UPDATE contests SET finalized_at = now() WHERE id = $1", world.contest_id
        )
    done = arena(env, "rejudge", "--contest", str(world.contest_id))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "queued 1 submissions for rejudging"
    row = await db.fetchrow("SELECT status, attempt, verdict FROM submissions WHERE id = $1", sid)
    assert (row["status"], row["attempt"], row["verdict"]) == ("queued", 2, None)
    # The same service as the moderators' socket: results reopened, the rejudge audited.
    finalized = await db.fetchval(
        "SELECT finalized_at FROM contests WHERE id = $1", world.contest_id
    )
    assert finalized is None
    audit = await db.fetchrow(
        "SELECT actor_id, details FROM audit_log WHERE contest_id = $1 AND action = 'rejudge'",
        world.contest_id,
    )
    assert audit is not None and audit["actor_id"] is None and f"[{sid}]" in audit["details"]

    await db.execute("UPDATE submissions SET status = 'done', verdict = 'AC' WHERE id = $1", sid)
    done = arena(env, "leaderboard", "rebuild", str(world.contest_id))
    assert done.returncode == 0, done.stderr
    redis = Redis(port=REDIS_PORT, db=REDIS_TEST_DB)
    try:
        scores = await redis.zrange(keys.ranking(world.contest_id), 0, -1, withscores=True)
    finally:
        await redis.aclose()
    assert len(scores) == 2
    best = scores[-1]
    assert best[0] == str(world.user_ids[0]).encode()
    assert best[1] > scores[0][1]  # the solver ranks above the other contestant

    missing = arena(env, "rejudge", "--problem", "no-such-problem")
    assert missing.returncode == 2
    assert "no problem with the slug 'no-such-problem'" in missing.stderr


async def test_contest_rated_sets_the_flag_and_rates_a_final_contest(
    db: Any, database_url: str, tmp_path: Path
) -> None:
    env = cli_env(database_url, redis_db=REDIS_TEST_DB)
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "b"), tmp_path / "p", users=2)
        for user_id, rank in zip(world.user_ids, (1, 2), strict=True):
            await conn.execute(
                "INSERT INTO contest_results (contest_id, user_id, rank, solved, penalty, score,"
                " row_json) VALUES ($1, $2, $3, 1, 0, 0, '{\"1\": {}}')",
                world.contest_id,
                user_id,
                rank,
            )
        await conn.execute(
            "UPDATE contests SET finalized_at = now() WHERE id = $1", world.contest_id
        )
    done = arena(env, "contest", "rated", str(world.contest_id), "on")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"contest {world.contest_id}: rated on"
    rows = await db.fetch(
        "SELECT user_id, new_rating FROM rating_changes WHERE contest_id = $1 ORDER BY place",
        world.contest_id,
    )
    assert [r["user_id"] for r in rows] == world.user_ids
    assert rows[0]["new_rating"] > 1500 > rows[1]["new_rating"]
    off = arena(env, "contest", "rated", str(world.contest_id), "off")
    assert off.returncode == 0, off.stderr
    assert not await db.fetchval(
        "SELECT count(*) FROM rating_changes WHERE contest_id = $1", world.contest_id
    )
    missing = arena(env, "contest", "rated", "no-such-contest", "on")
    assert missing.returncode != 0 and "no contest 'no-such-contest'" in missing.stderr
