"""Who is calling: argon2id passwords, session tokens (cookie or bearer), rate limits."""

from __future__ import annotations

import asyncio
import re
import secrets

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import HTTPConnection

from arena.hub.http import ApiError
from arena.hub.login_limits import address_bucket
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.settings import Settings
from arena.storage import account_events, keys, users
from arena.storage.account_events import TOMBSTONE

COOKIE = "arena_session"
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")
# No control characters: Postgres text cannot hold NUL.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,255}$")
# Tokens are token_urlsafe(32); anything far from that shape is not looked up at all.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
_session_cache = msgspec.json.Decoder(UserInfo)


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_kib,
        parallelism=1,
    )


def valid_username(username: str) -> bool:
    return _USERNAME.fullmatch(username) is not None


def check_registration(username: str, password: str, email: str | None) -> None:
    if not _USERNAME.fullmatch(username):
        raise ApiError(422, "bad_username", "a username is 2-32 letters, digits, '_', '.' or '-'")
    if not 8 <= len(password) <= 256:
        raise ApiError(422, "bad_password", "a password has 8 to 256 characters")
    if email is not None and not _EMAIL.fullmatch(email):
        raise ApiError(422, "bad_email", "the email address is malformed")


async def hash_password(state: HubState, password: str) -> str:
    # argon2 releases the GIL: hashing in threads keeps the event loop serving during bursts.
    return await asyncio.to_thread(state.hasher.hash, password)


async def verify_password(state: HubState, stored: str | None, password: str) -> bool:
    if stored is None:  # an account without a password (imported): nothing logs it in
        return False
    try:
        return await asyncio.to_thread(state.hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def allow(state: HubState, key: str, limit: int, window_s: int) -> bool:
    """Fixed-window counter in Redis, shared by every hub process."""
    name = keys.limit(key)
    async with state.redis.pipeline(transaction=True) as pipe:
        pipe.incr(name)
        pipe.expire(name, window_s, nx=True)
        count, _ = await pipe.execute()
    return int(count) <= limit


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return conn.cookies.get(COOKIE) or None


def _misses_key(conn: HTTPConnection) -> str:
    host = conn.client.host if conn.client is not None else "unknown"
    return keys.limit(f"token-miss:{address_bucket(host)}")


async def current_user(
    state: HubState, conn: HTTPConnection, *, local: bool = True
) -> UserInfo | None:
    """The session's user. Only known sessions (and logged-out ones) are cached: an unknown
    token costs one database lookup, and an address that sends more than
    ``unknown_tokens_per_minute`` of them gets none at all until the minute is over.

    A known session is also kept in this process for ``hub_local_cache_s``
    (``arena.hub.local_cache``: dropped when any hub ends it or the account changes, at the
    latest after ``hub_local_cache_s``); ``local=False`` asks Redis (the moderators' channel
    checks every command: a demotion shows at once there)."""
    token = _token(conn)
    if token is None or not _TOKEN.fullmatch(token):
        return None
    hashed = users.token_hash(token)
    known = state.local.session(hashed) if local else None
    if known is not None:
        return known
    generation = state.local.generation
    user = await _shared_session(state, conn, hashed)
    if user is not None:
        state.local.keep_session(hashed, user, generation)
    return user


async def _shared_session(state: HubState, conn: HTTPConnection, hashed: bytes) -> UserInfo | None:
    cache_key = keys.session_cache(hashed)
    # Both keys in the batch the other requests of this moment share (one MGET for all).
    cached, misses = await asyncio.gather(
        state.lookups.redis_reads.get(cache_key), state.lookups.redis_reads.get(_misses_key(conn))
    )
    if cached is not None:
        return _session_cache.decode(cached) if cached != TOMBSTONE else None
    if misses is not None and int(misses) >= state.settings.unknown_tokens_per_minute:
        return None
    user = await state.lookups.sessions.get(hashed)
    if user is None:
        async with state.redis.pipeline(transaction=True) as pipe:
            pipe.incr(_misses_key(conn))
            pipe.expire(_misses_key(conn), 60, nx=True)
            await pipe.execute()
        return None
    await state.lookups.session_fills.get((cache_key, msgspec.json.encode(user)))
    return user


async def forget_session(state: HubState, token: str) -> None:
    # A tombstone, not a delete: a lookup racing with the logout cannot cache the session again
    # (lookups only fill an empty slot). Every hub (this one at once) drops its in-process copy.
    hashed = users.token_hash(token)
    state.local.forget_session(hashed)
    await account_events.end_sessions(state.redis, [hashed])


def session_token(conn: HTTPConnection) -> str | None:
    return _token(conn)


async def require_user(state: HubState, conn: HTTPConnection) -> UserInfo:
    user = await current_user(state, conn)
    if user is None:
        raise ApiError(401, "unauthenticated", "log in first (session cookie or bearer token)")
    return user


async def require_admin(state: HubState, conn: HTTPConnection, refusal: str) -> UserInfo:
    """The logged-in admin; anyone else gets a 403 saying ``refusal``."""
    user = await require_user(state, conn)
    if user.role != "admin":
        raise ApiError(403, "forbidden", refusal)
    return user


async def require_moderator(state: HubState, conn: HTTPConnection, refusal: str) -> UserInfo:
    """The logged-in admin or global moderator; anyone else gets a 403 saying ``refusal``."""
    user = await require_user(state, conn)
    if not is_moderator(user):
        raise ApiError(403, "forbidden", refusal)
    return user


def is_moderator(user: UserInfo | None) -> bool:
    return user is not None and user.role in ("moderator", "admin")
