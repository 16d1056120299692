"""Per-request context: a request id (``X-Request-Id`` in and out, and in every log line),
the latency histogram, and a JSON ``ErrorBody`` for an unhandled error instead of a bare 500."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from arena import logs
from arena.hub import broadcast
from arena.hub.metrics import HTTP_LATENCY
from arena.protocol import ErrorBody, json_encoder

log = logging.getLogger("arena.hub.access")
_errors = logging.getLogger("arena.hub.errors")
HEADER = "x-request-id"
# A caller's id is kept when it is safe to log and to echo back; else a fresh one is made.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            text = value.decode("latin-1")
            return text if _VALID_ID.fullmatch(text) else None
    return None


def _template(scope: Scope) -> str:
    # The router leaves the matched route in the scope; unmatched paths share one label so a
    # scan of random URLs cannot blow up the series count.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestContext:
    def __init__(self, app: ASGIApp, *, access_log: bool = False) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope) or uuid.uuid4().hex
        token = logs.request_id.set(rid)
        try:
            if scope["type"] == "websocket":
                broadcast.capture(scope, send)  # the server's own send: first in the stack
                await self.app(scope, receive, send)
            else:
                await self._http(scope, receive, send, rid)
        finally:
            logs.request_id.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, rid: str) -> None:
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message).append(HEADER, rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            _errors.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            await _internal_error(send_with_id, rid)
        finally:
            spent = time.perf_counter() - started
            HTTP_LATENCY.labels(scope["method"], _template(scope), str(status)).observe(spent)
            if self.access_log:
                log.info("%s %s %s %.1f ms", scope["method"], scope["path"], status, spent * 1e3)


async def _internal_error(send: Send, rid: str) -> None:
    body = json_encoder.encode(
        ErrorBody("internal", f"an internal error occurred (request id {rid})")
    )
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
