"""What the judging status page reads from Postgres: judgings that failed and need a person,
and the audit log, filtered."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec


class FailedJudging(msgspec.Struct, frozen=True, kw_only=True):
    submission_id: int
    contest_id: int | None
    username: str
    problem: str  # slug
    language: str
    attempt: int
    judge_errors: int
    error: str | None
    worker: str | None
    submitted_at: datetime


class AuditRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    action: str
    contest_id: int | None
    actor: str | None  # None: the command line or the system
    details: str  # JSON
    created_at: datetime


async def needing_attention(conn: asyncpg.Connection, limit: int) -> list[FailedJudging]:
    """Submissions whose judging failed past its retries (flagged), newest first."""
    rows = await conn.fetch(
        "SELECT s.id AS submission_id, s.contest_id, u.username, p.slug AS problem, s.language,"
        " s.attempt, s.judge_errors, s.judge_error AS error, s.worker, s.submitted_at"
        " FROM submissions s JOIN users u ON u.id = s.user_id"
        " JOIN problems p ON p.id = s.problem_id"
        " WHERE s.needs_attention ORDER BY s.id DESC LIMIT $1",
        limit,
    )
    return [FailedJudging(**dict(r)) for r in rows]


async def audit_log(
    conn: asyncpg.Connection,
    *,
    action: str | None,
    contest_id: int | None,
    actor: str | None,
    before_id: int | None,
    limit: int,
) -> list[AuditRow]:
    """Newest first; each filter applies when given (``actor``: a username, any case);
    ``before_id`` pages back."""
    rows = await conn.fetch(
        "SELECT a.id, a.action, a.contest_id, u.username AS actor, a.details::text AS details,"
        " a.created_at FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
        " WHERE ($1::text IS NULL OR a.action = $1)"
        " AND ($2::bigint IS NULL OR a.contest_id = $2)"
        " AND ($3::text IS NULL OR lower(u.username) = lower($3))"
        " AND ($4::bigint IS NULL OR a.id < $4)"
        " ORDER BY a.id DESC LIMIT $5",
        action,
        contest_id,
        actor,
        before_id,
        limit,
    )
    return [AuditRow(**dict(r)) for r in rows]


async def audit_actions(conn: asyncpg.Connection) -> list[str]:
    """The actions the log holds, for the page's filter."""
    rows = await conn.fetch("SELECT DISTINCT action FROM audit_log ORDER BY action")
    return [r["action"] for r in rows]


async def submission_contest(
    conn: asyncpg.Connection, submission_id: int
) -> tuple[bool, int | None]:
    """(exists, its contest) of a submission."""
    row = await conn.fetchrow("SELECT contest_id FROM submissions WHERE id = $1", submission_id)
    return (row is not None, None if row is None else row["contest_id"])
