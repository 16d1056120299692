"""A contest from registration to final results, through two real hub processes and a worker.

Contestant, spectator and moderator sockets are real ``websockets`` clients; verdicts come from
the real judging worker in gVisor; leaderboard deltas from the hubs' ticker over Redis.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets
from hub_support import bearer, new_contest, new_user

from arena.storage import events, keys

pytestmark = pytest.mark.sandbox

AC = "a, b = map(int, input().split())\nprint(a + b)\n"
WA = "print(0)\n"
Frame = dict[str, Any]


class Stream:
    """A socket plus everything it received, read in the background."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.frames: list[Frame] = []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self.frames.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass

    async def wait_for(self, match: Callable[[Frame], bool], timeout_s: float = 90) -> Frame:
        deadline = time.monotonic() + timeout_s
        seen = 0
        while time.monotonic() < deadline:
            for frame in self.frames[seen:]:
                if match(frame):
                    return frame
            seen = len(self.frames)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching frame in {timeout_s} s; got {self.frames[-5:]}")

    def bodies(self, kind: str) -> list[Frame]:
        return [f["body"] for f in self.frames if "body" in f and f["body"]["kind"] == kind]

    async def close(self) -> None:
        await self.socket.close()
        await self.task


async def connect(url: str, token: str | None = None) -> Stream:
    headers = bearer(token) if token else None
    return Stream(await websockets.connect(url, additional_headers=headers, compression=None))


def body_is(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    def match(frame: Frame) -> bool:
        body = frame.get("body")
        if body is None or body.get("kind") != kind:
            return False
        return all(body.get(k) == v for k, v in fields.items())

    return match


def row_of(user_id: int, **fields: Any) -> Callable[[Frame], bool]:
    """A board delta with the user's row, having these values (registration makes one too)."""

    def match(frame: Frame) -> bool:
        body = frame.get("body") or {}
        rows = body.get("rows", []) if body.get("kind") == "leaderboard_delta" else []
        return any(
            r["user_id"] == user_id and all(r.get(k) == v for k, v in fields.items()) for r in rows
        )

    return match


def cell_of(user_id: int, board: str, **cell: Any) -> Callable[[Frame], bool]:
    """A delta of this board where the user's cell for problem A has these values."""

    def match(frame: Frame) -> bool:
        body = frame.get("body") or {}
        if body.get("kind") != "leaderboard_delta" or body.get("board") != board:
            return False
        rows = [r for r in body["rows"] if r["user_id"] == user_id]
        found = rows[0]["cells"].get("A") if rows else None
        return found is not None and all(found.get(k) == v for k, v in cell.items())

    return match


def delta_row(frame: Frame, user_id: int) -> Frame:
    return next(r for r in frame["body"]["rows"] if r["user_id"] == user_id)


async def admin(stream: Stream, **command: Any) -> Frame:
    request_id = f"r{time.monotonic_ns()}"
    await stream.socket.send(json.dumps({**command, "request_id": request_id}))
    return await stream.wait_for(lambda f: f.get("request_id") == request_id, 30)


async def test_contest_from_registration_to_results(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    hub_a, hub_b = hubs
    contest_id = await new_contest(db, hub_problem[0])
    alice, _, alice_token = await new_user(hub_a, db)
    bob, _, bob_token = await new_user(hub_b, db)
    _, _, mod_token = await new_user(hub_a, db, role="moderator")
    async with httpx.AsyncClient(base_url=hub_a.url) as http:
        for token in (alice_token, bob_token):
            made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text

        # Sockets spread over both hub processes: every one of them must deliver.
        contestant = await connect(f"{hub_a.ws_url}/ws/contests/{contest_id}", alice_token)
        spectator = await connect(f"{hub_b.ws_url}/ws/contests/{contest_id}/spectate")
        jury = await connect(f"{hub_b.ws_url}/ws/contests/{contest_id}", mod_token)
        moderator = await connect(f"{hub_a.ws_url}/ws/admin", mod_token)
        for stream in (contestant, spectator, jury):
            snapshot = await stream.wait_for(lambda f: f.get("kind") == "snapshot")
            assert snapshot["contest"]["id"] == contest_id
            assert snapshot["leaderboard"]["total"] == 2

        # A spectator's socket is read-only: an error frame, and the stream goes on.
        await spectator.socket.send("hello")
        error = await spectator.wait_for(lambda f: f.get("kind") == "error")
        assert "read-only" in error["message"]

        # Alice solves A: her own verdict with per-test progress, and a board delta for all.
        sent = await http.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC},
            headers=bearer(alice_token),
        )
        assert sent.status_code == 202, sent.text
        alice_sub = sent.json()["id"]
        judged = await contestant.wait_for(body_is("submission_judged", submission_id=alice_sub))
        assert judged["body"]["verdict"] == "AC"
        progress = [
            b for b in contestant.bodies("submission_progress") if b["submission_id"] == alice_sub
        ]
        assert [p["index"] for p in progress] == [0, 1, 2]
        delta = await spectator.wait_for(row_of(alice, solved=1))
        row = delta_row(delta, alice)
        assert (row["rank"], row["solved"], row["cells"]["A"]["solved"]) == (1, 1, True)
        assert row["cells"]["A"]["first"] is True
        await contestant.wait_for(row_of(alice, solved=1))

        # Bob's wrong answer: his verdict is his alone; the board shows the attempt.
        sent = await http.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": WA},
            headers=bearer(bob_token),
        )
        bob_wa = sent.json()["id"]
        await jury.wait_for(body_is("submission_judged", submission_id=bob_wa))
        delta = await spectator.wait_for(cell_of(bob, "public", attempts=1))
        assert delta_row(delta, bob)["cells"]["A"]["attempts"] == 1
        assert not [b for b in contestant.bodies("submission_judged") if b["user_id"] == bob]
        assert not spectator.bodies("submission_judged")

        # Freeze: the public board hides Bob's later solve; the jury board shows it.
        ack = await admin(moderator, action="freeze", contest_id=contest_id)
        assert ack["kind"] == "ack", ack
        await spectator.wait_for(body_is("contest", reason="frozen"))
        sent = await http.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC},
            headers=bearer(bob_token),
        )
        bob_ac = sent.json()["id"]
        await jury.wait_for(body_is("submission_judged", submission_id=bob_ac))

        frozen_delta = await spectator.wait_for(cell_of(bob, "public", pending=1))
        assert frozen_delta["body"]["frozen"] is True
        assert delta_row(frozen_delta, bob)["solved"] == 0
        await jury.wait_for(cell_of(bob, "jury", solved=True))
        public = (await http.get(f"/api/contests/{contest_id}/leaderboard")).json()
        assert public["frozen"] is True
        assert [r["solved"] for r in public["rows"]] == [1, 0]
        jury_board = await http.get(
            f"/api/contests/{contest_id}/leaderboard?board=jury", headers=bearer(mod_token)
        )
        assert [r["solved"] for r in jury_board.json()["rows"]] == [1, 1]
        denied = await http.get(
            f"/api/contests/{contest_id}/leaderboard?board=jury", headers=bearer(alice_token)
        )
        assert denied.status_code == 403

        # The spectator drops; what it misses is replayed exactly when it comes back.
        last_seq = max(f["seq"] for f in spectator.frames if "seq" in f and "body" in f)
        await spectator.close()
        await admin(moderator, action="announce", contest_id=contest_id, body="Clarified A")
        await admin(moderator, action="unfreeze", contest_id=contest_id)
        await contestant.wait_for(body_is("contest", reason="unfrozen"))
        missed = await events.since(hub_redis, contest_id, last_seq)
        assert missed is not None
        expected = [e.seq for e in missed if e.audience == "public"]
        assert expected, "the announcement and the unfreeze are public"
        back = await connect(f"{hub_a.ws_url}/ws/contests/{contest_id}/spectate?since={last_seq}")
        await back.wait_for(body_is("contest", reason="unfrozen"))
        await asyncio.sleep(0.5)
        replayed = [f["seq"] for f in back.frames if "body" in f and f["seq"] <= expected[-1]]
        assert replayed == expected
        assert not [f for f in back.frames if f.get("kind") == "snapshot"]
        unfrozen = (await http.get(f"/api/contests/{contest_id}/leaderboard")).json()
        assert unfrozen["frozen"] is False
        assert [r["solved"] for r in unfrozen["rows"]] == [1, 1]

        # A clarification: asked over HTTP, seen by the jury, answered to the asker alone.
        asked = await http.post(
            f"/api/contests/{contest_id}/clarifications",
            json={"problem": "A", "question": "Can a be negative?"},
            headers=bearer(alice_token),
        )
        assert asked.status_code == 201, asked.text
        question = asked.json()["id"]
        await jury.wait_for(lambda f: (f.get("body") or {}).get("kind") == "clarification")
        ack = await admin(moderator, action="answer", clarification_id=question, answer="Yes.")
        assert ack["kind"] == "ack", ack
        answer = await contestant.wait_for(body_is("clarification"))
        assert answer["body"]["clarification"]["answer"] == "Yes."
        assert not back.bodies("clarification")

        # Bad commands get error frames; the channel stays usable.
        await moderator.socket.send("{not json")
        assert (await moderator.wait_for(lambda f: f.get("kind") == "error"))["message"]
        await moderator.socket.send(json.dumps({"action": "extend", "contest_id": contest_id}))
        await moderator.wait_for(lambda f: "seconds" in f.get("message", ""))
        await moderator.socket.send("x" * 70_000)
        await moderator.wait_for(lambda f: "larger than" in f.get("message", ""))
        ack = await admin(moderator, action="extend", contest_id=contest_id, seconds=600)
        assert ack["kind"] == "ack", ack
        changed = await back.wait_for(body_is("contest", reason="extended"))
        assert changed["body"]["contest"]["end"] > snapshot["contest"]["end"]

        # Disqualified: off the board for everyone.
        ack = await admin(moderator, action="disqualify", contest_id=contest_id, user_id=bob)
        assert ack["kind"] == "ack", ack
        await back.wait_for(lambda f: bob in ((f.get("body") or {}).get("removed") or []))
        audit = await db.fetch(
            "SELECT action FROM audit_log WHERE contest_id = $1 ORDER BY id", contest_id
        )
        assert [a["action"] for a in audit] == [
            "freeze", "announce", "unfreeze", "answer", "extend", "disqualify",
        ]  # fmt: skip

        # The end: final results are recomputed from Postgres and kept; profiles show them.
        await db.execute(
            "UPDATE contests SET start_time = now() - interval '2 hours' WHERE id = $1", contest_id
        )
        await back.wait_for(body_is("contest", reason="finalized"))
        results = await db.fetch(
            "SELECT user_id, rank, solved FROM contest_results WHERE contest_id = $1", contest_id
        )
        assert [(r["user_id"], r["rank"], r["solved"]) for r in results] == [(alice, 1, 1)]
        profile = (await http.get("/api/me", headers=bearer(alice_token))).json()
        assert [(c["contest_id"], c["rank"]) for c in profile["contests"]] == [(contest_id, 1)]
        late = await http.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC},
            headers=bearer(alice_token),
        )
        assert late.status_code == 403
        for stream in (contestant, jury, moderator, back):
            await stream.close()


async def test_reconnect_too_old_gets_a_snapshot(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    for _ in range(3):
        await hub_redis.incr(keys.contest_seq(contest_id))  # events no history keeps
    stream = await connect(f"{hubs[0].ws_url}/ws/contests/{contest_id}/spectate?since=1")
    snapshot = await stream.wait_for(lambda f: f.get("kind") == "snapshot")
    assert snapshot["seq"] == 3
    await stream.close()
    # A seq from before a Redis restart (larger than the counter now) starts over as well.
    stream = await connect(f"{hubs[1].ws_url}/ws/contests/{contest_id}/spectate?since=99")
    snapshot = await stream.wait_for(lambda f: f.get("kind") == "snapshot")
    assert snapshot["seq"] == 3
    await stream.close()


async def test_sockets_refuse_strangers(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hubs[0], db)
    cases = [
        (f"/ws/contests/{contest_id}", None, 4401),
        (f"/ws/contests/{contest_id}", token, 4403),  # not registered
        ("/ws/contests/999999/spectate", None, 4404),
        ("/ws/admin", token, 4403),
        ("/ws/admin", None, 4401),
    ]
    for path, who, code in cases:
        stream = await connect(hubs[1].ws_url + path, who)
        await stream.task
        assert stream.socket.close_code == code, path
