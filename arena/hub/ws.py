"""WebSocket sessions: contestant and spectator streams of one contest, and the moderators' channel.

Every stream starts with a snapshot, or, when the client names the last seq it saw
(``?since=N``), with exactly the events it missed. After that the socket gets the contest's events
for its audiences, in seq order, each as the envelope Redis carried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from arena.contest import ContestInfo
from arena.hub import admin, auth, moderators, participants, views, ws_spectate
from arena.hub.broadcast import DirectSocket
from arena.hub.fanout import ACCOUNT_CHANGED, REPLY_SEQ, RESTART, RESYNC, Subscriber
from arena.hub.http import ApiError, not_found, parse_id
from arena.hub.metrics import SOCKETS, open_socket
from arena.hub.state import HubState, hub_state
from arena.protocol import ErrorFrame, UserInfo, json_encoder
from arena.protocol.vocabulary import Audience, user_audience
from arena.storage import events, keys

log = logging.getLogger(__name__)
# Application close codes (4000-4999): the client should not retry blindly.
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429  # anonymous sockets per address
CLOSE_TOO_SLOW = 1013  # "try again later": the client reconnects with its last seq
CLOSE_RESTART = 1012  # "service restart": the client reconnects at once with its last seq


async def _send_error(ws: WebSocket, message: str, request_id: str | None = None) -> None:
    await ws.send_text(json_encoder.encode(ErrorFrame(message, request_id)).decode())


async def _refuse(ws: WebSocket, code: int, reason: str) -> None:
    """Accept, then close with an application code: a refused handshake would say only 403."""
    await ws.accept()
    await ws.close(code, reason)


async def _send_snapshot(
    ws: WebSocket, state: HubState, info: ContestInfo, user: UserInfo | None, sub: Subscriber
) -> int:
    # Building the snapshot may wait for the database (a thousand sockets resyncing at once);
    # only the send counts against the socket's send timeout.
    text = await views.snapshot_text(state, await views.contest(state, info.id), user)
    seq = text.seq
    sub.last_seq = max(sub.last_seq, seq)
    async with asyncio.timeout(state.settings.ws_send_timeout_s):
        await ws.send_text(text.text)
    return seq


async def _catch_up(
    ws: WebSocket, state: HubState, info: ContestInfo, user: UserInfo | None, sub: Subscriber
) -> int:
    """The snapshot or the missed events; returns the last seq sent (the pump skips up to it:
    events published meanwhile arrive both live and from the history)."""
    since = ws_spectate.since_param(ws)
    bound = state.settings.ws_replay_max_events
    missed = None
    if since is not None and since >= 0:
        missed = await events.since(state.redis, info.id, since, bound)
    if missed is None:
        return await _send_snapshot(ws, state, info, user, sub)
    async with asyncio.timeout(state.settings.ws_send_timeout_s):
        for envelope in missed:
            if sub.accepts(envelope.audience):
                await ws.send_text(json_encoder.encode(envelope).decode())
    return missed[-1].seq if missed else since or 0


async def _pump(
    ws: WebSocket,
    state: HubState,
    info: ContestInfo,
    user: UserInfo | None,
    sub: Subscriber,
    covered: int,
) -> None:
    """The socket's only sender; a send that stalls past the timeout drops the client.

    ``covered``: events up to this seq were already sent (in a snapshot or the catch-up)."""
    timeout_s = state.settings.ws_send_timeout_s
    while True:
        item = await sub.queue.get()
        if item == RESYNC:
            covered = await _send_snapshot(ws, state, info, user, sub)
            continue
        if item == RESTART:
            await ws.close(CLOSE_RESTART, "the hub is restarting")
            return
        if item == ACCOUNT_CHANGED:
            await ws.close(CLOSE_RESTART, "your account changed")
            return
        seq, data = item
        if seq == REPLY_SEQ or seq > covered:
            # asyncio.timeout, not wait_for: no extra task per socket per message.
            async with asyncio.timeout(timeout_s):
                await ws.send_text(data.decode())


async def _receive(ws: WebSocket, sub: Subscriber, *, read_only: bool) -> None:
    """Replies go through the subscriber's queue, so that only the pump ever sends."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text") or ""
        if text.strip() in ws_spectate.PING:  # keep-alives are welcome on every stream
            sub.reply(b'{"kind":"pong"}')
            continue
        reason = (
            "this stream is read-only"
            if read_only
            else "contestants act through the HTTP API; this socket only accepts pings"
        )
        sub.reply(json_encoder.encode(ErrorFrame(reason)))


async def _stream(
    ws: WebSocket,
    state: HubState,
    info: ContestInfo,
    user: UserInfo | None,
    sub: Subscriber,
    *,
    read_only: bool,
) -> None:
    await state.fanout.join(info.id, sub)
    tasks: list[asyncio.Task[None]] = []
    try:
        covered = await _catch_up(ws, state, info, user, sub)
        tasks = [
            asyncio.create_task(_pump(ws, state, info, user, sub, covered)),
            asyncio.create_task(_receive(ws, sub, read_only=read_only)),
        ]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        failure = next((t.exception() for t in done if not t.cancelled() and t.exception()), None)
        if isinstance(failure, TimeoutError):
            log.info("dropping a socket of contest %s: it stopped reading", info.id)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(CLOSE_TOO_SLOW, "too slow"), 1.0)
    except WebSocketDisconnect:
        return
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await state.fanout.leave(info.id, sub)


async def _open_contest(
    ws: WebSocket, state: HubState
) -> tuple[ContestInfo, UserInfo | None] | None:
    contest_id = parse_id(ws.path_params["contest_id"])
    try:
        if contest_id is None:
            raise not_found("contest")
        info = await views.contest(state, contest_id)
    except ApiError:
        await _refuse(ws, CLOSE_NOT_FOUND, "no such contest")
        return None
    user = await auth.current_user(state, ws)
    if not await views.visible(state, info, user):
        await _refuse(ws, CLOSE_NOT_FOUND, "no such contest")
        return None
    return info, user


def _same_origin(ws: WebSocket) -> bool:
    """Browsers send the session cookie with any page's socket: only our own pages may use it
    (clients without a browser send no Origin and authenticate by bearer token)."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == ws.headers.get("host", "").lower()


async def contestant(ws: WebSocket) -> None:
    state = hub_state(ws)
    if not _same_origin(ws):
        await _refuse(ws, CLOSE_FORBIDDEN, "cross-site socket")
        return
    opened = await _open_contest(ws, state)
    if opened is None:
        return
    info, user = opened
    if user is None:
        await _refuse(ws, CLOSE_UNAUTHORIZED, "log in first")
        return
    jury = await moderators.moderates(state, info.id, user)
    if not jury and not await participants.is_registered(state, info.id, user):
        await _refuse(ws, CLOSE_FORBIDDEN, "not registered for this contest")
        return
    await ws.accept()
    # A team member hears the team's verdicts and answers (its registration's audience).
    acting = user if jury else await participants.contestant(state, info.id, user)
    audiences = [Audience.JURY] if jury else [Audience.PUBLIC, user_audience(acting.id)]
    sub = Subscriber(audiences, state.settings.ws_queue_messages, everything=jury, user_id=user.id)
    with open_socket("contestant"):
        await _stream(ws, state, info, user, sub, read_only=False)


async def spectator(ws: WebSocket) -> None:
    state = hub_state(ws)
    opened = await _open_contest(ws, state)
    if opened is None:
        return
    info, user = opened
    host = ws.client.host if ws.client is not None else "unknown"
    cap = state.settings.spectator_sockets_per_address if user is None else 1 << 30
    if not state.spectators.acquire(host, cap):
        await _refuse(ws, CLOSE_TOO_MANY, "too many sockets from this address")
        return
    gauge = SOCKETS.labels("spectator")
    gauge.inc()

    def ended() -> None:
        state.spectators.release(host)
        gauge.dec()

    taken = False
    try:
        await ws.accept()
        # Spectators always see the public board, even when a moderator watches this way.
        direct = DirectSocket.of(ws.scope)
        if direct is not None:  # uvicorn: frames written straight to the transport
            taken = await ws_spectate.stream(ws, state, info.id, direct, ended)
            return
        sub = Subscriber([Audience.PUBLIC], state.settings.ws_queue_messages)
        await _stream(ws, state, info, None, sub, read_only=True)
    finally:
        if not taken:
            ended()


async def moderator(ws: WebSocket) -> None:
    state = hub_state(ws)
    if not _same_origin(ws):
        await _refuse(ws, CLOSE_FORBIDDEN, "cross-site socket")
        return
    user = await auth.current_user(state, ws)
    if user is None:
        await _refuse(ws, CLOSE_UNAUTHORIZED, "log in first")
        return
    if not await moderators.moderates_any(state, user):
        # A per-contest moderator opens it too: each command is checked for its contest.
        await _refuse(ws, CLOSE_FORBIDDEN, "moderators only")
        return
    pubsub = None
    if user.role == "admin":
        # Subscribed before the socket is accepted: a client that sees it open misses nothing.
        pubsub = state.redis.pubsub()
        await pubsub.subscribe(keys.PROBLEM_UPLOADS_CHANNEL)
    try:
        await ws.accept()
        with open_socket("admin"), contextlib.suppress(WebSocketDisconnect):
            if pubsub is None:
                await _moderate(ws, state, user)
                return
            pushing = asyncio.create_task(_push_uploads(ws, pubsub))
            try:
                await _moderate(ws, state, user)
            finally:
                pushing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pushing
    finally:
        if pubsub is not None:
            await pubsub.aclose()


async def _push_uploads(ws: WebSocket, pubsub: Any) -> None:
    """Problem upload status frames for an admin's socket, as the hubs and workers publish
    them (one subscription per admin socket: there are a handful)."""
    async for message in pubsub.listen():
        if message.get("type") == "message":
            data = message["data"]
            await ws.send_text(data.decode() if isinstance(data, bytes) else str(data))


async def _moderate(ws: WebSocket, state: HubState, user: UserInfo) -> None:
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") or message.get("bytes") or b""
        data = raw.encode() if isinstance(raw, str) else raw
        if len(data) > state.settings.ws_max_frame_bytes:
            await _send_error(ws, f"frame larger than {state.settings.ws_max_frame_bytes} bytes")
            continue
        # The role is checked again for every command: a demoted or disabled moderator loses
        # the channel at once (Redis, not this process's copy: cheap enough for commands).
        current = await auth.current_user(state, ws, local=False)
        if current is None or not await moderators.moderates_any(state, current):
            await ws.close(CLOSE_FORBIDDEN, "no longer a moderator")
            return
        reply = await admin.handle(state, current, data)
        await ws.send_text(json_encoder.encode(reply).decode())
