"""The judging status page's API (admins only), against real hubs, a real worker and Redis:
the worker's heartbeat, queue depth per arq queue, a failed judging rejudged from the page, and
the audit log with its filters."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from hub.api_support import AC_SOURCE, assert_error, wait_judged
from hub_support import bearer, new_contest, new_user
from redis.asyncio import Redis

from arena.storage import submissions

pytestmark = pytest.mark.sandbox


async def _status(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    answer = await http.get("/api/admin/judging", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_judging_status_for_admins(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any, hub_redis: Redis
) -> None:
    hub = hubs[0]
    problem_id, _ = hub_problem
    contest_id = await new_contest(db, problem_id)
    alice, alice_name, alice_token = await new_user(hub, db)
    _, _, mod_token = await new_user(hub, db, role="moderator")
    _, admin_name, admin_token = await new_user(hub, db, role="admin")
    async with httpx.AsyncClient(base_url=hub.url) as http:
        # Admins only: not moderators, not contestants, not strangers.
        for path in ("/api/admin/judging", "/api/admin/audit"):
            assert_error(await http.get(path), 401, "unauthenticated")
            for token in (alice_token, mod_token):
                assert_error(await http.get(path, headers=bearer(token)), 403, "forbidden")
        refused = await http.post("/api/admin/submissions/1/rejudge", headers=bearer(mod_token))
        assert_error(refused, 403, "forbidden")

        # The worker's heartbeat: this host, one slot.
        deadline = time.monotonic() + 60
        while not (body := await _status(http, admin_token))["workers"]:
            assert time.monotonic() < deadline, "no worker heartbeat"
            await asyncio.sleep(0.5)
        worker = next(w for w in body["workers"] if w["pid"] == hub_worker.pid)
        assert worker["host"] == socket.gethostname()
        assert worker["slots"] == 1 and worker["alive"] is True
        assert worker["queues"] == ["arq:queue"]

        # A lane nobody serves: its jobs wait, ready or deferred, and the page counts them.
        arq = ArqRedis(connection_pool=hub_redis.connection_pool)
        lane = f"arq:queue:lane-{time.monotonic_ns()}"
        for n in range(3):
            await arq.enqueue_job("judge_submission", n, 1, _queue_name=lane)
        await arq.enqueue_job("judge_submission", 9, 1, _queue_name=lane, _defer_by=3600)
        queues = {q["name"]: q for q in (await _status(http, admin_token))["queues"]}
        assert queues[lane] == {"name": lane, "ready": 3, "deferred": 1}
        assert "arq:queue" in queues or not await hub_redis.exists("arq:queue")
        await hub_redis.delete(lane)

        # A judging that failed its retries: listed with its error, then rejudged from the page.
        async with db.acquire() as conn:
            sid = await submissions.create_submission(
                conn,
                user_id=alice,
                problem_id=problem_id,
                language="python3",
                source=AC_SOURCE.encode(),
                contest_id=contest_id,
            )
            await conn.execute(
                "UPDATE submissions SET status = 'failed', needs_attention = true,"
                " judge_errors = 3, judge_error = 'sandbox: container vanished' WHERE id = $1",
                sid,
            )
        failed = {f["submission_id"]: f for f in (await _status(http, admin_token))["attention"]}
        assert failed[sid]["error"] == "sandbox: container vanished"
        assert failed[sid]["username"] == alice_name and failed[sid]["judge_errors"] == 3
        missing = await http.post(
            "/api/admin/submissions/999999999/rejudge", headers=bearer(admin_token)
        )
        assert_error(missing, 404, "not_found")
        queued = await http.post(
            f"/api/admin/submissions/{sid}/rejudge", headers=bearer(admin_token)
        )
        assert queued.status_code == 202, queued.text
        assert queued.json() == {"submission_id": sid, "attempt": 2}
        view = await wait_judged(http, sid, bearer(alice_token))
        assert view["verdict"] == "AC", view
        after = (await _status(http, admin_token))["attention"]
        assert sid not in {f["submission_id"] for f in after}

        medals = await http.put(
            f"/api/contests/{contest_id}/medals",
            json={"gold": 2, "silver": 2, "bronze": 2},
            headers=bearer(admin_token),
        )
        assert medals.status_code == 200, medals.text

        # The audit log: the rejudge, found by action, contest and actor; others filtered out.
        async def audit(**query: Any) -> dict[str, Any]:
            answer = await http.get("/api/admin/audit", params=query, headers=bearer(admin_token))
            assert answer.status_code == 200, answer.text
            page: dict[str, Any] = answer.json()
            return page

        page = await audit(action="rejudge", contest=contest_id, actor=admin_name.upper())
        assert len(page["entries"]) == 1, page
        entry = page["entries"][0]
        assert entry["actor"] == admin_name and entry["contest_id"] == contest_id
        assert json.loads(entry["details"])["submissions"] == [sid]
        assert "rejudge" in page["actions"]
        assert (await audit(action="extend", contest=contest_id))["entries"] == []
        mine = await audit(contest=contest_id, actor=admin_name)
        assert [e["action"] for e in mine["entries"]] == ["medals", "rejudge"]
        assert (await audit(action="rejudge", contest=contest_id, actor=alice_name))[
            "entries"
        ] == []
        # Paging back: one at a time, each page older than the last.
        first = await audit(limit=1)
        older = await audit(limit=1, before=first["next_before"])
        assert older["entries"][0]["id"] < first["entries"][0]["id"]
        bad = await http.get("/api/admin/audit?contest=x", headers=bearer(admin_token))
        assert_error(bad, 400, "bad_request")
