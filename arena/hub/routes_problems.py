"""The problem bank: paginated list, statements with samples and stubs, likes, practice."""

from __future__ import annotations

import asyncio

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from arena.contest import ContestInfo
from arena.hub import auth, http_cache
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, no_nul, not_found
from arena.hub.state import HubState, hub_state
from arena.hub.ttl_cache import TtlCache
from arena.problems.metadata import DIFFICULTIES
from arena.protocol import (
    LanguageOption,
    LikeResult,
    ProblemDetail,
    ProblemList,
    ProblemSummary,
    Sample,
    UserInfo,
    json_encoder,
)
from arena.storage import bank
from arena.storage.bank import ProblemRow
from arena.storage.problems import SLUG_RE

PAGE_SIZE = 20
LANG_PARAM = Param("lang", str, "statement language (one of statement_langs; default: the default)")
SAMPLE_BYTES = 64 * 1024
MAX_QUERY_CHARS = 200  # a search of more words than that is not a search for a problem


async def _solved(state: HubState, user: UserInfo | None, problem_ids: list[int]) -> set[int]:
    if user is None or not problem_ids:
        return set()
    async with state.db.acquire() as conn:
        return await bank.solved_among(conn, user.id, problem_ids)


def _search_query(request: Request) -> str | None:
    """The search words (``q``), or None for no search; too long or with a NUL is a 400."""
    raw = request.query_params.get("q")
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_QUERY_CHARS:
        raise ApiError(400, "bad_request", f"a search has at most {MAX_QUERY_CHARS} characters")
    return no_nul(raw.strip(), "q")


async def list_problems(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    page = int_param(request, "page", 1)
    tag = request.query_params.get("tag") or None
    if tag is not None:
        no_nul(tag, "tag")
    difficulty = request.query_params.get("difficulty") or None
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ApiError(400, "bad_request", f"difficulty is one of {', '.join(DIFFICULTIES)}")
    query = _search_query(request)
    jury = auth.is_moderator(user)
    async with state.db.acquire() as conn:
        total = await bank.count_visible(
            conn, jury=jury, tag=tag, difficulty=difficulty, query=query
        )
        problems = await bank.visible_page(
            conn,
            jury=jury,
            tag=tag,
            difficulty=difficulty,
            query=query,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    solved = await _solved(state, user, [p.id for p in problems])
    items = [
        ProblemSummary(
            slug=p.slug,
            title=p.title,
            difficulty=p.difficulty,
            tags=p.tags,
            likes=p.like_count,
            accepted=p.accepted_count,
            submissions=p.submission_count,
            solved=p.id in solved,
        )
        for p in problems
    ]
    return json(ProblemList(items=items, page=page, page_size=PAGE_SIZE, total=total))


async def visible_problem(state: HubState, slug: str, user: UserInfo | None) -> ProblemRow:
    if SLUG_RE.fullmatch(slug) is None:  # no such problem can exist
        raise not_found(f"problem {slug!r}")
    async with state.db.acquire() as conn:
        problem = await bank.visible_problem(conn, slug, jury=auth.is_moderator(user))
    if problem is None:
        raise not_found(f"problem {slug!r}")
    return problem


_SAMPLE_CACHE_SIZE = 2048
# Blobs never change (content-addressed): a sample's text is read once per process.
_sample_texts: dict[str, str] = {}


async def problem_of_contest(state: HubState, info: ContestInfo, label: str) -> ProblemRow:
    """A contest's problem by its label (or slug), whether or not the bank shows it yet."""
    problem = info.problem_by_label(label)
    row = None
    if problem is not None:
        async with state.db.acquire() as conn:
            row = await bank.problem_by_id(conn, problem.problem_id)
    if row is None:
        raise not_found(f"problem {label!r} of this contest")
    return row


# A problem's current version and metadata revision, looked up at most every 2 s per problem and
# process: a re-import or another hub's metadata edit shows within that (this hub's own edits at
# once: see ``forget_problem``); each revision's statement is built and encoded once.
_versions: TtlCache[int, ProblemRow] = TtlCache(ttl_s=2.0, max_entries=4096)
_statements: http_cache.SharedBuild[tuple[int, int, int, str], http_cache.Encoded]
_statements = http_cache.SharedBuild(ttl_s=600.0)


def asked_lang(request: Request) -> str | None:
    """The statement language asked for (``lang``), None for the default."""
    lang = request.query_params.get("lang") or None
    return None if lang is None else no_nul(lang, "lang")


def _served_lang(problem: ProblemRow, lang: str | None) -> str:
    """The language to serve: the default unless asked; one not offered is a 404."""
    if lang is None or lang == problem.statement_lang:  # "" for a problem without statement
        return problem.statement_lang
    if lang not in problem.statement_langs:
        offered = ", ".join(problem.statement_langs) or "none"
        raise ApiError(
            404,
            "not_found",
            f"problem {problem.slug!r} has no statement in {lang[:20]!r} (offered: {offered})",
        )
    return lang


async def contest_statement(
    state: HubState, info: ContestInfo, label: str, lang: str | None = None
) -> http_cache.Encoded:
    """A contest problem's statement, encoded once per problem version and language: the same
    bytes for every caller (likes, liked and solved belong to the bank's route and are left out
    here)."""
    problem = info.problem_by_label(label)
    if problem is None:
        raise not_found(f"problem {label!r} of this contest")
    row = _versions.get(problem.problem_id)
    if row is None:
        row = await problem_of_contest(state, info, label)
        _versions.put(problem.problem_id, row)
    current = row
    served = _served_lang(current, lang)

    async def build() -> http_cache.Encoded:
        detail = await problem_detail(state, current, None, served)
        return http_cache.encoded(json_encoder.encode(msgspec.structs.replace(detail, likes=0)))

    key = (current.id, current.current_version, current.meta_rev, served)
    return await _statements.get(key, build)


def forget_problem(problem_id: int) -> None:
    """After a metadata edit: this process reads the problem's new revision on the next request."""
    _versions.pop(problem_id)


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


async def problem_detail(
    state: HubState, problem: ProblemRow, user: UserInfo | None, lang: str | None = None
) -> ProblemDetail:
    """The problem with its statement in ``lang`` (checked to be offered; None: the default)."""
    lang = _served_lang(problem, lang)
    html = problem.statement_html
    async with state.db.acquire() as conn:
        if lang != problem.statement_lang:
            html = await bank.statement_html(conn, problem.id, lang)
        limits = await bank.limits(conn, problem.id, problem.current_version)
        samples = await bank.samples(conn, problem.id, problem.current_version)
        liked = user is not None and await bank.liked(conn, problem.id, user.id)
    options = [
        LanguageOption(lang.id, lang.name, lang.version, lang.command_line)
        for lang in state.languages
        if lang.harness or not limits.function_problem
    ]
    return ProblemDetail(
        slug=problem.slug,
        title=problem.title,
        difficulty=problem.difficulty,
        tags=problem.tags,
        statement_html=html,
        samples=[
            Sample(s.name, await _text(state, s.input_hash), await _text(state, s.answer_hash))
            for s in samples
        ],
        time_limit_ms=limits.time_limit_ms,
        memory_mib=limits.memory_mib,
        code_stubs=problem.code_stubs,
        languages=[o.id for o in sorted(options, key=lambda o: o.id)],
        likes=problem.like_count,
        liked=liked,
        solved=bool(await _solved(state, user, [problem.id])),
        language_options=options,
        function_problem=limits.function_problem,
        author=problem.author,
        source=problem.source,
        statement_langs=problem.statement_langs,
        statement_lang=lang,
    )


async def get_problem(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    problem = await visible_problem(state, request.path_params["slug"], user)
    return json(await problem_detail(state, problem, user, asked_lang(request)))


async def like(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    problem = await visible_problem(state, request.path_params["slug"], user)
    liking = request.method == "POST"
    async with state.db.acquire() as conn:
        likes = await bank.set_like(conn, problem.id, user.id, liking)
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
            Param("q", str, "search words in titles and statements (web search syntax)"),
        ),
        tags=("problems",),
    ),
    Endpoint(
        "GET",
        "/api/problems/{slug}",
        get_problem,
        "A problem: statement (in an offered language), samples, limits, code stubs, languages,"
        " likes; 404 for a statement language not offered",
        {200: ProblemDetail},
        auth="optional",
        query=(LANG_PARAM,),
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
