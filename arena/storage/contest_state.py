"""Reading a contest's settings and problem set: what the hub, the ranking and workers share."""

from __future__ import annotations

from typing import Any

import asyncpg

from arena.contest import ContestInfo, ContestProblemInfo, Medals
from arena.contest_time import ContestClock
from arena.protocol.vocabulary import Scoring

# Reads the table as ``contests`` (not aliased): the per-contestant time is a subquery on it.
CONTEST_COLUMNS = (
    "id, external_id, name, start_time, duration_s, extra_s, freeze_duration_s, frozen_at,"
    " unfrozen_at, scoring::text AS scoring, penalty_minutes, public, registration_open,"
    " finalized_at, rated, visibility, registration_start, registration_end,"
    " gold_medals, silver_medals, bronze_medals,"
    " (SELECT coalesce(max(personal.extra_s), 0) FROM registrations personal"
    " WHERE personal.contest_id = contests.id)"
    " AS personal_extra_max_s"
)

# The contests a user ($3) is inside of: registered (alone or in a team), or a moderator of.
INSIDER = (
    "id IN (SELECT contest_id FROM registrations WHERE user_id = $3"
    " UNION SELECT contest_id FROM team_members WHERE member_id = $3"
    " UNION SELECT contest_id FROM contest_moderators WHERE user_id = $3)"
)


def contest_from_row(row: Any, problems: list[ContestProblemInfo]) -> ContestInfo:
    return ContestInfo(
        id=row["id"],
        external_id=row["external_id"],
        name=row["name"],
        clock=ContestClock(
            start=row["start_time"],
            duration_s=row["duration_s"],
            extra_s=row["extra_s"],
            freeze_duration_s=row["freeze_duration_s"],
            frozen_at=row["frozen_at"],
            unfrozen_at=row["unfrozen_at"],
        ),
        scoring=Scoring(row["scoring"]),
        penalty_minutes=row["penalty_minutes"],
        public=row["public"],
        registration_open=row["registration_open"],
        finalized_at=row["finalized_at"],
        problems=problems,
        rated=row["rated"],
        medals=Medals(row["gold_medals"], row["silver_medals"], row["bronze_medals"]),
        personal_extra_max_s=row["personal_extra_max_s"],
        visibility=row["visibility"],
        registration_start=row["registration_start"],
        registration_end=row["registration_end"],
    )


async def contest_problems(conn: asyncpg.Connection, contest_id: int) -> list[ContestProblemInfo]:
    rows = await conn.fetch(
        "SELECT cp.problem_id, p.slug, cp.label, p.title, cp.points, cp.color"
        " FROM contest_problems cp JOIN problems p ON p.id = cp.problem_id"
        " WHERE cp.contest_id = $1 ORDER BY cp.ordinal",
        contest_id,
    )
    return [
        ContestProblemInfo(
            problem_id=r["problem_id"],
            slug=r["slug"],
            label=r["label"],
            title=r["title"],
            points=r["points"],
            color=r["color"],
        )
        for r in rows
    ]


async def load_contest(conn: asyncpg.Connection, contest_id: int) -> ContestInfo | None:
    row = await conn.fetchrow(
        f"SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1 AND deleted_at IS NULL",
        contest_id,
    )
    if row is None:
        return None
    return contest_from_row(row, await contest_problems(conn, contest_id))


async def contest_by_ref(conn: asyncpg.Connection, ref: str) -> int | None:
    """A contest named by its contest.yaml id, else by its number."""
    found: int | None = await conn.fetchval(
        "SELECT id FROM contests WHERE (external_id = $1 OR id::text = $1) AND deleted_at IS NULL"
        " ORDER BY id LIMIT 1",
        ref,
    )
    return found
