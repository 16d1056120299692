"""Admins edit a live problem's metadata (title, difficulty, tags, author and source credits,
the statement languages offered and the default) without a new package version. The edit is
audited in its transaction, bumps the problem's metadata revision (the statement caches are keyed
by it and the language, so the statement's body and ETag change at once), and open pages of
running contests with the problem are told to refresh."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.contest_time import Phase
from arena.hub import auth, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, not_found, read_body
from arena.hub.routes_problems import forget_problem
from arena.hub.state import HubState, hub_state
from arena.problems.metadata import MetadataRefused, ProblemMetadata, check
from arena.protocol import ContestChanged
from arena.protocol.organise import ProblemMeta, ProblemMetaBody
from arena.protocol.vocabulary import Audience
from arena.storage import events, problem_meta
from arena.storage.problems import SLUG_RE

_TAGS = ("organise",)
_REFUSAL = "only admins edit problems"


def _slug(request: Request) -> str:
    slug: str = request.path_params["slug"]
    if SLUG_RE.fullmatch(slug) is None:  # no such problem can exist
        raise not_found(f"problem {slug!r}")
    return slug


async def list_meta(request: Request) -> Response:
    state = hub_state(request)
    await auth.require_admin(state, request, _REFUSAL)
    async with state.db.acquire() as conn:
        return json(await problem_meta.live(conn))


async def get_meta(request: Request) -> Response:
    state = hub_state(request)
    await auth.require_admin(state, request, _REFUSAL)
    slug = _slug(request)
    async with state.db.acquire() as conn:
        meta = await problem_meta.get(conn, slug)
    if meta is None:
        raise not_found(f"live problem {slug!r}")
    return json(meta)


async def _tell_running_contests(state: HubState, contest_ids: list[int]) -> None:
    """Open pages of contests that have not ended show the new title on their next fetch."""
    now = views.now()
    for contest_id in contest_ids:
        views.forget_contest(contest_id)
        info = await views.contest(state, contest_id, fresh=True)
        if info.clock.phase(now) == Phase.ENDED:
            continue
        view = views.contest_view(info, registered=False, jury=False)
        changed = ContestChanged(view, "edited")
        await events.publish(state.redis, contest_id, Audience.PUBLIC, changed)


async def put_meta(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_admin(state, request, _REFUSAL)
    slug = _slug(request)
    body = await read_body(request, ProblemMetaBody)
    try:
        meta = check(
            ProblemMetadata(
                title=body.title,
                difficulty=body.difficulty,
                tags=body.tags,
                author=body.author,
                source=body.source,
                statement_langs=body.statement_langs,
                statement_lang=body.statement_lang,
            )
        )
        async with state.db.acquire() as conn:
            saved = await problem_meta.update(conn, user.id, slug, meta, expected_rev=body.meta_rev)
    except MetadataRefused as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    except problem_meta.StaleEdit as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    if saved is None:
        raise not_found(f"live problem {slug!r}")
    problem_id, after, contests = saved
    forget_problem(problem_id)
    await _tell_running_contests(state, contests)
    return json(after)


_BASE = "/api/organise/problems"
endpoints = [
    Endpoint(
        "GET",
        _BASE,
        list_meta,
        "Admins: every live problem's metadata, by slug",
        {200: list[ProblemMeta]},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        _BASE + "/{slug}",
        get_meta,
        "Admins: a live problem's metadata and its revision",
        {200: ProblemMeta},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        _BASE + "/{slug}",
        put_meta,
        "Admins: replace a live problem's title, difficulty, tags, credits and offered statement"
        " languages (no new version; audited); 409 when meta_rev is not the current revision",
        {200: ProblemMeta},
        auth="required",
        body=ProblemMetaBody,
        errors=(403, 409, 422),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
