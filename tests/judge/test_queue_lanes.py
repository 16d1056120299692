"""Queue lanes against the real pipeline (Postgres, Redis, a worker process, gVisor): contest
judgings before practice judgings before runs; a run nobody waits for is dropped; a user's runs
in flight are capped, also when sent all at once; a contestant's waiting submission keeps its
lane."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from arq.connections import ArqRedis
from arq.constants import default_queue_name, job_key_prefix, result_key_prefix
from pipeline_support import (
    SOURCES,
    World,
    kill_worker,
    make_world,
    start_worker,
    wait_all_final,
    worker_env,
)
from support import redis_url

from arena.protocol import RunOutcome
from arena.storage import jobs, keys, queue, submissions
from arena.storage.blobs import DiskBlobStore
from arena.storage.queue import RunJob, RunsInFlight, submit

pytestmark = [pytest.mark.sandbox, pytest.mark.usefixtures("leave_nothing_queued")]

LANES_REDIS_DB = int(os.environ.get("ARENA_TEST_LANES_REDIS_DB", "6"))
AC = SOURCES["AC"].encode()
run_outcome = msgspec.json.Decoder(RunOutcome)


@pytest.fixture
async def arq_redis() -> Any:
    redis = await jobs.connect(redis_url(LANES_REDIS_DB))
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()


@pytest.fixture
async def world(db: Any, tmp_path: Path) -> World:
    async with db.acquire() as conn:
        return await make_world(conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "p", users=4)


def lanes_worker(database_url: str, tmp_path: Path, **extra: str) -> Any:
    env = worker_env(
        database_url, tmp_path / "blobs", ARENA_REDIS_URL=redis_url(LANES_REDIS_DB), **extra
    )
    return start_worker(env, tmp_path / "worker.log")


async def version_of(db: Any, problem_id: int) -> int:
    version: int = await db.fetchval(
        "SELECT current_version FROM problems WHERE id = $1", problem_id
    )
    return version


async def test_contest_before_practice_before_runs(
    db: Any, database_url: str, arq_redis: ArqRedis, world: World, tmp_path: Path
) -> None:
    """Queued before any worker runs, in the reverse order of the lanes: a run, then practice,
    then contest submissions. One slot judges them contest first, then practice, then the run."""
    version = await version_of(db, world.problem_id)
    run_done: list[datetime] = []

    async def one_run() -> None:
        job = RunJob(world.problem_id, version, "python3", AC, b"4 5\n")
        raw = await queue.run(arq_redis, world.user_ids[3], job, wait_s=240, max_in_flight=2)
        assert raw is not None
        assert run_outcome.decode(raw).outputs == ["9\n"]
        run_done.append(datetime.now(UTC))

    waiting_run = asyncio.create_task(one_run())
    await asyncio.sleep(0.2)

    async def send(user: int, contest_id: int | None) -> int:
        return await submit(
            db, arq_redis, user_id=world.user_ids[user], problem_id=world.problem_id,
            language="python3", source=AC, contest_id=contest_id,
        )  # fmt: skip

    practice = [await send(i, None) for i in range(2)]
    contest = [await send(i, world.contest_id) for i in range(2)]
    worker = lanes_worker(database_url, tmp_path)
    try:
        await wait_all_final(db, practice + contest, timeout_s=240)
        await asyncio.wait_for(waiting_run, 240)
    finally:
        kill_worker(worker)
    rows = {
        r["id"]: r
        for r in await db.fetch(
            "SELECT id, verdict, judging_started_at, judged_at FROM submissions"
            " WHERE id = ANY($1::bigint[])",
            practice + contest,
        )
    }
    assert {r["verdict"] for r in rows.values()} == {"AC"}
    last_contest = max(rows[sid]["judged_at"] for sid in contest)
    first_practice = min(rows[sid]["judging_started_at"] for sid in practice)
    assert last_contest <= first_practice, rows
    # Within the lane, the older first.
    assert rows[practice[0]]["judging_started_at"] < rows[practice[1]]["judging_started_at"]
    assert max(rows[sid]["judged_at"] for sid in practice) <= run_done[0]


async def test_a_run_nobody_waits_for_is_dropped(
    db: Any, database_url: str, arq_redis: ArqRedis, world: World, tmp_path: Path
) -> None:
    """No worker is up: the run's wait ends, and with it the run. A worker started afterwards
    finds nothing to run; the user's place under the cap is free again."""
    version = await version_of(db, world.problem_id)
    job = RunJob(world.problem_id, version, "python3", AC, None)
    user = world.user_ids[0]
    assert await queue.run(arq_redis, user, job, wait_s=1.0, max_in_flight=1) is None
    # Cancelled while waiting (the client went away): dropped too.
    cancelled = asyncio.create_task(queue.run(arq_redis, user, job, wait_s=60, max_in_flight=1))
    await asyncio.sleep(0.5)
    assert await arq_redis.zcard(default_queue_name) == 1
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert await arq_redis.zcard(default_queue_name) == 0
    assert await arq_redis.keys(job_key_prefix + "*") == []
    assert await arq_redis.zcard(keys.runs_in_flight(user)) == 0
    worker = lanes_worker(database_url, tmp_path)
    try:
        # The worker is up and judging: a run sent now is run, and nothing of the dropped ones.
        fresh = RunJob(world.problem_id, version, "python3", AC, b"1 1\n")
        raw = await queue.run(arq_redis, user, fresh, wait_s=240, max_in_flight=1)
    finally:
        kill_worker(worker)
    assert raw is not None and run_outcome.decode(raw).outputs == ["2\n"]
    results = await arq_redis.keys(result_key_prefix + "*")
    assert len(results) == 1, results  # only the run that was waited for ran
    log = (tmp_path / "worker.log").read_text()
    assert log.count("run_code(") == 1, log


async def test_runs_in_flight_are_capped_even_sent_at_once(
    db: Any, database_url: str, arq_redis: ArqRedis, world: World, tmp_path: Path
) -> None:
    """Eight runs of one user at once (no worker yet, so none ends early): two are admitted,
    six are refused with the cap in the message; another user is not affected; once the
    admitted ones end, the user may run again."""
    version = await version_of(db, world.problem_id)
    job = RunJob(world.problem_id, version, "python3", AC, b"2 2\n")
    user, other = world.user_ids[0], world.user_ids[1]
    sent = [
        asyncio.create_task(queue.run(arq_redis, user, job, wait_s=240, max_in_flight=2))
        for _ in range(8)
    ]
    await asyncio.sleep(1.0)
    refused = [t for t in sent if t.done()]
    assert len(refused) == 6
    for task in refused:
        with pytest.raises(RunsInFlight, match="at most 2 runs in flight"):
            task.result()
    admitted = [t for t in sent if not t.done()]
    theirs = asyncio.create_task(queue.run(arq_redis, other, job, wait_s=240, max_in_flight=2))
    worker = lanes_worker(database_url, tmp_path)
    try:
        outcomes = await asyncio.wait_for(asyncio.gather(*admitted, theirs), 240)
        again = await queue.run(arq_redis, user, job, wait_s=240, max_in_flight=2)
    finally:
        kill_worker(worker)
    for raw in [*outcomes, again]:
        assert raw is not None and run_outcome.decode(raw).outputs == ["4\n"]


async def test_a_waiting_contest_submission_keeps_its_lane(
    db: Any, database_url: str, arq_redis: ArqRedis, world: World, tmp_path: Path
) -> None:
    """A contestant's second contest submission waits for their first (the per-contestant cap)
    while practice submissions are queued: it is judged next, before the practice ones."""
    first = await submit(
        db, arq_redis, user_id=world.user_ids[0], problem_id=world.problem_id,
        language="python3", source=AC, contest_id=world.contest_id,
    )  # fmt: skip
    second = await submit(
        db, arq_redis, user_id=world.user_ids[0], problem_id=world.problem_id,
        language="python3", source=SOURCES["WA"].encode(), contest_id=world.contest_id,
    )  # fmt: skip
    # Slower than the contest ones (they sleep on every test), so the first contest judging
    # ends while the first practice one still runs.
    slow = ("import time\ntime.sleep(0.4)\n" + SOURCES["AC"]).encode()
    practice = [
        await submit(
            db,
            arq_redis,
            user_id=world.user_ids[1 + i],
            problem_id=world.problem_id,
            language="python3",
            source=slow,
        )
        for i in range(3)
    ]
    # Two slots: the first contest judging and the second (refused: it waits) go first.
    worker = lanes_worker(database_url, tmp_path, ARENA_JUDGE_SLOTS="2")
    try:
        await wait_all_final(db, [first, second, *practice], timeout_s=240)
    finally:
        kill_worker(worker)
    rows = {
        r["id"]: r
        for r in await db.fetch(
            "SELECT id, verdict, judging_started_at, judged_at, waiting_turn FROM submissions"
            " WHERE id = ANY($1::bigint[])",
            [first, second, *practice],
        )
    }
    assert (rows[first]["verdict"], rows[second]["verdict"]) == ("AC", "WA")
    assert not any(r["waiting_turn"] for r in rows.values())
    # Both contest jobs start at once; the claim that loses the contestant's lock waits. It is
    # judged after the other ends (never two of theirs at once), and takes the slot that frees
    # before any practice submission still waiting for one.
    judged, waited = sorted((first, second), key=lambda sid: rows[sid]["judged_at"])
    assert rows[waited]["judging_started_at"] >= rows[judged]["judged_at"]
    started = sorted(rows[sid]["judging_started_at"] for sid in practice)
    assert rows[waited]["judging_started_at"] <= started[1], rows


async def test_the_sweeper_goes_ahead_of_a_backlog(
    db: Any, database_url: str, arq_redis: ArqRedis, world: World, tmp_path: Path
) -> None:
    """A contest submission whose job Redis never got (only the sweeper queues it) while six
    practice submissions are queued for one slot: the sweep runs ahead of the lanes' jobs, so
    the submission is judged before the practice backlog ends, not after it."""
    slow = ("import time\ntime.sleep(0.3)\n" + SOURCES["AC"]).encode()
    practice = [
        await submit(
            db,
            arq_redis,
            user_id=world.user_ids[i % 3],
            problem_id=world.problem_id,
            language="python3",
            source=slow,
        )
        for i in range(6)
    ]
    async with db.acquire() as conn:
        lost = await submissions.create_submission(
            conn,
            user_id=world.user_ids[3],
            problem_id=world.problem_id,
            language="python3",
            source=AC,
            contest_id=world.contest_id,
        )
        # As the submit path marks a row whose job the queue refused (queue._put); a row merely
        # left unput (the hub died in between) waits for judge_requeue_after_s instead.
        await submissions.mark_not_enqueued(conn, lost, 1)
        assert (
            await conn.fetchval("SELECT enqueued_at FROM submissions WHERE id = $1", lost) is None
        )
    worker = lanes_worker(database_url, tmp_path)
    try:
        await wait_all_final(db, [*practice, lost], timeout_s=300)
    finally:
        kill_worker(worker)
    rows = {
        r["id"]: r
        for r in await db.fetch(
            "SELECT id, verdict, judging_started_at, judged_at FROM submissions"
            " WHERE id = ANY($1::bigint[])",
            [*practice, lost],
        )
    }
    assert {r["verdict"] for r in rows.values()} == {"AC"}
    last_practice = max(rows[sid]["judging_started_at"] for sid in practice)
    assert rows[lost]["judged_at"] < last_practice, rows
