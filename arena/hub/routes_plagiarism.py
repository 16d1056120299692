"""Moderators' plagiarism checks: start one (a worker runs it), list them, read a report."""

from __future__ import annotations

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, not_found, path_int, read_body
from arena.hub.state import HubState, hub_state
from arena.protocol import UserInfo
from arena.protocol.review import (
    PlagiarismPair,
    PlagiarismReport,
    PlagiarismRequest,
    PlagiarismRun,
    PlagiarismRuns,
    PlagiarismSide,
)
from arena.storage import plagiarism
from arena.storage.queue import enqueue_plagiarism


async def _moderator(state: HubState, request: Request) -> UserInfo:
    return await auth.require_moderator(state, request, "plagiarism checks are for moderators")


def run_view(row: plagiarism.RunRow) -> PlagiarismRun:
    return PlagiarismRun(
        id=row.id,
        contest_id=row.contest_id,
        status=row.status,
        all_submissions=row.all_submissions,
        threshold=row.threshold,
        compared=row.compared,
        pairs=row.pairs,
        message=row.message,
        created_at=views.iso(row.created_at) or "",
        finished_at=views.iso(row.finished_at),
    )


async def start(request: Request) -> Response:
    state = hub_state(request)
    user = await _moderator(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    body = await read_body(request, PlagiarismRequest)
    if not 0 < body.threshold <= 1:
        raise ApiError(422, "invalid", "the threshold is a share above 0 and at most 1")
    async with state.db.acquire() as conn:
        run_id = await plagiarism.create_run(
            conn, info.id, user.id, all_submissions=body.all_submissions, threshold=body.threshold
        )
        try:
            await enqueue_plagiarism(state.redis, run_id)
        except (OSError, RedisError) as exc:
            await plagiarism.mark_failed(conn, run_id, f"could not queue: {exc}")
            raise ApiError(503, "unavailable", "the job queue is unavailable; try again") from None
        row = await plagiarism.run(conn, run_id)
    assert row is not None
    return json(run_view(row), status=202)


async def list_runs(request: Request) -> Response:
    state = hub_state(request)
    await _moderator(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    async with state.db.acquire() as conn:
        rows = await plagiarism.runs(conn, info.id)
    return json(PlagiarismRuns([run_view(r) for r in rows]))


async def get_report(request: Request) -> Response:
    state = hub_state(request)
    await _moderator(state, request)
    contest_id = path_int(request, "contest_id")
    run_id = path_int(request, "run_id")
    async with state.db.acquire() as conn:
        row = await plagiarism.run(conn, run_id)
        if row is None or row.contest_id != contest_id:
            raise not_found(f"plagiarism check {run_id} of contest {contest_id}")
        pairs = await plagiarism.report(conn, run_id)

    def side(s: plagiarism.SideRow) -> PlagiarismSide:
        return PlagiarismSide(s.submission_id, s.user_id, s.username, s.disqualified, s.source)

    return json(
        PlagiarismReport(
            run=run_view(row),
            pairs=[
                PlagiarismPair(p.label, p.language, p.similarity, side(p.a), side(p.b), p.regions)
                for p in pairs
            ],
        )
    )


_TAGS = ("moderation",)
endpoints = [
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/plagiarism",
        start,
        "Moderators: start a plagiarism check of the contest (a worker runs it)",
        {202: PlagiarismRun},
        auth="required",
        body=PlagiarismRequest,
        errors=(403, 422, 503),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/plagiarism",
        list_runs,
        "Moderators: the contest's plagiarism checks, newest first",
        {200: PlagiarismRuns},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/plagiarism/{run_id}",
        get_report,
        "Moderators: a plagiarism check's pairs with both sources and the matched regions",
        {200: PlagiarismReport},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
