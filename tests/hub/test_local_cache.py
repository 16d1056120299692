"""What a hub process remembers without asking Redis or Postgres (sessions, registrations), the
batched lookups behind it, and the changes that must end it on every hub at once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
import websockets
from hub_support import bearer, new_contest, new_user

from arena.hub import ttl_cache
from arena.hub.batch import Batcher
from arena.hub.local_cache import LocalCaches, Participation
from arena.protocol import UserInfo

ALICE = UserInfo(id=1, username="alice", role="contestant")
BOB = UserInfo(id=2, username="bob", role="contestant")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ttl_cache.time, "monotonic", fake)
    return fake


def test_a_session_is_kept_for_the_ttl_at_most(clock: Clock) -> None:
    local = LocalCaches(ttl_s=10)
    local.keep_session(b"a", ALICE, local.generation)
    assert local.session(b"a") == ALICE
    clock.now += 9.9
    assert local.session(b"a") == ALICE
    # The bound that holds even when every change message is lost.
    clock.now += 0.2
    assert local.session(b"a") is None


def test_an_ended_session_or_changed_account_is_forgotten_at_once() -> None:
    local = LocalCaches(ttl_s=10)
    local.keep_session(b"a1", ALICE, local.generation)
    local.keep_session(b"a2", ALICE, local.generation)
    local.keep_session(b"b", BOB, local.generation)
    local.apply(b"s:" + b"a1".hex().encode())  # a logout, as account_events publishes it
    assert local.session(b"a1") is None and local.session(b"a2") == ALICE
    local.keep_participation(5, ALICE.id, Participation(ALICE.id, 0), local.generation)
    local.forget_user(ALICE.id)  # a role change or a disabled account: every session of it
    assert local.session(b"a2") is None and local.participation(5, ALICE.id) is None
    assert local.session(b"b") == BOB


def test_a_lookup_that_started_before_a_change_does_not_keep_its_answer() -> None:
    local = LocalCaches(ttl_s=10)
    started = local.generation
    local.forget_session(b"a")  # the logout lands while the lookup reads the old session
    local.keep_session(b"a", ALICE, started)
    assert local.session(b"a") is None
    started = local.generation
    local.forget_participation(5, BOB.id)
    local.keep_participation(5, BOB.id, Participation(BOB.id, 0), started)
    assert local.participation(5, BOB.id) is None
    started = local.generation
    local.forget_all()  # the subscription was lost: anything may have been missed
    local.keep_session(b"a", ALICE, started)
    assert local.session(b"a") is None


def test_a_team_registration_change_reaches_its_members() -> None:
    local = LocalCaches(ttl_s=10)
    team, other_team = 100, 200
    local.keep_participation(5, ALICE.id, Participation(team, 0), local.generation)
    local.keep_participation(5, BOB.id, Participation(other_team, 0), local.generation)
    local.keep_participation(6, ALICE.id, Participation(team, 0), local.generation)
    local.apply(f"p:5:{team}".encode())  # the team disqualified in contest 5
    assert local.participation(5, ALICE.id) is None
    assert local.participation(5, BOB.id) == Participation(other_team, 0)
    assert local.participation(6, ALICE.id) == Participation(team, 0)  # another contest


def test_a_user_who_moved_to_a_team_is_still_forgotten_with_either_registration() -> None:
    local = LocalCaches(ttl_s=10)
    team = 100
    local.keep_participation(5, ALICE.id, Participation(ALICE.id, 0), local.generation)
    local.keep_participation(5, ALICE.id, Participation(team, 0), local.generation)  # joined
    local.apply(f"p:5:{team}".encode())
    assert local.participation(5, ALICE.id) is None
    local.keep_participation(5, ALICE.id, Participation(team, 0), local.generation)
    local.forget_user(ALICE.id)
    assert local.participation(5, ALICE.id) is None


def test_indexes_that_outgrow_the_caches_empty_both_and_nothing_escapes_them() -> None:
    local = LocalCaches(ttl_s=10, max_entries=4)
    for i in range(50):  # the caches evict, the indexes are emptied with them
        local.keep_session(f"t{i}".encode(), ALICE if i % 2 else BOB, local.generation)
        local.keep_participation(i % 3, BOB.id, Participation(BOB.id, 0), local.generation)
    assert local.session(b"t49") == ALICE and local.participation(49 % 3, BOB.id) is not None
    local.forget_user(ALICE.id)
    local.forget_user(BOB.id)
    assert all(local.session(f"t{i}".encode()) is None for i in range(50))
    assert all(local.participation(c, BOB.id) is None for c in range(3))


@pytest.mark.parametrize("message", [b"", b"x:1", b"s:zz", b"p:5", b"p:a:b"])
def test_a_malformed_change_message_raises(message: bytes) -> None:
    with pytest.raises(ValueError):
        LocalCaches(ttl_s=10).apply(message)


def test_a_zero_ttl_keeps_nothing() -> None:
    local = LocalCaches(ttl_s=0)
    local.keep_session(b"a", ALICE, local.generation)
    local.keep_participation(5, 1, Participation(1, 0), local.generation)
    assert local.session(b"a") is None and local.participation(5, 1) is None


def test_a_registration_is_what_has_its_own_time() -> None:
    assert Participation(1, 0).registered and Participation(1, 60).registered
    assert not Participation(1, None).registered


async def test_lookups_asked_together_share_one_query() -> None:
    asked: list[list[int]] = []

    async def fetch(keys: list[int]) -> dict[int, str]:
        asked.append(keys)
        await asyncio.sleep(0)
        return {k: f"v{k}" for k in keys if k != 3}

    batcher: Batcher[int, str] = Batcher(fetch, max_batch=4)
    found = await asyncio.gather(*(batcher.get(k) for k in [1, 2, 3, 1, 4, 5, 6]))
    assert found == ["v1", "v2", None, "v1", "v4", "v5", "v6"]
    # The first batch takes what was asked before it ran (a key once), the rest wait for it.
    assert asked == [[1, 2, 3, 4], [5, 6]]
    assert await batcher.get(7) == "v7"  # a lone lookup is answered too


async def test_a_failed_batch_fails_every_caller_and_the_next_batch_runs() -> None:
    calls = 0

    async def fetch(keys: list[int]) -> dict[int, int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database gone")
        return {k: k for k in keys}

    batcher: Batcher[int, int] = Batcher(fetch)
    results = await asyncio.gather(batcher.get(1), batcher.get(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert await batcher.get(3) == 3


# --- on real hubs: the changes reach every hub's copy -----------------------------------------


async def contest_page(hub: Any, contest_id: int, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=hub.url) as http:
        page = await http.get(f"/api/contests/{contest_id}", headers=bearer(token))
    assert page.status_code == 200, page.text
    result: dict[str, Any] = page.json()
    return result


async def socket_close_code(hub: Any, contest_id: int, token: str) -> int | None:
    """None when the contestant socket opened with its snapshot, else its close code."""
    async with websockets.connect(
        f"{hub.ws_url}/ws/contests/{contest_id}", additional_headers=bearer(token)
    ) as socket:
        try:
            first = json.loads(await socket.recv())
        except websockets.ConnectionClosed:
            return socket.close_code
        assert first["kind"] == "snapshot"
        return None


async def moderate(hub: Any, token: str, **command: Any) -> dict[str, Any]:
    async with websockets.connect(
        hub.ws_url + "/ws/admin", additional_headers=bearer(token)
    ) as socket:
        await socket.send(json.dumps({**command, "request_id": "r1"}))
        while True:
            reply: dict[str, Any] = json.loads(await socket.recv())
            if reply.get("request_id") == "r1":
                return reply


async def test_a_registration_shows_on_every_hub_at_once(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub_a, hub_b = hubs
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hub_a, db)
    # Hub B remembers the session and that it takes no part.
    assert (await contest_page(hub_b, contest_id, token))["registered"] is False
    assert await socket_close_code(hub_b, contest_id, token) == 4403
    async with httpx.AsyncClient(base_url=hub_a.url) as http:
        made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
    assert made.status_code == 201, made.text
    assert (await contest_page(hub_b, contest_id, token))["registered"] is True
    assert await socket_close_code(hub_b, contest_id, token) is None


async def test_a_disqualification_ends_the_page_and_socket_on_every_hub_at_once(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub_a, hub_b = hubs
    contest_id = await new_contest(db, hub_problem[0])
    user_id, _, token = await new_user(hub_a, db)
    _, _, moderator = await new_user(hub_a, db, role="moderator")
    async with httpx.AsyncClient(base_url=hub_a.url) as http:
        made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
    assert made.status_code == 201, made.text
    for hub in hubs:  # both hubs remember the registration
        assert (await contest_page(hub, contest_id, token))["registered"] is True
        assert await socket_close_code(hub, contest_id, token) is None
    ack = await moderate(
        hub_a, moderator, action="disqualify", contest_id=contest_id, user_id=user_id
    )
    assert ack["kind"] == "ack", ack
    for hub in (hub_b, hub_a):
        assert (await contest_page(hub, contest_id, token))["registered"] is False
        assert await socket_close_code(hub, contest_id, token) == 4403


async def test_a_disabled_account_stops_on_every_hub_at_once(
    hubs: list[Any], db: Any, hub_env: dict[str, str]
) -> None:
    _, name, token = await new_user(hubs[0], db)
    for hub in hubs:  # both hubs remember the session
        async with httpx.AsyncClient(base_url=hub.url) as http:
            assert (await http.get("/api/me", headers=bearer(token))).status_code == 200
    done = subprocess.run(
        [sys.executable, "-m", "arena", "user", "disable", name],
        env=hub_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for hub in hubs:
        async with httpx.AsyncClient(base_url=hub.url) as http:
            assert (await http.get("/api/me", headers=bearer(token))).status_code == 401
