"""Plagiarism checks of a contest: the runs, their submissions grouped per problem and language,
the pairs above the threshold, and the report the moderators read.

The comparison itself (``arena.plagiarism``) is CPU work: the caller passes ``compare``, which
runs it where it belongs (a worker's process pool, the CLI's thread), never on a hub's loop.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import asyncpg
import msgspec

from arena.plagiarism.compare import Pair, Settings
from arena.plagiarism.tokens import comparison_group

# (ident, language, source) of one group, the problem's stubs per language, the settings.
Compare = Callable[
    [Sequence[tuple[int, str, str]], dict[str, str], Settings], Awaitable[list[Pair]]
]


class RunRow(msgspec.Struct, frozen=True):
    id: int
    contest_id: int
    status: str
    all_submissions: bool
    threshold: float
    compared: int
    pairs: int
    message: str
    created_at: datetime
    finished_at: datetime | None


class SideRow(msgspec.Struct, frozen=True):
    submission_id: int
    user_id: int
    username: str
    disqualified: bool
    source: str


class PairRow(msgspec.Struct, frozen=True):
    label: str
    language: str
    similarity: float
    a: SideRow
    b: SideRow
    regions: list[list[int]]


_RUN_COLUMNS = (
    "r.id, r.contest_id, r.status, r.all_submissions, r.threshold, r.compared, r.message,"
    " r.created_at, r.finished_at,"
    " (SELECT count(*) FROM plagiarism_pairs pp WHERE pp.run_id = r.id)::int AS pairs"
)


async def create_run(
    conn: asyncpg.Connection,
    contest_id: int,
    requested_by: int | None,
    *,
    all_submissions: bool,
    threshold: float,
) -> int:
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a share above 0 and at most 1")
    run_id: int = await conn.fetchval(
        "INSERT INTO plagiarism_runs (contest_id, requested_by, all_submissions, threshold)"
        " VALUES ($1, $2, $3, $4) RETURNING id",
        contest_id,
        requested_by,
        all_submissions,
        threshold,
    )
    return run_id


async def run(conn: asyncpg.Connection, run_id: int) -> RunRow | None:
    row = await conn.fetchrow(
        f"SELECT {_RUN_COLUMNS} FROM plagiarism_runs r WHERE r.id = $1", run_id
    )
    return None if row is None else RunRow(**dict(row))


async def runs(conn: asyncpg.Connection, contest_id: int, limit: int = 20) -> list[RunRow]:
    rows = await conn.fetch(
        f"SELECT {_RUN_COLUMNS} FROM plagiarism_runs r WHERE r.contest_id = $1"
        " ORDER BY r.id DESC LIMIT $2",
        contest_id,
        limit,
    )
    return [RunRow(**dict(r)) for r in rows]


async def execute(conn: asyncpg.Connection, run_id: int, compare: Compare) -> RunRow:
    """Check every problem-and-language group of the run's contest; store the pairs."""
    claimed = await conn.fetchrow(
        "UPDATE plagiarism_runs SET status = 'running' WHERE id = $1 AND status = 'queued'"
        " RETURNING contest_id, all_submissions, threshold",
        run_id,
    )
    if claimed is None:
        raise ValueError(f"plagiarism check {run_id} is not waiting to run")
    try:
        compared = await _compare_all(conn, run_id, claimed, compare)
    except Exception as exc:
        await mark_failed(conn, run_id, f"{type(exc).__name__}: {exc}")
        raise
    await conn.execute(
        "UPDATE plagiarism_runs SET status = 'done', compared = $2, finished_at = now()"
        " WHERE id = $1",
        run_id,
        compared,
    )
    found = await run(conn, run_id)
    assert found is not None
    return found


async def mark_failed(conn: asyncpg.Connection, run_id: int, message: str) -> None:
    await conn.execute(
        "UPDATE plagiarism_runs SET status = 'failed', message = $2, finished_at = now()"
        " WHERE id = $1",
        run_id,
        message[:2000],
    )


async def _compare_all(
    conn: asyncpg.Connection, run_id: int, claimed: asyncpg.Record, compare: Compare
) -> int:
    rows = await conn.fetch(
        "SELECT s.id, s.user_id, s.problem_id, s.language, s.source, p.code_stubs::text AS stubs"
        " FROM submissions s JOIN problems p ON p.id = s.problem_id"
        " WHERE s.contest_id = $1 AND ($2 OR (s.status = 'done' AND s.verdict = 'AC'))"
        " ORDER BY s.id",
        claimed["contest_id"],
        claimed["all_submissions"],
    )
    settings = Settings(threshold=claimed["threshold"])
    groups: dict[tuple[int, str], list[tuple[int, str, str]]] = defaultdict(list)
    stubs: dict[int, dict[str, str]] = {}
    owner: dict[int, int] = {}
    for r in rows:
        key = (r["problem_id"], comparison_group(r["language"]))
        groups[key].append((r["id"], r["language"], bytes(r["source"]).decode(errors="replace")))
        stubs[r["problem_id"]] = msgspec.json.decode(r["stubs"] or "{}", type=dict[str, str])
        owner[r["id"]] = r["user_id"]
    for (problem_id, group), sources in groups.items():
        if len({owner[ident] for ident, _, _ in sources}) < 2:
            continue
        # Most similar first: one pair per two contestants (their best match) is enough.
        seen: set[frozenset[int]] = set()
        pairs = []
        for p in await compare(sources, stubs[problem_id], settings):
            users = frozenset({owner[p.a], owner[p.b]})
            if len(users) == 2 and users not in seen:  # not one's own resubmissions
                seen.add(users)
                pairs.append(p)
        await conn.executemany(
            "INSERT INTO plagiarism_pairs (run_id, problem_id, language, submission_a,"
            " submission_b, similarity, regions) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    run_id,
                    problem_id,
                    group,
                    p.a,
                    p.b,
                    p.similarity,
                    json.dumps([[r.a_start, r.a_end, r.b_start, r.b_end] for r in p.regions]),
                )
                for p in pairs
            ],
        )
    return len(rows)


async def report(conn: asyncpg.Connection, run_id: int) -> list[PairRow]:
    rows = await conn.fetch(
        "SELECT coalesce(cp.label, '?') AS label, pp.language, pp.similarity,"
        " pp.regions::text AS regions,"
        " sa.id AS a_id, sa.user_id AS a_user, ua.username AS a_name, sa.source AS a_source,"
        " coalesce(ra.disqualified, false) AS a_dq,"
        " sb.id AS b_id, sb.user_id AS b_user, ub.username AS b_name, sb.source AS b_source,"
        " coalesce(rb.disqualified, false) AS b_dq"
        " FROM plagiarism_pairs pp JOIN plagiarism_runs r ON r.id = pp.run_id"
        " JOIN submissions sa ON sa.id = pp.submission_a JOIN users ua ON ua.id = sa.user_id"
        " JOIN submissions sb ON sb.id = pp.submission_b JOIN users ub ON ub.id = sb.user_id"
        " LEFT JOIN contest_problems cp ON cp.contest_id = r.contest_id"
        "  AND cp.problem_id = pp.problem_id"
        " LEFT JOIN registrations ra ON ra.contest_id = r.contest_id AND ra.user_id = sa.user_id"
        " LEFT JOIN registrations rb ON rb.contest_id = r.contest_id AND rb.user_id = sb.user_id"
        " WHERE pp.run_id = $1 ORDER BY pp.similarity DESC, pp.submission_a, pp.submission_b",
        run_id,
    )

    def side(r: asyncpg.Record, x: str) -> SideRow:
        return SideRow(
            r[f"{x}_id"],
            r[f"{x}_user"],
            r[f"{x}_name"],
            r[f"{x}_dq"],
            bytes(r[f"{x}_source"]).decode(errors="replace"),
        )

    return [
        PairRow(
            r["label"],
            r["language"],
            r["similarity"],
            side(r, "a"),
            side(r, "b"),
            msgspec.json.decode(r["regions"], type=list[list[int]]),
        )
        for r in rows
    ]
