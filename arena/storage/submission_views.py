"""A submission as its page shows it: the row, its problem's slug, and its current tests."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from arena.protocol import TestResult, Verdict


class SubmissionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    user_id: int
    contest_id: int | None
    slug: str
    language: str
    status: str
    attempt: int
    verdict: str | None
    score: float | None
    time_ms: int | None
    memory_kib: int | None
    submitted_at: datetime
    compile_output: str | None
    source: bytes


async def submission(conn: asyncpg.Connection, submission_id: int) -> SubmissionRow | None:
    row = await conn.fetchrow(
        "SELECT s.id, s.user_id, s.contest_id, p.slug, s.language, s.status::text AS status,"
        " s.attempt, s.verdict, s.score, s.time_ms, s.memory_kib, s.submitted_at,"
        " s.compile_output, s.source"
        " FROM submissions s JOIN problems p ON p.id = s.problem_id WHERE s.id = $1",
        submission_id,
    )
    if row is None:
        return None
    fields = dict(row)
    fields["source"] = bytes(fields["source"])
    return SubmissionRow(**fields)


async def test_results(
    conn: asyncpg.Connection, submission_id: int, attempt: int
) -> list[TestResult]:
    """The attempt's tests in the order they ran, messages included."""
    rows = await conn.fetch(
        "SELECT name, verdict, time_ms, memory_kib, wall_ms, message FROM test_results"
        " WHERE submission_id = $1 AND attempt = $2 ORDER BY ordinal",
        submission_id,
        attempt,
    )
    return [
        TestResult(
            name=r["name"],
            verdict=Verdict(r["verdict"]),
            time_ms=r["time_ms"],
            memory_kib=r["memory_kib"],
            wall_ms=r["wall_ms"],
            message=r["message"],
        )
        for r in rows
    ]
