"""The judging queue's contract (arq over Redis): job names, and putting work on it.

The hub enqueues through this module and the workers register their functions under these names,
so neither imports the other. A submission is never lost: the row is committed before anything
else; if Redis is down the row simply stays ``queued`` and the
workers' sweeper enqueues it once Redis is back. The rejudge service that the moderators' socket
and the CLI share is here too.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec
from arq.constants import default_queue_name, job_key_prefix
from redis.exceptions import RedisError

from arena.storage import keys, moderation, submissions

log = logging.getLogger(__name__)
JUDGE_FUNCTION = "judge_submission"
RUN_FUNCTION = "run_code"
PLAGIARISM_FUNCTION = "plagiarism_check"
PROBLEM_UPLOAD_FUNCTION = "problem_upload"
# Audit rows keep at most this many ids of a rejudge.
_AUDITED_IDS = 1000
# Lanes. arq takes the due jobs of its sorted set in score order, and a job's score is the time
# it is due. A judging that is due goes to its lane's place in the past, one span per lane: a
# worker takes every due contest judging before any practice judging, and those before any run
# (due now, no offset); within a lane the oldest first. A span is longer than anything waits.
_LANE_SPAN = timedelta(days=365)
_CONTEST_LANE = 2 * _LANE_SPAN
_PRACTICE_LANE = _LANE_SPAN
# A judging job's data lives this long (arq's default: a day after it is due).
_JOB_EXPIRES = timedelta(days=1)


def ahead_of_lanes(due: datetime) -> datetime:
    """Where the workers' own periodic jobs (the sweeper) go: ahead of every lane, so a backlog
    of judgings cannot hold back the recovery of a dead worker's submissions."""
    return due - 3 * _LANE_SPAN


def lane_place(contest_id: int | None, due: datetime) -> datetime:
    """Where a judging due at ``due`` sorts in the queue: its lane's offset before it."""
    return due - (_CONTEST_LANE if contest_id is not None else _PRACTICE_LANE)


async def _put(
    redis: Any,
    conn: asyncpg.Connection,
    submission_id: int,
    attempt: int,
    job_round: int,
    contest_id: int | None,
    defer_s: float = 0,
    place: datetime | None = None,
) -> None:
    """``defer_s``: not before then, and then behind the lanes' due jobs (a deferral's score is
    its due time; see ``requeue`` for the contestant's turn, which keeps its lane).

    Should the queue refuse the job, the row is marked never enqueued, for the next sweep
    (``submissions.mark_not_enqueued``), and the error raised."""
    if defer_s:
        until = datetime.now(UTC) + timedelta(seconds=defer_s)
    else:
        until = lane_place(contest_id, place or datetime.now(UTC))
    try:
        await redis.enqueue_job(
            JUDGE_FUNCTION,
            submission_id,
            attempt,
            job_round,
            _job_id=submissions.job_id(submission_id, attempt, job_round),
            _defer_until=until,
            _expires=_JOB_EXPIRES + timedelta(seconds=defer_s),
        )
    except (OSError, RedisError):
        await submissions.mark_not_enqueued(conn, submission_id, attempt)
        raise


async def enqueue(
    redis: Any,
    conn: asyncpg.Connection,
    submission_id: int,
    attempt: int,
    job_round: int = 0,
    *,
    contest_id: int | None,
) -> None:
    """Idempotent: arq refuses a second job with the same id while the first one exists."""
    await _put(redis, conn, submission_id, attempt, job_round, contest_id)
    await submissions.mark_enqueued(conn, submission_id, attempt)


async def requeue(
    redis: Any,
    conn: asyncpg.Connection,
    submission_id: int,
    attempt: int,
    defer_s: float = 0,
    *,
    keep_place: bool = False,
) -> bool:
    """Queue a queued row again under a new job id (a new round): the jobs of earlier rounds,
    even one a dead worker left behind in arq, no longer claim it. False if not queued.

    ``keep_place``: the job goes where its submission time puts it in arq's queue (ordered by
    time), ahead of later submissions: a dead worker's submission does not wait twice."""
    started = await submissions.next_round(conn, submission_id, attempt)
    if started is None:
        return False
    job_round, submitted_at, contest_id = started
    place = submitted_at if keep_place and not defer_s else None
    await _put(redis, conn, submission_id, attempt, job_round, contest_id, defer_s, place)
    return True


async def hand_back(redis: Any, conn: asyncpg.Connection, claim: submissions.Claim) -> bool:
    """A stopping worker's unfinished claim, queued again at once under a new job round at its
    submission time's place (as ``requeue`` with ``keep_place``); False when no longer ours.

    Should the enqueue fail, the row stays queued for the next sweep."""
    started = await submissions.hand_back(conn, claim)
    if started is None:
        return False
    job_round, submitted_at, contest_id = started
    await _put(
        redis, conn, claim.submission_id, claim.attempt, job_round, contest_id, place=submitted_at
    )
    return True


async def _contests_of(conn: asyncpg.Connection, ids: list[int]) -> list[int]:
    rows = await conn.fetch(
        "SELECT DISTINCT contest_id FROM submissions"
        " WHERE id = ANY($1::bigint[]) AND contest_id IS NOT NULL ORDER BY contest_id",
        ids,
    )
    return [r["contest_id"] for r in rows]


async def rejudge(
    db: asyncpg.Pool,
    redis: Any,
    *,
    actor_id: int | None,
    submission_id: int | None = None,
    problem_id: int | None = None,
    contest_id: int | None = None,
) -> list[tuple[int, int]]:
    """A new attempt for the chosen submissions; returns the (id, attempt) pairs queued.

    One transaction, under the lock of every contest concerned (the lock ``finalize`` takes):
    the new attempts, the reopening of those contests' final results and the audit row commit
    together, so no contest stays finalized with the results of before the rejudge. The jobs
    are put on the queue after the commit; what does not reach Redis the sweeper enqueues.
    """
    async with db.acquire() as conn:
        async with conn.transaction():
            ids = await submissions.select_for_rejudge(
                conn, submission_id=submission_id, problem_id=problem_id, contest_id=contest_id
            )
            # Locks in contest order (reopen_results takes each), before the rows change.
            for contest in await _contests_of(conn, ids):
                await moderation.reopen_results(conn, contest)
            queued = await submissions.new_attempt(conn, ids)
            await moderation.audit(
                conn,
                actor_id,
                "rejudge",
                contest_id,
                {
                    "submissions": ids[:_AUDITED_IDS],
                    "count": len(ids),
                    "problem": problem_id,
                },
            )
        contest_of = dict(
            await conn.fetch(
                "SELECT id, contest_id FROM submissions WHERE id = ANY($1::bigint[])",
                [queued_id for queued_id, _ in queued],
            )
        )
        for queued_id, attempt in queued:
            try:
                await enqueue(redis, conn, queued_id, attempt, contest_id=contest_of[queued_id])
            except (OSError, RedisError) as exc:
                log.warning("rejudge of %s stays queued for the sweeper: %s", queued_id, exc)
    return queued


async def submit(
    db: asyncpg.Pool,
    redis: Any,
    *,
    user_id: int,
    problem_id: int,
    language: str,
    source: bytes,
    contest_id: int | None = None,
    client_key: str | None = None,
    virtual_id: int | None = None,
    upsolve_contest_id: int | None = None,
    author_id: int | None = None,
) -> int:
    """Record a submission and queue it; the returned id is safe to acknowledge. A
    ``client_key`` already used by this user returns its submission (queued again at most:
    enqueueing is idempotent)."""
    async with db.acquire() as conn:
        submission_id = await submissions.create_submission(
            conn,
            user_id=user_id,
            problem_id=problem_id,
            language=language,
            source=source,
            contest_id=contest_id,
            client_key=client_key,
            virtual_id=virtual_id,
            upsolve_contest_id=upsolve_contest_id,
            author_id=author_id,
        )
        try:
            await enqueue(redis, conn, submission_id, 1, contest_id=contest_id)
        except (OSError, RedisError) as exc:
            log.warning("submission %s stays queued for the sweeper: %s", submission_id, exc)
    return submission_id


async def enqueue_plagiarism(redis: Any, run_id: int) -> Any:
    """A plagiarism check for a worker (CPU work that no hub should do)."""
    return await redis.enqueue_job(PLAGIARISM_FUNCTION, run_id, _job_id=f"plagiarism:{run_id}")


class RunsInFlight(Exception):
    """The user already has as many runs waiting or running as allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} runs in flight per user; wait for one to finish")
        self.limit = limit


# A user's runs in flight: forget those whose hub stopped waiting (a hub that died never says),
# then admit one more if there is room. Atomic, so parallel requests to any hubs cannot exceed it.
_ADMIT_RUN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
"""


class RunJob(msgspec.Struct, frozen=True):
    """A run on the samples (``custom_input`` None) or on one input of the user's."""

    problem_id: int
    version: int
    language: str
    source: bytes
    custom_input: bytes | None


async def run(
    redis: Any, user_id: int, job: RunJob, *, wait_s: float, max_in_flight: int
) -> bytes | None:
    """Queue a run in the last lane and wait for its outcome; None when no sandbox took it
    within ``wait_s``. A run nobody waits for any more (timed out, or the request was
    cancelled) leaves the queue: it is never run later. Raises RunsInFlight past the cap."""
    job_id = f"run:{uuid.uuid4().hex}"
    in_flight = keys.runs_in_flight(user_id)
    now_ms = int(time.time() * 1000)
    deadline_ms = now_ms + int(wait_s * 1000)
    if max_in_flight > 0 and not await redis.eval(
        _ADMIT_RUN, 1, in_flight, now_ms, deadline_ms, job_id, max_in_flight
    ):
        raise RunsInFlight(max_in_flight)
    done = False
    try:
        queued = await redis.enqueue_job(
            RUN_FUNCTION, job.problem_id, job.version, job.language, job.source,
            job.custom_input, _job_id=job_id, _expires=timedelta(seconds=wait_s),
        )  # fmt: skip
        if queued is None:
            return None
        raw = await queued.result(timeout=wait_s, poll_delay=0.1)
        done = True
        return raw if isinstance(raw, bytes) else None
    except TimeoutError:
        return None
    finally:
        if not done:  # also when cancelled: arq's expiry is the backstop if this fails
            await _drop_run(redis, job_id)
        await redis.zrem(in_flight, job_id)


async def _drop_run(redis: Any, job_id: str) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zrem(default_queue_name, job_id)
        pipe.delete(job_key_prefix + job_id)
        await pipe.execute()


def problem_upload_job_id(upload_id: int, attempt: int = 0) -> str:
    """A new id for each attempt: arq keeps a finished or dead job's id for a while, and the
    attempt in it lets a stale job claim nothing."""
    return f"problem-upload:{upload_id}" + (f":{attempt}" if attempt else "")


async def enqueue_problem_upload(redis: Any, upload_id: int, attempt: int = 0) -> Any:
    """An uploaded package's import and check for a worker (unpacking, hashing and judging are
    no hub's work)."""
    job_id = problem_upload_job_id(upload_id, attempt)
    return await redis.enqueue_job(PROBLEM_UPLOAD_FUNCTION, upload_id, attempt, _job_id=job_id)
