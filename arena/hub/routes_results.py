"""Moderators' results: the files of the Contest Package's results (``results.tsv``,
``awards.json``) and a CSV, as downloads, and the medal counts they are made with. For admins,
global moderators and the contest's own moderators: a per-contest moderator of another contest
gets a 403 like any contestant."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.ccs.catalog import Inputs
from arena.ccs.results import result_files
from arena.ccs.source import view_for
from arena.hub import auth, moderators, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, path_int, read_body
from arena.hub.state import HubState, hub_state
from arena.protocol import MedalsBody, UserInfo
from arena.storage import moderation
from arena.storage.ccs_source import load_source

_MEDIA = {
    "results.tsv": "text/tab-separated-values; charset=utf-8",
    "awards.json": "application/json",
    "results.csv": "text/csv; charset=utf-8",
}


async def _moderator(state: HubState, request: Request) -> tuple[UserInfo, int]:
    """The caller, who moderates the contest in the path (``arena.storage.moderators``)."""
    user = await auth.require_user(state, request)
    contest_id = path_int(request, "contest_id")
    await moderators.require(state, contest_id, user, "the results and medals are")
    return user, contest_id


async def export_file(request: Request) -> Response:
    """The jury's view: every verdict counts, the freeze does not hide anything."""
    state = hub_state(request)
    _, contest_id = await _moderator(state, request)
    name = request.path_params["file"]
    if name not in _MEDIA:
        raise ApiError(404, "not_found", f"no results file {name!r}; try {', '.join(_MEDIA)}")
    info = await views.contest(state, contest_id, fresh=True)
    async with state.db.acquire() as conn:
        source = await load_source(conn, info, cutoff_ms=None, live=True, board=True)
    view = view_for(info, jury=True, now=views.now())
    files = result_files(Inputs(source, view, list(state.languages)))
    stem = info.external_id or f"contest-{info.id}"
    disposition = f'attachment; filename="{stem}-{name}"'
    return Response(
        files[name], media_type=_MEDIA[name], headers={"Content-Disposition": disposition}
    )


async def set_medals(request: Request) -> Response:
    state = hub_state(request)
    user, contest_id = await _moderator(state, request)
    body = await read_body(request, MedalsBody)
    async with state.db.acquire() as conn:
        try:
            await moderation.set_medals(
                conn, user.id, contest_id, body.gold, body.silver, body.bronze
            )
        except moderation.ModerationError as exc:
            raise ApiError(422, "invalid", str(exc)) from None
    views.forget_contest(contest_id)
    info = await views.contest(state, contest_id, fresh=True)
    return json(MedalsBody(info.medals.gold, info.medals.silver, info.medals.bronze))


async def get_medals(request: Request) -> Response:
    state = hub_state(request)
    _, contest_id = await _moderator(state, request)
    info = await views.contest(state, contest_id)
    return json(MedalsBody(info.medals.gold, info.medals.silver, info.medals.bronze))


_TAGS = ("moderation",)
endpoints = [
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/results/{file}",
        export_file,
        "The contest's moderators: results.tsv / awards.json (ICPC Contest Package) or results.csv",
        {200: None},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/medals",
        get_medals,
        "Admins and the contest's moderators: the medal counts",
        {200: MedalsBody},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "PUT",
        "/api/contests/{contest_id}/medals",
        set_medals,
        "Admins and the contest's moderators: set the medal counts (audited)",
        {200: MedalsBody},
        auth="required",
        body=MedalsBody,
        errors=(403, 422),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
