"""Organization logos: admins upload a PNG or JPEG (checked from its bytes, never from its name
or Content-Type), everyone fetches it. The served file carries its checked type, ``nosniff`` and
a CSP that runs nothing, so no upload can become a page; its ETag is the blob's digest."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from arena.hub import auth, http_cache
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, no_nul, not_found
from arena.hub.state import hub_state
from arena.images import EXTENSIONS, BrokenImage, ImageInfo, NotAnImage, probe
from arena.protocol.organise import OrganizationLogo
from arena.storage import org_logos
from arena.storage.board_filters import logo_path

MAX_LOGO_BYTES = 256 * 1024
_SERVED = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-site",
}


def _organization(request: Request) -> str:
    return no_nul(request.path_params["organization"], "organization")


async def _read(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it passes the cap (declared or streamed)."""
    too_large = ApiError(413, "too_large", f"a logo is at most {MAX_LOGO_BYTES >> 10} KiB")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_LOGO_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_LOGO_BYTES:
            raise too_large
    return bytes(body)


async def _checked(data: bytes) -> ImageInfo:
    if not data:
        raise ApiError(400, "bad_request", "the body is empty: send the PNG or JPEG file")
    try:
        # Inflating a PNG's pixels (up to tens of MiB for 2048x2048) stays off the event loop.
        return await asyncio.to_thread(probe, data)
    except NotAnImage as exc:
        raise ApiError(415, "unsupported_media_type", str(exc)) from None
    except BrokenImage as exc:
        raise ApiError(400, "bad_image", str(exc)) from None


async def upload_logo(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_admin(state, request, "only admins set organization logos")
    external_id = _organization(request)
    data = await _read(request)
    image = await _checked(data)
    digest = await asyncio.to_thread(state.blobs.put, data)
    async with state.db.acquire() as conn:
        if not await org_logos.put(conn, user.id, external_id, digest, image):
            raise not_found(f"organization {external_id!r}")
    return json(
        OrganizationLogo(
            href=logo_path(external_id),
            mime=image.mime,
            width=image.width,
            height=image.height,
            sha256=digest,
        )
    )


async def get_logo(request: Request) -> Response:
    state = hub_state(request)
    external_id = _organization(request)
    async with state.db.acquire() as conn:
        logo = await org_logos.get(conn, external_id)
    if logo is None:
        raise not_found(f"a logo of organization {external_id!r}")
    headers = {**_SERVED, "ETag": f'"{logo.sha256}"', "Cache-Control": http_cache.PUBLIC}
    if http_cache.matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    data = await asyncio.to_thread(state.blobs.get, logo.sha256)
    ext = EXTENSIONS.get(logo.mime, "bin")
    headers["Content-Disposition"] = f'inline; filename="logo.{ext}"'
    return Response(data, 200, headers=headers, media_type=logo.mime)


endpoints = [
    Endpoint(
        "PUT",
        "/api/organise/organizations/{organization}/logo",
        upload_logo,
        f"Admins: set an organization's logo (the body: a PNG or JPEG file, at most"
        f" {MAX_LOGO_BYTES >> 10} KiB and 2048 pixels a side; audited)",
        {200: OrganizationLogo},
        auth="required",
        errors=(400, 403, 413, 415),
        tags=("organise",),
    ),
    Endpoint(
        "GET",
        "/api/organizations/{organization}/logo",
        get_logo,
        "An organization's logo (PNG or JPEG; ETag, 304)",
        {200: None},
        tags=("organise",),
    ),
]
# The Contest API's logo references are relative to its root (/api/v4): the same file there.
routes = [
    *routes_for(endpoints),
    Route("/api/v4/organizations/{organization}/logo", get_logo, methods=["GET"]),
]
