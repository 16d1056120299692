"""Teams, organizations and groups.

A team ranks, submits and is shown under one registration, its first member's (``user_id``): the
board, the ranking and the Contest API keep one integer per contestant, and a user registering
alone stays a registration without a team row (a one-person team named after the user). Every
other member acts as that registration: ``contestant_of`` is the one place that maps them.
"""

from __future__ import annotations

import re
import secrets

import asyncpg
import msgspec


class TeamError(ValueError):
    """A team change that cannot be made as asked; the message says why."""


class TeamConflict(TeamError):
    """Refused by the state things are in (a name taken, a member elsewhere, results final),
    not by what was asked: an HTTP 409 where the rest are a 422."""


class Organization(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    external_id: str
    name: str
    formal_name: str | None = None
    country: str | None = None
    logo_sha256: str | None = None
    logo_mime: str | None = None


class Group(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    external_id: str
    name: str
    hidden: bool = False


class Member(msgspec.Struct, frozen=True):
    user_id: int
    username: str


class Team(msgspec.Struct, frozen=True, kw_only=True):
    user_id: int  # the registration the team ranks as
    external_id: str | None
    name: str
    organization_id: int | None
    group_ids: list[int]
    members: list[Member]
    join_code: str | None
    disqualified: bool


def new_code() -> str:
    return secrets.token_urlsafe(9)


async def contestant_of(conn: asyncpg.Connection, contest_id: int, user_id: int) -> int | None:
    """The registration the user acts as in the contest (its team's, or its own), or None."""
    found: int | None = await conn.fetchval(
        "SELECT COALESCE((SELECT team_user FROM team_members WHERE contest_id = $1"
        " AND member_id = $2), (SELECT user_id FROM registrations WHERE contest_id = $1"
        " AND user_id = $2))",
        contest_id,
        user_id,
    )
    return found


async def member_ids(conn: asyncpg.Connection, contest_id: int, team_user: int) -> list[int]:
    """Who acts as the registration: its team's members, or the user alone."""
    rows = await conn.fetch(
        "SELECT member_id FROM team_members WHERE contest_id = $1 AND team_user = $2"
        " ORDER BY member_id",
        contest_id,
        team_user,
    )
    return [r["member_id"] for r in rows] or [team_user]


async def _register(conn: asyncpg.Connection, contest_id: int, user_id: int) -> None:
    await conn.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        contest_id,
        user_id,
    )


async def create_team(
    conn: asyncpg.Connection,
    contest_id: int,
    leader_id: int,
    name: str,
    *,
    organization_id: int | None = None,
    group_ids: list[int] | None = None,
    external_id: str | None = None,
) -> Team:
    """Registers the leader (if need be) and makes its registration a team of one."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise TeamError("a team name has 1 to 100 characters")
    other = await conn.fetchval(
        "SELECT team_user FROM team_members WHERE contest_id = $1 AND member_id = $2",
        contest_id,
        leader_id,
    )
    if other is not None and other != leader_id:
        raise TeamConflict("you are already a member of another team in this contest")
    taken = await conn.fetchval(
        "SELECT true FROM teams WHERE contest_id = $1 AND lower(name) = lower($2)"
        " AND user_id <> $3",
        contest_id,
        name,
        leader_id,
    )
    if taken:
        raise TeamConflict(f"a team named {name!r} is already registered")
    await _register(conn, contest_id, leader_id)
    await conn.execute(
        "INSERT INTO teams (contest_id, user_id, name, organization_id, external_id, join_code)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (contest_id, user_id) DO UPDATE SET"
        " name = excluded.name, organization_id = excluded.organization_id,"
        " external_id = COALESCE(excluded.external_id, teams.external_id)",
        contest_id,
        leader_id,
        name,
        organization_id,
        external_id,
        new_code(),
    )
    await conn.execute(
        "INSERT INTO team_members (contest_id, member_id, team_user) VALUES ($1, $2, $2)"
        " ON CONFLICT DO NOTHING",
        contest_id,
        leader_id,
    )
    if group_ids is not None:
        await set_groups(conn, contest_id, leader_id, group_ids)
    made = await team(conn, contest_id, leader_id)
    assert made is not None
    return made


async def add_member(
    conn: asyncpg.Connection, contest_id: int, team_user: int, member_id: int
) -> None:
    """Adds a user to a team: refused past the contest's team size, for a user who is already in
    a team, or who registered alone and submitted (those submissions are the user's own)."""
    size, limit = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM team_members WHERE contest_id = $1 AND team_user = $2),"
        " (SELECT max_team_size FROM contests WHERE id = $1)",
        contest_id,
        team_user,
    )
    current = await contestant_of(conn, contest_id, member_id)
    if current == team_user:
        return
    if current is not None:
        submitted = await conn.fetchval(
            "SELECT true FROM submissions WHERE contest_id = $1 AND user_id = $2 LIMIT 1",
            contest_id,
            member_id,
        )
        joined = await conn.fetchval(
            "SELECT true FROM team_members WHERE contest_id = $1 AND member_id = $2",
            contest_id,
            member_id,
        )
        if joined or submitted:
            raise TeamConflict("that user already takes part in this contest in another team")
        await conn.execute(
            "DELETE FROM registrations WHERE contest_id = $1 AND user_id = $2",
            contest_id,
            member_id,
        )
    if size >= limit:
        raise TeamError(f"a team has at most {limit} members in this contest")
    await conn.execute(
        "INSERT INTO team_members (contest_id, member_id, team_user) VALUES ($1, $2, $3)",
        contest_id,
        member_id,
        team_user,
    )


async def join_by_code(conn: asyncpg.Connection, contest_id: int, member_id: int, code: str) -> int:
    """The team whose join code this is gets the user; returns the team's registration."""
    team_user: int | None = await conn.fetchval(
        "SELECT user_id FROM teams WHERE contest_id = $1 AND join_code = $2", contest_id, code
    )
    if team_user is None:
        raise TeamError("no team of this contest has that join code")
    await add_member(conn, contest_id, team_user, member_id)
    return team_user


async def team_of_code(conn: asyncpg.Connection, contest_id: int, code: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM teams WHERE contest_id = $1 AND join_code = $2", contest_id, code
        )
    )


async def set_groups(
    conn: asyncpg.Connection, contest_id: int, team_user: int, group_ids: list[int]
) -> None:
    await conn.execute(
        "DELETE FROM team_group_members WHERE contest_id = $1 AND team_user = $2",
        contest_id,
        team_user,
    )
    await conn.executemany(
        "INSERT INTO team_group_members (contest_id, team_user, group_id) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        [(contest_id, team_user, g) for g in group_ids],
    )


_TEAMS = """
SELECT r.user_id, r.disqualified, t.external_id, COALESCE(t.name, u.username) AS name,
       t.organization_id, t.join_code,
       COALESCE((SELECT array_agg(g.group_id ORDER BY g.group_id) FROM team_group_members g
                 WHERE g.contest_id = r.contest_id AND g.team_user = r.user_id), '{}') AS groups,
       COALESCE((SELECT array_agg(m.member_id ORDER BY m.member_id) FROM team_members m
                 WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id), '{}') AS members
FROM registrations r JOIN users u ON u.id = r.user_id
LEFT JOIN teams t ON t.contest_id = r.contest_id AND t.user_id = r.user_id
WHERE r.contest_id = $1 AND ($2::bigint IS NULL OR r.user_id = $2)
ORDER BY r.user_id
"""


async def teams(conn: asyncpg.Connection, contest_id: int, only: int | None = None) -> list[Team]:
    """Every registration as a team (a lone user: a team of one named after the user)."""
    rows = await conn.fetch(_TEAMS, contest_id, only)
    ids = {m for r in rows for m in r["members"]} | {r["user_id"] for r in rows}
    names = {
        r["id"]: r["username"]
        for r in await conn.fetch(
            "SELECT id, username FROM users WHERE id = ANY($1::bigint[])", list(ids)
        )
    }
    return [
        Team(
            user_id=r["user_id"],
            external_id=r["external_id"],
            name=r["name"],
            organization_id=r["organization_id"],
            group_ids=list(r["groups"]),
            members=[Member(m, names[m]) for m in (r["members"] or [r["user_id"]])],
            join_code=r["join_code"],
            disqualified=r["disqualified"],
        )
        for r in rows
    ]


async def team(conn: asyncpg.Connection, contest_id: int, team_user: int) -> Team | None:
    found = await teams(conn, contest_id, team_user)
    return found[0] if found else None


async def user_ids(conn: asyncpg.Connection, usernames: list[str]) -> dict[str, int]:
    """Lower-cased username -> id, for the names that exist."""
    rows = await conn.fetch(
        "SELECT id, username FROM users WHERE lower(username) = ANY($1::text[])",
        [m.lower() for m in usernames],
    )
    return {r["username"].lower(): r["id"] for r in rows}


async def resolve_catalogue(
    conn: asyncpg.Connection, organization: str | None, group_ids: list[str]
) -> tuple[int | None, list[int]]:
    """An organization's and groups' ids (named by their external ids); unknown ones refused."""
    org_id = None
    if organization:
        org_id = await conn.fetchval(
            "SELECT id FROM organizations WHERE external_id = $1", organization
        )
        if org_id is None:
            raise TeamError(f"no organization {organization!r}")
    found = {
        r["external_id"]: r["id"]
        for r in await conn.fetch(
            "SELECT id, external_id FROM team_groups WHERE external_id = ANY($1::text[])",
            group_ids,
        )
    }
    missing = [g for g in group_ids if g not in found]
    if missing:
        raise TeamError(f"no group {', '.join(missing)}")
    return org_id, [found[g] for g in group_ids]


async def organizations(conn: asyncpg.Connection) -> list[Organization]:
    rows = await conn.fetch(
        "SELECT id, external_id, name, formal_name, country, logo_sha256, logo_mime"
        " FROM organizations ORDER BY id"
    )
    return [Organization(**dict(r)) for r in rows]


async def groups(conn: asyncpg.Connection) -> list[Group]:
    rows = await conn.fetch("SELECT id, external_id, name, hidden FROM team_groups ORDER BY id")
    return [Group(**dict(r)) for r in rows]


# The Contest API's identifiers: ASCII, and no dot first (no '.' or '..' as a path segment).
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def _check_external(external_id: str) -> str:
    external_id = external_id.strip()
    if not external_id or len(external_id) > 36 or not _EXTERNAL_ID.fullmatch(external_id):
        raise TeamError(
            f"bad id {external_id!r}: 1 to 36 ASCII letters, digits, '_', '-' or '.',"
            " not starting with '.'"
        )
    return external_id


async def save_organization(
    conn: asyncpg.Connection,
    external_id: str,
    name: str,
    *,
    formal_name: str | None = None,
    country: str | None = None,
    logo: tuple[str, str] | None = None,
) -> Organization:
    """Creates or updates the organization with this id; ``logo``: (blob sha256, mime type)."""
    external_id = _check_external(external_id)
    if not name.strip():
        raise TeamError("an organization needs a name")
    if country is not None and (len(country) != 3 or not country.isalpha()):
        raise TeamError(f"country {country!r}: an ISO 3166-1 alpha-3 code such as NLD")
    row = await conn.fetchrow(
        "INSERT INTO organizations (external_id, name, formal_name, country, logo_sha256,"
        " logo_mime) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (external_id) DO UPDATE SET"
        " name = excluded.name, formal_name = excluded.formal_name, country = excluded.country,"
        " logo_sha256 = COALESCE(excluded.logo_sha256, organizations.logo_sha256),"
        " logo_mime = COALESCE(excluded.logo_mime, organizations.logo_mime)"
        " RETURNING id, external_id, name, formal_name, country, logo_sha256, logo_mime",
        external_id,
        name.strip(),
        formal_name,
        None if country is None else country.upper(),
        None if logo is None else logo[0],
        None if logo is None else logo[1],
    )
    return Organization(**dict(row))


async def save_group(
    conn: asyncpg.Connection, external_id: str, name: str, *, hidden: bool = False
) -> Group:
    external_id = _check_external(external_id)
    if not name.strip():
        raise TeamError("a group needs a name")
    row = await conn.fetchrow(
        "INSERT INTO team_groups (external_id, name, hidden) VALUES ($1, $2, $3)"
        " ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, hidden = excluded.hidden"
        " RETURNING id, external_id, name, hidden",
        external_id,
        name.strip(),
        hidden,
    )
    return Group(**dict(row))
