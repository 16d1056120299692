"""Slow sockets: a bounded queue per socket, resync on overflow, dropped when they stop reading."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from hub_support import new_contest, start_hub, stop_process

from arena.hub.fanout import RESYNC, Subscriber
from arena.protocol import Announcement, AnnouncementMade
from arena.protocol.vocabulary import Audience
from arena.storage import events


def test_overflow_replaces_the_queue_with_one_resync() -> None:
    sub = Subscriber(["public"], max_messages=3)
    for seq in range(1, 4):
        sub.offer(seq, "public", b"e%d" % seq)
    sub.offer(4, "public", b"e4")  # one too many
    assert sub.queue.qsize() == 1 and sub.queue.get_nowait() == RESYNC
    assert sub.resyncs == 1
    sub.offer(5, "public", b"e5")
    assert sub.queue.get_nowait() == (5, b"e5")


def test_audiences_and_duplicates_are_filtered() -> None:
    sub = Subscriber(["public", "user:7"], max_messages=10)
    sub.offer(1, "user:8", b"theirs")
    sub.offer(2, "user:7", b"mine")
    sub.offer(2, "user:7", b"mine again")  # replayed history and live delivery overlap
    sub.offer(3, "jury", b"jury only")
    sub.offer(4, "public", b"everyone")
    received = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    assert received == [(2, b"mine"), (4, b"everyone")]
    jury = Subscriber([], max_messages=10, everything=True)
    jury.offer(1, "user:8", b"x")
    assert jury.queue.qsize() == 1


@pytest.fixture
def small_hub(hub_env: dict[str, str], tmp_path: Path) -> Any:
    env = dict(hub_env, ARENA_WS_QUEUE_MESSAGES="8", ARENA_WS_SEND_TIMEOUT_S="2")
    hub = start_hub(env, tmp_path / "hub.log")
    yield hub
    stop_process(hub.process)


async def test_a_socket_that_stops_reading_is_dropped_and_others_get_everything(
    small_hub: Any, hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    url = f"{small_hub.ws_url}/ws/contests/{contest_id}/spectate"
    fast = await websockets.connect(url, compression=None, max_size=None)
    # The stalled client buffers little and then stops reading from its TCP socket.
    stalled = await websockets.connect(url, compression=None, max_queue=1, max_size=None)
    assert json.loads(await fast.recv())["kind"] == "snapshot"
    body = "x" * 60_000
    published = []
    for i in range(300):
        made = AnnouncementMade(Announcement(i, body, "2026-01-01T00:00:00Z"))
        published.append(await events.publish(hub_redis, contest_id, Audience.PUBLIC, made))
    got: list[int] = []
    deadline = time.monotonic() + 60
    while len(got) < len(published) and time.monotonic() < deadline:
        frame = json.loads(await asyncio.wait_for(fast.recv(), 30))
        if "seq" in frame and "body" in frame:
            got.append(frame["seq"])
        elif frame["kind"] == "snapshot":  # the fast client may be resynced too on this VM
            got = [s for s in published if s <= frame["seq"]]
    assert got == published
    # The stalled socket was given up on (its send timed out) and left the fanout, instead of
    # holding events in the hub's memory; the fast one is still served.
    deadline = time.monotonic() + 60
    sockets = -1
    while time.monotonic() < deadline:
        async with httpx.AsyncClient(base_url=small_hub.url) as http:
            sockets = (await http.get("/api/health")).json()["sockets"]
        if sockets == 1:
            break
        await asyncio.sleep(0.2)
    assert sockets == 1
    await fast.send("still here?")
    reply = json.loads(await asyncio.wait_for(fast.recv(), 30))
    assert reply["kind"] == "error"
    await fast.close()
    stalled.transport.abort()
