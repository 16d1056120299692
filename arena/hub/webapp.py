"""Serving the built browser app (web/dist): its files, and index.html for client-side routes.

The app routes with the history API, so any GET that is not the API's, a socket's or a file of the
build answers with index.html. Without a build the hub serves the API alone and ``/`` says so.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

from starlette.convertors import PathConvertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


class _AppPath(PathConvertor):
    """Any path but the API's (its legacy /contests/{id}/… routes included), the sockets' and
    the hashed assets': those keep their own 404 and 405 answers."""

    regex = (
        r"(?!(?:api|ws|assets)(?:/|$))"
        r"(?!contests/[^/]+/(?:description|leaderboard|users)(?:/|$)).*"
    )


register_url_convertor("app_path", _AppPath())

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Arena</title></head>
<body><h1>Arena</h1><p>The web app is not built: run <code>scripts/setup.sh</code>
(or <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>).
The HTTP API is served under <code>/api/</code>.</p></body></html>
"""
# Vite names the built assets by content hash, so they never change under one name.
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
# The page: never cached, never framed (the moderator console must not be clickjacked), and
# scripts only from the app itself, so statement HTML cannot run code even if it slipped past
# the sanitizer. KaTeX sets inline styles; images may be data: URIs from statements.
_NO_CACHE = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
        " font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
        " frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class _ImmutableFiles(StaticFiles):
    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if response.status_code == 200:
            response.headers.update(_IMMUTABLE)
        return response


def routes(web_dir: Path) -> list[BaseRoute]:
    """The routes that serve ``web_dir``; put them after every API route."""
    index = web_dir / "index.html"
    if not index.is_file():

        async def not_built(request: Request) -> Response:
            return HTMLResponse(_NOT_BUILT)

        return [Route("/", not_built, methods=["GET", "HEAD"])]
    root = web_dir.resolve()

    async def app_page(request: Request) -> Response:
        relative = request.url.path.lstrip("/")
        wanted = (root / relative).resolve()
        hidden = any(part.startswith(".") for part in relative.split("/"))  # build markers
        if not hidden and wanted.is_relative_to(root) and wanted.is_file():
            return FileResponse(wanted, headers=_NO_CACHE)
        return FileResponse(index, headers=_NO_CACHE)

    return [
        Mount("/assets", app=_ImmutableFiles(directory=root / "assets", check_dir=False)),
        Route("/{path:app_path}", app_page, methods=["GET", "HEAD"]),
    ]
