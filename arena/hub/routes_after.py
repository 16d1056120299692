"""After a contest: virtual participation and upsolving (#17.2, #17.3).

Both open only once the contest is over for every contestant and its board is public (no freeze,
or revealed). Their submissions are judged as any other but carry no ``contest_id``, so they can
never reach the official board, the final results or the ratings (arena/storage/after_contest.py).
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from arena.contest import ContestInfo
from arena.hub import auth, idempotency, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, path_int, read_body
from arena.hub.routes_submissions import _check_source, _rate_limit
from arena.hub.state import HubState, hub_state
from arena.protocol import Accepted, SubmitBody, UserInfo
from arena.protocol.hub import ReplayBoard, VirtualView
from arena.storage import after_contest
from arena.storage.ranking_cache import RankedRow


async def _finished(state: HubState, request: Request) -> tuple[ContestInfo, UserInfo | None]:
    """The contest, once over for everyone and public; else 403 saying what is missing."""
    user = await auth.current_user(state, request)
    # Fresh: a reveal a moment ago opens it at once on every hub.
    info = await views.contest(state, path_int(request, "contest_id"), fresh=True)
    await views.require_visible(state, info, user)
    async with state.db.acquire() as conn:
        over = await after_contest.over_for_everyone(conn, info.id)
    if not over:
        raise ApiError(403, "not_over", "the contest is not over yet")
    if info.clock.public_cutoff() is not None:
        raise ApiError(403, "not_revealed", "the contest's frozen board is not revealed yet")
    return info, user


def _duration_s(info: ContestInfo) -> int:
    return info.clock.duration_s + info.clock.extra_s


def _view(
    info: ContestInfo, virtual: after_contest.VirtualParticipation, at_ms: int
) -> VirtualView:
    duration_s = _duration_s(info)
    elapsed_s = min(duration_s, max(0, at_ms // 1000))
    return VirtualView(
        id=virtual.id,
        contest_id=info.id,
        started_at=views.iso(virtual.started_at) or "",
        ends_at=views.iso(virtual.started_at + timedelta(seconds=duration_s)) or "",
        duration_s=duration_s,
        elapsed_s=elapsed_s,
        running=at_ms < duration_s * 1000,
    )


async def _mine(
    state: HubState, info: ContestInfo, user: UserInfo
) -> tuple[after_contest.VirtualParticipation, int]:
    """The caller's virtual participation and the milliseconds since its start (Postgres)."""
    async with state.db.acquire() as conn:
        virtual = await after_contest.virtual_of(conn, info.id, user.id)
        at = await after_contest.now(conn)
    if virtual is None:
        raise ApiError(404, "not_found", f"no virtual participation in contest {info.id}")
    return virtual, (at - virtual.started_at) // timedelta(milliseconds=1)


async def start_virtual(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info, _ = await _finished(state, request)
    async with state.db.acquire() as conn:
        if await after_contest.took_part(conn, info.id, user.id):
            raise ApiError(409, "took_part", "you took part in this contest: upsolve it instead")
        try:
            virtual = await after_contest.start_virtual(conn, info.id, user.id)
        except after_contest.AlreadyStarted as exc:
            raise ApiError(409, "already_started", str(exc)) from None
    return json(_view(info, virtual, 0), 201)


async def get_virtual(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    virtual, elapsed_ms = await _mine(state, info, user)
    return json(_view(info, virtual, elapsed_ms))


async def _submit(
    request: Request, state: HubState, user: UserInfo, info: ContestInfo, **mark: int
) -> Response:
    body = await read_body(request, SubmitBody)
    problem = info.problem_by_label(body.problem)
    if problem is None:
        labels = [p.label for p in info.problems]
        raise ApiError(
            422, "bad_problem", f"the contest has no problem {body.problem!r}", allowed=labels
        )
    source = body.source.encode()
    _check_source(state, body.language, source)
    await _rate_limit(state, user, f"after:{info.id}")
    submission_id = await idempotency.submit(
        state, user, problem.problem_id, body.language, source, None, **mark
    )
    return json(Accepted(submission_id), 202)


async def virtual_submit(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info, _ = await _finished(state, request)
    virtual, elapsed_ms = await _mine(state, info, user)
    if elapsed_ms >= _duration_s(info) * 1000:
        raise ApiError(403, "not_running", "your virtual contest is over: upsolve instead")
    return await _submit(request, state, user, info, virtual_id=virtual.id)


async def upsolve_submit(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info, _ = await _finished(state, request)
    return await _submit(request, state, user, info, upsolve_contest_id=info.id)


async def _board(
    state: HubState,
    info: ContestInfo,
    ranked: list[RankedRow],
    kind: str,
    *,
    elapsed_s: int | None = None,
    frozen: bool = False,
    virtual_user_id: int | None = None,
) -> Response:
    rated = await views.ratings_of(state, [r.user_id for r in ranked])
    rows = [views.board_row(info, r, {}, rated) for r in ranked]
    return json(
        ReplayBoard(
            contest_id=info.id,
            kind=kind,
            elapsed_s=elapsed_s,
            frozen=frozen,
            virtual_user_id=virtual_user_id,
            rows=rows,
        )
    )


async def virtual_board(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    virtual, elapsed_ms = await _mine(state, info, user)
    elapsed_ms = min(max(0, elapsed_ms), _duration_s(info) * 1000)
    async with state.db.acquire() as conn:
        ranked = await after_contest.virtual_board(conn, info, virtual, elapsed_ms)
    freeze = info.clock.freeze_time()
    frozen = freeze is not None and elapsed_ms > info.clock.contest_ms(freeze)
    return await _board(
        state,
        info,
        ranked,
        "virtual",
        elapsed_s=elapsed_ms // 1000,
        frozen=frozen,
        virtual_user_id=user.id,
    )


async def upsolve_board(request: Request) -> Response:
    state = hub_state(request)
    info, _ = await _finished(state, request)
    async with state.db.acquire() as conn:
        ranked = await after_contest.upsolve_board(conn, info)
    return await _board(state, info, ranked, "upsolve")


_TAGS = ("after the contest",)
endpoints = [
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/virtual",
        start_virtual,
        "Start the contest virtually (once it is over for everyone and revealed): its full"
        " duration from now",
        {201: VirtualView},
        auth="required",
        errors=(403, 404, 409),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/virtual",
        get_virtual,
        "The caller's virtual participation",
        {200: VirtualView},
        auth="required",
        errors=(404,),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/virtual/submissions",
        virtual_submit,
        "Submit in the caller's running virtual contest (never official)",
        {202: Accepted},
        body=SubmitBody,
        auth="required",
        errors=(403, 404, 422, 429),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/virtual/board",
        virtual_board,
        "The real contestants as they stood at the caller's elapsed time, with the virtual row",
        {200: ReplayBoard},
        auth="required",
        errors=(404,),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/upsolve",
        upsolve_submit,
        "Submit a contest problem after the end and the reveal (never official)",
        {202: Accepted},
        body=SubmitBody,
        auth="required",
        errors=(403, 404, 422, 429),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/upsolve/board",
        upsolve_board,
        "The upsolve board: official and upsolve submissions together",
        {200: ReplayBoard},
        auth="optional",
        errors=(403, 404),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
