"""Per-contestant time is the team's: a moderator names any member (here the second one, not the
registration the team ranks as), and every member of that team submits in the extra time, through
the hub's API and the Contest API, and sees the team's own end on the socket and the contest page;
a member of another team is refused. No worker: the checks are made before the queue."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import zipfile
from typing import Any

import httpx
import websockets
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_contest, new_user

from arena.storage import teams

SOURCE = "print(sum(map(int, input().split())))\n"


async def _command(hub: Hub, token: str, **command: Any) -> dict[str, Any]:
    async with websockets.connect(f"{hub.ws_url}/ws/admin", additional_headers=bearer(token)) as ws:
        request_id = f"r{time.monotonic_ns()}"
        await ws.send(json.dumps({**command, "request_id": request_id}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("request_id") == request_id:
                return dict(frame)


async def _team(db: Any, contest_id: int, name: str, leader: int, member: int) -> None:
    async with db.acquire() as conn, conn.transaction():
        await teams.create_team(conn, contest_id, leader, name)
        await teams.add_member(conn, contest_id, leader, member)


def _ccs_body(slug: str) -> dict[str, Any]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", SOURCE)
    data = base64.b64encode(buffer.getvalue()).decode()
    return {"problem_id": slug, "language_id": "python3", "files": [{"data": data}]}


async def _snapshot_extra(hub: Hub, contest_id: int, token: str) -> Any:
    url = f"{hub.ws_url}/ws/contests/{contest_id}"
    async with websockets.connect(url, additional_headers=bearer(token)) as ws:
        snapshot = json.loads(await ws.recv())
    assert snapshot["kind"] == "snapshot", snapshot
    return snapshot["contest"]["my_extra_s"]


async def test_a_teams_extra_time_is_every_members(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    hub = hubs[0]
    problem_id, slug = hub_problem
    contest_id = await new_contest(db, problem_id)
    ann, ann_name, ann_token = await new_user(hub, db)
    ben, ben_name, ben_token = await new_user(hub, db)  # ann's team's second member
    cid, _, cid_token = await new_user(hub, db)
    dot, _, dot_token = await new_user(hub, db)  # cid's team's second member
    mod, _, mod_token = await new_user(hub, db, role="moderator")
    await _team(db, contest_id, "Extended", ann, ben)
    await _team(db, contest_id, "On time", cid, dot)

    # The moderator finds the team by its second member's name (or the team's), as one row.
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(mod_token)) as http:
        for query in (ben_name, "extended"):
            found = await http.get(f"/api/contests/{contest_id}/registrations", params={"q": query})
            assert found.status_code == 200, found.text
            rows = found.json()
            assert [(r["user_id"], r["team"]) for r in rows] == [(ann, "Extended")], rows
            assert rows[0]["members"] == sorted([ann_name, ben_name])

    # ben's socket is open when the time is given: it hears the team's new end.
    url = f"{hub.ws_url}/ws/contests/{contest_id}"
    async with websockets.connect(url, additional_headers=bearer(ben_token)) as ben_socket:
        assert json.loads(await ben_socket.recv())["kind"] == "snapshot"
        frame = await _command(
            hub, mod_token, action="extend_contestant", contest_id=contest_id,
            user_id=ben, seconds=600,
        )  # fmt: skip
        assert frame["kind"] == "ack", frame
        while True:
            event = json.loads(await asyncio.wait_for(ben_socket.recv(), 60)).get("body", {})
            if event.get("kind") == "contest" and event["reason"] == "personal_time":
                break
        assert event["contest"]["my_extra_s"] == 600 and event["contest"]["my_end"]

    # The time sits on the team's registration (ann's), audited with who was named.
    extra = "SELECT extra_s FROM registrations WHERE contest_id = $1 AND user_id = $2"
    assert await db.fetchval(extra, contest_id, ann) == 600
    assert await db.fetchval(extra, contest_id, ben) is None  # ben has no registration of his own
    audit = await db.fetchrow(
        "SELECT actor_id, details FROM audit_log WHERE contest_id = $1"
        " AND action = 'extend_contestant' ORDER BY id DESC LIMIT 1",
        contest_id,
    )
    assert audit["actor_id"] == mod
    assert json.loads(audit["details"]) == {"user": ben, "team": ann, "seconds": 600, "before": 0}

    # The contest ended a minute ago (the hubs cache a contest for a second).
    await db.execute(
        "UPDATE contests SET start_time = now() - make_interval(secs => duration_s + 60)"
        " WHERE id = $1",
        contest_id,
    )
    await asyncio.sleep(1.1)

    submit = {"problem": "A", "language": "python3", "source": SOURCE}
    ccs_url = f"/api/v4/contests/{contest_id}/submissions"
    async with httpx.AsyncClient(base_url=hub.url) as http:
        for token in (cid_token, dot_token):
            late = await http.post(
                f"/api/contests/{contest_id}/submissions", json=submit, headers=bearer(token)
            )
            assert_error(late, 403, "not_running")
            late = await http.post(ccs_url, json=_ccs_body(slug), headers=bearer(token))
            assert late.status_code == 403, late.text
            page = (await http.get(f"/api/contests/{contest_id}", headers=bearer(token))).json()
            assert page["phase"] == "ended" and page["my_end"] is None, page
            assert await _snapshot_extra(hub, contest_id, token) == 0

        for token in (ann_token, ben_token):
            page = (await http.get(f"/api/contests/{contest_id}", headers=bearer(token))).json()
            assert page["phase"] == "running" and page["my_extra_s"] == 600, page
            assert page["my_end"], page
            assert await _snapshot_extra(hub, contest_id, token) == 600
            made = await http.post(
                f"/api/contests/{contest_id}/submissions", json=submit, headers=bearer(token)
            )
            assert made.status_code == 202, made.text
        # ben through the Contest API too; the submission is the team's, ben its author.
        via_ccs = await http.post(ccs_url, json=_ccs_body(slug), headers=bearer(ben_token))
        assert via_ccs.status_code in (200, 201, 202), via_ccs.text
    rows = await db.fetch(
        "SELECT user_id, author_id FROM submissions WHERE contest_id = $1 ORDER BY id", contest_id
    )
    assert [(r["user_id"], r["author_id"]) for r in rows] == [(ann, ann), (ann, ben), (ann, ben)]

    # Naming the other team's second member gives that team time, not ann's.
    frame = await _command(
        hub, mod_token, action="extend_contestant", contest_id=contest_id, user_id=dot, seconds=30
    )
    assert frame["kind"] == "ack", frame
    assert await db.fetchval(extra, contest_id, cid) == 30
    assert await db.fetchval(extra, contest_id, ann) == 600
    # A user of neither team is refused, and nothing changes.
    stranger, _, _ = await new_user(hub, db)
    frame = await _command(
        hub, mod_token, action="extend_contestant", contest_id=contest_id,
        user_id=stranger, seconds=60,
    )  # fmt: skip
    assert frame["kind"] == "error" and "not registered" in frame["message"], frame
