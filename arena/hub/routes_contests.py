"""Contests: listing, details, registration, the leaderboard, clarifications, announcements."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.contest_time import Phase
from arena.hub import auth, http_cache, views
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, path_int, read_body
from arena.hub.routes_problems import contest_statement
from arena.hub.state import HubState
from arena.protocol import (
    Announcement,
    AskBody,
    Clarification,
    ClarificationUpdate,
    ContestList,
    ContestView,
    Leaderboard,
    ProblemDetail,
    json_encoder,
)
from arena.protocol.vocabulary import Audience, Board
from arena.storage import events, participation, ranking_cache

MAX_QUESTION = 4000


def _state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


async def list_contests(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    jury = auth.is_moderator(user)
    async with state.db.acquire() as conn:
        infos = await participation.listed_contests(conn, jury=jury)
        mine = set() if user is None else await participation.registered_contests(conn, user.id)
    buckets: dict[str, list[ContestView]] = {"upcoming": [], "running": [], "ended": []}
    for info in infos:
        view = views.contest_view(info, registered=info.id in mine, jury=jury)
        buckets[view.phase].append(view)
    buckets["upcoming"].reverse()  # soonest first
    return json(
        ContestList(upcoming=buckets["upcoming"], running=buckets["running"], past=buckets["ended"])
    )


# A contest's page as its visitors see it (registered or not, jury or not), encoded once a second.
_contest_pages: http_cache.SharedBuild[tuple[int, bool, bool, int], http_cache.Encoded]
_contest_pages = http_cache.SharedBuild(ttl_s=1.0)


async def get_contest(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    views.require_visible(info, user)
    extra = await views.participation_of(state, info.id, user)
    registered = extra is not None
    jury = auth.is_moderator(user)
    personal = extra or 0

    async def build() -> http_cache.Encoded:
        view = views.contest_view(info, registered=registered, jury=jury, personal_extra_s=personal)
        return http_cache.encoded(json_encoder.encode(view))

    # A contestant with time of their own sees their own end: part of the page's key.
    page = await _contest_pages.get((info.id, registered, jury, personal), build)
    # Before the start a moderator's page lists the problems: nobody keeps it.
    upcoming = info.clock.phase(views.now()) == Phase.UPCOMING
    policy = http_cache.NO_STORE if jury and upcoming else http_cache.PRIVATE
    return http_cache.respond(request, page, policy)


async def register(request: Request) -> Response:
    state = _state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"), fresh=True)
    views.require_visible(info, user)
    if info.clock.phase(views.now()) == Phase.ENDED:
        raise ApiError(409, "contest_ended", "the contest has ended")
    if not info.registration_open:
        raise ApiError(409, "registration_closed", "registration for this contest is closed")
    async with state.db.acquire() as conn:
        if await participation.is_disqualified(conn, info.id, user.id):
            raise ApiError(403, "disqualified", "you are disqualified from this contest")
        created = await participation.register(conn, info.id, user.id)
        if created:
            await ranking_cache.refresh_user(conn, state.redis, info.id, user.id)
    view = views.contest_view(info, registered=True, jury=auth.is_moderator(user))
    return json(view, 201 if created else 200)


async def contest_problem(request: Request) -> Response:
    state = _state(request)
    info = await views.contest(state, path_int(request, "contest_id"))
    label = request.path_params["label"]
    # Decided before any If-None-Match is looked at: a guessed ETag gets the same 403.
    upcoming = info.clock.phase(views.now()) == Phase.UPCOMING
    if info.public and not upcoming:
        # Anyone may read it and it is the same for everyone: who asks is not looked up (the
        # contest start's most frequent request costs no session lookup).
        return http_cache.respond(
            request, await contest_statement(state, info, label), http_cache.PUBLIC
        )
    user = await auth.current_user(state, request)
    views.require_visible(info, user)
    if upcoming and not auth.is_moderator(user):
        raise ApiError(403, "not_started", "the problems are shown when the contest starts")
    statement = await contest_statement(state, info, label)
    # A moderator's preview before the start, or a contest only moderators see.
    policy = http_cache.NO_STORE if upcoming else http_cache.PRIVATE
    return http_cache.respond(request, statement, policy)


async def leaderboard(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    views.require_visible(info, user)
    asked = request.query_params.get("board") or None
    if asked is not None and asked not in tuple(Board):
        raise ApiError(400, "bad_request", "board is public or jury")
    board = Board(asked) if asked else views.board_for(user)
    if board == Board.JURY and not auth.is_moderator(user):
        raise ApiError(403, "forbidden", "the jury board is for moderators")
    page = int_param(request, "page", 1)
    return json(await views.leaderboard(state, info, user, page, board))


async def announcements(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    views.require_visible(info, user)
    return json(await views.announcements(state, info.id))


async def clarifications(request: Request) -> Response:
    state = _state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    views.require_visible(info, user)
    jury = auth.is_moderator(user)
    async with state.db.acquire() as conn:
        rows = await participation.clarifications(conn, info.id, user_id=user.id, jury=jury)
    return json([views.clarification(r) for r in rows])


async def ask(request: Request) -> Response:
    state = _state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    views.require_visible(info, user)
    body = await read_body(request, AskBody, max_bytes=16 * 1024)
    question = body.question.strip()
    if not question or len(question) > MAX_QUESTION or "\x00" in question:
        raise ApiError(
            422, "bad_question", f"a question has 1 to {MAX_QUESTION} characters (no NUL)"
        )
    if not await views.is_registered(state, info.id, user):
        raise ApiError(403, "not_registered", "register for the contest to ask")
    problem_id = None
    if body.problem is not None:
        problem = info.problem_by_label(body.problem)
        if problem is None:
            raise ApiError(422, "bad_problem", f"the contest has no problem {body.problem!r}")
        problem_id = problem.problem_id
    if not await auth.allow(state, f"ask:{info.id}:{user.id}", 20, 600):
        raise ApiError(
            429, "rate_limited", "too many questions; wait a few minutes", retry_after_s=600
        )
    async with state.db.acquire() as conn:
        row = await participation.ask(conn, info.id, user.id, problem_id, question)
    clarification = views.clarification(row)
    await events.publish(state.redis, info.id, Audience.JURY, ClarificationUpdate(clarification))
    return json(clarification, 201)


_PAGE = Param("page", int, "page number", minimum=1, maximum=10**9)
_BOARD = Param("board", str, "jury is for moderators (default: the caller's)", tuple(Board))
_TAGS = ("contests",)
endpoints = [
    Endpoint(
        "GET",
        "/api/contests",
        list_contests,
        "Contests by phase: upcoming (soonest first), running, past",
        {200: ContestList},
        auth="optional",
        tags=_TAGS,
    ),
    *(
        Endpoint(
            "GET",
            path,
            get_contest,
            "A contest; its problems once it has started",
            {200: ContestView},
            auth="optional",
            tags=_TAGS,
        )
        for path in ("/api/contests/{contest_id}", "/contests/{contest_id}/description")
    ),
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/register",
        register,
        "Register for a contest (201; 200 when already registered)",
        {200: ContestView, 201: ContestView},
        auth="required",
        errors=(403, 409),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/problems/{label}",
        contest_problem,
        "A contest problem's statement (from the start; the same for everyone: ETag, 304)",
        {200: ProblemDetail},
        auth="optional",
        errors=(403,),
        tags=_TAGS,
    ),
    *(
        Endpoint(
            "GET",
            path,
            leaderboard,
            "A page of the leaderboard (50 rows), the caller's row and its event seq",
            {200: Leaderboard},
            auth="optional",
            query=(_PAGE, _BOARD),
            errors=(403,),
            tags=_TAGS,
        )
        for path in ("/api/contests/{contest_id}/leaderboard", "/contests/{contest_id}/leaderboard")
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/announcements",
        announcements,
        "The contest's announcements",
        {200: list[Announcement]},
        auth="optional",
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/clarifications",
        clarifications,
        "The caller's own and the public clarifications (moderators: all)",
        {200: list[Clarification]},
        auth="required",
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/clarifications",
        ask,
        "Ask a question (registered contestants)",
        {201: Clarification},
        auth="required",
        body=AskBody,
        errors=(403, 422, 429),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
