"""The ICPC Contest API (CCS spec, version "draft") under ``/api/v4``.

Read-only for everyone where the contest is public; moderators see everything (the jury view:
every verdict, the submitted files). Callers authenticate with the hub's session cookie or bearer
token, or with HTTP basic auth (username and password), as the spec requires. Errors have the
spec's shape ``{"code", "message"}``. These routes have their own spec, so they are kept out of
the hub's OpenAPI description (a plain ``routes`` list, no ``Endpoint`` entries).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import lzma
import zipfile
import zlib
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from arena.ccs import catalog, objects, scoreboard
from arena.ccs.live import submission
from arena.ccs.source import ContestSource, View, contest_key, view_for
from arena.contest import ContestInfo
from arena.hub import (
    auth,
    ccs_auth,
    ccs_clarify,
    ccs_feed,
    idempotency,
    moderators,
    participants,
    views,
)
from arena.hub.http import ApiError, json, not_found, parse_id, read_body
from arena.hub.routes_submissions import contest_submission
from arena.hub.state import HubState, hub_state
from arena.hub.ttl_cache import TtlCache
from arena.limits import MAX_SOURCE_BYTES
from arena.protocol import (
    CcsApiInfo,
    CcsError,
    CcsProvider,
    CcsSubmitBody,
    UserInfo,
    json_encoder,
)
from arena.storage import ccs_source, events
from arena.storage.ccs_source import load_source

BASE = "/api/v4"
Handler = Callable[[Request], Awaitable[Response]]
MAX_LISTED_CONTESTS = 1000  # the most recent ones
_SOURCE_CACHE_S = 1.0
_SourceKey = tuple[int, int | None, bool, bool]  # contest, cutoff, live, board
_ENDED_CACHE_S = 60.0
# Per process: (the contest as read, the encoded answer).
_encodings: TtlCache[tuple[int, str, bool, int | None, bool, int], tuple[ContestInfo, bytes]] = (
    TtlCache(ttl_s=_SOURCE_CACHE_S)
)
# Per process: (the contest as read, the read itself, done or still running).
_sources: TtlCache[_SourceKey, tuple[ContestInfo, asyncio.Task[ContestSource]]] = TtlCache(
    ttl_s=_SOURCE_CACHE_S
)


def _ccs(handler: Handler) -> Handler:
    """The spec's error shape and CORS header on every answer of the API."""

    async def wrapped(request: Request) -> Response:
        try:
            response = await handler(request)
        except ApiError as exc:
            headers = {}
            if exc.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="Arena"'
            if exc.retry_after_s is not None:
                headers["Retry-After"] = str(exc.retry_after_s)
            response = json(CcsError(exc.status, exc.body.message), exc.status, headers)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


async def _view(state: HubState, info: ContestInfo, user: UserInfo | None) -> View:
    """The jury's view for whoever moderates this contest (``arena.storage.moderators``)."""
    jury = await moderators.moderates(state, info.id, user)
    return view_for(info, jury=jury, now=views.now())


async def _read_source(
    state: HubState, info: ContestInfo, cutoff_ms: int | None, *, live: bool, board: bool
) -> ContestSource:
    async with state.db.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        return await load_source(conn, info, cutoff_ms=cutoff_ms, live=live, board=board)


async def _inputs(
    state: HubState, info: ContestInfo, view: View, *, live: bool, board: bool
) -> catalog.Inputs:
    """What a collection is computed from. A contest's rows are read at most once a second per
    process and view (concurrent requests share one read), so a crowd polling the API costs a
    read a second, not one each; a change to the contest itself is seen at once."""
    key = (info.id, view.cutoff_ms, live, board)
    hit = _sources.get(key)
    if hit is None or hit[0] != info:
        task = asyncio.create_task(
            _read_source(state, info, view.cutoff_ms, live=live, board=board)
        )
        hit = _sources.put(key, (info, task))
        task.add_done_callback(lambda done: _forget_failed(key, done))
    # Shielded: one caller going away must not cancel the read the others wait for.
    source = await asyncio.shield(hit[1])
    return catalog.Inputs(source, view, list(state.languages))


async def _encoded(
    state: HubState, info: ContestInfo, view: View, what: str, make: Callable[[], Awaitable[Any]]
) -> Response:
    """``make()`` encoded, shared by every request for the same contest, view and event seq.

    A crowd polling /api/v4 costs one build and one encoding per event (and at most one a
    second while the contest runs, for changes that publish no event: registrations); an
    ended contest's collections are rebuilt only when an event (a rejudge, the reveal) or the
    contest itself changes."""
    seq = await events.current_seq(state.redis, info.id)
    key = (info.id, what, view.jury, view.cutoff_ms, view.details, seq)
    hit = _encodings.get(key)
    if hit is None or hit[0] != info:
        ended = info.over_for_everyone(view.now) and what != "scoreboard"
        body = json_encoder.encode(await make())
        hit = _encodings.put(key, (info, body), _ENDED_CACHE_S if ended else _SOURCE_CACHE_S)
    return Response(hit[1], media_type="application/json")


def _forget_failed(key: _SourceKey, task: asyncio.Task[ContestSource]) -> None:
    entry = _sources.get(key)
    if entry is not None and entry[1] is task and (task.cancelled() or task.exception()):
        _sources.pop(key)  # the next request reads again rather than repeat the failure


async def api_info(request: Request) -> Response:
    try:
        version = metadata.version("arena")
    except metadata.PackageNotFoundError:
        version = "unknown"
    provider = CcsProvider(name="Arena", version=version)
    return json(CcsApiInfo(objects.API_VERSION, objects.API_VERSION_URL, provider))


async def list_contests(request: Request) -> Response:
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    async with state.db.acquire() as conn:
        infos = await ccs_source.listed_contests(
            conn,
            jury=auth.is_moderator(user),
            limit=MAX_LISTED_CONTESTS,
            user_id=None if user is None else user.id,
        )
    return json([objects.contest(info) for info in infos])


async def get_contest(request: Request) -> Response:
    state = hub_state(request)
    info = await ccs_auth.contest_for(state, request, await ccs_auth.viewer(state, request))
    return json(objects.contest(info))


async def access(request: Request) -> Response:
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    registered = await participants.is_registered(state, info.id, user)
    jury = await moderators.moderates(state, info.id, user)
    return json(catalog.access(can_submit=registered, jury=jury))


async def contest_state(request: Request) -> Response:
    state = hub_state(request)
    info = await ccs_auth.contest_for(state, request, await ccs_auth.viewer(state, request))
    return json(objects.state(info, views.now()))


async def get_scoreboard(request: Request) -> Response:
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    view = await _view(state, info, user)

    async def make() -> Any:
        inputs = await _inputs(state, info, view, live=False, board=True)
        return scoreboard.scoreboard(
            inputs.source, view, objects.state(info, view.now), catalog.problem_ids(inputs)
        )

    return await _encoded(state, info, view, "scoreboard", make)


def _filtered(items: list[Any], request: Request) -> list[Any]:
    """The spec's filters: ``?team_id=5`` keeps objects whose (ID) property matches; an empty
    value matches null."""
    wanted = dict(request.query_params)
    if not wanted:
        return items
    out = []
    for item in items:
        fields = msgspec.structs.asdict(item)
        if all(
            name not in fields
            or not isinstance(fields[name], str | None)
            or (fields[name] or "") == value
            for name, value in wanted.items()
        ):
            out.append(item)
    return out


async def _collection_of(
    request: Request,
) -> tuple[HubState, ContestInfo, View, str, UserInfo | None]:
    kind = request.path_params["kind"]
    if kind not in catalog.COLLECTIONS:
        raise not_found(f"endpoint {kind!r}")
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    return state, info, await _view(state, info, user), kind, user


async def _items(state: HubState, info: ContestInfo, view: View, kind: str) -> list[Any]:
    live = kind in catalog.NEEDS_LIVE
    inputs = await _inputs(state, info, view, live=live, board=kind in catalog.NEEDS_BOARD)
    return catalog.collection(kind, inputs)


async def _own_accounts(
    state: HubState, info: ContestInfo, view: View, user: UserInfo | None
) -> list[Any]:
    """Outside the jury, the accounts a caller sees: their own, if they are in a team."""
    if user is None:
        return []
    inputs = await _inputs(state, info, view, live=False, board=False)
    return [a for a in objects.accounts(inputs.source) if a.id == str(user.id)]


async def _collection_items(request: Request) -> list[Any]:
    state, info, view, kind, user = await _collection_of(request)
    if kind == "accounts" and not view.jury:
        return await _own_accounts(state, info, view, user)
    return await _items(state, info, view, kind)


async def collection(request: Request) -> Response:
    state, info, view, kind, _ = await _collection_of(request)
    if request.query_params or (kind == "accounts" and not view.jury):
        # Filtered or personal: built per request from the shared read.
        return json(_filtered(await _collection_items(request), request))
    return await _encoded(state, info, view, kind, lambda: _items(state, info, view, kind))


async def single(request: Request) -> Response:
    wanted = request.path_params["object_id"]
    for item in await _collection_items(request):
        if str(item.id) == wanted:
            return json(item)
    raise not_found(f"{request.path_params['kind']} {wanted!r}")


async def account(request: Request) -> Response:
    """``/account``: the caller's own account in the contest."""
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    view = view_for(info, jury=False, now=views.now())
    for item in await _own_accounts(state, info, view, user):
        return json(item)
    raise not_found("account: log in as a member of one of the contest's teams")


def _unzip(encoded: str) -> bytes:
    """The one source file of a submission's base64 zip archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded, validate=True)))
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if len(entries) != 1:
            raise ApiError(400, "bad_request", "files: the zip archive must hold one source file")
        with archive.open(entries[0]) as member:
            source = member.read(MAX_SOURCE_BYTES + 1)
    except (binascii.Error, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ApiError(400, "bad_request", f"files: not a base64 zip archive ({exc})") from None
    except NotImplementedError as exc:
        raise ApiError(400, "bad_request", f"files: unsupported zip compression ({exc})") from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise ApiError(400, "bad_request", "files: the zip archive is encrypted") from None
    except (zlib.error, lzma.LZMAError, EOFError) as exc:
        raise ApiError(400, "bad_request", f"files: corrupt zip archive ({exc})") from None
    if len(source) > MAX_SOURCE_BYTES:
        raise ApiError(413, "too_large", f"the source is larger than {MAX_SOURCE_BYTES} bytes")
    return source


async def submit(request: Request) -> Response:
    """POST a submission as the caller's team (capability ``team_submit``)."""
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    if user is None:
        raise ApiError(401, "unauthenticated", "log in to submit")
    info = await ccs_auth.contest_for(state, request, user)
    body = await read_body(request, CcsSubmitBody)
    if body.id is not None or body.time is not None or body.contest_time is not None:
        raise ApiError(400, "bad_request", "id, time and contest_time are set by the server")
    if body.team_id is not None and body.team_id != objects.team_id(user.id):
        raise ApiError(403, "forbidden", "you can only submit as your own team")
    if len(body.files) != 1:
        raise ApiError(400, "bad_request", "files: exactly one zip archive")
    entry = objects.ENTRY_POINTS.get(body.language_id)
    if entry is not None and body.entry_point not in (None, entry[1]):
        raise ApiError(400, "bad_request", f"entry_point: Arena runs {entry[1]!r}")
    source = _unzip(body.files[0].data)
    submission_id, replayed = await contest_submission(
        state,
        user,
        info.id,
        body.problem_id,
        body.language_id,
        source,
        idempotency.client_key(request),
    )
    async with state.db.acquire() as conn:
        facts = await ccs_source.submission_facts(conn, submission_id)
    assert facts is not None  # just committed
    problem = next(p for p in info.problems if p.problem_id == facts.problem_id)
    made = submission(facts, problem.slug, info.clock, await _view(state, info, user))
    location = f"{BASE}/contests/{contest_key(info)}/submissions/{submission_id}"
    return json(made, 201, {"Location": location, **idempotency.replay_headers(replayed)})


async def submission_files(request: Request) -> Response:
    """A submission's source as the zip archive its ``files`` link names (moderators only)."""
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    raw_id = request.path_params["submission_id"]
    submission_id = parse_id(raw_id)
    code = None
    if submission_id is not None and await moderators.moderates(state, info.id, user):
        async with state.db.acquire() as conn:
            code = await ccs_source.contest_source_code(conn, info.id, submission_id)
    if code is None:
        raise not_found(f"submission {raw_id!r}")
    try:
        language = state.languages.get(code.language)
        filename = language.for_source(code.source).source_file
    except ValueError:
        filename = "source.txt"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, code.source)
    return Response(packed.getvalue(), media_type="application/zip")


_CONTEST = BASE + "/contests/{contest_id}"
routes = [
    Route(BASE, _ccs(api_info), methods=["GET"]),
    Route(BASE + "/", _ccs(api_info), methods=["GET"]),
    Route(BASE + "/contests", _ccs(list_contests), methods=["GET"]),
    Route(_CONTEST, _ccs(get_contest), methods=["GET"]),
    Route(_CONTEST + "/access", _ccs(access), methods=["GET"]),
    Route(_CONTEST + "/state", _ccs(contest_state), methods=["GET"]),
    Route(_CONTEST + "/scoreboard", _ccs(get_scoreboard), methods=["GET"]),
    Route(_CONTEST + "/event-feed", _ccs(ccs_feed.event_feed), methods=["GET"]),
    Route(_CONTEST + "/account", _ccs(account), methods=["GET"]),
    Route(_CONTEST + "/submissions", _ccs(submit), methods=["POST"]),
    Route(_CONTEST + "/clarifications", _ccs(ccs_clarify.post_clarification), methods=["POST"]),
    Route(_CONTEST + "/submissions/{submission_id}/files", _ccs(submission_files), methods=["GET"]),
    Route(_CONTEST + "/{kind}", _ccs(collection), methods=["GET"]),
    Route(_CONTEST + "/{kind}/{object_id}", _ccs(single), methods=["GET"]),
]
