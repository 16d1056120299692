"""``GET /api/v4/contests/{id}/event-feed``: the Contest API's NDJSON event feed.

Design. The feed is a log in Postgres (``ccs_events``, see arena.storage.ccs_events), one per
contest and audience (``public``: what the freeze allows; ``jury``: moderators). A connection
refreshes the log, then sends its events after ``since_token`` (or all of them), then keeps
polling: every ``ARENA_CCS_POLL_S`` it refreshes the log and sends the new events. Refreshes, on
connecting as when polling, happen at most once per interval per feed across all hub processes
(a Redis key): a crowd of connections costs one recompute per interval, not one each, and what a
new connection sees is about one interval old at worst. A refresh computes every object
from the contest's rows (arena.ccs) and appends the ones that differ from what the log last said,
under an advisory lock, so an event's token is the log's row id, tokens of one feed grow in commit
order, and ``since_token=N`` resumes with exactly the events after N. Events are full objects
(deletions are ``data: null``). A newline goes out after ``ARENA_CCS_KEEPALIVE_S`` (100 s) without
an event. The state event that sets ``end_of_updates`` is always the last one of its refresh, and
once it has been sent the feed ends: the contest will not change again (a rejudge that reopens it
shows up on the next connection). ``?stream=false`` sends what there is and ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from arena.ccs import feed
from arena.ccs.catalog import Inputs
from arena.ccs.source import view_for
from arena.contest import ContestInfo
from arena.hub import ccs_auth, moderators, views
from arena.hub.http import ApiError, parse_id
from arena.hub.state import HubState, hub_state
from arena.protocol import CcsEvent, json_encoder
from arena.protocol.vocabulary import Audience
from arena.storage import ccs_events, events, keys
from arena.storage.ccs_source import load_source
from arena.storage.contest_state import load_contest

_BATCH = 1000
_SETTLED_S = 24 * 3600


def _settled_marker(info: ContestInfo, seq: int) -> bytes:
    """What an ended contest's feed depends on: its row and its events (a rejudge, an answer,
    the reveal all publish one); the clock no longer moves anything."""
    digest = hashlib.blake2b(msgspec.msgpack.encode(info), digest_size=16).hexdigest()
    return f"{seq}:{digest}".encode()


async def refresh(state: HubState, contest_id: int, audience: Audience) -> None:
    """Bring the feed's log up to date (unless another connection did within the interval, or
    the contest has ended and nothing happened to it since the last refresh)."""
    fresh_ms = max(1, int(state.settings.ccs_poll_s * 1000))
    key = keys.ccs_fresh(contest_id, audience)
    settled_key = keys.ccs_settled(contest_id, audience)
    marker = None
    info = await views.contest(state, contest_id)
    if info.over_for_everyone(datetime.now(UTC)):
        marker = _settled_marker(info, await events.current_seq(state.redis, contest_id))
        if await state.redis.get(settled_key) == marker:
            return
    if not await state.redis.set(key, b"1", nx=True, px=fresh_ms):
        return

    async def build(conn: asyncpg.Connection) -> list[feed.FeedObject]:
        # Read fresh inside the locked transaction: the objects are only ever a function of rows
        # and of milestones reached, so an unchanged contest gives the same bytes every time.
        info = await load_contest(conn, contest_id)
        if info is None:
            return []
        view = view_for(info, jury=audience == Audience.JURY, now=datetime.now(UTC))
        source = await load_source(conn, info, cutoff_ms=view.cutoff_ms, live=True, board=True)
        return feed.feed_objects(Inputs(source, view, list(state.languages)))

    async with state.db.acquire() as conn:
        await ccs_events.refresh(conn, contest_id, audience, build)
    if marker is not None:
        await state.redis.set(settled_key, marker, ex=_SETTLED_S)


def _line(record: Any) -> bytes:
    data = record["data"]
    event = CcsEvent(
        type=record["type"],
        id=record["object_id"],
        data=None if data is None else msgspec.Raw(data.encode()),
        token=str(record["token"]),
    )
    return json_encoder.encode(event) + b"\n"


def _since(request: Request) -> int | None:
    # since_id is the parameter's name in the 2021-11 and 2022-07 specs (check-api.sh asks it).
    raw = request.query_params.get("since_token", request.query_params.get("since_id"))
    if raw is None:
        return None
    token = parse_id(raw)
    if token is None:
        raise ApiError(400, "bad_request", f"since_token {raw!r} is not a token of this feed")
    return token


async def _still_jury(state: HubState, request: Request, contest_id: int) -> bool:
    """Whether the caller still may read the jury's feed (its account is read again: a role
    change, a removal from the contest's moderators or a logout reaches an open feed on its
    next poll)."""
    try:
        return await moderators.moderates(state, contest_id, await ccs_auth.viewer(state, request))
    except ApiError:
        return False


async def event_feed(request: Request) -> Response:
    state = hub_state(request)
    user = await ccs_auth.viewer(state, request)
    info = await ccs_auth.contest_for(state, request, user)
    jury = await moderators.moderates(state, info.id, user)
    audience = Audience.JURY if jury else Audience.PUBLIC
    since = _since(request)
    stream = request.query_params.get("stream", "true").lower() not in ("false", "0", "no")
    host = request.client.host if request.client is not None else "unknown"
    cap = state.settings.ccs_feeds_per_address
    if stream and state.feeds.count(host) >= cap:
        raise ApiError(
            429, "rate_limited", f"at most {cap} open event feeds per address", retry_after_s=60
        )
    await refresh(state, info.id, audience)
    if since is not None:
        async with state.db.acquire() as conn:
            if not await ccs_events.known(conn, info.id, audience, since):
                raise ApiError(400, "bad_request", f"since_token {since} is not of this feed")

    async def lines() -> AsyncIterator[bytes]:
        with state.feeds.hold(host, cap if stream else 1 << 30) as allowed:
            if allowed:
                async for line in _lines():
                    yield line

    async def _lines() -> AsyncIterator[bytes]:
        settings = state.settings
        last = since or 0
        quiet_since = time.monotonic()
        first = True
        while True:
            if not first:
                if audience == Audience.JURY and not await _still_jury(state, request, info.id):
                    return  # demoted, disabled or logged out: the jury's feed ends at once
                await refresh(state, info.id, audience)
            first = False
            async with state.db.acquire() as conn:
                batch = await ccs_events.since(conn, info.id, audience, last, _BATCH)
            for record in batch:
                yield _line(record)
            if batch:
                last = batch[-1]["token"]
                quiet_since = time.monotonic()
                if feed.ends_updates(batch[-1]["type"], batch[-1]["data"]):
                    return
                if len(batch) == _BATCH:
                    continue  # more is waiting: no sleep, no refresh needed first
            if not stream:
                return
            if time.monotonic() - quiet_since >= settings.ccs_keepalive_s:
                yield b"\n"
                quiet_since = time.monotonic()
            await asyncio.sleep(min(settings.ccs_poll_s, settings.ccs_keepalive_s))

    return StreamingResponse(lines(), media_type="application/x-ndjson")
