"""The board's filters: the organizations and (visible) groups of a contest's teams, and which
teams are in one."""

from __future__ import annotations

from urllib.parse import quote

import asyncpg

from arena.protocol.hub import BoardFilter, BoardFilters, BoardOrganization


def logo_path(external_id: str) -> str:
    """Where the hub serves an organization's logo."""
    return f"/api/organizations/{quote(external_id, safe='')}/logo"


_ORGANIZATIONS = """
    SELECT DISTINCT o.external_id AS id, o.name, o.logo_sha256 IS NOT NULL AS has_logo
    FROM teams t JOIN organizations o ON o.id = t.organization_id
    WHERE t.contest_id = $1 ORDER BY o.name, o.external_id
"""
_GROUPS = """
    SELECT DISTINCT g.external_id AS id, g.name
    FROM team_group_members m JOIN team_groups g ON g.id = m.group_id
    WHERE m.contest_id = $1 AND NOT g.hidden ORDER BY g.name, g.external_id
"""
_TEAMS = """
    SELECT r.user_id FROM registrations r
    LEFT JOIN teams t ON t.contest_id = r.contest_id AND t.user_id = r.user_id
    LEFT JOIN organizations o ON o.id = t.organization_id
    WHERE r.contest_id = $1
      AND ($2::text IS NULL OR o.external_id = $2)
      AND ($3::text IS NULL OR EXISTS (
          SELECT 1 FROM team_group_members m JOIN team_groups g ON g.id = m.group_id
          WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id AND g.external_id = $3))
"""


async def options(conn: asyncpg.Connection, contest_id: int) -> BoardFilters:
    organizations = [
        BoardOrganization(r["id"], r["name"], logo_path(r["id"]) if r["has_logo"] else None)
        for r in await conn.fetch(_ORGANIZATIONS, contest_id)
    ]
    groups = [BoardFilter(r["id"], r["name"]) for r in await conn.fetch(_GROUPS, contest_id)]
    return BoardFilters(organizations=organizations, groups=groups)


async def teams_in(
    conn: asyncpg.Connection, contest_id: int, *, organization: str | None, group: str | None
) -> list[int]:
    """The registrations (teams) in the organization and the group (None: any)."""
    rows = await conn.fetch(_TEAMS, contest_id, organization, group)
    return [r["user_id"] for r in rows]
