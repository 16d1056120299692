"""Socket security: cross-site sockets, demoted moderators, bad commands, page headers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import websockets
from hub_support import bearer, new_contest, new_user

from arena.storage import keys
from arena.storage.users import token_hash


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
