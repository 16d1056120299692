"""``POST /api/v4/contests/{id}/clarifications`` of the Contest API.

A team (a registered contestant) asks a question, as the hub's own route does: same checks, same
rate limit. The jury (moderators) answers a question (``reply_to_id``; to everyone when
``to_team_id`` is absent, else to the asking team only) or makes an announcement (no
``reply_to_id``, no ``to_team_id``: Arena sends a team a message only as an answer). The answer is
the new clarification as the caller's view of the API shows it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.ccs import live
from arena.ccs.objects import team_id
from arena.ccs.source import View, contest_key, view_for
from arena.ccs.times import abstime, reltime
from arena.contest import ContestInfo
from arena.hub import admin, ccs_auth, moderators, views
from arena.hub.http import ApiError, json, not_found, parse_id, read_body
from arena.hub.routes_questions import post_question
from arena.hub.state import HubState, hub_state
from arena.protocol import Announce, Answer, CcsClarification, CcsClarificationBody, UserInfo
from arena.storage import moderation, participation, teams
from arena.storage.ccs_source import load_source

_MAX_BODY_BYTES = 64 * 1024


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def _problem_id(info: ContestInfo, slug: str | None) -> int | None:
    if slug is None:
        return None
    for problem in info.problems:
        if problem.slug == slug:
            return problem.problem_id
    raise ApiError(422, "bad_problem", f"problem_id: the contest has no problem {slug!r}")


async def _as_shown(
    state: HubState, info: ContestInfo, view: View, made_id: str
) -> CcsClarification:
    async with state.db.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        source = await load_source(conn, info, cutoff_ms=None, live=True, board=False)
    for item in live.clarifications(source, view):
        if item.id == made_id:
            return item
    raise not_found(f"clarification {made_id!r}")  # deleted meanwhile


async def _team_question(
    state: HubState, info: ContestInfo, user: UserInfo, body: CcsClarificationBody
) -> CcsClarification:
    if body.to_team_id is not None:
        raise _bad("to_team_id: a team's clarification goes to the jury")
    if body.reply_to_id is not None:
        raise _bad("reply_to_id: Arena has no follow-up questions; ask a new one")
    async with state.db.acquire() as conn:
        team = await teams.contestant_of(conn, info.id, user.id) or user.id
    if body.from_team_id is not None and body.from_team_id != team_id(team):
        raise ApiError(403, "forbidden", "from_team_id: you can only ask as your own team")
    problem_id = _problem_id(info, body.problem_id)
    row = await post_question(state, info, user, problem_id, body.text)
    return CcsClarification(
        id=str(row.id),
        from_team_id=team_id(row.user_id if row.user_id is not None else team),
        to_team_id=None,
        reply_to_id=None,
        problem_id=body.problem_id,
        text=row.question,
        time=abstime(row.asked_at),
        contest_time=reltime(info.clock.contest_ms(row.asked_at)),
    )


async def _jury_message(
    state: HubState, info: ContestInfo, user: UserInfo, body: CcsClarificationBody
) -> CcsClarification:
    if body.from_team_id is not None:
        raise _bad("from_team_id: the jury's clarifications come from no team")
    view = view_for(info, jury=True, now=views.now())
    try:
        if body.reply_to_id is None:
            if body.to_team_id is not None:
                raise _bad(
                    "to_team_id: Arena sends a team a message only as an answer (reply_to_id)"
                )
            if body.problem_id is not None:
                raise _bad("problem_id: an announcement names no problem")
            made = await admin.announce(state, user, Announce(contest_id=info.id, body=body.text))
            return await _as_shown(state, info, view, "a" + made.removeprefix("announcement "))
        question_id = parse_id(body.reply_to_id)
        row = None
        if question_id is not None:
            async with state.db.acquire() as conn:
                row = await participation.find_clarification(conn, info.id, question_id)
        if row is None or row.user_id is None:
            raise _bad(f"reply_to_id: the contest has no team's question {body.reply_to_id!r}")
        if body.to_team_id not in (None, team_id(row.user_id)):
            raise _bad("to_team_id: an answer goes to the asking team or to everyone")
        if _problem_id(info, body.problem_id) not in (None, row_problem(info, row)):
            raise _bad("problem_id: not the problem of the question answered")
        public = body.to_team_id is None
        await admin.answer(
            state, user, Answer(clarification_id=row.id, answer=body.text, public=public)
        )
    except moderation.ModerationError as exc:
        raise _bad(f"text: {exc}") from None
    return await _as_shown(state, info, view, f"{row.id}-r")


def row_problem(info: ContestInfo, row: participation.ClarificationRow) -> int | None:
    problem = info.problem_by_label(row.label) if row.label is not None else None
    return None if problem is None else problem.problem_id


async def post_clarification(request: Request) -> Response:
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    if user is None:
        raise ApiError(401, "unauthenticated", "log in to send a clarification")
    info = await ccs_auth.contest_for(state, request, user)
    body = await read_body(request, CcsClarificationBody, max_bytes=_MAX_BODY_BYTES)
    if body.id is not None or body.time is not None or body.contest_time is not None:
        raise _bad("id, time and contest_time are set by the server")
    if await moderators.moderates(state, info.id, user):
        made = await _jury_message(state, info, user, body)
    else:
        made = await _team_question(state, info, user, body)
    location = f"/api/v4/contests/{contest_key(info)}/clarifications/{made.id}"
    return json(made, 201, {"Location": location})
