"""Helpers for hub tests: users and contests made through the real API and database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

PASSWORD = "correct horse battery"


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
