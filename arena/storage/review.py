"""Editorials and shared solutions, and the rule that hides both while a contest still runs.

A problem's editorial and its contests' accepted solutions stay hidden while any contest that
holds the problem has not ended for everyone: a contestant's own time past the end counts
(a rival who has a few minutes left must not read the answer).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from arena.storage.moderation import audit

MAX_EDITORIAL_BYTES = 256 * 1024

# $1: the problem. True once every contest holding it is over for every contestant.
ALL_CONTESTS_OVER = """
    NOT EXISTS (
        SELECT 1 FROM contest_problems cp JOIN contests c ON c.id = cp.contest_id
        WHERE cp.problem_id = $1
          AND c.start_time + make_interval(secs => c.duration_s + c.extra_s + coalesce(
                (SELECT max(r.extra_s) FROM registrations r WHERE r.contest_id = c.id), 0))
              > now())
"""


class EditorialRow(msgspec.Struct, frozen=True):
    markdown: str
    html: str
    updated_at: datetime


class SolutionRow(msgspec.Struct, frozen=True):
    submission_id: int
    user_id: int
    username: str
    language: str
    time_ms: int | None
    memory_kib: int | None
    submitted_at: datetime
    source: bytes


async def contests_over(conn: asyncpg.Connection, problem_id: int) -> bool:
    over: bool = await conn.fetchval(f"SELECT {ALL_CONTESTS_OVER}", problem_id)
    return over


async def editorial(conn: asyncpg.Connection, problem_id: int) -> EditorialRow | None:
    row = await conn.fetchrow(
        "SELECT markdown, html, updated_at FROM editorials WHERE problem_id = $1", problem_id
    )
    return None if row is None else EditorialRow(row["markdown"], row["html"], row["updated_at"])


async def save_editorial(
    conn: asyncpg.Connection, actor_id: int, problem_id: int, markdown: str, html: str
) -> EditorialRow:
    async with conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO editorials (problem_id, markdown, html, author_id) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (problem_id) DO UPDATE SET markdown = $2, html = $3, author_id = $4,"
            " updated_at = now() RETURNING markdown, html, updated_at",
            problem_id,
            markdown,
            html,
            actor_id,
        )
        await audit(conn, actor_id, "editorial", None, {"problem": problem_id})
    return EditorialRow(row["markdown"], row["html"], row["updated_at"])


_SHARED = """
    FROM submissions s JOIN users u ON u.id = s.user_id
    WHERE s.contest_id = $2 AND s.problem_id = $1 AND s.status = 'done' AND s.verdict = 'AC'
      AND NOT s.solution_hidden
      AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.contest_id = s.contest_id
                      AND r.user_id = s.user_id AND r.disqualified)
"""


async def shared_solutions(
    conn: asyncpg.Connection, problem_id: int, contest_id: int, *, limit: int, offset: int
) -> tuple[int, list[SolutionRow]]:
    """(total, a page) of a contest problem's accepted solutions their authors share; none
    while a contest holding the problem is not over (the caller checks the reveal)."""
    if not await contests_over(conn, problem_id):
        return 0, []
    total: int = await conn.fetchval(f"SELECT count(*) {_SHARED}", problem_id, contest_id)
    rows = await conn.fetch(
        "SELECT s.id AS submission_id, s.user_id, u.username, s.language, s.time_ms,"
        f" s.memory_kib, s.submitted_at, s.source {_SHARED} ORDER BY s.id LIMIT $3 OFFSET $4",
        problem_id,
        contest_id,
        limit,
        offset,
    )
    return total, [SolutionRow(**{**dict(r), "source": bytes(r["source"])}) for r in rows]


async def is_shared(conn: asyncpg.Connection, submission_id: int) -> bool:
    """Whether the submission is one of the shared solutions (the reveal is the caller's)."""
    row = await conn.fetchrow(
        "SELECT problem_id, contest_id FROM submissions WHERE id = $1", submission_id
    )
    if row is None or row["contest_id"] is None:
        return False
    found = await conn.fetchval(
        f"SELECT true {_SHARED} AND s.id = $3", row["problem_id"], row["contest_id"], submission_id
    )
    return bool(found) and await contests_over(conn, row["problem_id"])


async def set_hidden(
    conn: asyncpg.Connection, submission_id: int, user_id: int, hidden: bool
) -> bool:
    """The author hides or shares their solution; False when it is not theirs."""
    found = await conn.fetchval(
        "UPDATE submissions SET solution_hidden = $3 WHERE id = $1 AND user_id = $2 RETURNING true",
        submission_id,
        user_id,
        hidden,
    )
    return bool(found)
