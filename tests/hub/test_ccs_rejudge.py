"""A rejudge in the Contest API (#15.7), against real hubs, a real worker, Postgres and Redis:
the judgement it replaces stays, with ``current: false`` (REST lists both, the feed sends the old
one updated and never deleted), the new one is ``current: true``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from ccs_api_support import AC, basic, feed, get_valid, keyed_contest, submit, wait_judged, zipped
from ccs_support import validate
from hub_support import bearer, new_user


async def _judgements(http: httpx.AsyncClient, key: str, count: int, **kw: Any) -> list[Any]:
    """The judgements once there are ``count`` (a hub caches a contest's read for a second)."""
    deadline = time.monotonic() + 30
    while True:
        found = await get_valid(http, f"/contests/{key}/judgements", "judgements", **kw)
        if len(found) >= count or time.monotonic() > deadline:
            return list(found)
        await asyncio.sleep(0.2)


@pytest.mark.sandbox
async def test_a_rejudged_judgement_stays_with_current_false(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub, other_hub = hubs
    problem_id, slug = hub_problem
    contest_id, key = await keyed_contest(db, problem_id, "rj")
    _, alice_name, alice_token = await new_user(hub, db)
    _, _, admin_token = await new_user(hub, db, role="admin")
    jury = bearer(admin_token)
    async with (
        httpx.AsyncClient(base_url=hub.url, timeout=60) as http,
        httpx.AsyncClient(base_url=other_hub.url, timeout=60) as other,
    ):
        made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(alice_token))
        assert made.status_code == 201, made.text
        sent = await submit(http, key, zipped(AC), problem=slug, headers=basic(alice_name))
        assert sent.status_code == 201, sent.text
        sid = int(sent.json()["id"])
        assert await wait_judged(http, alice_token, sid) == "AC"
        before = await feed(http, key, headers=jury)
        first = await get_valid(http, f"/contests/{key}/judgements", "judgements", headers=jury)
        assert [(j["id"], j["current"]) for j in first] == [(f"{sid}-1", True)]

        queued = await http.post(f"/api/admin/submissions/{sid}/rejudge", headers=jury)
        assert queued.status_code == 202, queued.text
        assert await wait_judged(http, alice_token, sid) == "AC"

        both = await _judgements(other, key, 2, headers=jury)
        assert [(j["id"], j["current"]) for j in both] == [(f"{sid}-1", False), (f"{sid}-2", True)]
        old = next(j for j in both if j["id"] == f"{sid}-1")
        assert {k: v for k, v in old.items() if k != "current"} == {
            k: v for k, v in first[0].items() if k != "current"
        }  # the old judgement keeps its verdict and times
        one = await get_valid(
            other, f"/contests/{key}/judgements/{sid}-1", "judgement", headers=jury
        )
        assert one == old
        # The public (no freeze here) sees both too.
        public = await _judgements(http, key, 2)
        assert [(j["id"], j["current"]) for j in public] == [
            (f"{sid}-1", False),
            (f"{sid}-2", True),
        ]

        # The feed, resumed after what was seen before the rejudge: the old judgement updated
        # (current false), never deleted, and the new one.
        resumed = await feed(other, key, f"&since_token={before[-1]['token']}", headers=jury)
        judgements = [e for e in resumed if e["type"] == "judgements"]
        old_events = [e for e in judgements if e["id"] == f"{sid}-1"]
        assert old_events and all(e["data"] is not None for e in old_events)
        assert old_events[-1]["data"]["current"] is False
        validate("judgement", old_events[-1]["data"])
        new_events = [e for e in judgements if e["id"] == f"{sid}-2"]
        assert new_events[-1]["data"]["current"] is True
        assert new_events[-1]["data"]["judgement_type_id"] == "AC"
        whole = await feed(http, key, headers=jury)
        assert not [e for e in whole if e["type"] == "judgements" and e["data"] is None]
