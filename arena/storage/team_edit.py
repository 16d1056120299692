"""An organiser's change to a registered team: its name, organization and groups.

The organization and groups decide the board's filters and the awards of the final results, so
they may change until the results are final; after that a change would rewrite what was
published, and is refused (a rejudge or a disqualification reopens the results first).
"""

from __future__ import annotations

import asyncpg

from arena.storage import moderation, teams


async def update_team(
    conn: asyncpg.Connection,
    actor_id: int,
    contest_id: int,
    team_user: int,
    name: str,
    *,
    organization_id: int | None,
    group_ids: list[int],
) -> teams.Team | None:
    """The team as changed; None when the contest has no such registration. A lone contestant
    becomes a team of one (with a join code) under the new name."""
    async with conn.transaction():
        # finalize's lock: a finalize in progress either sees the change or refuses it here.
        await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        found = await conn.fetchrow(
            "SELECT c.finalized_at IS NOT NULL AS final, t.name, t.organization_id FROM contests c"
            " JOIN registrations r ON r.contest_id = c.id AND r.user_id = $2"
            " LEFT JOIN teams t ON t.contest_id = c.id AND t.user_id = $2 WHERE c.id = $1",
            contest_id,
            team_user,
        )
        if found is None or await teams.contestant_of(conn, contest_id, team_user) != team_user:
            return None
        if found["final"]:
            raise teams.TeamConflict(
                "the contest's final results are published with this team as it is: it cannot"
                " be changed now"
            )
        made = await teams.create_team(
            conn,
            contest_id,
            team_user,
            name,
            organization_id=organization_id,
            group_ids=group_ids,
        )
        details = {
            "team": team_user,
            "before": {"name": found["name"], "organization": found["organization_id"]},
            "name": made.name,
            "organization": organization_id,
            "groups": group_ids,
        }
        await moderation.audit(conn, actor_id, "team_update", contest_id, details)
    return made
