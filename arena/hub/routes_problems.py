"""The problem bank: paginated list, statements with samples and stubs, likes, practice."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, no_nul, not_found
from arena.hub.state import HubState
from arena.protocol import (
    LanguageOption,
    LikeResult,
    ProblemDetail,
    ProblemList,
    ProblemSummary,
    Sample,
    UserInfo,
)
from arena.storage.problems import SLUG_RE
from arena.storage.submissions import FROZEN_COUNTS_JOIN

PAGE_SIZE = 20
SAMPLE_BYTES = 64 * 1024
DIFFICULTIES = ("easy", "medium", "hard")
# Problems of a contest that has not ended stay out of the bank (except for moderators).
_VISIBLE = """
    p.current_version IS NOT NULL AND ($1 OR NOT EXISTS (
        SELECT 1 FROM contest_problems cp JOIN contests c ON c.id = cp.contest_id
        WHERE cp.problem_id = p.id
          AND c.start_time + make_interval(secs => c.duration_s + c.extra_s) > now()))
"""


def _state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


async def _solved(state: HubState, user: UserInfo | None, problem_ids: list[int]) -> set[int]:
    if user is None or not problem_ids:
        return set()
    async with state.db.acquire() as conn:
        rows = await conn.fetch(
            "SELECT DISTINCT problem_id FROM submissions WHERE user_id = $1"
            " AND problem_id = ANY($2::bigint[]) AND status = 'done' AND verdict = 'AC'",
            user.id,
            problem_ids,
        )
    return {r["problem_id"] for r in rows}


async def list_problems(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    page = int_param(request, "page", 1)
    tag = request.query_params.get("tag") or None
    if tag is not None:
        no_nul(tag, "tag")
    difficulty = request.query_params.get("difficulty") or None
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ApiError(400, "bad_request", f"difficulty is one of {', '.join(DIFFICULTIES)}")
    where = _VISIBLE + " AND ($2::text IS NULL OR $2 = ANY(p.tags))"
    where += " AND ($3::text IS NULL OR p.difficulty = $3)"
    args = (auth.is_moderator(user), tag, difficulty)
    async with state.db.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM problems p WHERE {where}", *args)
        # Moderators ($1) see the counters as they are; others without the frozen verdicts.
        rows = await conn.fetch(
            "SELECT p.id, p.slug, p.title, p.difficulty, p.tags, p.like_count,"
            " greatest(0, p.accepted_count - CASE WHEN $1 THEN 0 ELSE hidden.accepted END)"
            "  AS accepted_count,"
            " greatest(0, p.submission_count - CASE WHEN $1 THEN 0 ELSE hidden.submitted END)"
            "  AS submission_count"
            f" FROM problems p {FROZEN_COUNTS_JOIN}"
            f" WHERE {where} ORDER BY p.id LIMIT $4 OFFSET $5",
            *args,
            PAGE_SIZE,
            (page - 1) * PAGE_SIZE,
        )
    solved = await _solved(state, user, [r["id"] for r in rows])
    items = [
        ProblemSummary(
            slug=r["slug"],
            title=r["title"],
            difficulty=r["difficulty"],
            tags=list(r["tags"]),
            likes=r["like_count"],
            accepted=r["accepted_count"],
            submissions=r["submission_count"],
            solved=r["id"] in solved,
        )
        for r in rows
    ]
    return json(ProblemList(items=items, page=page, page_size=PAGE_SIZE, total=total))


async def visible_problem(state: HubState, slug: str, user: UserInfo | None) -> Any:
    if SLUG_RE.fullmatch(slug) is None:  # no such problem can exist
        raise not_found(f"problem {slug!r}")
    async with state.db.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT p.* FROM problems p WHERE {_VISIBLE} AND p.slug = $2",
            auth.is_moderator(user),
            slug,
        )
    if row is None:
        raise not_found(f"problem {slug!r}")
    return row


_SAMPLE_CACHE_SIZE = 2048
# Blobs never change (content-addressed): a sample's text is read once per process.
_sample_texts: dict[str, str] = {}


async def _text(state: HubState, digest: str) -> str:
    """The first SAMPLE_BYTES of a sample file, read off the event loop (never whole)."""
    text = _sample_texts.get(digest)
    if text is None:
        data = await asyncio.to_thread(state.blobs.get_prefix, digest, SAMPLE_BYTES)
        text = data.decode(errors="replace")
        if len(_sample_texts) >= _SAMPLE_CACHE_SIZE:
            _sample_texts.clear()
        _sample_texts[digest] = text
    return text


async def problem_detail(state: HubState, row: Any, user: UserInfo | None) -> ProblemDetail:
    async with state.db.acquire() as conn:
        version = await conn.fetchrow(
            "SELECT time_limit_ms, memory_mib, function_signature IS NOT NULL AS function_problem"
            " FROM problem_versions"
            " WHERE problem_id = $1 AND version = $2",
            row["id"],
            row["current_version"],
        )
        samples = await conn.fetch(
            "SELECT name, input_hash, answer_hash FROM problem_tests"
            " WHERE problem_id = $1 AND version = $2 AND is_sample ORDER BY ordinal",
            row["id"],
            row["current_version"],
        )
        liked = user is not None and bool(
            await conn.fetchval(
                "SELECT true FROM problem_likes WHERE problem_id = $1 AND user_id = $2",
                row["id"],
                user.id,
            )
        )
    stubs = row["code_stubs"]
    stubs_map = msgspec.json.decode(stubs, type=dict[str, str]) if stubs else {}
    function_problem = bool(version["function_problem"])
    options = [
        LanguageOption(lang.id, lang.name, lang.version, lang.command_line)
        for lang in state.languages
        if lang.harness or not function_problem
    ]
    return ProblemDetail(
        slug=row["slug"],
        title=row["title"],
        difficulty=row["difficulty"],
        tags=list(row["tags"]),
        statement_html=row["statement_html"],
        samples=[
            Sample(
                s["name"], await _text(state, s["input_hash"]), await _text(state, s["answer_hash"])
            )
            for s in samples
        ],
        time_limit_ms=version["time_limit_ms"],
        memory_mib=version["memory_mib"],
        code_stubs=stubs_map,
        languages=[o.id for o in sorted(options, key=lambda o: o.id)],
        likes=row["like_count"],
        liked=liked,
        solved=bool(await _solved(state, user, [row["id"]])),
        language_options=options,
        function_problem=function_problem,
    )


async def get_problem(request: Request) -> Response:
    state = _state(request)
    user = await auth.current_user(state, request)
    row = await visible_problem(state, request.path_params["slug"], user)
    return json(await problem_detail(state, row, user))


async def like(request: Request) -> Response:
    state = _state(request)
    user = await auth.require_user(state, request)
    row = await visible_problem(state, request.path_params["slug"], user)
    liking = request.method == "POST"
    async with state.db.acquire() as conn, conn.transaction():
        if liking:
            changed = await conn.fetchval(
                "INSERT INTO problem_likes (problem_id, user_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING true",
                row["id"],
                user.id,
            )
        else:
            changed = await conn.fetchval(
                "DELETE FROM problem_likes WHERE problem_id = $1 AND user_id = $2 RETURNING true",
                row["id"],
                user.id,
            )
        likes = await conn.fetchval(
            "UPDATE problems SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count",
            row["id"],
            (1 if liking else -1) if changed else 0,
        )
    return json(LikeResult(likes=likes, liked=liking))


endpoints = [
    Endpoint(
        "GET",
        "/api/problems",
        list_problems,
        "The problem bank, 20 a page, with the caller's solved marks",
        {200: ProblemList},
        auth="optional",
        query=(
            Param("page", int, "page number", minimum=1, maximum=10**9),
            Param("tag", str, "only problems with this tag"),
            Param("difficulty", str, "only problems of this difficulty", enum=DIFFICULTIES),
        ),
        tags=("problems",),
    ),
    Endpoint(
        "GET",
        "/api/problems/{slug}",
        get_problem,
        "A problem: statement, samples, limits, code stubs, languages, likes",
        {200: ProblemDetail},
        auth="optional",
        tags=("problems",),
    ),
    *(
        Endpoint(
            method,
            "/api/problems/{slug}/like",
            like,
            summary,
            {200: LikeResult},
            auth="required",
            tags=("problems",),
        )
        for method, summary in (("POST", "Like a problem"), ("DELETE", "Unlike a problem"))
    ),
]
routes = routes_for(endpoints)
