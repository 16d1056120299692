"""Who calls the Contest API, and which contest they name (shared by its routes and its feed)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import time

from starlette.requests import Request

from arena.hub import auth, views
from arena.hub.http import ApiError, not_found
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.storage import users
from arena.storage.contest_state import ContestInfo

_BASIC_CACHE_S = 300
_BASIC_CACHE_SIZE = 10_000
_basic_cache: dict[bytes, tuple[float, UserInfo]] = {}


async def _basic_user(state: HubState, encoded: str) -> UserInfo:
    try:
        raw = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError(401, "unauthenticated", "malformed basic credentials") from None
    username, _, password = raw.partition(":")
    # Argon2 on every request would be the hub's whole CPU: a success is remembered a while, in
    # this process only (a digest of credentials has no business in Redis).
    cache_key = hashlib.sha256(raw.encode()).digest()
    cached = _basic_cache.get(cache_key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    settings = state.settings
    limit_key = f"ccs-basic:{username.lower()}"
    if not await auth.allow(state, limit_key, settings.login_attempts, settings.login_window_s):
        raise ApiError(429, "rate_limited", "too many attempts", retry_after_s=60)
    async with state.db.acquire() as conn:
        record = await users.find_user(conn, username)
    if (
        record is None
        or record.disabled
        or not await auth.verify_password(state, record.password_hash, password)
    ):
        raise ApiError(401, "unauthenticated", "wrong username or password")
    if len(_basic_cache) >= _BASIC_CACHE_SIZE:
        _basic_cache.clear()
    _basic_cache[cache_key] = (time.monotonic() + _BASIC_CACHE_S, record.info)
    return record.info


async def viewer(state: HubState, request: Request) -> UserInfo | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        return await _basic_user(state, header[6:].strip())
    return await auth.current_user(state, request)


async def contest_for(state: HubState, request: Request, user: UserInfo | None) -> ContestInfo:
    """The contest named in the path by its API id (contest.yaml's id, else its number)."""
    raw = str(request.path_params["contest_id"])
    async with state.db.acquire() as conn:
        found = await conn.fetchval("SELECT id FROM contests WHERE external_id = $1", raw)
    if found is None and raw.isdigit() and len(raw) < 19:
        found = int(raw)
    if found is None:
        raise not_found(f"contest {raw!r}")
    info = await views.contest(state, int(found))
    if not views.can_see(info, user):
        raise not_found(f"contest {raw!r}")
    return info
