"""Editorials and shared solutions: hidden while a contest holding the problem runs (for anyone
still in it), then public; solutions also wait for the reveal of a frozen board."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth, views
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, no_nul, not_found, path_int, read_body
from arena.hub.routes_problems import problem_of_contest
from arena.hub.state import HubState, hub_state
from arena.problems.statement import render_markdown
from arena.protocol import UserInfo
from arena.protocol.review import (
    Editorial,
    EditorialBody,
    SharedSolution,
    Sharing,
    SharingBody,
    SolutionList,
)
from arena.storage import bank, review
from arena.storage.problems import SLUG_RE

SOLUTIONS_PAGE = 20
_HIDDEN_EDITORIAL = "the editorial is shown once every contest with this problem is over"
_HIDDEN_SOLUTIONS = "solutions are shared once the contest is over and its board revealed"


async def _problem_id(state: HubState, slug: str) -> int:
    if SLUG_RE.fullmatch(slug) is None:
        raise not_found(f"problem {slug!r}")
    async with state.db.acquire() as conn:
        found = await bank.problem_id(conn, slug)
    if found is None:
        raise not_found(f"problem {slug!r}")
    return found


async def _editorial(
    state: HubState, problem_id: int, slug: str, user: UserInfo | None, *, in_contest: bool
) -> Editorial:
    jury = auth.is_moderator(user)
    async with state.db.acquire() as conn:
        if not jury and not await review.contests_over(conn, problem_id):
            if not in_contest:  # the bank does not show the problem yet: no such page
                raise not_found(f"problem {slug!r}")
            raise ApiError(403, "not_yet", _HIDDEN_EDITORIAL)
        row = await review.editorial(conn, problem_id)
    if row is None:
        raise not_found(f"an editorial of {slug!r}")
    return Editorial(
        problem=slug,
        html=row.html,
        updated_at=views.iso(row.updated_at) or "",
        markdown=row.markdown if jury else None,
    )


async def get_editorial(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    slug = request.path_params["slug"]
    problem_id = await _problem_id(state, slug)
    return json(await _editorial(state, problem_id, slug, user, in_contest=False))


async def contest_editorial(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    if not views.can_see(info, user):
        raise not_found(f"contest {info.id}")
    problem = await problem_of_contest(state, info, request.path_params["label"])
    return json(await _editorial(state, problem.id, problem.slug, user, in_contest=True))


async def put_editorial(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_moderator(state, request, "editorials are written by moderators")
    slug = request.path_params["slug"]
    problem_id = await _problem_id(state, slug)
    body = await read_body(request, EditorialBody, review.MAX_EDITORIAL_BYTES + 1024)
    markdown = no_nul(body.markdown, "markdown")
    if not markdown.strip():
        raise ApiError(422, "invalid", "an editorial has some text")
    if len(markdown.encode()) > review.MAX_EDITORIAL_BYTES:
        raise ApiError(
            413, "too_large", f"an editorial has at most {review.MAX_EDITORIAL_BYTES} bytes"
        )
    async with state.db.acquire() as conn:
        row = await review.save_editorial(
            conn, user.id, problem_id, markdown, render_markdown(markdown)
        )
    return json(Editorial(slug, row.html, views.iso(row.updated_at) or "", row.markdown))


async def solutions(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    if not views.can_see(info, user):
        raise not_found(f"contest {info.id}")
    problem = await problem_of_contest(state, info, request.path_params["label"])
    page = int_param(request, "page", 1)
    if info.clock.frozen(views.now()):  # the reveal has not come yet
        raise ApiError(403, "not_yet", _HIDDEN_SOLUTIONS)
    async with state.db.acquire() as conn:
        if not await review.contests_over(conn, problem.id):
            raise ApiError(403, "not_yet", _HIDDEN_SOLUTIONS)
        total, rows = await review.shared_solutions(
            conn, problem.id, info.id, limit=SOLUTIONS_PAGE, offset=(page - 1) * SOLUTIONS_PAGE
        )
    items = [
        SharedSolution(
            submission_id=r.submission_id,
            user_id=r.user_id,
            username=r.username,
            language=r.language,
            time_ms=r.time_ms,
            memory_kib=r.memory_kib,
            submitted_at=views.iso(r.submitted_at) or "",
            source=r.source.decode(errors="replace"),
        )
        for r in rows
    ]
    return json(SolutionList(items=items, page=page, page_size=SOLUTIONS_PAGE, total=total))


async def set_sharing(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    submission_id = path_int(request, "submission_id")
    body = await read_body(request, SharingBody)
    async with state.db.acquire() as conn:
        if not await review.set_hidden(conn, submission_id, user.id, body.hidden):
            raise not_found(f"submission {submission_id} of yours")
    return json(Sharing(submission_id, body.hidden))


_TAGS = ("review",)
endpoints = [
    Endpoint(
        "GET",
        "/api/problems/{slug}/editorial",
        get_editorial,
        "A problem's editorial, once every contest with it is over (moderators: always)",
        {200: Editorial},
        auth="optional",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/problems/{slug}/editorial",
        put_editorial,
        "Moderators: write a problem's editorial (Markdown and math; audited)",
        {200: Editorial},
        auth="required",
        body=EditorialBody,
        errors=(403, 422),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/problems/{label}/editorial",
        contest_editorial,
        "A contest problem's editorial, once every contest with it is over",
        {200: Editorial},
        auth="optional",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/problems/{label}/solutions",
        solutions,
        "Accepted solutions their authors share, after the end and the reveal, 20 a page",
        {200: SolutionList},
        auth="optional",
        query=(Param("page", int, "page number", minimum=1, maximum=10**9),),
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/submissions/{submission_id}/sharing",
        set_sharing,
        "The author hides (or shares again) an accepted solution",
        {200: Sharing},
        auth="required",
        body=SharingBody,
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
