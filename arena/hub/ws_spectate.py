"""Spectator sockets on the direct path (arena.hub.broadcast): catch-up, then live frames.

The socket's own coroutine sends the catch-up (a shared snapshot, or the events after
``?since=``), hands the socket to the fanout, and then only answers pings. Later resyncs (a
lagging socket that drained, a lost Redis subscription) run as a short task that sends a fresh
snapshot and puts the socket back in the live set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.websockets import WebSocket

from arena.hub import views
from arena.hub.broadcast import DirectSocket, text_frame
from arena.hub.http import parse_id
from arena.hub.state import HubState
from arena.protocol import ErrorFrame, json_encoder
from arena.protocol.vocabulary import Audience
from arena.storage import events

log = logging.getLogger(__name__)
PING = frozenset({'{"kind":"ping"}', '{"kind": "ping"}'})
_PONG = text_frame(b'{"kind":"pong"}')
_READ_ONLY = text_frame(json_encoder.encode(ErrorFrame("this stream is read-only")))
_TRIES = 3
_resyncing: set[asyncio.Task[None]] = set()  # referenced until done


def since_param(ws: WebSocket) -> int | None:
    raw = ws.query_params.get("since")
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    return -1 if value is None else value


async def _snapshot(state: HubState, contest_id: int, sock: DirectSocket) -> int:
    info = await views.contest(state, contest_id)
    text = await views.snapshot_text(state, info, None)  # shared by every spectator
    sock.write(text_frame(text.text.encode()))
    return text.seq


async def _catch_up(ws: WebSocket, state: HubState, contest_id: int, sock: DirectSocket) -> int:
    since = since_param(ws)
    missed = None
    if since is not None and since >= 0:
        bound = state.settings.ws_replay_max_events
        missed = await events.since(state.redis, contest_id, since, bound)
    if missed is None:
        return await _snapshot(state, contest_id, sock)
    for envelope in missed:
        if envelope.audience == Audience.PUBLIC:
            sock.write(text_frame(json_encoder.encode(envelope)))
    return missed[-1].seq if missed else since or 0


async def _go_live(state: HubState, contest_id: int, sock: DirectSocket, covered: int) -> None:
    for _ in range(_TRIES):
        if state.fanout.go_live(contest_id, sock, covered):
            return
        covered = await _snapshot(state, contest_id, sock)  # more was missed than is kept
    sock.abort()


async def _relive(state: HubState, contest_id: int, sock: DirectSocket) -> None:
    try:
        await _go_live(state, contest_id, sock, await _snapshot(state, contest_id, sock))
    except Exception as exc:
        log.warning("resync of a spectator of contest %s failed: %s", contest_id, exc)
        sock.abort()  # it reconnects with its last seq


async def stream(
    ws: WebSocket, state: HubState, contest_id: int, sock: DirectSocket, on_lost: Callable[[], None]
) -> bool:
    """Serves the spectator; True when its connection was taken over (``on_lost`` then runs
    when it ends), False when it ended here."""

    def resync(sock: DirectSocket) -> None:
        task = asyncio.get_running_loop().create_task(_relive(state, contest_id, sock))
        _resyncing.add(task)
        task.add_done_callback(_resyncing.discard)

    def lost() -> None:
        task = asyncio.get_running_loop().create_task(state.fanout.leave_direct(contest_id, sock))
        _resyncing.add(task)
        task.add_done_callback(_resyncing.discard)
        on_lost()

    sock.on_resync = resync
    await state.fanout.join_direct(contest_id)
    taken = False
    try:
        covered = await _catch_up(ws, state, contest_id, sock)
        await _go_live(state, contest_id, sock, covered)
        # From here the connection is this socket object alone (no ASGI coroutine).
        taken = sock.take_over(lost)
        if taken:
            return True
        while True:  # another server than uvicorn: served through ASGI
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return False
            text = message.get("text") or ""
            sock.write(_PONG if text.strip() in PING else _READ_ONLY)
    finally:
        if not taken:
            await state.fanout.leave_direct(contest_id, sock)
