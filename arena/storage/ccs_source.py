"""Reading one contest's rows for the Contest API (arena.ccs turns them into API objects)."""

from __future__ import annotations

import asyncpg
import msgspec

from arena.ccs.source import (
    AnnouncementFacts,
    ClarificationFacts,
    ContestSource,
    GroupFacts,
    OrganizationFacts,
    PastJudgementFacts,
    ProblemFacts,
    RunFacts,
    SubmissionFacts,
    TeamFacts,
)
from arena.contest import ContestInfo, ContestProblemInfo
from arena.storage import ranking_cache
from arena.storage.contest_state import CONTEST_COLUMNS, INSIDER, contest_from_row

_PROBLEMS = """
    SELECT cp.problem_id, p.slug, cp.label, p.title, cp.ordinal, cp.color, cp.rgb, cp.points,
           coalesce(pv.time_limit_ms, 1000) AS time_limit_ms,
           coalesce(pv.memory_mib, 0) AS memory_mib, coalesce(pv.output_mib, 0) AS output_mib,
           (pv.scoring ->> 'max_score')::float8 AS max_score,
           (SELECT count(*) FROM problem_tests t
            WHERE t.problem_id = p.id AND t.version = p.current_version) AS test_count
    FROM contest_problems cp
    JOIN problems p ON p.id = cp.problem_id
    LEFT JOIN problem_versions pv ON pv.problem_id = p.id AND pv.version = p.current_version
    WHERE cp.contest_id = $1
    ORDER BY cp.ordinal, cp.label
"""
_TEAMS = """
    SELECT r.user_id, COALESCE(t.name, u.username) AS username, r.disqualified,
           o.external_id AS organization,
           COALESCE((SELECT array_agg(g.external_id ORDER BY g.external_id)
                     FROM team_group_members m JOIN team_groups g ON g.id = m.group_id
                     WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id), '{}')
               AS groups,
           COALESCE((SELECT array_agg(m.member_id ORDER BY m.member_id) FROM team_members m
                     WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id),
                    ARRAY[r.user_id]) AS member_ids,
           COALESCE((SELECT array_agg(mu.username ORDER BY m.member_id)
                     FROM team_members m JOIN users mu ON mu.id = m.member_id
                     WHERE m.contest_id = r.contest_id AND m.team_user = r.user_id),
                    ARRAY[u.username]) AS member_names
    FROM registrations r JOIN users u ON u.id = r.user_id
    LEFT JOIN teams t ON t.contest_id = r.contest_id AND t.user_id = r.user_id
    LEFT JOIN organizations o ON o.id = t.organization_id
    WHERE r.contest_id = $1 ORDER BY r.user_id
"""
_ORGANIZATIONS = """
    SELECT external_id AS id, name, formal_name, country, logo_sha256, logo_mime, logo_width,
           logo_height FROM organizations
    WHERE external_id = ANY($1::text[]) ORDER BY external_id
"""
_GROUPS = """
    SELECT external_id AS id, name FROM team_groups
    WHERE external_id = ANY($1::text[]) ORDER BY external_id
"""
_SUBMISSIONS = """
    SELECT id, user_id, problem_id, language, submitted_at, status::text AS status, attempt,
           verdict, score, time_ms, judging_started_at, judged_at
    FROM submissions WHERE contest_id = $1 ORDER BY id
"""
# The tests of each submission's current attempt (a rejudge keeps the old attempts' rows).
_RUNS = """
    SELECT t.submission_id, t.ordinal, t.verdict, t.time_ms
    FROM test_results t JOIN submissions s ON s.id = t.submission_id AND s.attempt = t.attempt
    WHERE s.contest_id = $1
"""
_PAST_JUDGEMENTS = """
    SELECT j.submission_id, j.attempt, j.status, j.verdict, j.score, j.time_ms,
           j.judging_started_at, j.judged_at
    FROM past_judgements j JOIN submissions s ON s.id = j.submission_id
    WHERE s.contest_id = $1 ORDER BY j.submission_id, j.attempt
"""
_CLARIFICATIONS = """
    SELECT id, user_id, problem_id, question, answer, public, asked_at, answered_at
    FROM clarifications WHERE contest_id = $1 ORDER BY id
"""
_ANNOUNCEMENTS = "SELECT id, body, created_at FROM announcements WHERE contest_id = $1 ORDER BY id"
_PROBLEMS_OF = """
    SELECT cp.contest_id, cp.problem_id, p.slug, cp.label, p.title, cp.points, cp.color
    FROM contest_problems cp JOIN problems p ON p.id = cp.problem_id
    WHERE cp.contest_id = ANY($1::bigint[])
    ORDER BY cp.contest_id, cp.ordinal, cp.label
"""


async def problems_of(
    conn: asyncpg.Connection, contest_ids: list[int]
) -> dict[int, list[ContestProblemInfo]]:
    """The problem sets of many contests in one query (each contest's in ordinal order)."""
    out: dict[int, list[ContestProblemInfo]] = {contest_id: [] for contest_id in contest_ids}
    for r in await conn.fetch(_PROBLEMS_OF, contest_ids):
        fields = {name: r[name] for name in ContestProblemInfo.__struct_fields__}
        out[r["contest_id"]].append(ContestProblemInfo(**fields))
    return out


async def load_source(
    conn: asyncpg.Connection, info: ContestInfo, *, cutoff_ms: int | None, live: bool, board: bool
) -> ContestSource:
    """The contest's rows: always problems and teams; ``live``: submissions, tests and
    clarifications; ``board``: the ranking rows as a board with this cutoff shows them."""
    problems = [ProblemFacts(**dict(r)) for r in await conn.fetch(_PROBLEMS, info.id)]
    teams = [
        TeamFacts(
            r["user_id"],
            r["username"],
            r["disqualified"],
            r["organization"],
            list(r["groups"]),
            member_ids=list(r["member_ids"]),
            member_names=list(r["member_names"]),
        )
        for r in await conn.fetch(_TEAMS, info.id)
    ]
    orgs = [t.organization for t in teams if t.organization is not None]
    organizations = [
        OrganizationFacts(**dict(r)) for r in await conn.fetch(_ORGANIZATIONS, sorted(set(orgs)))
    ]
    group_ids = sorted({g for t in teams for g in t.groups})
    groups = [GroupFacts(**dict(r)) for r in await conn.fetch(_GROUPS, group_ids)]
    if not live and not board:
        return ContestSource(
            info=info, problems=problems, teams=teams, organizations=organizations, groups=groups
        )
    submissions = [SubmissionFacts(**dict(r)) for r in await conn.fetch(_SUBMISSIONS, info.id)]
    runs = [RunFacts(**dict(r)) for r in await conn.fetch(_RUNS, info.id)] if live else []
    clarifications = []
    announcements = []
    past = []
    if live:
        past = [PastJudgementFacts(**dict(r)) for r in await conn.fetch(_PAST_JUDGEMENTS, info.id)]
        clarifications = [
            ClarificationFacts(**dict(r)) for r in await conn.fetch(_CLARIFICATIONS, info.id)
        ]
        announcements = [
            AnnouncementFacts(**dict(r)) for r in await conn.fetch(_ANNOUNCEMENTS, info.id)
        ]
    rows = {}
    if board:
        computed = await ranking_cache.compute_board(conn, info, cutoff_ms)
        rows = {user: stored.row for user, stored in computed.items()}
    return ContestSource(
        info=info,
        problems=problems,
        teams=teams,
        organizations=organizations,
        groups=groups,
        submissions=submissions,
        runs=runs,
        past_judgements=past,
        clarifications=clarifications,
        announcements=announcements,
        board=rows,
    )


async def listed_contests(
    conn: asyncpg.Connection, *, jury: bool, limit: int, user_id: int | None = None
) -> list[ContestInfo]:
    """The latest ``limit`` public contests and the user's private ones (all for the jury),
    oldest first, with problems."""
    rows = await conn.fetch(
        f"SELECT {CONTEST_COLUMNS} FROM contests WHERE (public OR $1 OR {INSIDER})"
        " AND deleted_at IS NULL ORDER BY start_time DESC, id DESC LIMIT $2",
        jury,
        limit,
        user_id,
    )
    problems = await problems_of(conn, [r["id"] for r in rows])
    return [contest_from_row(r, problems[r["id"]]) for r in reversed(rows)]


async def contest_by_external_id(conn: asyncpg.Connection, external_id: str) -> int | None:
    found: int | None = await conn.fetchval(
        "SELECT id FROM contests WHERE external_id = $1", external_id
    )
    return found


async def submission_facts(conn: asyncpg.Connection, submission_id: int) -> SubmissionFacts | None:
    row = await conn.fetchrow(
        "SELECT id, user_id, problem_id, language, submitted_at, status::text AS status,"
        " attempt, verdict, score, time_ms, judging_started_at, judged_at"
        " FROM submissions WHERE id = $1",
        submission_id,
    )
    return None if row is None else SubmissionFacts(**dict(row))


class SubmittedSource(msgspec.Struct, frozen=True):
    language: str
    source: bytes


async def contest_source_code(
    conn: asyncpg.Connection, contest_id: int, submission_id: int
) -> SubmittedSource | None:
    row = await conn.fetchrow(
        "SELECT language, source FROM submissions WHERE id = $1 AND contest_id = $2",
        submission_id,
        contest_id,
    )
    return None if row is None else SubmittedSource(row["language"], bytes(row["source"]))
