"""A login's cost comes from the settings (argon2id's passes and memory), and a session lasts
longer than any contest, so nobody needs to log in at the start."""

from __future__ import annotations

from typing import Any

import httpx
from hub_support import PASSWORD, Hub, new_user

from arena.settings import Settings


async def test_password_hashes_use_the_configured_argon2id_cost(
    hubs: list[Hub], db: Any, hub_env: dict[str, str]
) -> None:
    _, name, _ = await new_user(hubs[0], db)
    stored = await db.fetchval("SELECT password_hash FROM users WHERE username = $1", name)
    memory, passes = hub_env["ARENA_PASSWORD_MEMORY_KIB"], hub_env["ARENA_PASSWORD_TIME_COST"]
    assert stored.startswith(f"$argon2id$v=19$m={memory},t={passes},p="), stored


async def test_a_session_outlasts_a_contest(
    hubs: list[Hub], db: Any, hub_env: dict[str, str]
) -> None:
    ttl_s = Settings.from_env(hub_env).session_ttl_s
    assert ttl_s >= 24 * 3600  # longer than any contest: logins happen before the start
    user_id, name, _ = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        login = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert f"Max-Age={ttl_s}" in login.headers["set-cookie"]
    lasts_s = await db.fetchval(
        "SELECT extract(epoch FROM max(expires_at - created_at)) FROM sessions WHERE user_id = $1",
        user_id,
    )
    assert abs(float(lasts_s) - ttl_s) < 60
