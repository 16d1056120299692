"""Several hub processes on one port (``arena hub --processes 2``: SO_REUSEPORT): the kernel
spreads connections over both, both serve, and a verdict reaches the sockets of both."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from hub_support import bearer, free_port, new_contest, new_user
from pipeline_support import die_with_parent

pytestmark = pytest.mark.sandbox

AC = "a, b = map(int, input().split())\nprint(a + b)\n"
SPECTATORS = 12
CONTESTANT_SOCKETS = 6


class Shared:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.process = process


@pytest.fixture
def shared_port(hub_env: dict[str, str], tmp_path: Path) -> Iterator[Shared]:
    port = free_port()
    log = tmp_path / "hubs.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "arena", "hub", "--processes", "2", "--port", str(port)],
            env=hub_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    shared = Shared(port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(shared.url + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    yield shared
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def _health_by_hub(url: str, tries: int = 200) -> dict[str, int]:
    """Sockets per hub process, from fresh connections (each may land on either process)."""
    seen: dict[str, int] = {}
    for attempt in range(tries):
        async with httpx.AsyncClient(base_url=url) as http:  # a new connection each time
            health = (await http.get("/api/health")).json()
        seen[health["hub"]] = health["sockets"]
        if len(seen) >= 2 and attempt >= 20:
            break
    return seen


async def _read_until(socket: Any, match: Any, timeout_s: float = 120) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            frame: dict[str, Any] = json.loads(await socket.recv())
            if match(frame):
                return frame


def _solved_delta(user_id: int) -> Any:
    def match(frame: dict[str, Any]) -> bool:
        body = frame.get("body") or {}
        if body.get("kind") != "leaderboard_delta":
            return False
        return any(r["user_id"] == user_id and r["solved"] == 1 for r in body["rows"])

    return match


async def test_two_hub_processes_on_one_port_both_serve_and_deliver_a_verdict(
    shared_port: Shared, hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub = shared_port
    ids = await _health_by_hub(hub.url)
    assert len(ids) == 2, ids  # both processes answer on the one port
    contest_id = await new_contest(db, hub_problem[0])
    alice, _, token = await new_user(hub, db)
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as http:
        made = await http.post(f"/api/contests/{contest_id}/register")
        assert made.status_code == 201, made.text
        spectators = [
            await websockets.connect(f"{hub.ws_url}/ws/contests/{contest_id}/spectate")
            for _ in range(SPECTATORS)
        ]
        contestants = [
            await websockets.connect(
                f"{hub.ws_url}/ws/contests/{contest_id}", additional_headers=bearer(token)
            )
            for _ in range(CONTESTANT_SOCKETS)
        ]
        try:
            for socket in spectators + contestants:
                await _read_until(socket, lambda f: f.get("kind") == "snapshot", 30)
            # The sockets are spread over both processes.
            per_hub = await _health_by_hub(hub.url)
            assert len(per_hub) == 2 and all(count > 0 for count in per_hub.values()), per_hub
            assert sum(per_hub.values()) >= SPECTATORS + CONTESTANT_SOCKETS

            sent = await http.post(
                f"/api/contests/{contest_id}/submissions",
                json={"problem": "A", "language": "python3", "source": AC},
            )
            assert sent.status_code == 202, sent.text
            sub = sent.json()["id"]
            deltas = [await _read_until(s, _solved_delta(alice)) for s in spectators]
            # One ticker (the lease): every socket has the same delta, sequenced once.
            assert len({d["seq"] for d in deltas}) == 1, [d["seq"] for d in deltas]
            for socket in contestants:
                judged = await _read_until(
                    socket,
                    lambda f: (
                        (f.get("body") or {}).get("kind") == "submission_judged"
                        and f["body"]["submission_id"] == sub
                    ),
                )
                assert judged["body"]["verdict"] == "AC"
        finally:
            for socket in spectators + contestants:
                await socket.close()

    # SIGTERM to the parent: passed on, every process drains and exits 0.
    hub.process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(hub.process.wait, 60) == 0
