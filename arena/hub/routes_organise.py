"""The organisers' routes: the contest editor (create, edit, clone, delete, invite link), teams,
organizations and groups. Admins may do everything; a moderator edits the contests it moderates.
Every change is audited (in its transaction) and broadcast as a ``contest`` event."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from arena.contest_edit import EditRefused
from arena.hub import auth, participants, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, not_found, path_int, read_body
from arena.hub.state import HubState, hub_state
from arena.protocol import ContestChanged, UserInfo
from arena.protocol.organise import (
    CloneBody,
    ContestSettings,
    OrganisedContest,
    TeamBody,
    TeamView,
)
from arena.protocol.vocabulary import Audience
from arena.storage import contest_edit, events, moderation, ranking_cache, teams
from arena.storage.contest_edit import EditableContest

_TAGS = ("organise",)


async def _admin(state: HubState, request: Request) -> UserInfo:
    return await auth.require_admin(
        state, request, "only admins create contests and teams' catalogues"
    )


async def editor(state: HubState, request: Request) -> tuple[UserInfo, int]:
    """The caller, who must be allowed to edit the contest in the path."""
    user = await auth.require_user(state, request)
    contest_id = path_int(request, "contest_id")
    async with state.db.acquire() as conn:
        exists = await contest_edit.load(conn, contest_id) is not None
        allowed = exists and await contest_edit.may_edit(conn, contest_id, user.id, user.role)
    if not exists or (not allowed and not auth.is_moderator(user)):
        raise not_found(f"contest {contest_id}")  # a private contest's existence is private
    if not allowed:
        raise ApiError(403, "forbidden", "only admins and this contest's moderators edit it")
    return user, contest_id


def _refused(exc: EditRefused | teams.TeamError | moderation.ModerationError) -> ApiError:
    return ApiError(
        409 if "submissions" in str(exc) or "cannot" in str(exc) else 422, "refused", str(exc)
    )


async def _organised(state: HubState, made: EditableContest) -> OrganisedContest:
    info = await views.contest(state, made.id, fresh=True)
    return OrganisedContest(
        id=made.id,
        settings=made.settings,
        invite_code=made.invite_code if made.settings.visibility == "invite" else None,
        submissions=made.submissions,
        phase=info.clock.phase(views.now()).value,
    )


async def changed(state: HubState, contest_id: int, reason: str) -> None:
    views.forget_contest(contest_id)
    info = await views.contest(state, contest_id, fresh=True)
    view = views.contest_view(info, registered=False, jury=False)
    await events.publish(state.redis, contest_id, Audience.PUBLIC, ContestChanged(view, reason))


async def list_contests(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_moderator(state, request, "for admins and moderators")
    async with state.db.acquire() as conn:
        ids = await contest_edit.editable_ids(conn, user.id, admin=user.role == "admin")
        loaded = [await contest_edit.load(conn, i) for i in ids]
    return json([await _organised(state, made) for made in loaded if made is not None])


async def create_contest(request: Request) -> Response:
    state = hub_state(request)
    user = await _admin(state, request)
    body = await read_body(request, ContestSettings)
    async with state.db.acquire() as conn:
        try:
            made = await contest_edit.create(conn, user.id, body)
        except EditRefused as exc:
            raise _refused(exc) from None
    return json(await _organised(state, made), 201)


async def get_contest(request: Request) -> Response:
    state = hub_state(request)
    _, contest_id = await editor(state, request)
    async with state.db.acquire() as conn:
        made = await contest_edit.load(conn, contest_id)
    if made is None:
        raise not_found(f"contest {contest_id}")
    return json(await _organised(state, made))


async def update_contest(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await editor(state, request)
    body = await read_body(request, ContestSettings)
    async with state.db.acquire() as conn:
        try:
            made = await contest_edit.update(conn, user.id, contest_id, body, now=views.now())
        except EditRefused as exc:
            raise _refused(exc) from None
        await ranking_cache.rebuild(conn, state.redis, contest_id)  # points, labels, problems
    await changed(state, contest_id, "edited")
    return json(await _organised(state, made))


async def clone_contest(request: Request) -> Response:
    state = hub_state(request)
    user = await _admin(state, request)
    contest_id = path_int(request, "contest_id")
    body = await read_body(request, CloneBody)
    async with state.db.acquire() as conn:
        try:
            made = await contest_edit.clone(conn, user.id, contest_id, body.start, body.name)
        except EditRefused as exc:
            raise _refused(exc) from None
    return json(await _organised(state, made), 201)


async def delete_contest(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await editor(state, request)
    async with state.db.acquire() as conn:
        try:
            await contest_edit.delete(conn, user.id, contest_id)
        except EditRefused as exc:
            raise _refused(exc) from None
    views.forget_contest(contest_id)
    return Response(status_code=204)


async def reset_invite(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await editor(state, request)
    async with state.db.acquire() as conn:
        await contest_edit.new_invite(conn, user.id, contest_id)
        made = await contest_edit.load(conn, contest_id)
    assert made is not None
    return json(await _organised(state, made))


async def team_views(
    conn: asyncpg.Connection, contest_id: int, only: int | None = None
) -> list[TeamView]:
    orgs = {o.id: o.external_id for o in await teams.organizations(conn)}
    groups = {g.id: g.external_id for g in await teams.groups(conn)}
    return [
        TeamView(
            id=t.user_id,
            name=t.name,
            members=[m.username for m in t.members],
            organization=None if t.organization_id is None else orgs[t.organization_id],
            groups=[groups[g] for g in t.group_ids],
            join_code=t.join_code,
            disqualified=t.disqualified,
        )
        for t in await teams.teams(conn, contest_id, only)
    ]


async def list_teams(request: Request) -> Response:
    state = hub_state(request)
    _, contest_id = await editor(state, request)
    async with state.db.acquire() as conn:
        return json(await team_views(conn, contest_id))


async def resolve_catalogue(
    conn: asyncpg.Connection, organization: str | None, group_ids: list[str]
) -> tuple[int | None, list[int]]:
    """Organization and group ids (their external ids) as rows; unknown ones are a 422."""
    try:
        return await teams.resolve_catalogue(conn, organization, group_ids)
    except teams.TeamError as exc:
        raise ApiError(422, "bad_team", str(exc)) from None


async def create_team(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await editor(state, request)
    body = await read_body(request, TeamBody)
    if not body.members:
        raise ApiError(422, "bad_team", "a team has at least one member")
    async with state.db.acquire() as conn:
        ids = await teams.user_ids(conn, body.members)
        missing = [m for m in body.members if m.lower() not in ids]
        if missing:
            raise ApiError(422, "bad_team", f"no user {', '.join(missing)}")
        org_id, group_ids = await resolve_catalogue(conn, body.organization, body.groups)
        leader = ids[body.members[0].lower()]
        try:
            async with conn.transaction():
                await teams.create_team(
                    conn,
                    contest_id,
                    leader,
                    body.name,
                    organization_id=org_id,
                    group_ids=group_ids,
                )
                for member in body.members[1:]:
                    await teams.add_member(conn, contest_id, leader, ids[member.lower()])
                await moderation.audit(
                    conn,
                    user.id,
                    "team_create",
                    contest_id,
                    {"name": body.name, "members": body.members},
                )
        except teams.TeamError as exc:
            raise ApiError(409, "refused", str(exc)) from None
        await ranking_cache.refresh_user(conn, state.redis, contest_id, leader)
        views_now = await team_views(conn, contest_id)
    await participants.changed(state, contest_id, *ids.values())
    await changed(state, contest_id, "registration")
    return json(next(t for t in views_now if t.id == leader), 201)


_BASE = "/api/organise/contests"
endpoints = [
    Endpoint(
        "GET",
        _BASE,
        list_contests,
        "Contests the caller may edit",
        {200: list[OrganisedContest]},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        _BASE,
        create_contest,
        "Create a contest (admins)",
        {201: OrganisedContest},
        auth="required",
        body=ContestSettings,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        _BASE + "/{contest_id}",
        get_contest,
        "A contest's settings (its editors)",
        {200: OrganisedContest},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        _BASE + "/{contest_id}",
        update_contest,
        "Replace a contest's settings; 409 when it would rewrite history",
        {200: OrganisedContest},
        auth="required",
        body=ContestSettings,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "DELETE",
        _BASE + "/{contest_id}",
        delete_contest,
        "Delete a contest that has no submissions",
        {204: None},
        auth="required",
        errors=(403, 409),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        _BASE + "/{contest_id}/clone",
        clone_contest,
        "A new contest with this one's settings and problems (admins)",
        {201: OrganisedContest},
        auth="required",
        body=CloneBody,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        _BASE + "/{contest_id}/invite",
        reset_invite,
        "A new invite code (the old link stops working)",
        {200: OrganisedContest},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        _BASE + "/{contest_id}/teams",
        list_teams,
        "The contest's teams",
        {200: list[TeamView]},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        _BASE + "/{contest_id}/teams",
        create_team,
        "Register a team (its first member is the registration it ranks as)",
        {201: TeamView},
        auth="required",
        body=TeamBody,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
