"""Spectators whose connection the hub took over from uvicorn: pings, closes, counts."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import websockets
from hub_support import Hub, new_contest

from arena.protocol import Announcement, AnnouncementMade
from arena.protocol.vocabulary import Audience
from arena.storage import events


async def _sockets(hub: Hub, contest_id: int) -> int:
    async with httpx.AsyncClient(base_url=hub.url) as http:
        count: int = (await http.get("/api/health")).json()["sockets"]
    return count


async def test_a_taken_over_spectator_pings_reads_and_closes_cleanly(
    hubs: list[Hub], hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    url = f"{hubs[0].ws_url}/ws/contests/{contest_id}/spectate"
    before = await _sockets(hubs[0], contest_id)
    async with websockets.connect(url, compression=None) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["kind"] == "snapshot"
        await asyncio.sleep(0.3)  # taken over by now
        await asyncio.wait_for(await ws.ping(), 10)  # a protocol ping gets its pong
        await ws.send('{"kind":"ping"}')
        assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"kind": "pong"}
        await ws.send("hello")
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["kind"] == "error"
        made = AnnouncementMade(Announcement(1, "live", "2026-01-01T00:00:00Z"))
        seq = await events.publish(hub_redis, contest_id, Audience.PUBLIC, made)
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert frame["seq"] == seq and frame["body"]["kind"] == "announcement"
        assert await _sockets(hubs[0], contest_id) == before + 1
    # The client's close was answered (a clean close, not a dropped connection) ...
    assert ws.protocol.close_rcvd is not None and ws.protocol.close_rcvd.code == 1000
    # ... and the socket left the hub's count.
    deadline = time.monotonic() + 10
    while await _sockets(hubs[0], contest_id) != before:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
