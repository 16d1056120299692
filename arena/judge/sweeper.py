"""The sweeper, a cron job of every worker: what a dead worker or a lost Redis left behind."""

from __future__ import annotations

import logging
from typing import Any

from arq.constants import job_key_prefix

from arena.storage import queue, ranking_cache, submissions, turns

log = logging.getLogger(__name__)


async def sweep(ctx: dict[str, Any]) -> int:
    """Queue again what a dead worker held (expired leases), what the queue may have lost
    (Redis down at submit time, or restarted) and the submissions whose turn came without a
    verdict to call them; repair boards whose refresh failed."""
    state = ctx["arena"]  # the worker's WorkerState
    async with state.db.acquire() as conn:
        released = await submissions.release_expired(conn)
        for submission_id, _attempt in released:
            log.warning("submission %s: lease expired, queued again", submission_id)
        # A dead worker's job stays in arq (in progress) until arq's job timeout: a new round.
        stale = list(released)
        old = await submissions.pending(conn, state.settings.judge_requeue_after_s)
        stale += await _lost(state.redis, [row for row in old if row[:2] not in released])
        # Waiting rows whose contestant's judging ended other than with a verdict.
        stale += await turns.due(conn, state.settings.judge_max_in_flight_per_user)
        for submission_id, attempt in stale:
            await queue.requeue(state.redis, conn, submission_id, attempt, keep_place=True)
        # Verdicts committed without a board refresh; seconds old, so not one in progress.
        for contest_id, user_id in await submissions.boards_pending(conn, 5.0):
            await ranking_cache.refresh_user(conn, state.redis, contest_id, user_id)
            await submissions.clear_boards_pending(conn, contest_id, user_id)
    return len(stale)


async def _lost(redis: Any, rows: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The rows whose current job is not in Redis (never put there, or Redis lost it). One that
    is there only waits its turn in a long queue: a new round would not move it forward."""
    if not rows:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for sid, attempt, job_round in rows:
            pipe.exists(job_key_prefix + submissions.job_id(sid, attempt, job_round))
        found = await pipe.execute()
    return [(sid, attempt) for (sid, attempt, _), job in zip(rows, found, strict=True) if not job]
