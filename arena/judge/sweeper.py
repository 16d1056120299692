"""The sweeper, a cron job of every worker: what a dead worker or a lost Redis left behind."""

from __future__ import annotations

import logging
from typing import Any

from arena.storage import jobs, problem_uploads, queue, ranking_cache, submissions, turns
from arena.storage.upload_recovery import recover

log = logging.getLogger(__name__)


async def sweep(ctx: dict[str, Any]) -> int:
    """Queue again what a dead worker held (expired leases), what the queue may have lost
    (Redis down at submit time, or restarted) and the submissions whose turn came without a
    verdict to call them; repair boards whose refresh failed; take back the problem uploads
    whose check died with its worker."""
    state = ctx["arena"]  # the worker's WorkerState
    in_progress_ttl_s = float(ctx.get("in_progress_ttl_s", 0))
    async with state.db.acquire() as conn:
        released = await submissions.release_expired(conn)
        for submission_id, _attempt in released:
            log.warning("submission %s: lease expired, queued again", submission_id)
        # A dead worker's job stays in arq (in progress) until arq's job timeout: a new round.
        stale = list(released)
        old = await submissions.pending(conn, state.settings.judge_requeue_after_s)
        stale += await _lost(
            state.redis, [row for row in old if row[:2] not in released], in_progress_ttl_s
        )
        # Waiting rows whose contestant's judging ended other than with a verdict.
        stale += await turns.due(conn, state.settings.judge_max_in_flight_per_user)
        for submission_id, attempt in stale:
            await queue.requeue(state.redis, conn, submission_id, attempt, keep_place=True)
        # Verdicts committed without a board refresh; seconds old, so not one in progress.
        for contest_id, user_id in await submissions.boards_pending(conn, 5.0):
            await ranking_cache.refresh_user(conn, state.redis, contest_id, user_id)
            await submissions.clear_boards_pending(conn, contest_id, user_id)
        uploads = await recover(
            conn, state.redis, state.settings.problem_upload_requeue_after_s, in_progress_ttl_s
        )
    for row in uploads:  # the admins' pages show the notice at once
        await problem_uploads.announce(state.redis, row)
    return len(stale) + len(uploads)


async def _lost(
    redis: Any, rows: list[tuple[int, int, int]], in_progress_ttl_s: float
) -> list[tuple[int, int]]:
    """The rows whose current job is lost (arena.storage.jobs.lost)."""
    ids = [submissions.job_id(sid, attempt, job_round) for sid, attempt, job_round in rows]
    gone = await jobs.lost(redis, ids, in_progress_ttl_s)
    return [(sid, attempt) for (sid, attempt, _), lost in zip(rows, gone, strict=True) if lost]
