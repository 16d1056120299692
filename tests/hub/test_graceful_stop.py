"""A hub stopped with SIGTERM: not ready, sockets told to reconnect, the ticker lease released,
requests in flight finished, exit 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from hub_support import PASSWORD, new_contest, new_user, start_hub
from redis.asyncio import Redis
from stop_support import STOP_REDIS_DB, assert_clean_exit, lines_with, terminate
from support import redis_url

LEASE_KEY = "arena:ticker:lease"


async def until(probe: Any, timeout_s: float = 30) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = await probe()
        if value:
            return value
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_a_stopping_hub_drains(
    hub_env: dict[str, str],
    hub_problem: tuple[int, str],
    db: Any,
    stop_redis: Redis,
    tmp_path: Path,
) -> None:
    env = {
        **hub_env,
        "ARENA_REDIS_URL": redis_url(STOP_REDIS_DB),
        "ARENA_HUB_DRAIN_S": "2",
    }
    log = tmp_path / "first.log"
    first = start_hub(env, log)
    second = None
    try:
        # Alone, the first hub takes the ticker lease; the second one waits for it.
        first_lease = await until(lambda: stop_redis.get(LEASE_KEY))
        second = start_hub(env, tmp_path / "second.log")
        contest_id = await new_contest(db, hub_problem[0])
        _, name, _ = await new_user(first, db)
        spectator = await websockets.connect(
            f"{first.ws_url}/ws/contests/{contest_id}/spectate", compression=None
        )
        assert json.loads(await spectator.recv())["kind"] == "snapshot"

        # A login whose body is still on its way when the signal comes.
        body_sent = asyncio.Event()

        async def slow_body() -> AsyncIterator[bytes]:
            yield json.dumps({"username": name}).encode()[:-1]
            body_sent.set()
            await asyncio.sleep(3.5)  # past the drain: the hub no longer listens
            yield f', "password": "{PASSWORD}"}}'.encode()

        async with httpx.AsyncClient(base_url=first.url, timeout=30) as http:
            login = asyncio.create_task(
                http.post(
                    "/api/auth/login",
                    content=slow_body(),
                    headers={"Content-Type": "application/json"},
                )
            )
            await body_sent.wait()
            await asyncio.sleep(0.2)
            os.kill(first.process.pid, signal.SIGTERM)

            # Told to reconnect, with the code the browser takes as "at once, elsewhere".
            with pytest.raises(websockets.ConnectionClosed):
                while True:
                    await asyncio.wait_for(spectator.recv(), 10)
            assert spectator.close_code == 1012
            # Still answering during the drain, but no longer ready.
            async with httpx.AsyncClient(base_url=first.url, timeout=5) as probe:
                ready = await probe.get("/api/ready")
                assert ready.status_code == 503 and ready.json()["error"] == "draining"
                assert (await probe.get("/api/live")).status_code == 200
            # The lease is let go at once and the other hub takes it at its next tick.
            second_lease = await until(
                lambda: _holder_other_than(stop_redis, first_lease), timeout_s=5
            )
            assert second_lease != first_lease

            answer = await login
        assert answer.status_code == 200, answer.text
        assert answer.json()["token"]
        status = await asyncio.to_thread(first.process.wait, 30)
        assert_clean_exit(status, log)
        assert len(lines_with(log, "hub stopping on SIGTERM")) == 1
        # The other hub serves on, ready, and a resumed socket gets only what it missed.
        async with httpx.AsyncClient(base_url=second.url, timeout=5) as http:
            assert (await http.get("/api/ready")).json() == {"ok": True}
    finally:
        for hub in (first, second):
            if hub is not None and hub.process.poll() is None:
                await asyncio.to_thread(terminate, hub.process)


async def _holder_other_than(redis: Redis, holder: bytes) -> bytes | None:
    value: bytes | None = await redis.get(LEASE_KEY)
    return value if value is not None and value != holder else None
