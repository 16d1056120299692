"""The judging status page (admins only): workers and their heartbeats, queue depth per arq
queue, judgings that failed and need a person (with a rejudge), and the audit log, filtered."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth, views
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import INT64_MAX, ApiError, int_param, json, no_nul, path_int
from arena.hub.state import HubState, hub_state
from arena.protocol import UserInfo
from arena.protocol.status import (
    AuditEntry,
    AuditPage,
    FailedJudgingView,
    JudgingStatus,
    QueueView,
    RejudgeQueued,
    WorkerView,
)
from arena.storage import queue, status, workers

ATTENTION_LIMIT = 200
AUDIT_PAGE = 100


async def _admin(state: HubState, request: Request) -> UserInfo:
    return await auth.require_admin(state, request, "the judging status is for admins")


def _iso(unix_s: float) -> str:
    return views.iso(datetime.fromtimestamp(unix_s, UTC)) or ""


async def judging_status(request: Request) -> Response:
    state = hub_state(request)
    await _admin(state, request)
    now = time.time()
    beats = await workers.workers(state.redis, now)
    depths = await workers.queue_depths(state.redis, now)
    async with state.db.acquire() as conn:
        failed = await status.needing_attention(conn, ATTENTION_LIMIT)
    return json(
        JudgingStatus(
            workers=[
                WorkerView(
                    name=b.name,
                    host=b.host,
                    pid=b.pid,
                    slots=b.slots,
                    busy=b.busy,
                    queues=b.queues,
                    started_at=_iso(b.started_at),
                    last_heartbeat=_iso(b.beat_at),
                    heartbeat_age_s=round(max(0.0, now - b.beat_at), 1),
                    alive=alive,
                )
                for b, alive in beats
            ],
            queues=[QueueView(q.name, q.ready, q.deferred) for q in depths],
            attention=[
                FailedJudgingView(
                    submission_id=f.submission_id,
                    contest_id=f.contest_id,
                    username=f.username,
                    problem=f.problem,
                    language=f.language,
                    attempt=f.attempt,
                    judge_errors=f.judge_errors,
                    error=f.error,
                    worker=f.worker,
                    submitted_at=views.iso(f.submitted_at) or "",
                )
                for f in failed
            ],
        )
    )


async def rejudge(request: Request) -> Response:
    """A new attempt for one submission (audited with the contest it belongs to)."""
    state = hub_state(request)
    user = await _admin(state, request)
    submission_id = path_int(request, "submission_id")
    async with state.db.acquire() as conn:
        exists, contest_id = await status.submission_contest(conn, submission_id)
    if not exists:
        raise ApiError(404, "not_found", f"no submission {submission_id}")
    queued = await queue.rejudge(
        state.db, state.redis, actor_id=user.id, submission_id=submission_id, contest_id=contest_id
    )
    if not queued:
        raise ApiError(409, "not_rejudged", f"submission {submission_id} was not queued again")
    return json(RejudgeQueued(*queued[0]), 202)


async def audit_log(request: Request) -> Response:
    state = hub_state(request)
    await _admin(state, request)
    action = no_nul(request.query_params.get("action") or "", "action") or None
    actor = no_nul(request.query_params.get("actor") or "", "actor") or None
    contest = int_param(request, "contest", 0, low=0, high=INT64_MAX) or None
    before = int_param(request, "before", 0, low=0, high=INT64_MAX) or None
    limit = int_param(request, "limit", AUDIT_PAGE, low=1, high=AUDIT_PAGE)
    async with state.db.acquire() as conn:
        rows = await status.audit_log(
            conn, action=action, contest_id=contest, actor=actor, before_id=before, limit=limit
        )
        actions = await status.audit_actions(conn)
    entries = [
        AuditEntry(
            id=r.id,
            action=r.action,
            contest_id=r.contest_id,
            actor=r.actor,
            details=r.details,
            created_at=views.iso(r.created_at) or "",
        )
        for r in rows
    ]
    more = entries[-1].id if len(entries) == limit else None
    return json(AuditPage(entries, actions, more))


_TAGS = ("admin",)
endpoints = [
    Endpoint(
        "GET",
        "/api/admin/judging",
        judging_status,
        "Admins: workers (heartbeats), queue depth per arq queue, judgings needing attention",
        {200: JudgingStatus},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/admin/submissions/{submission_id}/rejudge",
        rejudge,
        "Admins: judge one submission again (a new attempt; audited)",
        {202: RejudgeQueued},
        auth="required",
        errors=(403, 409),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/admin/audit",
        audit_log,
        "Admins: the audit log, newest first, filtered by action, contest and actor",
        {200: AuditPage},
        auth="required",
        query=(
            Param("action", str, "an action (rejudge, extend, ...)"),
            Param("contest", int, "contest id", minimum=0, maximum=INT64_MAX),
            Param("actor", str, "username of who did it"),
            Param("before", int, "entries older than this id", minimum=0, maximum=INT64_MAX),
            Param("limit", int, "how many", minimum=1, maximum=AUDIT_PAGE),
        ),
        errors=(403,),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
