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
    mode: str = "practice"  # practice, contest, virtual, upsolve


async def submission(conn: asyncpg.Connection, submission_id: int) -> SubmissionRow | None:
    row = await conn.fetchrow(
        "SELECT s.id, s.user_id, s.contest_id, p.slug, s.language, s.status::text AS status,"
        " s.attempt, s.verdict, s.score, s.time_ms, s.memory_kib, s.submitted_at,"
        " s.compile_output, s.source, CASE WHEN s.contest_id IS NOT NULL THEN 'contest'"
        " WHEN s.virtual_id IS NOT NULL THEN 'virtual'"
        " WHEN s.upsolve_contest_id IS NOT NULL THEN 'upsolve' ELSE 'practice' END AS mode"
        " FROM submissions s JOIN problems p ON p.id = s.problem_id WHERE s.id = $1",
        submission_id,
    )
    if row is None:
        return None
    fields = dict(row)
    fields["source"] = bytes(fields["source"])
    return SubmissionRow(**fields)


class TestRow(msgspec.Struct, frozen=True):
    result: TestResult
    # From the package's test list (problem_tests), the same flag the worker ran the samples by.
    is_sample: bool


async def test_results(conn: asyncpg.Connection, submission_id: int, attempt: int) -> list[TestRow]:
    """The attempt's tests in the order they ran, messages included."""
    rows = await conn.fetch(
        "SELECT r.name, r.verdict, r.time_ms, r.memory_kib, r.wall_ms, r.message,"
        " coalesce(t.is_sample, false) AS is_sample"
        " FROM test_results r JOIN submissions s ON s.id = r.submission_id"
        " LEFT JOIN problem_tests t ON t.problem_id = s.problem_id"
        " AND t.version = s.problem_version AND t.name = r.name"
        " WHERE r.submission_id = $1 AND r.attempt = $2 ORDER BY r.ordinal",
        submission_id,
        attempt,
    )
    return [
        TestRow(
            TestResult(
                name=r["name"],
                verdict=Verdict(r["verdict"]),
                time_ms=r["time_ms"],
                memory_kib=r["memory_kib"],
                wall_ms=r["wall_ms"],
                message=r["message"],
            ),
            r["is_sample"],
        )
        for r in rows
    ]
