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
import time
from collections.abc import Callable
from typing import Any

from starlette.types import Scope
from websockets.frames import Frame, Opcode
from websockets.protocol import State

SCOPE_KEY = "arena.ws_protocol"
PINGS = frozenset({b'{"kind":"ping"}', b'{"kind": "ping"}'})
_closing: set[asyncio.Task[None]] = set()  # referenced until done


def text_frame(data: bytes) -> bytes:
    return Frame(Opcode.TEXT, data).serialize(mask=False)


PONG = text_frame(b'{"kind":"pong"}')
READ_ONLY = text_frame(b'{"kind":"error","message":"this stream is read-only"}')
PING_FRAME = Frame(Opcode.PING, b"arena").serialize(mask=False)


def capture(scope: Scope, send: Any) -> None:
    """Remember the server's protocol object of a WebSocket (``send`` as the server gave it)."""
    owner = getattr(send, "__self__", None)
    if owner is not None and hasattr(owner, "transport") and hasattr(owner, "close_sent"):
        scope[SCOPE_KEY] = owner


class _Detached:
    """What uvicorn's protocol holds once a spectator's transport is taken over: its own close
    when the ASGI coroutine ends must not close the connection we now serve."""

    def close(self) -> None:
        pass

    def is_closing(self) -> bool:
        return True

    def write(self, data: bytes) -> None:
        pass


_DETACHED = _Detached()


class DirectSocket(asyncio.Protocol):
    """One spectator's connection and how far it got.

    Until ``take_over`` it writes through uvicorn's protocol's transport. After it, it *is* the
    connection's protocol: uvicorn's protocol object, the ASGI scope and coroutine are freed,
    and what is left per socket is this object, the transport and a sans-I/O frame parser.
    """

    __slots__ = (
        "_conn",
        "_on_lost",
        "_protocol",
        "_transport",
        "gone",
        "lagging_since",
        "last_seq",
        "on_resync",
        "seen_at",
    )

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self._transport: asyncio.Transport = protocol.transport
        self._conn: Any = None
        self._on_lost: Callable[[], None] | None = None
        self.last_seq = 0
        self.lagging_since: float | None = None
        self.gone = False  # its session ended: never live again
        self.seen_at = 0.0  # when the client last sent anything (after take_over)
        # Set by the socket's owner: starts a resync (a snapshot, then live again).
        self.on_resync: Callable[[DirectSocket], None] = lambda sock: None

    @staticmethod
    def of(scope: Scope) -> DirectSocket | None:
        protocol = scope.get(SCOPE_KEY)
        return None if protocol is None else DirectSocket(protocol)

    def closed(self) -> bool:
        if self._transport.is_closing():
            return True
        protocol = self._protocol
        return protocol is not None and bool(protocol.close_sent or protocol.disconnected)

    def write(self, frame: bytes) -> None:
        if not self.closed():
            self._transport.write(frame)

    def buffered(self) -> int:
        return self._transport.get_write_buffer_size()

    def abort(self) -> None:
        self._transport.abort()

    def restart(self) -> None:
        """Closed with 1012 (service restart): the client reconnects at once with its last seq."""
        if self.closed():
            return
        if self._conn is not None:  # ours: a close frame, then the connection closes
            self._conn.send_close(1012, "the hub is restarting")
            self._transport.write(b"".join(self._conn.data_to_send()))
            self._transport.close()
            return
        # Still uvicorn's: through its own close, which keeps its protocol's state.
        close = {"type": "websocket.close", "code": 1012, "reason": "the hub is restarting"}
        task = asyncio.get_running_loop().create_task(self._protocol.send(close))
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    def take_over(self, on_lost: Callable[[], None]) -> bool:
        """Become the connection's protocol (uvicorn's sans-I/O one: see ``capture``); False
        when the connection is already closing. ``on_lost`` runs once when it ends."""
        protocol = self._protocol
        if self.closed() or not hasattr(protocol, "stop_keepalive"):
            return False
        protocol.stop_keepalive()
        protocol.connections.discard(protocol)  # uvicorn's shutdown no longer waits for it
        self._conn = protocol.conn  # the frame parser, already in the OPEN state
        protocol.transport = _DETACHED
        self._protocol = None
        self._on_lost = on_lost
        self.seen_at = time.monotonic()
        self._transport.set_protocol(self)
        return True

    def data_received(self, data: bytes) -> None:
        conn = self._conn
        conn.receive_data(data)
        self.seen_at = time.monotonic()
        for frame in conn.events_received():
            if frame.opcode is Opcode.TEXT:
                text = frame.data.strip()
                self._transport.write(PONG if text in PINGS else READ_ONLY)
        # Pongs to the client's pings and the answer to its close, as the parser wrote them.
        out = conn.data_to_send()
        if out:
            self._transport.write(b"".join(out))
        if conn.state is not State.OPEN:  # the client closed (or broke the protocol)
            self._transport.close()

    def taken_over(self) -> bool:
        return self._conn is not None

    def connection_lost(self, exc: Exception | None) -> None:
        on_lost, self._on_lost = self._on_lost, None
        if on_lost is not None:
            on_lost()

    def offer(self, seq: int, frame: bytes, now: float, limit: int) -> bool:
        """Write one event unless the socket lags; True when it starts lagging with this one."""
        if seq <= self.last_seq or self.lagging_since is not None or self.closed():
            return False
        if self.buffered() > limit:
            self.lagging_since = now
            return True
        self._transport.write(frame)
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
