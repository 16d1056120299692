"""Helpers for hub tests: users and contests made through the real API and database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import msgspec
from pipeline_support import die_with_parent

PASSWORD = "correct horse battery"


class Hub(msgspec.Struct):
    url: str
    ws_url: str
    process: Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_hub(env: dict[str, str], log: Path) -> Hub:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "arena", "hub", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hub exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return Hub(url=url, ws_url=f"ws://127.0.0.1:{port}", process=process)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_process(process)  # not left running for the rest of the session
    raise AssertionError(f"hub did not start: {log.read_text()[-3000:]}")


def stop_process(process: Any) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def new_user(hub: Any, db: Any, role: str = "contestant") -> tuple[int, str, str]:
    """Register and log in through the API; returns (user id, username, bearer token)."""
    name = f"u{uuid.uuid4().hex[:10]}"
    async with httpx.AsyncClient(base_url=hub.url) as client:
        made = await client.post(
            "/api/auth/register", json={"username": name, "password": PASSWORD}
        )
        assert made.status_code == 201, made.text
        if role != "contestant":
            await db.execute("UPDATE users SET role = $2 WHERE username = $1", name, role)
        login = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
    return made.json()["id"], name, login.json()["token"]


async def new_contest(
    db: Any, problem_id: int, *, started_min_ago: int = 1, duration_s: int = 3600, **extra: Any
) -> int:
    contest_id: int = await db.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, freeze_duration_s, scoring)"
        " VALUES ($1, now() - make_interval(mins => $2), $3, $4, $5::contest_scoring) RETURNING id",
        f"contest {uuid.uuid4().hex[:6]}",
        started_min_ago,
        duration_s,
        extra.get("freeze_duration_s", 0),
        extra.get("scoring", "pass-fail"),
    )
    await db.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        problem_id,
    )
    return contest_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
