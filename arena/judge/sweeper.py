"""The sweeper, a cron job of every worker: what a dead worker or a lost Redis left behind."""

from __future__ import annotations

import logging
from typing import Any

from arq.constants import in_progress_key_prefix, job_key_prefix

from arena.storage import problem_uploads, queue, ranking_cache, submissions, turns
from arena.storage.upload_recovery import recover

log = logging.getLogger(__name__)
# A worker claims its submission in Postgres milliseconds after arq marks the job in progress;
# a queued row whose job was taken longer ago than this lost its taker before the claim.
UNCLAIMED_AFTER_S = 10.0


async def sweep(ctx: dict[str, Any]) -> int:
    """Queue again what a dead worker held (expired leases), what the queue may have lost
    (Redis down at submit time, or restarted) and the submissions whose turn came without a
    verdict to call them; repair boards whose refresh failed; take back the problem uploads
    whose check died with its worker."""
    state = ctx["arena"]  # the worker's WorkerState
    async with state.db.acquire() as conn:
        released = await submissions.release_expired(conn)
        for submission_id, _attempt in released:
            log.warning("submission %s: lease expired, queued again", submission_id)
        # A dead worker's job stays in arq (in progress) until arq's job timeout: a new round.
        stale = list(released)
        old = await submissions.pending(conn, state.settings.judge_requeue_after_s)
        in_progress_ttl_s = float(ctx.get("in_progress_ttl_s", 0))
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
        uploads = await recover(conn, state.redis, state.settings.problem_upload_requeue_after_s)
    for row in uploads:  # the admins' pages show the notice at once
        await problem_uploads.announce(state.redis, row)
    return len(stale) + len(uploads)


async def _lost(
    redis: Any, rows: list[tuple[int, int, int]], in_progress_ttl_s: float
) -> list[tuple[int, int]]:
    """The rows whose current job is not in Redis (never put there, or Redis lost it), or was
    taken by a worker that died before its claim: arq keeps such a job "in progress" for its
    longest function timeout (half an hour), and a new round must not wait for that. A job that
    is there and not taken only waits its turn in a long queue: a new round would not move it
    forward. ``in_progress_ttl_s``: the lifetime arq gives an in-progress mark (0: unknown, and
    then a taken job is never judged lost)."""
    if not rows:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for sid, attempt, job_round in rows:
            job_id = submissions.job_id(sid, attempt, job_round)
            pipe.exists(job_key_prefix + job_id)
            pipe.pttl(in_progress_key_prefix + job_id)
        found = await pipe.execute()
    lost = []
    for (sid, attempt, _), job, left_ms in zip(rows, found[::2], found[1::2], strict=True):
        taken_s = in_progress_ttl_s - left_ms / 1000 if left_ms >= 0 else 0.0
        if not job or (in_progress_ttl_s and taken_s > UNCLAIMED_AFTER_S):
            lost.append((sid, attempt))
    return lost
