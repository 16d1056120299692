"""Who calls the Contest API, and which contest they name (shared by its routes and its feed)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time

from starlette.requests import Request

from arena.contest import ContestInfo
from arena.hub import auth, views
from arena.hub.http import ApiError, not_found, parse_id
from arena.hub.login_limits import LoginGuard
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.storage import ccs_source, users

_VERIFIED_S = 300
_VERIFIED_SIZE = 10_000
# Keyed digests: a memory dump of the process gives no offline guesses at the passwords.
_DIGEST_KEY = secrets.token_bytes(32)
_verified: dict[bytes, float] = {}  # digest of (username, password, stored hash) → expiry


def _digest(username: str, password: str, stored_hash: str) -> bytes:
    raw = "\x00".join((username.lower(), password, stored_hash)).encode()
    return hashlib.blake2b(raw, key=_DIGEST_KEY, digest_size=32).digest()


async def _basic_user(state: HubState, encoded: str, host: str) -> UserInfo:
    try:
        raw = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError(401, "unauthenticated", "malformed basic credentials") from None
    username, _, password = raw.partition(":")
    guard = LoginGuard(state, "ccs-basic", host)
    if not auth.valid_username(username):
        await guard.check(username, valid_name=False)
        await guard.failed()
        raise ApiError(401, "unauthenticated", "wrong username or password")
    # The account is read on every request, so disabling or demoting it takes effect at once;
    # only Argon2's verdict is remembered (Argon2 per request would be the hub's whole CPU), in
    # this process, and only for this password against this stored hash.
    async with state.db.acquire() as conn:
        record = await users.find_user(conn, username)
    # An account without a password (imported without one) is refused as a wrong password is.
    if record is None or record.disabled or record.password_hash is None:
        await guard.check(username, valid_name=True)
        await guard.failed()
        raise ApiError(401, "unauthenticated", "wrong username or password")
    key = _digest(username, password, record.password_hash)
    expiry = _verified.get(key)
    if expiry is not None and expiry > time.monotonic():
        return record.info
    await guard.check(username, valid_name=True)
    if not await auth.verify_password(state, record.password_hash, password):
        await guard.failed()
        raise ApiError(401, "unauthenticated", "wrong username or password")
    await guard.succeeded()
    if len(_verified) >= _VERIFIED_SIZE:
        _verified.clear()
    _verified[key] = time.monotonic() + _VERIFIED_S
    return record.info


async def viewer(state: HubState, request: Request) -> UserInfo | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        host = request.client.host if request.client is not None else "unknown"
        return await _basic_user(state, header[6:].strip(), host)
    return await auth.current_user(state, request)


async def contest_for(state: HubState, request: Request, user: UserInfo | None) -> ContestInfo:
    """The contest named in the path by its API id (contest.yaml's id, else its number)."""
    raw = str(request.path_params["contest_id"])
    found = None
    if "\x00" not in raw:  # Postgres text cannot hold NUL, and no contest's id does
        async with state.db.acquire() as conn:
            found = await ccs_source.contest_by_external_id(conn, raw)
    if found is None:
        found = parse_id(raw)
    if found is None:
        raise not_found(f"contest {raw!r}")
    info = await views.contest(state, int(found))
    if not await views.visible(state, info, user):
        raise not_found(f"contest {raw!r}")
    return info
