"""Writes that a browser could be tricked into sending are refused (CSRF, login CSRF).

Browsers attach the session cookie to a cross-site form POST, and a form can send
``text/plain`` or ``application/x-www-form-urlencoded`` without a CORS preflight; with a body
that happens to be JSON, that is a logged-in (or, on /api/auth/login, logging-in) API call made
by another site. So a request that changes state and is not authenticated by a bearer token
(which no browser sends on its own) must come from our own pages: an ``Origin`` (or
``Sec-Fetch-Site``) naming another site is refused, and its body must be JSON or a multipart
upload. Clients outside a browser send no ``Origin`` and are unaffected.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from arena.protocol import ErrorBody, json_encoder

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
# application/zip (a problem package upload) and the logo types are no types a form can send: a
# cross-site page would need a CORS preflight, which this hub never grants.
_BODY_TYPES = (
    "application/json",
    "multipart/form-data",
    "application/zip",
    "image/png",
    "image/jpeg",
    "application/octet-stream",
)


def _refusal(headers: dict[bytes, bytes]) -> tuple[int, ErrorBody] | None:
    if headers.get(b"authorization", b"").lower().startswith(b"bearer "):
        return None
    origin = headers.get(b"origin")
    host = headers.get(b"host", b"").decode("latin-1").lower()
    if origin is not None and urlsplit(origin.decode("latin-1")).netloc.lower() != host:
        return 403, ErrorBody("cross_site", "requests from other sites' pages are refused")
    if headers.get(b"sec-fetch-site") == b"cross-site":
        return 403, ErrorBody("cross_site", "requests from other sites' pages are refused")
    kind = headers.get(b"content-type")
    if kind is not None:
        media = kind.decode("latin-1").split(";")[0].strip().lower()
        if media not in _BODY_TYPES and not media.endswith("+json"):
            message = f"the body must be application/json (or an upload), not {media!r}"
            return 415, ErrorBody("unsupported_media_type", message)
    return None


class SameOriginWrites:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE:
            refused = _refusal(dict(scope["headers"]))
            if refused is not None:
                status, error = refused
                body = json_encoder.encode(error)
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
