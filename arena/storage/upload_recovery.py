"""Problem uploads whose job died: the sweeper's part for them.

An upload is checked by one worker job under a lease the job renews. A worker killed mid-check
stops renewing; arq would not run the job again (one try: a package that kills its worker must
not kill every worker in turn), so the row would stay 'checking' forever. Here an upload whose
lease expired, or a queued one whose job is gone from Redis, goes back to the queue under a new
attempt (a new job id; the old job, should it ever run, claims nothing) with a notice saying why,
and fails for good after ``MAX_ATTEMPTS``: by then the package itself is the likely cause. A
queued upload's job is lost as a judging's is (arena.storage.jobs.lost): gone from Redis, or
taken by a worker that died before its claim.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

from arena.storage import jobs, problem_uploads, queue

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# A 'checking' row of a version without leases (before migration 0018) is taken back only past
# the job's own timeout (problem_upload_job_s, 1800 s by default).
_UNLEASED_AFTER_S = 1900


async def recover(
    conn: asyncpg.Connection, redis: Any, requeue_after_s: float, in_progress_ttl_s: float
) -> list[problem_uploads.UploadRow]:
    """Queue again (or fail) the uploads whose job died; the rows as they are now.
    ``in_progress_ttl_s``: the lifetime arq gives a job's in-progress mark (arena.storage.jobs)."""
    dead = await conn.fetch(
        "SELECT id, attempt, lease_expires_at FROM problem_uploads WHERE status = 'checking'"
        " AND (lease_expires_at < now() OR (lease_expires_at IS NULL"
        " AND created_at < now() - make_interval(secs => $1)))",
        _UNLEASED_AFTER_S,
    )
    stale = await conn.fetch(
        "SELECT id, attempt FROM problem_uploads WHERE status = 'queued'"
        " AND enqueued_at < now() - make_interval(secs => $1)",
        requeue_after_s,
    )
    ids = [queue.problem_upload_job_id(r["id"], r["attempt"]) for r in stale]
    gone = await jobs.lost(redis, ids, in_progress_ttl_s)
    lost = [(r["id"], r["attempt"]) for r, job_lost in zip(stale, gone, strict=True) if job_lost]
    changed: list[problem_uploads.UploadRow] = []
    for record in dead:
        stopped = record["lease_expires_at"]
        when = "" if stopped is None else f" (its lease ran out at {stopped:%H:%M:%S} UTC)"
        why = f"the worker checking it stopped{when}"
        row = await _again(conn, redis, record["id"], record["attempt"], "checking", why)
        if row is not None:
            changed.append(row)
    for upload_id, attempt in lost:
        why = "its job was lost from the queue"
        row = await _again(conn, redis, upload_id, attempt, "queued", why)
        if row is not None:
            changed.append(row)
    return changed


async def _again(
    conn: asyncpg.Connection, redis: Any, upload_id: int, attempt: int, status: str, why: str
) -> problem_uploads.UploadRow | None:
    """One upload from ``status`` at ``attempt`` to queued at the next attempt, or failed after
    the last; None when another sweeper (or the job itself) changed it first."""
    following = attempt + 1
    if following >= MAX_ATTEMPTS:
        error = (
            f"the check was interrupted {MAX_ATTEMPTS} times ({why}): the package may be what"
            " stops the worker; fix it or upload it again"
        )
        done = await conn.execute(
            "UPDATE problem_uploads SET status = 'failed', error = $4, lease_expires_at = NULL,"
            " notice = $4 WHERE id = $1 AND attempt = $2 AND status = $3",
            upload_id,
            attempt,
            status,
            error,
        )
        if str(done) == "UPDATE 0":
            return None
        log.warning("problem upload %s failed: %s", upload_id, error)
        return await problem_uploads.get(conn, upload_id)
    notice = f"{why}; checking it again (attempt {following + 1} of {MAX_ATTEMPTS})"
    done = await conn.execute(
        "UPDATE problem_uploads SET status = 'queued', attempt = $4, notice = $5,"
        " lease_expires_at = NULL, enqueued_at = now(), report = report - 'check'"
        " WHERE id = $1 AND attempt = $2 AND status = $3",
        upload_id,
        attempt,
        status,
        following,
        notice,
    )
    if str(done) == "UPDATE 0":
        return None
    # Committed first: should Redis fail now, the row waits queued and the next sweep finds
    # its job gone.
    await queue.enqueue_problem_upload(redis, upload_id, following)
    log.warning("problem upload %s: %s", upload_id, notice)
    return await problem_uploads.get(conn, upload_id)
