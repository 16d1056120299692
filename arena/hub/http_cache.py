"""Encoded responses shared by every request of a process, with ETags and Cache-Control.

The contest-start spike (everyone opens the contest and its statements in the same minute) reads
the same few statements thousands of times: each is built and encoded once per problem version
per process, and a client (or a CDN) that already holds it gets a 304.

What may be cached where is decided by the route *before* any ETag is compared: a request that
may not see a statement gets its 403 / 404 (``no-store``) whatever ``If-None-Match`` it sends, so a
guessed or leaked ETag confirms nothing before the start.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from arena.hub.ttl_cache import TtlCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Everyone may keep it (a CDN too), and must ask again after a minute: a re-import shows within it.
PUBLIC = "public, max-age=60, must-revalidate"
# The browser may keep it, and asks every time (a 304 costs no body); shared caches may not.
PRIVATE = "private, no-cache"
# Seen before the start by moderators only, or an error: kept by nobody.
NO_STORE = "private, no-store"


class Encoded(msgspec.Struct, frozen=True):
    body: bytes
    etag: str


def encoded(body: bytes) -> Encoded:
    # A strong validator of the exact bytes: equal ETags mean equal bodies, whatever the version.
    return Encoded(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


def matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names this ETag (weak comparison, as RFC 9110 asks for GET)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def respond(request: Request, value: Encoded, cache_control: str) -> Response:
    headers = {"ETag": value.etag, "Cache-Control": cache_control}
    if cache_control != PUBLIC:
        # The same bytes for everyone are shared as such; anything else depends on who asks.
        headers["Vary"] = "Cookie, Authorization"
    if cache_control == NO_STORE:
        # Nothing kept, nothing to revalidate: no 304 either.
        headers.pop("ETag")
        return Response(value.body, 200, headers=headers, media_type="application/json")
    if matches(request, value.etag):
        return Response(status_code=304, headers=headers)
    return Response(value.body, 200, headers=headers, media_type="application/json")


class SharedBuild(Generic[K, V]):
    """A TtlCache whose misses are built once however many requests ask at the same moment
    (the start of a contest): the others wait for that one build."""

    def __init__(self, ttl_s: float, max_entries: int = 512) -> None:
        self._cache: TtlCache[K, V] = TtlCache(ttl_s, max_entries)
        self._building: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K, build: Callable[[], Awaitable[V]]) -> V:
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        pending = self._building.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            value = await build()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it as lost
            raise
        finally:
            del self._building[key]
        future.set_result(value)
        return self._cache.put(key, value)
