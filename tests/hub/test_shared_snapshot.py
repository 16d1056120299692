"""Contestant and moderator snapshots share one encoding per contest, board and seq: each socket
still gets its own row and registration, and a new event makes a new snapshot."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import msgspec
import websockets
from hub_support import Hub, bearer, new_contest, new_user

from arena.protocol import Announcement, AnnouncementMade, Snapshot
from arena.protocol.vocabulary import Audience
from arena.storage import events


async def _snapshot(hub: Hub, contest_id: int, token: str) -> tuple[dict[str, Any], str]:
    async with websockets.connect(
        f"{hub.ws_url}/ws/contests/{contest_id}", additional_headers=bearer(token)
    ) as ws:
        raw = await ws.recv()
    assert isinstance(raw, str)
    # The spliced text is one valid Snapshot.
    msgspec.json.decode(raw, type=Snapshot)
    frame: dict[str, Any] = json.loads(raw)
    assert frame["kind"] == "snapshot", frame
    return frame, raw


async def test_each_socket_gets_its_own_row_in_the_shared_snapshot(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_redis: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    users = [await new_user(hubs[0], db) for _ in range(3)]
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        for _, _, token in users:
            made = await client.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text
    # The registrations' board deltas come with the ticker's next tick: let them pass first,
    # so the three sockets open at one seq.
    stable, last = 0, -1
    while stable < 5:
        seq = await events.current_seq(hub_redis, contest_id)
        stable, last = (stable + 1, seq) if seq == last else (0, seq)
        await asyncio.sleep(0.1)
    frames = [await _snapshot(hubs[1], contest_id, token) for _, _, token in users]
    seqs = {frame["seq"] for frame, _ in frames}
    assert len(seqs) == 1
    for (user_id, name, _), (frame, _) in zip(users, frames, strict=True):
        me = frame["leaderboard"]["me"]
        assert (me["user_id"], me["username"]) == (user_id, name)
        assert frame["contest"]["registered"] is True
        assert frame["leaderboard"]["board"] == "public"
        assert frame["leaderboard"]["total"] == 3
    # Everything but the own row is the same.
    bodies = {json.dumps({**f, "leaderboard": {**f["leaderboard"], "me": None}}) for f, _ in frames}
    assert len(bodies) == 1
    # A moderator (not registered) gets the jury board, no own row, registered false.
    frame, _ = await _snapshot(hubs[1], contest_id, jury)
    assert frame["leaderboard"]["board"] == "jury" and frame["leaderboard"]["me"] is None
    assert frame["contest"]["registered"] is False
    # A new event: the next socket's snapshot is at the new seq and carries it.
    made = AnnouncementMade(Announcement(7, "snapshot news", "2026-01-01T00:00:00Z"))
    seq = await events.publish(hub_redis, contest_id, Audience.PUBLIC, made)
    await db.execute(
        "INSERT INTO announcements (contest_id, body) VALUES ($1, 'snapshot news')", contest_id
    )
    frame, _ = await _snapshot(hubs[1], contest_id, users[0][2])
    assert frame["seq"] >= seq
    assert "snapshot news" in [a["body"] for a in frame["announcements"]]
    assert frame["leaderboard"]["me"]["user_id"] == users[0][0]
