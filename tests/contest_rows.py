"""Contests and judged submissions written straight into Postgres, for tests of what the hub
shows after (or during) a contest without judging anything."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

# A held contest's extension: its end is a day away until ``finalized`` takes it off.
HOLD_S = 86_400


async def past_contest(
    db: Any,
    problem_id: int,
    *,
    ended_min_ago: int,
    duration_min: int = 120,
    name: str = "after",
    freeze_duration_s: int = 0,
    rated: bool = True,
    scoring: str = "pass-fail",
    held: bool = False,
) -> int:
    """A one-problem contest (label A) that ended ``ended_min_ago`` minutes ago (negative:
    still running); the name gets a random suffix. ``held``: extended until ``finalized`` (a
    hub's ticker would otherwise finalize it before the test's rows are written)."""
    contest_id: int = await db.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, freeze_duration_s, rated, scoring,"
        " extra_s) VALUES ($1, now() - make_interval(mins => $2), $3, $4, $5, $6, $7) RETURNING id",
        f"{name} {uuid.uuid4().hex[:4]}",
        duration_min + ended_min_ago,
        duration_min * 60,
        freeze_duration_s,
        rated,
        scoring,
        HOLD_S if held else 0,
    )
    await db.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        problem_id,
    )
    return contest_id


async def judged(
    db: Any,
    contest_id: int,
    user_id: int,
    verdict: str,
    minute: int,
    *,
    source: str = "x",
    time_ms: int | None = None,
    memory_kib: int | None = None,
) -> int:
    """A registration (if missing) and a judged submission to problem A, ``minute`` minutes
    after the contest's start, at the problem's current version."""
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        contest_id,
        user_id,
    )
    submission_id: int = await db.fetchval(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, time_ms, memory_kib, submitted_at, judged_at)"
        " SELECT $1, $2, cp.problem_id, p.current_version, 'python3', $3, 'done', $4, $5, $6,"
        "  c.start_time + make_interval(mins => $7), now()"
        " FROM contests c JOIN contest_problems cp ON cp.contest_id = c.id AND cp.label = 'A'"
        " JOIN problems p ON p.id = cp.problem_id WHERE c.id = $2 RETURNING id",
        user_id,
        contest_id,
        source.encode(),
        verdict,
        time_ms,
        memory_kib,
        minute,
    )
    return submission_id


async def finalized(db: Any, contest_id: int) -> None:
    """Until a hub has finalized the contest (its ticker does so after the end), a held one
    released first."""
    await db.execute(
        "UPDATE contests SET extra_s = 0 WHERE id = $1 AND extra_s = $2", contest_id, HOLD_S
    )
    deadline = time.monotonic() + 30
    while not await db.fetchval("SELECT finalized_at FROM contests WHERE id = $1", contest_id):
        assert time.monotonic() < deadline, "the hub never finalized the contest"
        await asyncio.sleep(0.2)
