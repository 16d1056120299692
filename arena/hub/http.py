"""HTTP plumbing shared by the routes: typed bodies in, msgspec JSON out, errors as ErrorBody."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from arena.protocol import ErrorBody, json_encoder

T = TypeVar("T")
MAX_BODY_BYTES = 256 * 1024
INT64_MAX = 2**63 - 1


class ApiError(Exception):
    """Raised by a route; answered as ``{"error", "message"}`` with the status."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        allowed: list[str] | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.status = status
        self.body = ErrorBody(error=error, message=message, allowed=allowed)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist")


def json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json_encoder.encode(value), status, headers=headers, media_type="application/json"
    )


_decoders: dict[type, msgspec.json.Decoder[Any]] = {}


async def read_body(request: Request, kind: type[T], max_bytes: int = MAX_BODY_BYTES) -> T:
    """Decode a JSON body into ``kind``; size and shape errors are 413 / 400 with the reason."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, "too_large", f"the request body is larger than {max_bytes} bytes")
    body = bytearray()  # appended in place: bytes += bytes would copy the body on every chunk
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, "too_large", f"the request body is larger than {max_bytes} bytes")
    decoder = _decoders.get(kind)
    if decoder is None:
        decoder = _decoders[kind] = msgspec.json.Decoder(kind)
    try:
        decoded: T = decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise ApiError(400, "bad_request", f"invalid body: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise ApiError(400, "bad_request", f"the body is not valid JSON: {exc}") from exc
    # Postgres text cannot hold NUL, and no field of ours needs it: refused here once for every
    # route rather than as a 500 from whichever query first meets it. JSON can only carry a NUL
    # escaped, so bodies without that escape are not walked.
    if b"\\u0000" in body:
        where = _nul_path(msgspec.to_builtins(decoded), "body")
        if where is not None:
            raise ApiError(400, "bad_request", f"{where} must not contain NUL characters")
    return decoded


def _nul_path(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_path(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found is not None:
            return found
    return None


def int_param(request: Request, name: str, default: int, *, low: int = 1, high: int = 10**9) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"query parameter {name!r} must be an integer") from None
    if not low <= value <= high:
        raise ApiError(400, "bad_request", f"query parameter {name!r} must be in {low}..{high}")
    return value


def no_nul(value: str, what: str) -> str:
    """Postgres text cannot hold NUL: such input is the caller's error, not a server one."""
    if "\x00" in value:
        raise ApiError(400, "bad_request", f"{what} must not contain NUL characters")
    return value


def parse_id(raw: object) -> int | None:
    """A database id (a bigint), or None: larger numbers would fail in Postgres, not here."""
    if isinstance(raw, str) and not (raw.isascii() and raw.isdigit()):
        return None  # int() would take " 7", "1_0" and non-ASCII digits
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= INT64_MAX else None


def path_int(request: Request, name: str) -> int:
    raw = request.path_params[name]
    value = parse_id(raw)
    if value is None:
        raise ApiError(404, "not_found", f"no {name} {raw!r}")
    return value


async def unavailable_handler(request: Request, exc: Exception) -> Response:
    """Postgres or Redis unreachable: the client may retry; nothing was half-done."""
    body = ErrorBody("unavailable", "a backing service is unavailable; try again in a moment")
    return json(body, 503, {"Retry-After": "5"})


async def api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    # Refusals depend on who asks and when (a statement is 403 until the start): never kept.
    headers = {"Cache-Control": "private, no-store"}
    if exc.retry_after_s is not None:
        headers["Retry-After"] = str(exc.retry_after_s)
    return json(exc.body, exc.status, headers)
