"""The organisers' catalogue of organizations and groups, and what of it a contestant forming a
team may name (the hidden groups are for a contest's moderators)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, read_body
from arena.hub.state import HubState, hub_state
from arena.protocol import UserInfo
from arena.protocol.organise import Catalogue, GroupBody, OrganizationBody
from arena.storage import moderation, teams

_TAGS = ("organise",)
_Entry = TypeVar("_Entry", OrganizationBody, GroupBody)


async def _admin(state: HubState, request: Request) -> UserInfo:
    return await auth.require_admin(state, request, "only admins edit teams' catalogues")


async def catalogue(request: Request) -> Response:
    state = hub_state(request)
    await auth.require_moderator(state, request, "for admins and moderators")
    async with state.db.acquire() as conn:
        return json(await _catalogue(conn))


async def _catalogue(conn: asyncpg.Connection, *, hidden: bool = True) -> Catalogue:
    """Every organization and group; ``hidden=False``: without the hidden groups, and without
    saying which are (what a contestant forming a team may name)."""
    return Catalogue(
        organizations=[
            OrganizationBody(
                id=o.external_id, name=o.name, formal_name=o.formal_name, country=o.country
            )
            for o in await teams.organizations(conn)
        ],
        groups=[
            GroupBody(id=g.external_id, name=g.name, hidden=g.hidden if hidden else False)
            for g in await teams.groups(conn)
            if hidden or not g.hidden
        ],
    )


async def public_catalogue(conn: asyncpg.Connection) -> Catalogue:
    return await _catalogue(conn, hidden=False)


async def _save(
    request: Request,
    kind: type[_Entry],
    action: str,
    write: Callable[[asyncpg.Connection, _Entry], Awaitable[None]],
) -> Response:
    """One catalogue entry written and audited together; a refusal (a taken name) is a 422."""
    state = hub_state(request)
    user = await _admin(state, request)
    body = await read_body(request, kind)
    async with state.db.acquire() as conn:
        try:
            async with conn.transaction():
                await write(conn, body)
                await moderation.audit(conn, user.id, action, None, {"id": body.id})
        except teams.TeamError as exc:
            raise ApiError(422, "refused", str(exc)) from None
        return json(await _catalogue(conn))


async def _write_organization(conn: asyncpg.Connection, body: OrganizationBody) -> None:
    await teams.save_organization(
        conn, body.id, body.name, formal_name=body.formal_name, country=body.country
    )


async def _write_group(conn: asyncpg.Connection, body: GroupBody) -> None:
    await teams.save_group(conn, body.id, body.name, hidden=body.hidden)


async def save_organization(request: Request) -> Response:
    return await _save(request, OrganizationBody, "organization_save", _write_organization)


async def save_group(request: Request) -> Response:
    return await _save(request, GroupBody, "group_save", _write_group)


endpoints = [
    Endpoint(
        "GET",
        "/api/organise/catalogue",
        catalogue,
        "Organizations and groups",
        {200: Catalogue},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/organise/organizations",
        save_organization,
        "Create or update an organization (admins)",
        {200: Catalogue},
        auth="required",
        body=OrganizationBody,
        errors=(403, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/organise/groups",
        save_group,
        "Create or update a group (admins)",
        {200: Catalogue},
        auth="required",
        body=GroupBody,
        errors=(403, 422),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
