"""Socket security: cross-site sockets, demoted moderators, bad commands, page headers."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import httpx
import msgspec
import pytest
import websockets
from hub_support import bearer, new_contest, new_user

from arena.storage import keys, users
from arena.storage.users import token_hash


def arena_cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "arena", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


async def test_a_cross_site_page_cannot_use_the_session(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hubs[0], db, role="moderator")
    for path in (f"/ws/contests/{contest_id}", "/ws/admin"):
        async with websockets.connect(
            hubs[0].ws_url + path,
            additional_headers=bearer(token),
            origin="http://evil.example",  # type: ignore[arg-type]
        ) as socket:
            with pytest.raises(websockets.ConnectionClosed):
                await socket.recv()
            assert socket.close_code == 4403, path


async def test_a_demoted_moderator_loses_the_channel_at_once(
    hubs: list[Any], db: Any, hub_redis: Any
) -> None:
    user_id, _, token = await new_user(hubs[0], db, role="moderator")
    async with websockets.connect(
        hubs[0].ws_url + "/ws/admin", additional_headers=bearer(token)
    ) as socket:
        # A bad id is an error frame, not a dead socket.
        await socket.send(json.dumps({"action": "freeze", "contest_id": 2**63 - 1}))
        assert json.loads(await socket.recv())["kind"] == "error"
        await socket.send(json.dumps({"action": "freeze", "contest_id": 2**63}))
        assert json.loads(await socket.recv())["kind"] == "error"
        await db.execute("UPDATE users SET role = 'contestant' WHERE id = $1", user_id)
        # What `arena user role` does besides the UPDATE: the hubs' cached session is dropped.
        await hub_redis.delete(keys.session_cache(token_hash(token)))
        await socket.send(json.dumps({"action": "freeze", "contest_id": 1}))
        with pytest.raises(websockets.ConnectionClosed):
            await socket.recv()
        assert socket.close_code == 4403


async def test_the_page_may_not_be_framed_or_run_foreign_scripts(hubs: list[Any]) -> None:
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        page = await http.get("/problems")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy


async def test_a_demoted_moderators_contest_socket_stops_getting_jury_events_at_once(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any, hub_env: dict[str, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, name, token = await new_user(hubs[0], db, role="moderator")
    async with websockets.connect(
        f"{hubs[0].ws_url}/ws/contests/{contest_id}", additional_headers=bearer(token)
    ) as socket:
        snapshot = json.loads(await socket.recv())
        assert snapshot["leaderboard"]["board"] == "jury"
        arena_cli(hub_env, "user", "role", name, "contestant")
        # Closed with "reconnect now", before any further (jury) event reaches it.
        with pytest.raises(websockets.ConnectionClosed):
            async with asyncio.timeout(30):
                while True:
                    await socket.recv()
        assert (socket.close_code, socket.close_reason) == (1012, "your account changed")
    # Back with the new role: a contestant not registered for this contest.
    async with websockets.connect(
        f"{hubs[1].ws_url}/ws/contests/{contest_id}", additional_headers=bearer(token)
    ) as socket:
        with pytest.raises(websockets.ConnectionClosed):
            await socket.recv()
        assert socket.close_code == 4403


async def test_a_role_change_racing_a_session_lookup_does_not_keep_the_old_role(
    hubs: list[Any], db: Any, hub_redis: Any, hub_env: dict[str, str]
) -> None:
    # A hub reads the session from Postgres (old role), `arena user role` runs, then the hub
    # caches what it read, as auth.current_user does (SET NX): the old role must not stick.
    _, name, token = await new_user(hubs[0], db, role="moderator")
    key = keys.session_cache(token_hash(token))
    await hub_redis.delete(key)
    async with db.acquire() as conn:
        stale = await users.session_user(conn, token)
    assert stale is not None and stale.role == "moderator"
    arena_cli(hub_env, "user", "role", name, "contestant")
    await hub_redis.set(key, msgspec.json.encode(stale), ex=300, nx=True)
    async with httpx.AsyncClient(base_url=hubs[1].url) as http:
        me = await http.get("/api/me", headers=bearer(token))
        assert me.json()["user"]["role"] == "contestant", me.text
