"""Claims with leases, job rounds, the per-contestant cap, the board repair mark, the rejudge
service and conditional final results, on the real Postgres (and Redis for the queue)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from arq.connections import ArqRedis
from redis.exceptions import RedisError
from support import make_problem, redis_url

from arena.protocol import JudgeResult, Verdict
from arena.storage import jobs, results, submissions
from arena.storage import queue as judge_queue
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

REDIS_DB = 4
pytestmark = pytest.mark.usefixtures("leave_nothing_queued")
AC = JudgeResult(verdict=Verdict.AC, time_ms=1, memory_kib=1, tests=[], compile_output="")


@pytest.fixture
async def arq() -> AsyncIterator[ArqRedis]:
    redis = await jobs.connect(redis_url(REDIS_DB))
    await redis.flushdb()
    yield redis
    await redis.aclose()


async def world(conn: Any, tmp_path: Path, ended: bool = False) -> tuple[int, int, int]:
    """(problem, contest, user) with the user registered."""
    root = make_problem(tmp_path / "p", {"sample/1": ("1\n", "1\n")})
    blobs = DiskBlobStore(tmp_path / "blobs")
    problem = await import_problem(conn, blobs, root, slug=f"l{uuid.uuid4().hex[:10]}")
    contest_id = await conn.fetchval(
        "INSERT INTO contests (name, start_time, duration_s)"
        " VALUES ($1, now() - make_interval(mins => $2), 3600) RETURNING id",
        f"leases {uuid.uuid4().hex[:6]}",
        120 if ended else 10,
    )
    await conn.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        problem.problem_id,
    )
    user_id = await new_user(conn, contest_id)
    return problem.problem_id, contest_id, user_id


async def new_user(conn: Any, contest_id: int) -> int:
    user_id: int = await conn.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
        f"l{uuid.uuid4().hex[:10]}",
    )
    await conn.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return user_id


async def submit(conn: Any, problem_id: int, contest_id: int, user_id: int) -> int:
    return await submissions.create_submission(
        conn,
        user_id=user_id,
        problem_id=problem_id,
        language="python3",
        source=b"print(1)\n",
        contest_id=contest_id,
    )


async def expire(conn: Any, submission_id: int) -> None:
    """What a worker that died looks like a lease later: nobody renewed."""
    await conn.execute(
        "UPDATE submissions SET lease_expires_at = now() - interval '1 second' WHERE id = $1",
        submission_id,
    )


async def test_a_live_lease_keeps_others_out_and_an_expired_one_is_requeued_in_a_new_round(
    conn: Any, arq: ArqRedis, tmp_path: Path
) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path)
    sid = await submit(conn, problem_id, contest_id, user_id)
    first = await submissions.claim(conn, sid, 1, "w1", lease_s=30)
    assert first is not None
    # arq runs the same job again (its timeout passed): the live lease keeps it out.
    assert await submissions.claim(conn, sid, 1, "w2", lease_s=30) is None
    assert await submissions.renew(conn, first, 30)
    assert await submissions.release_expired(conn) == []
    # The worker dies: nobody renews, the sweeper puts the row back under a new job round.
    await expire(conn, sid)
    assert await submissions.release_expired(conn) == [(sid, 1)]
    assert not await submissions.renew(conn, first, 30)
    assert await judge_queue.requeue(arq, conn, sid, 1)
    job_round = await conn.fetchval("SELECT job_round FROM submissions WHERE id = $1", sid)
    assert job_round == 1
    job = await arq.zrange("arq:queue", 0, -1)
    assert submissions.job_id(sid, 1, 1).encode() in job
    # The dead worker's job (round 0) no longer claims; the new round's does.
    assert await submissions.claim(conn, sid, 1, "w2", job_round=0) is None
    second = await submissions.claim(conn, sid, 1, "w2", job_round=1)
    assert second is not None
    # The first claim's late verdict is refused; the second's is the one.
    assert not await submissions.finish(conn, first, AC)
    assert await submissions.finish(conn, second, AC)
    assert await submissions.claim(conn, sid, 1, "w3", job_round=1) is None
    assert not await judge_queue.requeue(arq, conn, sid, 1)  # final rows are never requeued


async def test_a_sweep_between_queueing_and_the_job_sees_nothing_lost(
    conn: Any, arq: ArqRedis, tmp_path: Path
) -> None:
    """Each statement that queues a row (a submission, a hand-back, a rejudge) marks it enqueued
    before its job is put: a sweep in between (any worker's, every two seconds) must not take it
    for lost and start a second job round, as one did to a handed-back submission in CI. A job
    the queue refuses leaves the row to the next sweep at once."""
    problem_id, contest_id, user_id = await world(conn, tmp_path)

    async def swept() -> list[tuple[int, int, int]]:
        return [row for row in await submissions.pending(conn, 60) if row[0] == sid]

    sid = await submit(conn, problem_id, contest_id, user_id)  # recorded, its job not yet put
    assert await swept() == []
    claimed = await submissions.claim(conn, sid, 1, "w1")
    assert claimed is not None
    handed = await submissions.hand_back(conn, claimed)
    assert handed is not None and handed[0] == 1  # the new round, its job not yet put
    assert await swept() == []
    again = await submissions.claim(conn, sid, 1, "w2", job_round=1)
    assert again is not None and await submissions.finish(conn, again, AC)
    assert await submissions.new_attempt(conn, [sid]) == [(sid, 2)]
    assert await swept() == []
    unreachable = ArqRedis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    try:
        with pytest.raises((OSError, RedisError)):
            await judge_queue.requeue(unreachable, conn, sid, 2)
    finally:
        await unreachable.aclose()
    assert await swept() == [(sid, 2, 1)]


async def test_one_contestant_cannot_take_a_second_slot(conn: Any, tmp_path: Path) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path)
    flood = [await submit(conn, problem_id, contest_id, user_id) for _ in range(3)]
    other = await submit(conn, problem_id, contest_id, await new_user(conn, contest_id))
    held = await submissions.claim(conn, flood[0], 1, "w1", max_in_flight=1)
    assert held is not None
    with pytest.raises(submissions.ContestantBusy):
        await submissions.claim(conn, flood[1], 1, "w2", max_in_flight=1)
    # Refused claims leave the row queued; another contestant is not affected.
    assert await conn.fetchval("SELECT status FROM submissions WHERE id = $1", flood[1]) == "queued"
    assert await submissions.claim(conn, other, 1, "w2", max_in_flight=1) is not None
    # A dead worker's expired lease does not count against the contestant.
    await expire(conn, flood[0])
    assert await submissions.claim(conn, flood[1], 1, "w2", max_in_flight=1) is not None
    with pytest.raises(submissions.ContestantBusy):
        await submissions.claim(conn, flood[2], 1, "w3", max_in_flight=1)
    assert await submissions.claim(conn, flood[2], 1, "w3", max_in_flight=2) is not None


async def test_a_verdict_marks_the_board_until_it_is_refreshed(conn: Any, tmp_path: Path) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path)
    sid = await submit(conn, problem_id, contest_id, user_id)
    claimed = await submissions.claim(conn, sid, 1, "w1")
    assert claimed is not None
    assert await submissions.finish(conn, claimed, AC)
    # The refresh failed (Redis down): the sweeper finds the pair.
    assert (contest_id, user_id) in await submissions.boards_pending(conn, 0)
    await submissions.clear_boards_pending(conn, contest_id, user_id)
    assert (contest_id, user_id) not in await submissions.boards_pending(conn, 0)


async def test_judging_errors_requeue_then_flag(conn: Any, tmp_path: Path) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path)
    sid = await submit(conn, problem_id, contest_id, user_id)
    for round_ in range(3):
        claimed = await submissions.claim(conn, sid, 1, "w1", job_round=round_)
        assert claimed is not None, round_
        retry = await submissions.record_judging_error(conn, claimed, "took too long", 3)
        assert retry == (round_ < 2)
        if retry:
            started = await submissions.next_round(conn, sid, 1)
            assert started is not None and started[0] == round_ + 1
    row = await conn.fetchrow("SELECT * FROM submissions WHERE id = $1", sid)
    assert (row["status"], row["verdict"], row["needs_attention"]) == ("failed", "JE", True)
    assert row["lease_expires_at"] is None


async def test_finalize_only_what_is_due(conn: Any, arq: ArqRedis, tmp_path: Path) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path, ended=True)
    sid = await submit(conn, problem_id, contest_id, user_id)
    assert await results.finalize(conn, arq, contest_id) is None  # a submission is queued
    finalized = await conn.fetchval("SELECT finalized_at FROM contests WHERE id = $1", contest_id)
    assert finalized is None
    claimed = await submissions.claim(conn, sid, 1, "w1")
    assert claimed is not None and await submissions.finish(conn, claimed, AC)
    assert await results.finalize(conn, arq, contest_id) == 1
    assert await results.finalize(conn, arq, contest_id) is None  # already final


async def test_a_rejudge_reopens_queues_and_audits_in_one_step(
    db: Any, conn: Any, arq: ArqRedis, tmp_path: Path
) -> None:
    problem_id, contest_id, user_id = await world(conn, tmp_path, ended=True)
    sid = await submit(conn, problem_id, contest_id, user_id)
    claimed = await submissions.claim(conn, sid, 1, "w1")
    assert claimed is not None and await submissions.finish(conn, claimed, AC)
    assert await results.finalize(conn, arq, contest_id) == 1
    queued = await judge_queue.rejudge(db, arq, actor_id=user_id, contest_id=contest_id)
    assert queued == [(sid, 2)]
    contest = await conn.fetchrow("SELECT finalized_at FROM contests WHERE id = $1", contest_id)
    assert contest["finalized_at"] is None
    row = await conn.fetchrow("SELECT status, attempt FROM submissions WHERE id = $1", sid)
    assert (row["status"], row["attempt"]) == ("queued", 2)
    assert submissions.job_id(sid, 2).encode() in await arq.zrange("arq:queue", 0, -1)
    audit = await conn.fetchrow(
        "SELECT actor_id, details FROM audit_log WHERE contest_id = $1 AND action = 'rejudge'",
        contest_id,
    )
    assert audit["actor_id"] == user_id and f"[{sid}]" in audit["details"]
    # Not final again until the new attempt is judged.
    assert contest_id not in await results.due(conn)
    assert await results.finalize(conn, arq, contest_id) is None
