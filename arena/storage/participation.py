"""A contest as its participants meet it: the list of contests, registrations, announcements and
clarifications (questions and answers). The moderator's side is ``moderation.py``."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from arena.contest import ContestInfo
from arena.storage.ccs_source import problems_of
from arena.storage.contest_state import CONTEST_COLUMNS, INSIDER, contest_from_row


class AnnouncementRow(msgspec.Struct, frozen=True):
    id: int
    body: str
    created_at: datetime


class ClarificationRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    label: str | None  # the problem's label in the contest; None for a general question
    question: str
    answer: str | None
    public: bool
    asked_at: datetime
    answered_at: datetime | None
    user_id: int | None
    contest_id: int


_CLARIFICATION_SELECT = (
    "SELECT c.id, cp.label, c.question, c.answer, c.public, c.asked_at, c.answered_at,"
    " c.user_id, c.contest_id FROM clarifications c LEFT JOIN contest_problems cp"
    " ON cp.contest_id = c.contest_id AND cp.problem_id = c.problem_id"
)


async def listed_contests(
    conn: asyncpg.Connection, *, jury: bool, limit: int = 500, user_id: int | None = None
) -> list[ContestInfo]:
    """Public contests and the user's private ones (all of them for the jury), latest first."""
    rows = await conn.fetch(
        f"SELECT {CONTEST_COLUMNS} FROM contests WHERE (public OR $1 OR {INSIDER})"
        " AND deleted_at IS NULL ORDER BY start_time DESC LIMIT $2",
        jury,
        limit,
        user_id,
    )
    problems = await problems_of(conn, [r["id"] for r in rows])  # one query, not one each
    return [contest_from_row(r, problems[r["id"]]) for r in rows]


async def registered_contests(conn: asyncpg.Connection, user_id: int) -> set[int]:
    """The contests the user takes part in (not disqualified)."""
    rows = await conn.fetch(
        "SELECT r.contest_id FROM registrations r WHERE NOT r.disqualified AND (r.user_id = $1"
        " OR EXISTS (SELECT 1 FROM team_members m WHERE m.contest_id = r.contest_id"
        " AND m.team_user = r.user_id AND m.member_id = $1))",
        user_id,
    )
    return {r["contest_id"] for r in rows}


async def is_registered(conn: asyncpg.Connection, contest_id: int, user_id: int) -> bool:
    """Registered alone or in a team, and not disqualified."""
    found = await conn.fetchval(
        "SELECT NOT r.disqualified FROM registrations r WHERE r.contest_id = $1 AND r.user_id ="
        " COALESCE((SELECT team_user FROM team_members WHERE contest_id = $1 AND member_id = $2),"
        " $2)",
        contest_id,
        user_id,
    )
    return bool(found)


async def personal_extra_s(conn: asyncpg.Connection, contest_id: int, user_id: int) -> int | None:
    """The contestant's own time past the contest's end; None when they are not taking part
    (not registered, or disqualified). A team member's is the team's."""
    found: int | None = await conn.fetchval(
        "SELECT extra_s FROM registrations WHERE contest_id = $1 AND NOT disqualified"
        " AND user_id = COALESCE((SELECT team_user FROM team_members WHERE contest_id = $1"
        " AND member_id = $2), $2)",
        contest_id,
        user_id,
    )
    return found


async def taking_part(
    conn: asyncpg.Connection, asked: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, int | None]]:
    """For each (contest, user) asked, in one query: the registration the user acts as (the
    team's, else their own id) and its own time past the end when taking part (None: not
    registered, or disqualified)."""
    rows = await conn.fetch(
        "SELECT a.contest_id, a.user_id, a.acting, (SELECT extra_s FROM registrations r"
        " WHERE r.contest_id = a.contest_id AND r.user_id = a.acting AND NOT r.disqualified)"
        " AS extra_s FROM (SELECT q.contest_id, q.user_id, COALESCE((SELECT team_user FROM"
        " team_members m WHERE m.contest_id = q.contest_id AND m.member_id = q.user_id),"
        " q.user_id) AS acting FROM unnest($1::bigint[], $2::bigint[]) AS q (contest_id, user_id))"
        " a",
        [contest for contest, _ in asked],
        [user for _, user in asked],
    )
    return {(r["contest_id"], r["user_id"]): (r["acting"], r["extra_s"]) for r in rows}


async def is_disqualified(conn: asyncpg.Connection, contest_id: int, user_id: int) -> bool:
    found = await conn.fetchval(
        "SELECT disqualified FROM registrations WHERE contest_id = $1 AND user_id = $2",
        contest_id,
        user_id,
    )
    return bool(found)


async def register(conn: asyncpg.Connection, contest_id: int, user_id: int) -> bool:
    """Whether this made a new registration (a second one changes nothing)."""
    created = await conn.fetchval(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        contest_id,
        user_id,
    )
    return bool(created)


async def announcements(conn: asyncpg.Connection, contest_id: int) -> list[AnnouncementRow]:
    rows = await conn.fetch(
        "SELECT id, body, created_at FROM announcements WHERE contest_id = $1"
        " ORDER BY created_at, id",
        contest_id,
    )
    return [AnnouncementRow(r["id"], r["body"], r["created_at"]) for r in rows]


def _clarification(row: asyncpg.Record) -> ClarificationRow:
    return ClarificationRow(**dict(row))


async def clarification(conn: asyncpg.Connection, clarification_id: int) -> ClarificationRow:
    row = await conn.fetchrow(_CLARIFICATION_SELECT + " WHERE c.id = $1", clarification_id)
    return _clarification(row)


async def find_clarification(
    conn: asyncpg.Connection, contest_id: int, clarification_id: int
) -> ClarificationRow | None:
    """The contest's clarification of this id, if there is one."""
    row = await conn.fetchrow(
        _CLARIFICATION_SELECT + " WHERE c.id = $1 AND c.contest_id = $2",
        clarification_id,
        contest_id,
    )
    return None if row is None else _clarification(row)


async def clarifications(
    conn: asyncpg.Connection, contest_id: int, *, user_id: int, jury: bool
) -> list[ClarificationRow]:
    """What the user may read: public answers and their own questions (everything for the jury)."""
    rows = await conn.fetch(
        _CLARIFICATION_SELECT + " WHERE c.contest_id = $1 AND ($2 OR c.public OR c.user_id = $3)"
        " ORDER BY c.asked_at, c.id",
        contest_id,
        jury,
        user_id,
    )
    return [_clarification(r) for r in rows]


async def ask(
    conn: asyncpg.Connection, contest_id: int, user_id: int, problem_id: int | None, question: str
) -> ClarificationRow:
    new_id = await conn.fetchval(
        "INSERT INTO clarifications (contest_id, user_id, problem_id, question)"
        " VALUES ($1, $2, $3, $4) RETURNING id",
        contest_id,
        user_id,
        problem_id,
        question,
    )
    return await clarification(conn, new_id)
