"""What a contest's pages read besides the board: its submission list, the verdict counts behind
its statistics, and (for moderators) the registrations."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec


class ContestSubmissionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    user_id: int
    username: str
    label: str
    language: str
    status: str
    verdict: str | None
    score: float | None
    time_ms: int | None
    submitted_at: datetime


class VerdictCount(msgspec.Struct, frozen=True):
    problem_id: int
    bucket: int  # whole buckets since the start
    shown: str | None  # None: still pending, or hidden by the freeze
    n: int


class RegistrationRow(msgspec.Struct, frozen=True):
    user_id: int
    username: str
    registered_at: datetime
    disqualified: bool
    extra_s: int = 0
    team: str | None = None  # the team's name, when the registration is a team's
    members: list[str] = []  # its members' usernames (a lone contestant: none listed)


async def contest_submissions(
    conn: asyncpg.Connection, contest_id: int, *, user_id: int, everyone: bool, limit: int
) -> list[ContestSubmissionRow]:
    """Latest first: the user's own, or everyone's. ``user_id`` is the registration the
    submission counts for (a team's), ``username`` its author's (the member who sent it)."""
    rows = await conn.fetch(
        "SELECT s.id, s.user_id, u.username, cp.label, s.language, s.status::text AS status,"
        " s.verdict, s.score, s.time_ms, s.submitted_at FROM submissions s"
        " JOIN users u ON u.id = COALESCE(s.author_id, s.user_id)"
        " JOIN contest_problems cp ON cp.contest_id = s.contest_id"
        " AND cp.problem_id = s.problem_id"
        " WHERE s.contest_id = $1 AND ($2 OR s.user_id = $3)"
        " ORDER BY s.id DESC LIMIT $4",
        contest_id,
        everyone,
        user_id,
        limit,
    )
    return [ContestSubmissionRow(**dict(r)) for r in rows]


async def verdict_counts(
    conn: asyncpg.Connection,
    contest_id: int,
    *,
    start: datetime,
    bucket_s: int,
    hidden_from: datetime | None,
) -> list[VerdictCount]:
    """Submissions of registered, not disqualified contestants by problem, time bucket and the
    verdict shown (a failed judging shows as JE; one made from ``hidden_from`` on shows none)."""
    rows = await conn.fetch(
        "SELECT s.problem_id,"
        " floor(extract(epoch FROM s.submitted_at - $2) / $3)::int AS bucket,"
        " CASE WHEN $4::timestamptz IS NOT NULL AND s.submitted_at >= $4 THEN NULL"
        "  WHEN s.status = 'done' THEN s.verdict WHEN s.status = 'failed' THEN 'JE'"
        "  ELSE NULL END AS shown,"
        " count(*)::int AS n"
        " FROM submissions s JOIN registrations r"
        " ON r.contest_id = s.contest_id AND r.user_id = s.user_id AND NOT r.disqualified"
        " WHERE s.contest_id = $1 GROUP BY 1, 2, 3",
        contest_id,
        start,
        float(bucket_s),
        hidden_from,
    )
    return [VerdictCount(r["problem_id"], r["bucket"], r["shown"], r["n"]) for r in rows]


async def registrations(
    conn: asyncpg.Connection, contest_id: int, username_prefix: str, limit: int
) -> list[RegistrationRow]:
    """By username; the prefix matches case-insensitively and literally (no LIKE wildcards).
    A team's registration is found by any member's username or the team's name: a moderator
    giving a team time or disqualifying it may know any of them."""
    escaped = username_prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await conn.fetch(
        "SELECT r.user_id, u.username, r.registered_at, r.disqualified, r.extra_s,"
        " t.name AS team,"
        " (SELECT array_agg(mu.username ORDER BY mu.username) FROM team_members m"
        "  JOIN users mu ON mu.id = m.member_id"
        "  WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id) AS members"
        " FROM registrations r"
        " JOIN users u ON u.id = r.user_id"
        " LEFT JOIN teams t ON t.contest_id = r.contest_id AND t.user_id = r.user_id"
        " WHERE r.contest_id = $1"
        " AND (lower(u.username) LIKE $2 OR lower(t.name) LIKE $2 OR EXISTS ("
        "  SELECT 1 FROM team_members m JOIN users mu ON mu.id = m.member_id"
        "  WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id"
        "  AND lower(mu.username) LIKE $2))"
        " ORDER BY u.username LIMIT $3",
        contest_id,
        escaped + "%",
        limit,
    )
    return [
        RegistrationRow(
            r["user_id"],
            r["username"],
            r["registered_at"],
            r["disqualified"],
            r["extra_s"],
            r["team"],
            list(r["members"] or []),
        )
        for r in rows
    ]
