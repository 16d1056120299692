"""Held-open connections and replays, attacked: many sockets or feeds from one address, an old
``?since=``, and a crowd polling an ended contest's Contest API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from hub_support import Hub, new_contest, new_user, start_hub, stop_process

from arena.protocol import Announcement, AnnouncementMade
from arena.protocol.vocabulary import Audience
from arena.storage import events

SOCKETS = 3
FEEDS = 2
REPLAY = 5


@pytest.fixture(scope="module")
def capped_hub(hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    env = dict(
        hub_env,
        ARENA_SPECTATOR_SOCKETS_PER_ADDRESS=str(SOCKETS),
        ARENA_CCS_FEEDS_PER_ADDRESS=str(FEEDS),
        ARENA_WS_REPLAY_MAX_EVENTS=str(REPLAY),
        ARENA_CCS_POLL_S="0.2",
    )
    hub = start_hub(env, tmp_path_factory.mktemp("capped-hub") / "hub.log")
    yield hub
    stop_process(hub.process)


async def _announce(redis: Any, contest_id: int, count: int) -> list[int]:
    made = AnnouncementMade(Announcement(1, "hello", "2026-01-01T00:00:00Z"))
    return [await events.publish(redis, contest_id, Audience.PUBLIC, made) for _ in range(count)]


async def test_anonymous_spectator_sockets_are_capped_per_address(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    url = f"{capped_hub.ws_url}/ws/contests/{contest_id}/spectate"
    async with contextlib.AsyncExitStack() as stack:
        held = [await stack.enter_async_context(websockets.connect(url)) for _ in range(SOCKETS)]
        for ws in held:
            assert json.loads(await ws.recv())["kind"] == "snapshot"
        extra = await websockets.connect(url)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(extra.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
        # Another address is not affected.
        async with websockets.connect(url, local_addr=("127.0.0.2", 0)) as other:
            assert json.loads(await asyncio.wait_for(other.recv(), 10))["kind"] == "snapshot"
        await held[0].close()
        await asyncio.sleep(0.5)
        # A closed socket frees its place.
        again = await stack.enter_async_context(websockets.connect(url))
        assert json.loads(await asyncio.wait_for(again.recv(), 10))["kind"] == "snapshot"


async def test_a_logged_in_spectator_is_not_counted_against_the_address(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(capped_hub, db)
    url = f"{capped_hub.ws_url}/ws/contests/{contest_id}/spectate"
    headers = {"Authorization": f"Bearer {token}"}
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(SOCKETS + 2):
            ws = await stack.enter_async_context(
                websockets.connect(url, additional_headers=headers)
            )
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["kind"] == "snapshot"


async def test_an_old_since_gets_a_snapshot_not_a_replay(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    url = f"{capped_hub.ws_url}/ws/contests/{contest_id}/spectate"
    first = (await _announce(hub_redis, contest_id, 1))[0]
    near = await _announce(hub_redis, contest_id, REPLAY)
    async with websockets.connect(f"{url}?since={first}") as ws:
        replayed = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in near]
        assert [frame["seq"] for frame in replayed] == near  # within the bound: the events
    await _announce(hub_redis, contest_id, REPLAY + 1)
    async with websockets.connect(f"{url}?since={first}") as ws:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert frame["kind"] == "snapshot" and frame["seq"] >= first + 2 * REPLAY + 1


async def test_event_feeds_are_capped_per_address(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    url = f"/api/v4/contests/{contest_id}/event-feed"
    async with httpx.AsyncClient(base_url=capped_hub.url, timeout=10) as http:
        async with contextlib.AsyncExitStack() as stack:
            for _ in range(FEEDS):
                feed = await stack.enter_async_context(http.stream("GET", url))
                assert feed.status_code == 200
            refused = await http.get(url)
            assert refused.status_code == 429, refused.text
            assert refused.json()["code"] == 429
            # A feed that sends what there is and ends is not held open: not capped.
            once = await http.get(url + "?stream=false")
            assert once.status_code == 200
        await asyncio.sleep(0.5)
        async with http.stream("GET", url) as feed:
            assert feed.status_code == 200


async def _ended_contest_with_team(db: Any, hub: Hub, problem_id: int) -> tuple[int, int]:
    contest_id = await new_contest(db, problem_id, started_min_ago=120, duration_s=3600)
    # Finalized already: the hubs' ticker would otherwise finalize it (an event) meanwhile.
    await db.execute(
        "UPDATE contests SET public = true, finalized_at = now() WHERE id = $1", contest_id
    )
    user_id, _, _ = await new_user(hub, db)
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return contest_id, user_id


async def _rename(db: Any, user_id: int) -> str:
    """A change that publishes no event (the team's name in the Contest API)."""
    renamed = f"r{uuid.uuid4().hex[:10]}"
    await db.execute("UPDATE users SET username = $2 WHERE id = $1", user_id, renamed)
    return renamed


async def test_an_ended_contests_api_answers_are_rebuilt_only_on_an_event(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id, user_id = await _ended_contest_with_team(db, capped_hub, hub_problem[0])
    url = f"/api/v4/contests/{contest_id}/teams"
    async with httpx.AsyncClient(base_url=capped_hub.url) as http:
        before = await http.get(url)
        assert before.status_code == 200, before.text
        # A change that publishes no event is not seen by an ended contest's cached answer ...
        renamed = await _rename(db, user_id)
        await asyncio.sleep(1.5)  # past the running contests' one-second bound
        cached = await http.get(url)
        assert cached.content == before.content
        # ... and the next event of the contest rebuilds it.
        await _announce(hub_redis, contest_id, 1)
        rebuilt = await http.get(url)
    assert renamed in [team["name"] for team in rebuilt.json()]


async def test_an_ended_contests_feed_is_not_refreshed_without_an_event(
    capped_hub: Hub, hub_problem: tuple[int, str], db: Any, hub_redis: Any
) -> None:
    contest_id, user_id = await _ended_contest_with_team(db, capped_hub, hub_problem[0])
    url = f"/api/v4/contests/{contest_id}/event-feed?stream=false"
    async with httpx.AsyncClient(base_url=capped_hub.url) as http:
        first = await http.get(url)
        assert first.status_code == 200
        renamed = await _rename(db, user_id)
        await asyncio.sleep(1.5)  # several poll intervals (0.2 s)
        assert renamed not in (await http.get(url)).text  # no recompute for a settled contest
        await _announce(hub_redis, contest_id, 1)
        await asyncio.sleep(1.5)  # the contest cache of the hub (1 s)
        assert renamed in (await http.get(url)).text
