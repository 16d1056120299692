"""A contest's announcements and clarifications: what a contestant reads and asks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.contest import ContestInfo
from arena.hub import auth, moderators, participants, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, path_int, read_body
from arena.hub.state import HubState, hub_state
from arena.protocol import Announcement, AskBody, Clarification, ClarificationUpdate, UserInfo
from arena.protocol.vocabulary import Audience
from arena.storage import events, participation, teams

MAX_QUESTION = 4000
_TAGS = ("contests",)


async def announcements(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    return json(await views.announcements(state, info.id))


async def clarifications(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    jury = await moderators.moderates(state, info.id, user)  # the console's queue
    # A team's questions are its members'.
    acting = await participants.contestant(state, info.id, user)
    async with state.db.acquire() as conn:
        rows = await participation.clarifications(conn, info.id, user_id=acting.id, jury=jury)
    return json([views.clarification(r) for r in rows])


async def ask(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    body = await read_body(request, AskBody, max_bytes=16 * 1024)
    problem_id = None
    if body.problem is not None:
        problem = info.problem_by_label(body.problem)
        if problem is None:
            raise ApiError(422, "bad_problem", f"the contest has no problem {body.problem!r}")
        problem_id = problem.problem_id
    row = await post_question(state, info, user, problem_id, body.question)
    return json(views.clarification(row), 201)


async def post_question(
    state: HubState, info: ContestInfo, user: UserInfo, problem_id: int | None, text: str
) -> participation.ClarificationRow:
    """A registered contestant's question, asked for their team (this route and the Contest
    API's POST share it: the same checks and the same rate limit)."""
    question = text.strip()
    if not question or len(question) > MAX_QUESTION or "\x00" in question:
        raise ApiError(
            422, "bad_question", f"a question has 1 to {MAX_QUESTION} characters (no NUL)"
        )
    if not await participants.is_registered(state, info.id, user, fresh=True):
        raise ApiError(403, "not_registered", "register for the contest to ask")
    if not await auth.allow(state, f"ask:{info.id}:{user.id}", 20, 600):
        raise ApiError(
            429, "rate_limited", "too many questions; wait a few minutes", retry_after_s=600
        )
    async with state.db.acquire() as conn:
        acting = await teams.contestant_of(conn, info.id, user.id) or user.id
        row = await participation.ask(conn, info.id, acting, problem_id, question)
    clarification = views.clarification(row)
    await events.publish(state.redis, info.id, Audience.JURY, ClarificationUpdate(clarification))
    return row


endpoints = [
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
