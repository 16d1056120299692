"""Fair verdicts under failure and under a flood, end to end: worker processes SIGKILLed while
judging, a contestant who floods the queue, judgings that outlive the job timeout or the time
budget, and a board refresh that failed after the verdict was committed."""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest
from arq.connections import ArqRedis
from pipeline_support import (
    SOURCES,
    World,
    assert_ranking_matches_postgres,
    assert_verdicts_and_test_rows,
    kill_worker,
    make_world,
    start_worker,
    submit_kind,
    wait_all_final,
    worker_env,
)
from support import redis_url

from arena.storage import jobs, keys
from arena.storage.blobs import DiskBlobStore
from arena.storage.queue import submit

pytestmark = [pytest.mark.sandbox, pytest.mark.usefixtures("leave_nothing_queued")]

RECOVERY_REDIS_DB = int(os.environ.get("ARENA_TEST_RECOVERY_REDIS_DB", "5"))
BURST = 24
# The goal for a burst with two worker kills: every verdict within a minute of submit.
GOAL_WAIT_S = 60.0


def sleeper(seconds: float) -> str:
    """A correct answer, but only after sleeping (under the wall limit) on every test."""
    return f"import time\ntime.sleep({seconds})\n" + SOURCES["AC"]


@pytest.fixture
async def arq_redis() -> Any:
    redis = await jobs.connect(redis_url(RECOVERY_REDIS_DB))
    await redis.flushdb()
    yield redis
    await redis.aclose()


def env_for(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return worker_env(
        database_url,
        tmp_path / "blobs",
        ARENA_REDIS_URL=redis_url(RECOVERY_REDIS_DB),
        **extra,
    )


async def submit_source(db: Any, redis: ArqRedis, world: World, source: str, user: int) -> int:
    return await submit(
        db,
        redis,
        user_id=user,
        problem_id=world.problem_id,
        language="python3",
        source=source.encode(),
        contest_id=world.contest_id,
    )


async def wait_until(db: Any, query: str, *args: Any, timeout_s: float = 120) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await db.fetchval(query, *args)
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"still not true after {timeout_s} s: {query} {args}")


async def test_workers_killed_while_judging_cost_seconds(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    """24 submissions, a worker SIGKILLed in the middle of a judging twice: its claims are taken
    over once their lease expires, under a new job (arq ignores the dead job's id)."""
    rng = random.Random(12)
    async with db.acquire() as conn:
        # A time limit well above a trivial run's CPU time on a host busy with other tests.
        blobs = DiskBlobStore(tmp_path / "blobs")
        world = await make_world(conn, blobs, tmp_path / "p", users=12, time_limit_s=1.5)
    kinds = ["AC"] * 12 + ["WA"] * 7 + ["TLE"] * 5
    rng.shuffle(kinds)
    # arq's own job timeout as in production: a recovery that waited for it would not end here.
    env = env_for(database_url, tmp_path, ARENA_JUDGE_JOB_TIMEOUT_S="600")
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
    expected: dict[int, str] = {}
    try:
        for i, kind in enumerate(kinds):
            user = world.user_ids[i % len(world.user_ids)]
            expected[await submit_kind(db, arq_redis, world, kind, user)] = kind
        for kill in range(2):
            victim = kill % len(workers)
            # Killed while it holds a claim, the case that used to wait for arq's job timeout.
            await wait_until(
                db,
                "SELECT true FROM submissions WHERE id = ANY($1::bigint[])"
                " AND status = 'judging' AND worker LIKE $2",
                list(expected),
                f"%:{workers[victim].pid}",
            )
            kill_worker(workers[victim])
            workers[victim] = start_worker(env, tmp_path / f"worker{victim}.log")
        await wait_all_final(db, list(expected), timeout_s=180)
    finally:
        for proc in workers:
            kill_worker(proc)
    await assert_verdicts_and_test_rows(db, world, expected)
    rows = await db.fetch(
        "SELECT job_round, extract(epoch FROM judged_at - submitted_at) AS wait_s"
        " FROM submissions WHERE id = ANY($1::bigint[])",
        list(expected),
    )
    assert any(r["job_round"] > 0 for r in rows), "no claim was taken over"
    # The figure for bench/chaos.sh; the goal (under 60 s) is not asserted here: on a host busy
    # with other tests the queue itself can take that long.
    longest = max(float(r["wait_s"]) for r in rows)
    goal = "met" if longest < GOAL_WAIT_S else "NOT met"
    print(f"recovery: {BURST} submissions, 2 worker kills, longest wait {longest:.1f} s ({goal})")
    await assert_ranking_matches_postgres(db, arq_redis, world.contest_id)


async def test_a_flooding_contestant_takes_one_slot(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    """Six slow submissions at once from one contestant on a worker with two slots: the
    contestant submitting after them is judged in the other slot, not after the flood."""
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=2)
    flooder, other = world.user_ids
    env = env_for(database_url, tmp_path, ARENA_JUDGE_SLOTS="2")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        flood = [await submit_source(db, arq_redis, world, sleeper(0.6), flooder) for _ in range(6)]
        late = await submit_kind(db, arq_redis, world, "AC", other)
        most = 0
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            row = await db.fetchrow(
                "SELECT count(*) FILTER (WHERE status = 'judging') AS judging,"
                " count(*) FILTER (WHERE status <> 'done') AS left"
                " FROM submissions WHERE user_id = $1",
                flooder,
            )
            most = max(most, row["judging"])
            if row["left"] == 0:
                break
            await asyncio.sleep(0.05)
        await wait_all_final(db, [*flood, late], timeout_s=30)
    finally:
        kill_worker(worker)
    assert most == 1
    rows = await db.fetch(
        "SELECT id, verdict, judged_at FROM submissions WHERE id = ANY($1::bigint[])",
        [*flood, late],
    )
    judged = {r["id"]: r["judged_at"] for r in rows}
    assert {r["verdict"] for r in rows} == {"AC"}
    assert judged[late] < max(judged[sid] for sid in flood)


async def test_a_judging_past_the_job_timeout_is_retried_then_flagged(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=1)
    env = env_for(database_url, tmp_path, ARENA_JUDGE_JOB_TIMEOUT_S="2", ARENA_JUDGE_MAX_ERRORS="2")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        sid = await submit_source(db, arq_redis, world, sleeper(1.2), world.user_ids[0])
        await wait_until(
            db, "SELECT true FROM submissions WHERE id = $1 AND status = 'failed'", sid
        )
    finally:
        kill_worker(worker)
    row = await db.fetchrow("SELECT * FROM submissions WHERE id = $1", sid)
    assert (row["verdict"], row["needs_attention"], row["judge_errors"]) == ("JE", True, 2)
    assert "longer than 2 s" in row["judge_error"]
    assert row["job_round"] >= 1  # the retry was a new job
    assert row["lease_expires_at"] is None


async def test_the_time_budget_ends_a_submission_that_sleeps_on_every_test(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    """Each test alone stays under its wall limit; together they exceed the budget: TLE."""
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=1)
    env = env_for(database_url, tmp_path, ARENA_JUDGE_BUDGET_CAP_S="2.5")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        sid = await submit_source(db, arq_redis, world, sleeper(1.2), world.user_ids[0])
        await wait_all_final(db, [sid], timeout_s=120)
    finally:
        kill_worker(worker)
    assert await db.fetchval("SELECT verdict FROM submissions WHERE id = $1", sid) == "TLE"
    tests = await db.fetch(
        "SELECT verdict, message FROM test_results WHERE submission_id = $1 ORDER BY ordinal", sid
    )
    # Which test the budget ends depends on how fast the sandbox starts runs; that it is the
    # budget, not a test's own limit, is what the message says.
    assert 2 <= len(tests) <= world.test_count
    assert tests[-1]["verdict"] == "TLE" and "time budget" in tests[-1]["message"]
    assert {t["verdict"] for t in tests[:-1]} <= {"AC"}


async def test_the_sweeper_repairs_a_board_whose_refresh_failed(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=1)
    # The verdict commits, then the board refresh fails (a key of the wrong type stands in for a
    # Redis that went away at that moment).
    await arq_redis.set(keys.ranking_built(world.contest_id), "1")
    await arq_redis.set(keys.ranking(world.contest_id), "not a sorted set")
    worker = start_worker(env_for(database_url, tmp_path), tmp_path / "worker.log")
    try:
        sid = await submit_kind(db, arq_redis, world, "AC", world.user_ids[0])
        await wait_all_final(db, [sid], timeout_s=120)
        assert await db.fetchval("SELECT board_pending FROM submissions WHERE id = $1", sid)
        await arq_redis.delete(keys.ranking(world.contest_id))  # Redis is back
        await wait_until(
            db, "SELECT NOT board_pending FROM submissions WHERE id = $1", sid, timeout_s=60
        )
    finally:
        kill_worker(worker)
    await assert_ranking_matches_postgres(db, arq_redis, world.contest_id)


async def test_a_job_whose_taker_died_before_its_claim_is_queued_again(
    db: Any, database_url: str, arq_redis: ArqRedis, tmp_path: Path
) -> None:
    """A worker SIGKILLed between arq's in-progress mark and its claim in Postgres leaves a
    queued row whose job arq holds "in progress" for half an hour (the chaos test met it): the
    sweeper queues it again under a new round within seconds."""
    from arq.constants import in_progress_key_prefix

    from arena.judge.process import build_worker
    from arena.settings import Settings
    from arena.storage.submissions import job_id

    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=1)
    sid = await submit_kind(db, arq_redis, world, "AC", world.user_ids[0])
    env = env_for(database_url, tmp_path)
    ttl_s = build_worker(Settings.from_env(env)).in_progress_timeout_s
    # What the dead taker left: its in-progress mark, set 30 s ago, and a row still queued.
    await arq_redis.psetex(in_progress_key_prefix + job_id(sid, 1, 0), int((ttl_s - 30) * 1000), 1)
    await db.execute(
        "UPDATE submissions SET enqueued_at = now() - interval '30 seconds' WHERE id = $1", sid
    )
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        await wait_all_final(db, [sid], timeout_s=60)
    finally:
        kill_worker(worker)
    row = await db.fetchrow("SELECT verdict, job_round FROM submissions WHERE id = $1", sid)
    assert (row["verdict"], row["job_round"]) == ("AC", 1)
