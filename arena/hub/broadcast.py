"""Spectator sockets written to directly: one frame per event, the same bytes to every transport.

A spectator socket only ever receives the contest's public events, so there is nothing to decide
per socket: the fanout frames each event once (a WebSocket text frame from the server is
unmasked, so the bytes are the same for every client) and writes them to each socket's transport,
in the Redis reader's own loop iteration, as ``websockets.broadcast()`` does. No coroutine, queue
or ASGI send per socket per message: the socket's only coroutine is the one uvicorn runs for it,
which waits for the client's pings and its disconnect.

The transport is uvicorn's (its sans-I/O WebSocket protocol, reached through the ASGI ``send``
the outermost middleware saw, see ``capture``). Frames written here are uncompressed, which
permessage-deflate allows for any message (RSV1 unset), and never interleave with uvicorn's own
writes: both happen whole on the event loop thread.

Slow sockets: a socket whose transport holds more than ``ws_buffer_bytes`` unsent is *lagging*:
it gets nothing more until the buffer drains to a quarter, then a fresh snapshot (a resync); one
that stays lagging for ``ws_send_timeout_s`` is dropped and reconnects with its last seq.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.types import Scope
from websockets.frames import Frame, Opcode

SCOPE_KEY = "arena.ws_protocol"
_closing: set[asyncio.Task[None]] = set()  # referenced until done


def text_frame(data: bytes) -> bytes:
    return Frame(Opcode.TEXT, data).serialize(mask=False)


def capture(scope: Scope, send: Any) -> None:
    """Remember the server's protocol object of a WebSocket (``send`` as the server gave it)."""
    owner = getattr(send, "__self__", None)
    if owner is not None and hasattr(owner, "transport") and hasattr(owner, "close_sent"):
        scope[SCOPE_KEY] = owner


class DirectSocket:
    """One spectator's transport and how far it got."""

    __slots__ = ("_protocol", "gone", "lagging_since", "last_seq", "on_resync")

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self.last_seq = 0
        self.lagging_since: float | None = None
        self.gone = False  # its session ended: never live again
        # Set by the socket's owner: starts a resync (a snapshot, then live again).
        self.on_resync: Callable[[DirectSocket], None] = lambda sock: None

    @staticmethod
    def of(scope: Scope) -> DirectSocket | None:
        protocol = scope.get(SCOPE_KEY)
        return None if protocol is None else DirectSocket(protocol)

    def closed(self) -> bool:
        protocol = self._protocol
        return bool(protocol.close_sent or protocol.disconnected or protocol.transport.is_closing())

    def write(self, frame: bytes) -> None:
        if not self.closed():
            self._protocol.transport.write(frame)

    def buffered(self) -> int:
        size: int = self._protocol.transport.get_write_buffer_size()
        return size

    def abort(self) -> None:
        self._protocol.transport.abort()

    def restart(self) -> None:
        """Closed with 1012 through the server's own close (it keeps the protocol's state); the
        client reconnects at once with its last seq."""
        if not self.closed():
            close = {"type": "websocket.close", "code": 1012, "reason": "the hub is restarting"}
            task = asyncio.get_running_loop().create_task(self._protocol.send(close))
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    def offer(self, seq: int, frame: bytes, now: float, limit: int) -> bool:
        """Write one event unless the socket lags; True when it starts lagging with this one."""
        if seq <= self.last_seq or self.lagging_since is not None or self.closed():
            return False
        if self.buffered() > limit:
            self.lagging_since = now
            return True
        self._protocol.transport.write(frame)
        self.last_seq = seq
        return False

    def lag_outcome(self, now: float, limit: int, timeout_s: float) -> str | None:
        """For a lagging socket: "resync" once drained, "drop" past the timeout, else None."""
        if self.buffered() <= limit // 4:
            return "resync"
        return (
            "drop"
            if self.lagging_since is not None and now - self.lagging_since > timeout_s
            else None
        )
