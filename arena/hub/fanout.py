"""One Redis subscription per contest per hub process, fanned out to that process's sockets.

Envelopes are forwarded as the bytes Redis delivered: one decode of the small header (seq and
audience) per event, never one encode per socket. Each socket has a bounded queue; a socket that
falls behind loses its queue and is told to resync instead of slowing anyone else down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

import msgspec

from arena.hub.broadcast import PING_FRAME, DirectSocket, text_frame
from arena.hub.local_cache import LocalCaches
from arena.hub.metrics import PUBSUB_LAG
from arena.protocol.vocabulary import Audience
from arena.storage import keys

log = logging.getLogger(__name__)
LAG_CHECK_S = 0.1
PING_INTERVAL_S = 20.0  # as uvicorn's ws_ping_interval for the sockets it still serves
RECENT_FRAMES = 1024  # per contest: what a spectator that just read its snapshot may have missed


class _Header(msgspec.Struct):
    seq: int
    audience: str
    ts: float | None = None


_header_decoder = msgspec.json.Decoder(_Header)
# Queue items are (seq, frame). Direct replies carry seq 0; RESYNC stands in for lost events.
RESYNC: tuple[int, bytes] = (-1, b"")
# The hub is stopping: the socket is closed with "reconnect now" and resumes on another hub.
RESTART: tuple[int, bytes] = (-2, b"")
# The account's role or sessions changed: closed with "reconnect now", so that it comes back
# with what the account may see now (or not at all).
ACCOUNT_CHANGED: tuple[int, bytes] = (-3, b"")
REPLY_SEQ = 0
_ACCOUNTS = keys.ACCOUNTS_CHANNEL.encode()
_LOCAL_CACHE = keys.LOCAL_CACHE_CHANNEL.encode()


class Subscriber:
    """One socket's inbox: the audiences it may see and the events waiting to be sent."""

    def __init__(
        self,
        audiences: Iterable[str],
        max_messages: int,
        *,
        everything: bool = False,
        user_id: int | None = None,
    ):
        self.audiences = frozenset(audiences)
        self.user_id = user_id  # whose session opened it (None: anonymous)
        self.everything = everything  # moderators see every audience
        self.queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue(max_messages)
        self.last_seq = 0
        self.resyncs = 0
        self.restarting = False  # the last item it gets: nothing may push it out

    def accepts(self, audience: str) -> bool:
        return self.everything or audience in self.audiences

    def offer(self, seq: int, audience: str, data: bytes) -> None:
        if seq <= self.last_seq or self.restarting or not self.accepts(audience):
            return
        self.last_seq = seq
        try:
            self.queue.put_nowait((seq, data))
        except asyncio.QueueFull:
            self.resync()

    def reply(self, data: bytes) -> None:
        """A direct answer to this socket (an error frame, a pong), in line with its events."""
        if self.restarting:
            return
        try:
            self.queue.put_nowait((REPLY_SEQ, data))
        except asyncio.QueueFull:
            self.resync()

    def resync(self) -> None:
        """Drop what is queued: the sender replaces it with a fresh snapshot."""
        if self.restarting:
            return
        self._replace_queue(RESYNC)
        self.resyncs += 1

    def restart(self, item: tuple[int, bytes] = RESTART) -> None:
        """Drop what is queued: the client resumes from its last seq on another hub (or, for
        ``ACCOUNT_CHANGED``, with its account's new rights)."""
        if self.restarting:
            return
        self.restarting = True
        self._replace_queue(item)

    def _replace_queue(self, item: tuple[int, bytes]) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(item)


class Fanout:
    def __init__(
        self,
        redis: Any,
        local: LocalCaches,
        *,
        buffer_bytes: int = 1 << 20,
        send_timeout_s: float = 10.0,
    ) -> None:
        self._redis = redis
        self._local = local  # what the change messages make this process forget
        self._pubsub = redis.pubsub()
        self._topics: dict[int, set[Subscriber]] = {}
        # Spectators (see arena.hub.broadcast): live ones, and the contest's recent frames
        # (every audience, contiguous seqs) that a socket joining after its catch-up replays.
        self._direct: dict[int, set[DirectSocket]] = {}
        self._joining: dict[int, int] = {}
        self._recent: dict[int, deque[tuple[int, str, bytes]]] = {}
        self._buffer_bytes = buffer_bytes
        self._lagging: dict[DirectSocket, int] = {}  # → contest id
        self._watcher: asyncio.Task[None] | None = None
        self._pinger: asyncio.Task[None] | None = None
        self._send_timeout_s = send_timeout_s
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self.delivered = 0
        self.restarting = False

    def start(self) -> None:
        self._reader = asyncio.create_task(self._read(), name="fanout-reader")
        self._pinger = asyncio.create_task(self._keepalive(), name="fanout-keepalive")

    async def _keepalive(self) -> None:
        """Spectators served without uvicorn get its keepalive here: one ping frame (the same
        bytes for all) every interval; a socket silent for two intervals is gone."""
        while True:
            await asyncio.sleep(PING_INTERVAL_S)
            now = time.monotonic()
            for live in self._direct.values():
                for sock in list(live):
                    if not sock.taken_over():
                        continue
                    if now - sock.seen_at > 2 * PING_INTERVAL_S:
                        live.discard(sock)
                        sock.abort()
                    else:
                        sock.write(PING_FRAME)

    async def close(self) -> None:
        for task in (self._reader, self._watcher, self._pinger):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._pubsub.aclose()

    def account_changed(self, user_id: int) -> int:
        """Close the account's sockets on this hub; returns how many."""
        closed = 0
        for topic in self._topics.values():
            for subscriber in topic:
                if subscriber.user_id == user_id:
                    subscriber.restart(ACCOUNT_CHANGED)
                    closed += 1
        return closed

    def restart_all(self) -> None:
        """The hub is stopping: every socket, and any that joins from now on, reconnects."""
        self.restarting = True
        for topic in self._topics.values():
            for subscriber in topic:
                subscriber.restart()
        for live in self._direct.values():
            for sock in live:
                sock.restart()
            live.clear()

    def sockets(self, contest_id: int | None = None) -> int:
        if contest_id is not None:
            return len(self._topics.get(contest_id, ())) + self._joining.get(contest_id, 0)
        return sum(len(t) for t in self._topics.values()) + sum(self._joining.values())

    def _wanted(self, contest_id: int) -> bool:
        return bool(self._topics.get(contest_id)) or self._joining.get(contest_id, 0) > 0

    async def _subscribe(self, contest_id: int) -> None:
        if not self._wanted(contest_id):
            self._recent[contest_id] = deque(maxlen=RECENT_FRAMES)
            await self._pubsub.subscribe(keys.contest_channel(contest_id))

    async def _unsubscribe(self, contest_id: int) -> None:
        if not self._wanted(contest_id):
            self._topics.pop(contest_id, None)
            self._direct.pop(contest_id, None)
            self._recent.pop(contest_id, None)
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(keys.contest_channel(contest_id))

    async def join(self, contest_id: int, subscriber: Subscriber) -> None:
        """Subscribed before the caller reads history, so nothing falls between the two."""
        async with self._lock:
            await self._subscribe(contest_id)
            self._topics.setdefault(contest_id, set()).add(subscriber)
        if self.restarting:
            subscriber.restart()

    async def leave(self, contest_id: int, subscriber: Subscriber) -> None:
        async with self._lock:
            topic = self._topics.get(contest_id)
            if topic is None:
                return
            topic.discard(subscriber)
            await self._unsubscribe(contest_id)

    async def join_direct(self, contest_id: int) -> None:
        """A spectator's socket is coming: subscribed (and recording recent frames) before it
        reads its snapshot or history; it joins the live set with ``go_live``."""
        async with self._lock:
            await self._subscribe(contest_id)
            self._joining[contest_id] = self._joining.get(contest_id, 0) + 1

    def go_live(self, contest_id: int, sock: DirectSocket, covered: int) -> bool:
        """Writes the recent public frames after ``covered`` and adds the socket to the live
        set, with no await in between; False when the recent frames do not reach back to
        ``covered`` (the caller sends a fresh snapshot and tries again)."""
        if self.restarting:
            sock.restart()
            return True
        if sock.gone or sock.closed():
            return True
        recent = self._recent.get(contest_id)
        if recent and recent[0][0] > covered + 1:
            return False
        sock.last_seq = covered
        sock.lagging_since = None
        for seq, audience, frame in recent or ():
            if seq > covered and audience == Audience.PUBLIC:
                sock.write(frame)
                sock.last_seq = seq
        self._direct.setdefault(contest_id, set()).add(sock)
        return True

    async def leave_direct(self, contest_id: int, sock: DirectSocket) -> None:
        sock.gone = True
        async with self._lock:
            self._direct.get(contest_id, set()).discard(sock)
            self._joining[contest_id] -= 1
            if not self._joining[contest_id]:
                del self._joining[contest_id]
            await self._unsubscribe(contest_id)

    def _broadcast(self, contest_id: int, seq: int, audience: str, data: bytes) -> None:
        frame = text_frame(data)  # once per event, whatever the number of sockets
        recent = self._recent.get(contest_id)
        if recent is not None:
            recent.append((seq, audience, frame))
        live = self._direct.get(contest_id)
        if not live or audience != Audience.PUBLIC:
            return
        now = time.monotonic()
        limit = self._buffer_bytes
        for sock in live:
            if sock.offer(seq, frame, now, limit):
                self._lagging[sock] = contest_id
        self.delivered += len(live)
        if self._lagging and (self._watcher is None or self._watcher.done()):
            self._watcher = asyncio.create_task(self._watch_lagging(), name="fanout-lagging")

    async def _watch_lagging(self) -> None:
        """Lagging spectators, looked at until each has drained (resync) or timed out (drop)."""
        while self._lagging:
            await asyncio.sleep(LAG_CHECK_S)
            now = time.monotonic()
            for sock, contest_id in list(self._lagging.items()):
                if sock.gone or sock.closed():
                    outcome: str | None = "gone"
                else:
                    outcome = sock.lag_outcome(now, self._buffer_bytes, self._send_timeout_s)
                    if outcome is None:
                        continue
                del self._lagging[sock]
                self._direct.get(contest_id, set()).discard(sock)
                if outcome == "drop":
                    log.info("dropping a spectator of contest %s: it stopped reading", contest_id)
                    sock.abort()
                elif outcome == "resync":
                    sock.on_resync(sock)

    def _dispatch(self, channel: bytes, data: bytes) -> None:
        if channel == _ACCOUNTS:
            user_id = int(data)
            self._local.forget_user(user_id)
            self.account_changed(user_id)
            return
        if channel == _LOCAL_CACHE:
            self._local.apply(data)
            return
        contest_id = keys.contest_of_channel(channel)
        header = _header_decoder.decode(data)
        if header.ts is not None:
            # Redis's clock against this host's: skew between hosts shows up here too.
            PUBSUB_LAG.observe(max(0.0, time.time() - header.ts))
        for subscriber in self._topics.get(contest_id, ()):
            subscriber.offer(header.seq, header.audience, data)
            self.delivered += 1
        self._broadcast(contest_id, header.seq, header.audience, data)

    async def _read(self) -> None:
        accounts = False
        while True:
            if not accounts:
                try:
                    await self._pubsub.subscribe(keys.ACCOUNTS_CHANNEL, keys.LOCAL_CACHE_CHANNEL)
                    accounts = True
                    # Changes published while not subscribed are unknown here: forget it all.
                    self._local.forget_all()
                except Exception as exc:
                    log.warning("fanout: cannot subscribe to account changes (%s)", exc)
                    await asyncio.sleep(0.5)
                    continue
            if not self._pubsub.subscribed:
                await asyncio.sleep(0.05)
                continue
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=1.0
                )
            except (ConnectionError, OSError, Exception) as exc:
                # Events published while the connection was down are lost to this process:
                # every socket resyncs from a snapshot (or from the history on its next seq).
                log.warning("fanout: Redis subscription lost (%s); resyncing sockets", exc)
                self._local.forget_all()
                for topic in self._topics.values():
                    for subscriber in topic:
                        subscriber.resync()
                for contest_id, live in self._direct.items():
                    self._recent[contest_id].clear()
                    for sock in list(live):
                        live.discard(sock)
                        sock.on_resync(sock)
                await asyncio.sleep(0.5)
                continue
            if message is not None and message["type"] == "message":
                try:
                    self._dispatch(message["channel"], message["data"])
                except (ValueError, msgspec.DecodeError) as exc:
                    log.warning("fanout: dropped a malformed event: %s", exc)
                except Exception:  # the reader must outlive any one event
                    log.exception("fanout: an event could not be delivered")
