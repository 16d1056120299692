"""The problem bank as the hub reads it: visible problems, one problem's page, likes, solved marks.

A problem of a contest that has not ended stays out of the bank, except for moderators.
"""

from __future__ import annotations

import asyncpg
import msgspec

from arena.problems.metadata import offered_langs
from arena.storage.submissions import FROZEN_COUNTS_JOIN

# Problems of a contest that has not ended, or of a private or invite-only one, stay out of
# the bank (except for moderators: $1).
_VISIBLE = """
    p.current_version IS NOT NULL AND ($1 OR NOT EXISTS (
        SELECT 1 FROM contest_problems cp JOIN contests c ON c.id = cp.contest_id
        WHERE cp.problem_id = p.id
          AND c.deleted_at IS NULL
          AND (c.start_time + make_interval(secs => c.duration_s + c.extra_s) > now()
               OR NOT c.public)))
"""
_COMMON_COLUMNS = (
    "p.id, p.slug, p.title, p.difficulty, p.tags, p.statement_html,"
    " p.code_stubs::text AS code_stubs, p.current_version, p.like_count,"
    " p.author, p.source, p.meta_rev"
)
_PROBLEM_COLUMNS = (
    _COMMON_COLUMNS + ", p.accepted_count, p.submission_count,"
    " ARRAY(SELECT jsonb_object_keys(p.statements)) AS package_langs,"
    " p.statement_langs AS chosen_langs, p.statement_lang AS chosen_lang"
)
_PAGE_COLUMNS = (
    _COMMON_COLUMNS
    + ", greatest(0, p.accepted_count - CASE WHEN $1 THEN 0 ELSE hidden.accepted END)"
    "  AS accepted_count,"
    " greatest(0, p.submission_count - CASE WHEN $1 THEN 0 ELSE hidden.submitted END)"
    "  AS submission_count"
)


class ProblemRow(msgspec.Struct, frozen=True, kw_only=True):
    """A problem with a current version (only those are shown or judged)."""

    id: int
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    statement_html: str
    code_stubs: dict[str, str]
    current_version: int
    like_count: int
    accepted_count: int
    submission_count: int
    author: str = ""
    source: str = ""
    meta_rev: int = 0  # bumped by each metadata edit (the version stays)
    # The statement languages served (statement_html is the default's); a bank page leaves out.
    statement_langs: list[str] = []
    statement_lang: str = ""


class SampleRow(msgspec.Struct, frozen=True):
    name: str
    input_hash: str
    answer_hash: str


class Limits(msgspec.Struct, frozen=True):
    time_limit_ms: int
    memory_mib: int
    function_problem: bool  # judged through a harness: only the harness languages are offered


def _problem(row: asyncpg.Record) -> ProblemRow:
    fields = dict(row)
    fields["tags"] = list(fields["tags"])
    fields["code_stubs"] = msgspec.json.decode(fields["code_stubs"] or "{}", type=dict[str, str])
    if "package_langs" in fields:
        fields["statement_langs"], fields["statement_lang"] = offered_langs(
            list(fields.pop("package_langs")),
            list(fields.pop("chosen_langs")),
            fields.pop("chosen_lang"),
        )
    return ProblemRow(**fields)


# The filters of a bank page: $2 tag, $3 difficulty, $4 the search words (websearch syntax:
# any text is a valid query, so no input can inject tsquery operators or fail to parse).
_FILTERS = (
    " AND ($2::text IS NULL OR $2 = ANY(p.tags)) AND ($3::text IS NULL OR p.difficulty = $3)"
    " AND ($4::text IS NULL OR p.search_text @@ websearch_to_tsquery('english', $4))"
)


async def count_visible(
    conn: asyncpg.Connection,
    *,
    jury: bool,
    tag: str | None,
    difficulty: str | None,
    query: str | None = None,
) -> int:
    total: int = await conn.fetchval(
        f"SELECT count(*) FROM problems p WHERE {_VISIBLE}{_FILTERS}",
        jury,
        tag,
        difficulty,
        query,
    )
    return total


async def visible_page(
    conn: asyncpg.Connection,
    *,
    jury: bool,
    tag: str | None,
    difficulty: str | None,
    limit: int,
    offset: int,
    query: str | None = None,
) -> list[ProblemRow]:
    """A bank page: by relevance (title words first) when searching, else by id."""
    # Moderators ($1) see the counters as they are; others without the frozen verdicts.
    order = (
        "ts_rank(p.search_text, websearch_to_tsquery('english', $4)) DESC, p.id"
        if query is not None
        else "p.id"
    )
    rows = await conn.fetch(
        f"SELECT {_PAGE_COLUMNS} FROM problems p {FROZEN_COUNTS_JOIN} WHERE {_VISIBLE}{_FILTERS}"
        f" ORDER BY {order} LIMIT $5 OFFSET $6",
        jury,
        tag,
        difficulty,
        query,
        limit,
        offset,
    )
    return [_problem(r) for r in rows]


async def visible_problem(conn: asyncpg.Connection, slug: str, *, jury: bool) -> ProblemRow | None:
    row = await conn.fetchrow(
        f"SELECT {_PROBLEM_COLUMNS} FROM problems p WHERE {_VISIBLE} AND p.slug = $2", jury, slug
    )
    return None if row is None else _problem(row)


async def statement_html(conn: asyncpg.Connection, problem_id: int, lang: str) -> str:
    """One language's statement (the caller checked that it is offered)."""
    html: str | None = await conn.fetchval(
        "SELECT statements -> $2 ->> 'html' FROM problems WHERE id = $1", problem_id, lang
    )
    return html or ""


async def problem_by_id(conn: asyncpg.Connection, problem_id: int) -> ProblemRow | None:
    """Any problem with a current version, visible or not (a contest's, to its contestants)."""
    row = await conn.fetchrow(
        f"SELECT {_PROBLEM_COLUMNS} FROM problems p"
        " WHERE p.id = $1 AND p.current_version IS NOT NULL",
        problem_id,
    )
    return None if row is None else _problem(row)


async def solved_among(conn: asyncpg.Connection, user_id: int, problem_ids: list[int]) -> set[int]:
    rows = await conn.fetch(
        "SELECT DISTINCT problem_id FROM submissions WHERE user_id = $1"
        " AND problem_id = ANY($2::bigint[]) AND status = 'done' AND verdict = 'AC'",
        user_id,
        problem_ids,
    )
    return {r["problem_id"] for r in rows}


async def limits(conn: asyncpg.Connection, problem_id: int, version: int) -> Limits:
    row = await conn.fetchrow(
        "SELECT time_limit_ms, memory_mib, function_signature IS NOT NULL AS function_problem"
        " FROM problem_versions WHERE problem_id = $1 AND version = $2",
        problem_id,
        version,
    )
    return Limits(row["time_limit_ms"], row["memory_mib"], row["function_problem"])


async def samples(conn: asyncpg.Connection, problem_id: int, version: int) -> list[SampleRow]:
    rows = await conn.fetch(
        "SELECT name, input_hash, answer_hash FROM problem_tests"
        " WHERE problem_id = $1 AND version = $2 AND is_sample ORDER BY ordinal",
        problem_id,
        version,
    )
    return [SampleRow(r["name"], r["input_hash"], r["answer_hash"]) for r in rows]


async def liked(conn: asyncpg.Connection, problem_id: int, user_id: int) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM problem_likes WHERE problem_id = $1 AND user_id = $2",
        problem_id,
        user_id,
    )
    return bool(found)


async def set_like(conn: asyncpg.Connection, problem_id: int, user_id: int, liking: bool) -> int:
    """Like or unlike once (repeats change nothing); the problem's like count after it."""
    async with conn.transaction():
        if liking:
            changed = await conn.fetchval(
                "INSERT INTO problem_likes (problem_id, user_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING true",
                problem_id,
                user_id,
            )
        else:
            changed = await conn.fetchval(
                "DELETE FROM problem_likes WHERE problem_id = $1 AND user_id = $2 RETURNING true",
                problem_id,
                user_id,
            )
        likes: int = await conn.fetchval(
            "UPDATE problems SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count",
            problem_id,
            (1 if liking else -1) if changed else 0,
        )
    return likes


async def problem_id(conn: asyncpg.Connection, slug: str) -> int | None:
    found: int | None = await conn.fetchval("SELECT id FROM problems WHERE slug = $1", slug)
    return found
