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
from collections.abc import Iterable
from typing import Any

import msgspec

from arena.hub.metrics import PUBSUB_LAG
from arena.storage import events

log = logging.getLogger(__name__)


class _Header(msgspec.Struct):
    seq: int
    audience: str
    ts: float | None = None


_header_decoder = msgspec.json.Decoder(_Header)
# Queue items are (seq, frame). Direct replies carry seq 0; RESYNC stands in for lost events.
RESYNC: tuple[int, bytes] = (-1, b"")
# The hub is stopping: the socket is closed with "reconnect now" and resumes on another hub.
RESTART: tuple[int, bytes] = (-2, b"")
REPLY_SEQ = 0


class Subscriber:
    """One socket's inbox: the audiences it may see and the events waiting to be sent."""

    def __init__(self, audiences: Iterable[str], max_messages: int, *, everything: bool = False):
        self.audiences = frozenset(audiences)
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

    def restart(self) -> None:
        """Drop what is queued: the client resumes from its last seq on another hub."""
        self.restarting = True
        self._replace_queue(RESTART)

    def _replace_queue(self, item: tuple[int, bytes]) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(item)


class Fanout:
    def __init__(self, redis: Any) -> None:
        self._redis = redis
        self._pubsub = redis.pubsub()
        self._topics: dict[int, set[Subscriber]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self.delivered = 0
        self.restarting = False

    def start(self) -> None:
        self._reader = asyncio.create_task(self._read(), name="fanout-reader")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()

    def restart_all(self) -> None:
        """The hub is stopping: every socket, and any that joins from now on, reconnects."""
        self.restarting = True
        for topic in self._topics.values():
            for subscriber in topic:
                subscriber.restart()

    def sockets(self, contest_id: int | None = None) -> int:
        if contest_id is not None:
            return len(self._topics.get(contest_id, ()))
        return sum(len(t) for t in self._topics.values())

    async def join(self, contest_id: int, subscriber: Subscriber) -> None:
        """Subscribed before the caller reads history, so nothing falls between the two."""
        async with self._lock:
            topic = self._topics.get(contest_id)
            if topic is None:
                topic = self._topics[contest_id] = set()
                await self._pubsub.subscribe(events.channel(contest_id))
            topic.add(subscriber)
        if self.restarting:
            subscriber.restart()

    async def leave(self, contest_id: int, subscriber: Subscriber) -> None:
        async with self._lock:
            topic = self._topics.get(contest_id)
            if topic is None:
                return
            topic.discard(subscriber)
            if not topic:
                del self._topics[contest_id]
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(events.channel(contest_id))

    def _dispatch(self, channel: bytes, data: bytes) -> None:
        contest_id = int(channel.split(b":")[2])
        header = _header_decoder.decode(data)
        if header.ts is not None:
            # Redis's clock against this host's: skew between hosts shows up here too.
            PUBSUB_LAG.observe(max(0.0, time.time() - header.ts))
        for subscriber in self._topics.get(contest_id, ()):
            subscriber.offer(header.seq, header.audience, data)
            self.delivered += 1

    async def _read(self) -> None:
        while True:
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
                for topic in self._topics.values():
                    for subscriber in topic:
                        subscriber.resync()
                await asyncio.sleep(0.5)
                continue
            if message is not None and message["type"] == "message":
                try:
                    self._dispatch(message["channel"], message["data"])
                except (ValueError, msgspec.DecodeError) as exc:
                    log.warning("fanout: dropped a malformed event: %s", exc)
