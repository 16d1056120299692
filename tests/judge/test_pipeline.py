"""The judging pipeline end to end: Postgres rows, arq over Redis, worker processes, sandbox."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from arq.connections import ArqRedis
from pipeline_support import (
    REDIS_TEST_DB,
    assert_ranking_matches_postgres,
    assert_verdicts_and_test_rows,
    kill_worker,
    make_world,
    start_worker,
    submit_kind,
    wait_all_final,
    worker_env,
)
from support import REDIS_PORT, redis_url

from arena.protocol import (
    SubmissionJudged,
    SubmissionProgress,
    envelope_decoder,
    pipeline_event_decoder,
)
from arena.storage import events as contest_events
from arena.storage import jobs, keys, queue
from arena.storage.blobs import DiskBlobStore

pytestmark = pytest.mark.sandbox

# CI size; bench/chaos.sh runs the same test with several hundred.
CHAOS_SUBMISSIONS = int(os.environ.get("ARENA_CHAOS_SUBMISSIONS", "60"))
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(REDIS_PORT),
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/arena.log",
]  # fmt: skip


@pytest.fixture
async def arq_redis() -> Any:
    redis = await jobs.connect(redis_url(REDIS_TEST_DB))
    await redis.flushdb()
    yield redis
    await redis.aclose()


async def test_verdicts_rejudge_and_events(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path
) -> None:
    blobs = DiskBlobStore(tmp_path / "blobs")
    async with db.acquire() as conn:
        world = await make_world(conn, blobs, tmp_path / "problem", users=2)
    pubsub = arq_redis.pubsub()
    await pubsub.subscribe(keys.contest_channel(world.contest_id))
    expected = {}
    for kind in ("AC", "WA", "CE"):
        sid = await submit_kind(db, arq_redis, world, kind)
        expected[sid] = kind
    worker = start_worker(worker_env(database_url, tmp_path / "blobs"), tmp_path / "worker.log")
    try:
        await wait_all_final(db, list(expected), timeout_s=120)
        rows = await db.fetch(
            "SELECT id, verdict, attempt FROM submissions WHERE id = ANY($1::bigint[])",
            list(expected),
        )
        assert {r["id"]: r["verdict"] for r in rows} == expected
        ac_id = next(s for s, k in expected.items() if k == "AC")
        tests = await db.fetch(
            "SELECT name, verdict FROM test_results WHERE submission_id = $1 ORDER BY ordinal",
            ac_id,
        )
        assert [t["name"] for t in tests] == ["sample/1", "secret/01", "secret/02"]
        assert {t["verdict"] for t in tests} == {"AC"}

        # A rejudge is a new attempt with its own job; the verdict is replaced, not duplicated.
        queued = await queue.rejudge(db, arq_redis, actor_id=None, submission_id=ac_id)
        assert queued == [(ac_id, 2)]
        await wait_all_final(db, [ac_id], timeout_s=60)
        row = await db.fetchrow("SELECT verdict, attempt FROM submissions WHERE id = $1", ac_id)
        assert (row["verdict"], row["attempt"]) == ("AC", 2)
        # The event follows the commit: read until the rejudge's verdict event has come too.
        envelopes = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is not None:
                envelopes.append(envelope_decoder.decode(message["data"]))
                body = pipeline_event_decoder.decode(envelopes[-1].body)
                if isinstance(body, SubmissionJudged) and body.attempt == 2:
                    break
    finally:
        kill_worker(worker)
    await pubsub.aclose()
    # Sequenced per contest, in order, addressed to the submitter alone; the history agrees.
    first_seq = envelopes[0].seq
    assert [e.seq for e in envelopes] == list(range(first_seq, first_seq + len(envelopes)))
    assert {e.audience for e in envelopes} <= {f"user:{u}" for u in world.user_ids}
    history = await contest_events.since(arq_redis, world.contest_id, first_seq - 1)
    assert history is not None
    assert [bytes(e.body) for e in history] == [bytes(e.body) for e in envelopes]
    events = [pipeline_event_decoder.decode(e.body) for e in envelopes]
    judged = [e for e in events if isinstance(e, SubmissionJudged)]
    progress = [e for e in events if isinstance(e, SubmissionProgress)]
    assert len(judged) == 4  # three submissions and one rejudge
    assert {e.submission_id for e in judged} == set(expected)
    assert len(progress) >= 3 + 3 + 1  # AC twice (3 tests each) and WA's failing first test
    await assert_ranking_matches_postgres(db, arq_redis, world.contest_id)


async def test_redis_down_at_submit_the_sweeper_enqueues(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path
) -> None:
    blobs = DiskBlobStore(tmp_path / "blobs")
    async with db.acquire() as conn:
        world = await make_world(conn, blobs, tmp_path / "problem", users=1)
    unreachable = ArqRedis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    sid = await submit_kind(db, unreachable, world, "AC")
    await unreachable.aclose()
    # Accepted and recorded although the queue was unreachable: queued, never enqueued.
    row = await db.fetchrow("SELECT status, enqueued_at FROM submissions WHERE id = $1", sid)
    assert (row["status"], row["enqueued_at"]) == ("queued", None)
    worker = start_worker(worker_env(database_url, tmp_path / "blobs"), tmp_path / "worker.log")
    try:
        await wait_all_final(db, [sid], timeout_s=60)
    finally:
        kill_worker(worker)
    assert await db.fetchval("SELECT verdict FROM submissions WHERE id = $1", sid) == "AC"


async def test_sandbox_failures_are_retried_then_flagged(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path
) -> None:
    blobs = DiskBlobStore(tmp_path / "blobs")
    async with db.acquire() as conn:
        world = await make_world(conn, blobs, tmp_path / "problem", users=1)
    sid = await submit_kind(db, arq_redis, world, "AC")
    # No such image: every sandbox start fails, which is the system's fault, never a verdict.
    env = worker_env(
        database_url,
        tmp_path / "blobs",
        ARENA_SANDBOX_IMAGE="arena-sandbox:no-such-tag",
        ARENA_JUDGE_MAX_ERRORS="2",
    )
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = await db.fetchrow("SELECT * FROM submissions WHERE id = $1", sid)
            if row["status"] == "failed":
                break
            await asyncio.sleep(0.5)
    finally:
        kill_worker(worker)
    assert row["status"] == "failed"
    assert row["needs_attention"] is True
    assert row["judge_errors"] == 2
    assert row["verdict"] == "JE"
    assert "no-such-tag" in row["judge_error"]
    assert await db.fetchval("SELECT count(*) FROM test_results WHERE submission_id = $1", sid) == 0


async def test_chaos_killed_workers_and_redis_restart(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path
) -> None:
    """Workers are SIGKILLed every few seconds and Redis restarts once: nothing is lost."""
    rng = random.Random(2026)
    blobs = DiskBlobStore(tmp_path / "blobs")
    async with db.acquire() as conn:
        world = await make_world(conn, blobs, tmp_path / "problem", users=12)
    kinds = ["AC"] * (CHAOS_SUBMISSIONS // 2) + ["WA"] * (CHAOS_SUBMISSIONS * 3 // 10)
    kinds += ["TLE"] * (CHAOS_SUBMISSIONS - len(kinds))
    rng.shuffle(kinds)
    expected: dict[int, str] = {}
    env = worker_env(database_url, tmp_path / "blobs")
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        for kind in kinds:
            sid = await submit_kind(db, arq_redis, world, kind, rng.choice(world.user_ids))
            expected[sid] = kind
        redis_restarted = False
        started = time.monotonic()
        while time.monotonic() - started < 60 + CHAOS_SUBMISSIONS * 6:
            left = await db.fetchval(
                "SELECT count(*) FROM submissions WHERE id = ANY($1::bigint[])"
                " AND status <> 'done'",
                list(expected),
            )
            if left == 0:
                break
            await asyncio.sleep(3 + rng.random() * 2)
            victim = rng.randrange(len(workers))
            kill_worker(workers[victim])
            workers[victim] = start_worker(env, tmp_path / f"worker{victim}.log")
            if not redis_restarted and left < CHAOS_SUBMISSIONS * 2 // 3:
                stop = ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"]
                await asyncio.to_thread(subprocess.run, stop)
                await asyncio.sleep(1)
                await asyncio.to_thread(subprocess.run, REDIS_START, check=True)
                await asyncio.sleep(0.5)
                redis_restarted = True
            for i, proc in enumerate(workers):  # arq workers exit when Redis vanishes
                if proc.poll() is not None:
                    workers[i] = start_worker(env, tmp_path / f"worker{i}.log")
        assert redis_restarted
        await wait_all_final(db, list(expected), timeout_s=120)
    finally:
        for proc in workers:
            kill_worker(proc)
    await assert_verdicts_and_test_rows(db, world, expected)
    # The cache may have been lost with Redis; the test checks it equals Postgres after the
    # workers refreshed (and, where needed, rebuilt) it.
    await assert_ranking_matches_postgres(db, arq_redis, world.contest_id)
