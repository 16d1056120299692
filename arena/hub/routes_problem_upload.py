"""Admins upload a problem package zip; a worker imports it as a staged version; publishing
makes it live. The body is streamed to a temporary file under a size cap, stored as a blob, and
never unpacked here: the hardened importer (arena/storage/archives.py) runs in the worker."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import IO

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, json, not_found, path_int
from arena.hub.state import HubState, hub_state
from arena.protocol import UserInfo
from arena.protocol.uploads import PackageCheck, ProblemUpload, ProblemUploads
from arena.storage import problem_uploads
from arena.storage.blobs import BlobStore
from arena.storage.errors import ImportFailure
from arena.storage.problems import check_slug
from arena.storage.queue import enqueue_problem_upload

_ZIP_MAGIC = b"PK\x03\x04"
DIFFICULTIES = ("easy", "medium", "hard")
MAX_TAG_CHARS = 64


async def _admin(state: HubState, request: Request) -> UserInfo:
    return await auth.require_admin(state, request, "only admins upload problem packages")


upload_view = problem_uploads.view


async def _receive(request: Request, out: IO[bytes], max_bytes: int) -> int:
    """Streams the body to ``out``; 413 as soon as it passes ``max_bytes``."""
    too_large = ApiError(413, "too_large", f"the package is larger than {max_bytes >> 20} MiB")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        out.write(chunk)  # a chunk is small: the page cache takes it without waiting
    return size


def _spool() -> IO[bytes]:
    return tempfile.NamedTemporaryFile(prefix="arena-upload-")


def _store(blobs: BlobStore, spool: IO[bytes]) -> str | None:
    """The blob of the spooled body, or None when it is not a zip."""
    spool.flush()
    spool.seek(0)
    if spool.read(4) != _ZIP_MAGIC:
        return None
    return blobs.put_file(Path(spool.name))


async def upload(request: Request) -> Response:
    state = hub_state(request)
    user = await _admin(state, request)
    raw_slug = request.query_params.get("slug", "")
    try:
        slug = check_slug(raw_slug.lower(), "slug")
    except ImportFailure as exc:
        raise ApiError(400, "bad_request", str(exc)) from None
    difficulty = request.query_params.get("difficulty") or None
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ApiError(400, "bad_request", f"difficulty is one of {', '.join(DIFFICULTIES)}")
    raw_tags = request.query_params.get("tags")
    tags = None if raw_tags is None else [t.strip() for t in raw_tags.split(",") if t.strip()]
    if tags is not None and any(len(t) > MAX_TAG_CHARS or "\0" in t for t in tags):
        raise ApiError(400, "bad_request", f"a tag is at most {MAX_TAG_CHARS} characters")
    spool = await asyncio.to_thread(_spool)
    try:
        size = await _receive(request, spool, state.settings.problem_upload_max_bytes)
        if size == 0:
            raise ApiError(400, "bad_request", "the body is empty: send the package zip")
        # Hashing and copying up to the cap: kept off the event loop.
        digest = await asyncio.to_thread(_store, state.blobs, spool)
    finally:
        await asyncio.to_thread(spool.close)  # removes the file
    if digest is None:
        raise ApiError(400, "bad_request", "the body is not a zip file")
    async with state.db.acquire() as conn:
        upload_id = await problem_uploads.create(
            conn, slug, digest, user.id, difficulty=difficulty, tags=tags
        )
        try:
            await enqueue_problem_upload(state.redis, upload_id)
        except (OSError, RedisError) as exc:
            await problem_uploads.mark_failed(conn, upload_id, f"could not queue: {exc}")
            raise ApiError(503, "unavailable", "the job queue is unavailable; try again") from None
        row = await problem_uploads.get(conn, upload_id)
    assert row is not None
    await problem_uploads.announce(state.redis, row)
    return json(upload_view(row), status=202)


async def list_uploads(request: Request) -> Response:
    state = hub_state(request)
    await _admin(state, request)
    async with state.db.acquire() as conn:
        rows = await problem_uploads.recent(conn)
    return json(ProblemUploads([upload_view(r) for r in rows]))


async def get_upload(request: Request) -> Response:
    state = hub_state(request)
    await _admin(state, request)
    upload_id = path_int(request, "upload_id")
    async with state.db.acquire() as conn:
        row = await problem_uploads.get(conn, upload_id)
    if row is None:
        raise not_found(f"problem upload {upload_id}")
    return json(upload_view(row))


async def get_check(request: Request) -> Response:
    state = hub_state(request)
    await _admin(state, request)
    upload_id = path_int(request, "upload_id")
    async with state.db.acquire() as conn:
        row = await problem_uploads.get(conn, upload_id)
    if row is None:
        raise not_found(f"problem upload {upload_id}")
    check = row.check
    if check is None:
        raise ApiError(409, "conflict", f"upload {upload_id} is {row.status}: no check yet")
    return json(check)


def _confirmed(request: Request) -> bool:
    raw = request.query_params.get("confirm", "false")
    if raw not in ("true", "false"):
        raise ApiError(400, "bad_request", "confirm is true or false")
    return raw == "true"


async def publish(request: Request) -> Response:
    state = hub_state(request)
    user = await _admin(state, request)
    upload_id = path_int(request, "upload_id")
    confirmed = _confirmed(request)
    async with state.db.acquire() as conn:
        try:
            row = await problem_uploads.publish(conn, upload_id, user.id, confirmed=confirmed)
        except LookupError:
            raise not_found(f"problem upload {upload_id}") from None
        except problem_uploads.CheckNotPassed as exc:
            raise ApiError(409, "check_failed", str(exc)) from None
        except problem_uploads.PublishRefused as exc:
            raise ApiError(409, "conflict", str(exc)) from None
    await problem_uploads.announce(state.redis, row)
    return json(upload_view(row))


_TAGS = ("organise",)
endpoints = [
    Endpoint(
        "POST",
        "/api/admin/problems/upload",
        upload,
        "Admins: upload a problem package zip (?slug=, optional ?difficulty= and ?tags=a,b);"
        " a worker stages it as a new version",
        {202: ProblemUpload},
        auth="required",
        errors=(400, 403, 413, 503),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/admin/problems/uploads",
        list_uploads,
        "Admins: the latest problem package uploads, newest first",
        {200: ProblemUploads},
        auth="required",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/admin/problems/uploads/{upload_id}",
        get_upload,
        "Admins: one upload's status (queued, checking, ready, failed, published)",
        {200: ProblemUpload},
        auth="required",
        errors=(403, 404),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/admin/problems/uploads/{upload_id}/check",
        get_check,
        "Admins: the check of an upload's staged version so far: each test input through each"
        " input validator, each of the package's submissions against its folder's verdict",
        {200: PackageCheck},
        auth="required",
        errors=(403, 404, 409),
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/admin/problems/uploads/{upload_id}/publish",
        publish,
        "Admins: make a ready upload's staged version the problem's live one; one whose check"
        " failed or could not finish needs ?confirm=true (409 check_failed says why)",
        {200: ProblemUpload},
        auth="required",
        query=(
            Param(
                "confirm",
                str,
                "true: publish although the version's check failed or could not finish",
                enum=("true", "false"),
            ),
        ),
        errors=(400, 403, 404, 409),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
