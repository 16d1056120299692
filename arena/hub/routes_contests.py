"""Contests: listing, details, registration, the leaderboard (questions and announcements:
``routes_questions``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from arena.contest_time import Phase
from arena.hub import auth, http_cache, moderators, participants, views
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, path_int, read_body
from arena.hub.routes_organise import resolve_catalogue
from arena.hub.routes_problems import LANG_PARAM, asked_lang, contest_statement
from arena.hub.state import hub_state
from arena.protocol import (
    ContestList,
    ContestView,
    Leaderboard,
    ProblemDetail,
    UserInfo,
    json_encoder,
)
from arena.protocol.hub import BoardFilters
from arena.protocol.organise import InviteTarget, RegisterBody
from arena.protocol.vocabulary import Board
from arena.storage import (
    board_filters,
    contest_edit,
    moderation,
    participation,
    ranking_cache,
    teams,
)
from arena.storage import moderators as moderator_rows


async def list_contests(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    jury = auth.is_moderator(user)
    async with state.db.acquire() as conn:
        infos = await participation.listed_contests(
            conn, jury=jury, user_id=None if user is None else user.id
        )
        mine = set() if user is None else await participation.registered_contests(conn, user.id)
        moderated = (
            set() if user is None else set(await moderator_rows.listed_contests(conn, user.id))
        )
    buckets: dict[str, list[ContestView]] = {"upcoming": [], "running": [], "ended": []}
    for info in infos:
        view = views.contest_view(
            info, registered=info.id in mine, jury=jury or info.id in moderated
        )
        buckets[view.phase].append(view)
    buckets["upcoming"].reverse()  # soonest first
    return json(
        ContestList(upcoming=buckets["upcoming"], running=buckets["running"], past=buckets["ended"])
    )


# A contest's page as its visitors see it (registered or not, jury or not), encoded once a second.
_contest_pages: http_cache.SharedBuild[tuple[int, bool, bool, int], http_cache.Encoded]
_contest_pages = http_cache.SharedBuild(ttl_s=1.0)


async def get_contest(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    extra = await participants.participation_of(state, info.id, user)
    registered = extra is not None
    jury = await moderators.moderates(state, info.id, user)
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
    """Alone (no body), as a new team (``team_name``) or into a team (``join_code``); an
    invite-only contest takes its ``invite`` code from someone who is not yet inside."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    body = RegisterBody()
    if await request.body():
        body = await read_body(request, RegisterBody)
    info = await views.contest(state, path_int(request, "contest_id"), fresh=True)
    invited = False
    async with state.db.acquire() as conn:
        if body.invite is not None and info.visibility == "invite":
            invited = await contest_edit.contest_of_invite(conn, body.invite) == info.id
        if body.join_code:  # a team's code lets its members in, whatever the visibility
            invited = invited or await teams.team_of_code(conn, info.id, body.join_code)
    if not invited:
        await views.require_visible(state, info, user)
    # Private: the organisers register teams; the ones inside are registered already. Not a
    # contest's own judge either: they would compete seeing its problems and jury board early.
    private = info.visibility == "private" and not auth.is_moderator(user) and not invited
    if private and not await participants.is_registered(state, info.id, user, fresh=True):
        raise ApiError(403, "invite_only", "the organisers register teams for this contest")
    at = views.now()
    if info.clock.phase(at) == Phase.ENDED:
        raise ApiError(409, "contest_ended", "the contest has ended")
    if not info.registration_open:
        raise ApiError(409, "registration_closed", "registration for this contest is closed")
    if info.registration_start is not None and at < info.registration_start:
        opens = views.iso(info.registration_start)
        raise ApiError(409, "registration_closed", f"registration opens at {opens}")
    if info.registration_end is not None and at > info.registration_end:
        raise ApiError(409, "registration_closed", "registration for this contest has closed")
    jury = await moderators.moderates(state, info.id, user)  # may name hidden groups
    async with state.db.acquire() as conn:
        if await participation.is_disqualified(conn, info.id, user.id):
            raise ApiError(403, "disqualified", "you are disqualified from this contest")
        try:
            async with conn.transaction():
                created, acting = await _register(conn, info.id, user, body, jury=jury)
        except teams.TeamError as exc:
            raise ApiError(409, "team_refused", str(exc)) from None
        if created:
            await ranking_cache.refresh_user(conn, state.redis, info.id, acting)
    if created:  # the pages and sockets of every hub see the registration at once
        await participants.changed(state, info.id, user.id, acting)
    view = views.contest_view(info, registered=True, jury=jury)
    return json(view, 201 if created else 200)


async def _register(
    conn: Any, contest_id: int, user: UserInfo, body: RegisterBody, *, jury: bool
) -> tuple[bool, int]:
    """Whether this made a new registration or membership, and the registration acted as."""
    if body.join_code:
        before = await teams.contestant_of(conn, contest_id, user.id)
        team_user = await teams.join_by_code(conn, contest_id, user.id, body.join_code)
        await moderation.audit(conn, user.id, "team_join", contest_id, {"team": team_user})
        return before != team_user, team_user
    if body.team_name:
        org_id, group_ids = await resolve_catalogue(conn, body.organization, body.groups)
        hidden = {g.id for g in await teams.groups(conn) if g.hidden}
        if not jury and hidden.intersection(group_ids):
            # A hidden group (observers, say) is the organisers' to give.
            raise ApiError(422, "bad_team", "that group is assigned by the organisers")
        before = await teams.contestant_of(conn, contest_id, user.id)
        await teams.create_team(
            conn,
            contest_id,
            user.id,
            body.team_name,
            organization_id=org_id,
            group_ids=group_ids,
        )
        return before is None, user.id
    acting = await teams.contestant_of(conn, contest_id, user.id)
    if acting is not None:
        return False, acting
    return await participation.register(conn, contest_id, user.id), user.id


async def invite_target(request: Request) -> Response:
    """Which contest an invite code opens (its name only), for the join page."""
    state = hub_state(request)
    await auth.require_user(state, request)
    async with state.db.acquire() as conn:
        found = await contest_edit.invite_contest(conn, request.path_params["code"])
    if found is None:
        raise ApiError(404, "not_found", "this invite link is not valid (any more)")
    return json(InviteTarget(*found))


async def contest_problem(request: Request) -> Response:
    state = hub_state(request)
    info = await views.contest(state, path_int(request, "contest_id"))
    label = request.path_params["label"]
    lang = asked_lang(request)
    # Decided before any If-None-Match is looked at: a guessed ETag gets the same 403.
    upcoming = info.clock.phase(views.now()) == Phase.UPCOMING
    if info.public and not upcoming:
        # Anyone may read it and it is the same for everyone: who asks is not looked up (the
        # contest start's most frequent request costs no session lookup).
        return http_cache.respond(
            request, await contest_statement(state, info, label, lang), http_cache.PUBLIC
        )
    user = await auth.current_user(state, request)
    await views.require_visible(state, info, user)
    if upcoming and not await moderators.moderates(state, info.id, user):
        raise ApiError(403, "not_started", "the problems are shown when the contest starts")
    statement = await contest_statement(state, info, label, lang)
    # A moderator's preview before the start, or a contest only moderators see.
    policy = http_cache.NO_STORE if upcoming else http_cache.PRIVATE
    return http_cache.respond(request, statement, policy)


async def leaderboard(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    asked = request.query_params.get("board") or None
    if asked is not None and asked not in tuple(Board):
        raise ApiError(400, "bad_request", "board is public or jury")
    board = Board(asked) if asked else await views.board_for(state, info.id, user)
    if asked == Board.JURY and not await moderators.moderates(state, info.id, user):
        raise ApiError(403, "forbidden", "the jury board is for this contest's moderators")
    page = int_param(request, "page", 1)
    organization = request.query_params.get("organization") or None
    group = request.query_params.get("group") or None
    if organization is not None or group is not None:
        async with state.db.acquire() as conn:
            known = await board_filters.options(conn, info.id)
        for name, wanted, choices in (
            ("organization", organization, known.organizations),
            ("group", group, known.groups),
        ):
            if wanted is not None and wanted not in {c.id for c in choices}:
                raise ApiError(
                    422, f"bad_{name}", f"no team of the contest is in {name} {wanted!r}"
                )
    found = await views.leaderboard(
        state, info, user, page, board, organization=organization, group=group
    )
    return json(found)


async def filters(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    async with state.db.acquire() as conn:
        return json(await board_filters.options(conn, info.id))


_PAGE = Param("page", int, "page number", minimum=1, maximum=10**9)
_ORGANIZATION = Param("organization", str, "only the teams of this organization (its id)")
_GROUP = Param("group", str, "only the teams of this group (its id)")
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
        "Register for a contest alone, as a new team or into a team (201; 200 when already)",
        {200: ContestView, 201: ContestView},
        auth="required",
        body=RegisterBody,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/invites/{code}",
        invite_target,
        "The contest an invite code opens",
        {200: InviteTarget},
        auth="required",
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/problems/{label}",
        contest_problem,
        "A contest problem's statement (from the start; the same for everyone: ETag, 304), in"
        " an offered language (lang)",
        {200: ProblemDetail},
        auth="optional",
        query=(LANG_PARAM,),
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
            query=(_PAGE, _BOARD, _ORGANIZATION, _GROUP),
            errors=(403, 422),
            tags=_TAGS,
        )
        for path in ("/api/contests/{contest_id}/leaderboard", "/contests/{contest_id}/leaderboard")
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/board-filters",
        filters,
        "The organizations and groups of the contest's teams the board can be filtered by",
        {200: BoardFilters},
        auth="optional",
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
