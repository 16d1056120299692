"""The judging queue's contract (arq over Redis): job names, and putting work on it.

The hub enqueues through this module and the workers register their functions under these names,
so neither imports the other. A submission is never lost: the row is committed before anything
else; if Redis is down the row simply stays ``queued`` and the
workers' sweeper enqueues it once Redis is back.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from arena.storage import submissions

log = logging.getLogger(__name__)
JUDGE_FUNCTION = "judge_submission"
RUN_FUNCTION = "run_code"


async def enqueue(redis: Any, conn: asyncpg.Connection, submission_id: int, attempt: int) -> None:
    """Idempotent: arq refuses a second job with the same id while the first one exists."""
    await redis.enqueue_job(
        JUDGE_FUNCTION, submission_id, attempt, _job_id=submissions.job_id(submission_id, attempt)
    )
    await submissions.mark_enqueued(conn, submission_id, attempt)


async def submit(
    db: Any,
    redis: Any,
    *,
    user_id: int,
    problem_id: int,
    language: str,
    source: bytes,
    contest_id: int | None = None,
) -> int:
    """Record a submission and queue it; the returned id is safe to acknowledge."""
    async with db.acquire() as conn:
        submission_id = await submissions.create_submission(
            conn,
            user_id=user_id,
            problem_id=problem_id,
            language=language,
            source=source,
            contest_id=contest_id,
        )
        try:
            await enqueue(redis, conn, submission_id, 1)
        except (OSError, RedisError) as exc:
            log.warning("submission %s stays queued for the sweeper: %s", submission_id, exc)
    return submission_id


async def rejudge(db: Any, redis: Any, submission_ids: list[int]) -> list[tuple[int, int]]:
    """New attempt for each submission; the verdict is replaced when the new attempt finishes."""
    async with db.acquire() as conn:
        queued = await submissions.new_attempt(conn, submission_ids)
        for submission_id, attempt in queued:
            try:
                await enqueue(redis, conn, submission_id, attempt)
            except Exception as exc:
                log.warning("rejudge of %s stays queued for the sweeper: %s", submission_id, exc)
    return queued


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
