"""A team's own routes: its members read their team (with the join code they pass on), a
contestant forming a team reads the organizations and groups it may name, and an organiser
changes a team's name, organization and groups."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth, participants, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, not_found, path_int, read_body
from arena.hub.routes_catalogue import public_catalogue
from arena.hub.routes_organise import (
    changed,
    editor,
    resolve_catalogue,
    team_views,
)
from arena.hub.state import hub_state
from arena.protocol.organise import Catalogue, TeamEdit, TeamView
from arena.storage import ranking_cache, team_edit, teams


async def my_team(request: Request) -> Response:
    """The caller's team: only its members get it (its join code lets anyone in)."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    async with state.db.acquire() as conn:
        acting = await teams.contestant_of(conn, info.id, user.id)
        found = None if acting is None else await team_views(conn, info.id, only=acting)
    if not found or found[0].join_code is None:
        raise ApiError(404, "not_found", "you are not in a team of this contest")
    return json(found[0])


async def choices(request: Request) -> Response:
    """What a contestant forming a team may name: every organization, the groups not hidden."""
    state = hub_state(request)
    await auth.require_user(state, request)
    async with state.db.acquire() as conn:
        return json(await public_catalogue(conn))


async def update_team(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await editor(state, request)
    team_user = path_int(request, "team_id")
    body = await read_body(request, TeamEdit)
    async with state.db.acquire() as conn:
        org_id, group_ids = await resolve_catalogue(conn, body.organization, body.groups)
        try:
            made = await team_edit.update_team(
                conn,
                user.id,
                contest_id,
                team_user,
                body.name,
                organization_id=org_id,
                group_ids=group_ids,
            )
        except teams.TeamError as exc:
            status = 409 if isinstance(exc, teams.TeamConflict) else 422
            raise ApiError(status, "refused", str(exc)) from None
        if made is None:
            raise not_found(f"team {team_user} of contest {contest_id}")
        # The board's rows carry the team's name: its row is written again.
        await ranking_cache.refresh_user(conn, state.redis, contest_id, team_user)
        found = await team_views(conn, contest_id, only=team_user)
    await participants.changed(state, contest_id, team_user)
    await changed(state, contest_id, "registration")
    return json(found[0])


_TAGS = ("contests",)
endpoints = [
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/team",
        my_team,
        "The caller's team: its name, members and join code (members only)",
        {200: TeamView},
        auth="required",
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/team-choices",
        choices,
        "The organizations and (not hidden) groups a new team may name",
        {200: Catalogue},
        auth="required",
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/organise/contests/{contest_id}/teams/{team_id}",
        update_team,
        "Change a team's name, organization and groups (until the final results are published)",
        {200: TeamView},
        auth="required",
        body=TeamEdit,
        errors=(403, 409, 422),
        tags=("organise",),
    ),
]
routes = routes_for(endpoints)
