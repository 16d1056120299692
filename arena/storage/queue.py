"""The judging queue's contract (arq over Redis): job names, and putting work on it.

The hub enqueues through this module and the workers register their functions under these names,
so neither imports the other. A submission is never lost: the row is committed before anything
else; if Redis is down the row simply stays ``queued`` and the
workers' sweeper enqueues it once Redis is back. The rejudge service that the moderators' socket
and the CLI share is here too.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from arena.storage import moderation, submissions

log = logging.getLogger(__name__)
JUDGE_FUNCTION = "judge_submission"
RUN_FUNCTION = "run_code"
PLAGIARISM_FUNCTION = "plagiarism_check"
# Audit rows keep at most this many ids of a rejudge.
_AUDITED_IDS = 1000


async def _put(
    redis: Any,
    submission_id: int,
    attempt: int,
    job_round: int,
    defer_s: float = 0,
    place: datetime | None = None,
) -> None:
    await redis.enqueue_job(
        JUDGE_FUNCTION,
        submission_id,
        attempt,
        job_round,
        _job_id=submissions.job_id(submission_id, attempt, job_round),
        _defer_by=defer_s or None,
        _defer_until=place,
    )


async def enqueue(
    redis: Any, conn: asyncpg.Connection, submission_id: int, attempt: int, job_round: int = 0
) -> None:
    """Idempotent: arq refuses a second job with the same id while the first one exists."""
    await _put(redis, submission_id, attempt, job_round)
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
    job_round, submitted_at = started
    place = submitted_at if keep_place and not defer_s else None
    await _put(redis, submission_id, attempt, job_round, defer_s, place)
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
        for queued_id, attempt in queued:
            try:
                await enqueue(redis, conn, queued_id, attempt)
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
        )
        try:
            await enqueue(redis, conn, submission_id, 1)
        except (OSError, RedisError) as exc:
            log.warning("submission %s stays queued for the sweeper: %s", submission_id, exc)
    return submission_id


async def enqueue_run(
    redis: Any,
    problem_id: int,
    version: int,
    language: str,
    source: bytes,
    custom_input: bytes | None,
) -> Any:
    """A run on the samples (or on ``custom_input``); the arq job, or None when refused."""
    return await redis.enqueue_job(
        RUN_FUNCTION, problem_id, version, language, source, custom_input
    )


async def enqueue_plagiarism(redis: Any, run_id: int) -> Any:
    """A plagiarism check for a worker (CPU work that no hub should do)."""
    return await redis.enqueue_job(PLAGIARISM_FUNCTION, run_id, _job_id=f"plagiarism:{run_id}")
