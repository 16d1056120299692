"""A contestant's own history: final standings in past contests, and recent submissions."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from arena.contest import ContestInfo
from arena.storage.contest_state import CONTEST_COLUMNS, contest_from_row


class FinishedContest(msgspec.Struct, frozen=True):
    contest: ContestInfo  # without its problems: the clock tells whether the board is frozen
    rank: int
    solved: int
    penalty: int
    score: float


class RecentSubmission(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    contest_id: int | None
    language: str
    status: str
    verdict: str | None
    score: float | None
    submitted_at: datetime


async def finished_contests(
    conn: asyncpg.Connection, user_id: int, limit: int = 100
) -> list[FinishedContest]:
    rows = await conn.fetch(
        f"SELECT r.rank, r.solved, r.penalty, r.score, {CONTEST_COLUMNS}"
        " FROM contest_results r JOIN contests ON contests.id = r.contest_id"
        " WHERE r.user_id = $1 ORDER BY contests.start_time DESC LIMIT $2",
        user_id,
        limit,
    )
    return [
        FinishedContest(contest_from_row(r, []), r["rank"], r["solved"], r["penalty"], r["score"])
        for r in rows
    ]


async def recent_submissions(
    conn: asyncpg.Connection, user_id: int, limit: int = 20
) -> list[RecentSubmission]:
    rows = await conn.fetch(
        "SELECT s.id, p.slug, s.contest_id, s.language, s.status::text AS status,"
        " s.verdict, s.score, s.submitted_at FROM submissions s"
        " JOIN problems p ON p.id = s.problem_id"
        " WHERE s.user_id = $1 ORDER BY s.submitted_at DESC LIMIT $2",
        user_id,
        limit,
    )
    return [RecentSubmission(**dict(r)) for r in rows]
