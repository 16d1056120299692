"""A team's own view and an organiser's change to a team, over real HTTP: the join code reaches
the team's members and organisers only (every route a contestant has is read for it), a new team
names only the groups that are not hidden, and an organiser's change is audited, broadcast, and
refused once the final results are published. No worker: nothing is judged."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets
from hub.api_support import assert_error, unique
from hub_support import Hub, bearer, new_contest, new_user


async def _call(
    hub: Hub, method: str, path: str, token: str | None, body: Any = None
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.request(method, path, json=body, headers=bearer(token) if token else {})


async def _catalogue(hub: Hub, admin: str) -> tuple[str, str, str]:
    org, group, hidden = unique("org"), unique("grp"), unique("hid")
    for path, body in (
        ("/api/organise/organizations", {"id": org, "name": "Uni"}),
        ("/api/organise/groups", {"id": group, "name": "Students"}),
        ("/api/organise/groups", {"id": hidden, "name": "Observers", "hidden": True}),
    ):
        saved = await _call(hub, "PUT", path, admin, body)
        assert saved.status_code == 200, saved.text
    return org, group, hidden


async def test_only_a_teams_members_and_organisers_get_its_join_code(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, admin = await new_user(hubs[0], db, role="admin")
    org, group, hidden = await _catalogue(hubs[0], admin)
    _, leader_name, leader = await new_user(hubs[0], db)
    _, member_name, member = await new_user(hubs[0], db)
    rival_id, rival_name, rival = await new_user(hubs[0], db)
    register = f"/api/contests/{contest_id}/register"
    # The choices a contestant sees hold the group everyone may name, not the hidden one.
    offered = (await _call(hubs[1], "GET", "/api/team-choices", leader)).json()
    assert org in {o["id"] for o in offered["organizations"]}
    assert group in {g["id"] for g in offered["groups"]}
    assert hidden not in {g["id"] for g in offered["groups"]}
    assert_error(await _call(hubs[1], "GET", "/api/team-choices", None), 401, "unauthenticated")
    # Naming the hidden group anyway (the API, not the page) is refused, and makes no team.
    sneaky = {"team_name": "Sneaky", "organization": org, "groups": [hidden]}
    assert_error(await _call(hubs[0], "POST", register, leader, sneaky), 422, "bad_team")
    assert_error(
        await _call(hubs[0], "GET", f"/api/contests/{contest_id}/team", leader), 404, "not_found"
    )
    body = {"team_name": "Ours", "organization": org, "groups": [group]}
    made = await _call(hubs[0], "POST", register, leader, body)
    assert made.status_code == 201, made.text
    mine = await _call(hubs[1], "GET", f"/api/contests/{contest_id}/team", leader)
    assert mine.status_code == 200, mine.text
    code = mine.json()["join_code"]
    assert code and mine.json()["name"] == "Ours"
    assert mine.json()["organization"] == org and mine.json()["groups"] == [group]
    joined = await _call(hubs[0], "POST", register, member, {"join_code": code})
    assert joined.status_code == 201, joined.text
    theirs = (await _call(hubs[1], "GET", f"/api/contests/{contest_id}/team", member)).json()
    assert theirs["join_code"] == code
    assert set(theirs["members"]) == {leader_name, member_name}
    # Each member's submission counts for the team and names the member who sent it.
    submit = {"problem": "A", "language": "python3", "source": "print(1)\n"}
    for token in (leader, member):
        sent = await _call(
            hubs[0], "POST", f"/api/contests/{contest_id}/submissions", token, submit
        )
        assert sent.status_code in (200, 201, 202), sent.text
    listed = await _call(hubs[1], "GET", f"/api/contests/{contest_id}/submissions", admin)
    assert sorted(s["username"] for s in listed.json()) == sorted([leader_name, member_name])
    assert len({s["user_id"] for s in listed.json()}) == 1
    # A rival in a team of its own gets its own code, never this one, whatever it reads.
    rivals = await _call(hubs[0], "POST", register, rival, {"team_name": "Rivals"})
    assert rivals.status_code == 201, rivals.text
    own = (await _call(hubs[0], "GET", f"/api/contests/{contest_id}/team", rival)).json()
    assert own["join_code"] != code and own["members"] == [rival_name]
    for path in (
        f"/api/contests/{contest_id}",
        f"/api/contests/{contest_id}/team",
        f"/api/contests/{contest_id}/leaderboard",
        f"/api/contests/{contest_id}/board-filters",
        f"/api/contests/{contest_id}/submissions",
        f"/api/contests/{contest_id}/submissions?mine=1",
        f"/api/contests/{contest_id}/registrations",
        f"/api/contests/{contest_id}/clarifications",
        f"/api/organise/contests/{contest_id}/teams",
        "/api/organise/contests",
        f"/api/organise/contests/{contest_id}",
        f"/api/v4/contests/{contest_id}/teams",
        f"/api/v4/contests/{contest_id}/scoreboard",
        "/api/team-choices",
        "/api/auth/me",
    ):
        answer = await _call(hubs[1], "GET", path, rival)
        assert code not in answer.text, path
    async with websockets.connect(
        f"{hubs[1].ws_url}/ws/contests/{contest_id}", additional_headers=bearer(rival)
    ) as socket:
        assert code not in str(await socket.recv())
    # The organisers see every team's code.
    listed = (
        await _call(hubs[0], "GET", f"/api/organise/contests/{contest_id}/teams", admin)
    ).json()
    assert code in {t["join_code"] for t in listed}
    assert rival_id in {t["id"] for t in listed}


async def test_an_organiser_changes_a_team_until_the_results_are_final(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    admin_id, _, admin = await new_user(hubs[0], db, role="admin")
    org, group, hidden = await _catalogue(hubs[0], admin)
    leader_id, _, leader = await new_user(hubs[0], db)
    _, _, other = await new_user(hubs[0], db)
    _, _, moderator = await new_user(hubs[0], db, role="moderator")
    register = f"/api/contests/{contest_id}/register"
    made = await _call(hubs[0], "POST", register, leader, {"team_name": "Before"})
    assert made.status_code == 201, made.text
    code = (await _call(hubs[0], "GET", f"/api/contests/{contest_id}/team", leader)).json()
    taken = await _call(hubs[0], "POST", register, other, {"team_name": "Taken"})
    assert taken.status_code == 201, taken.text
    path = f"/api/organise/contests/{contest_id}/teams/{leader_id}"
    change = {"name": "After", "organization": org, "groups": [group, hidden]}
    # Strangers, unknown teams and bad bodies are refused, each with its reason.
    assert_error(await _call(hubs[0], "PUT", path, leader, change), 404, "not_found")
    assert_error(await _call(hubs[0], "PUT", path, moderator, change), 403, "forbidden")
    missing = f"/api/organise/contests/{contest_id}/teams/{admin_id}"
    assert_error(await _call(hubs[0], "PUT", missing, admin, change), 404, "not_found")
    for bad, error in (
        ({**change, "organization": "nowhere"}, "bad_team"),
        ({**change, "groups": ["nogroup"]}, "bad_team"),
        ({**change, "name": " "}, "refused"),
        ({**change, "members": ["x"]}, "bad_request"),
    ):
        answer = await _call(hubs[0], "PUT", path, admin, bad)
        assert answer.status_code in (400, 422), answer.text
        assert answer.json()["error"] == error, answer.text
    assert_error(
        await _call(hubs[0], "PUT", path, admin, {**change, "name": "taken"}), 409, "refused"
    )
    # A change is broadcast to the contest's sockets as a registration change.
    async with websockets.connect(
        f"{hubs[1].ws_url}/ws/contests/{contest_id}", additional_headers=bearer(leader)
    ) as socket:
        assert json.loads(await socket.recv())["kind"] == "snapshot"
        done = await _call(hubs[0], "PUT", path, admin, change)
        assert done.status_code == 200, done.text
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 60))
            event = frame.get("body", frame)
            if event.get("kind") == "contest":
                assert event["reason"] == "registration"
                break
    assert done.json()["name"] == "After"
    assert done.json()["organization"] == org and done.json()["groups"] == [group, hidden]
    mine = (await _call(hubs[1], "GET", f"/api/contests/{contest_id}/team", leader)).json()
    # The code the members passed on still lets teammates in.
    assert mine["name"] == "After" and mine["join_code"] == code["join_code"]
    filters = (
        await _call(hubs[1], "GET", f"/api/contests/{contest_id}/board-filters", None)
    ).json()
    assert org in {o["id"] for o in filters["organizations"]}
    audited = await db.fetchrow(
        "SELECT actor_id, details FROM audit_log WHERE action = 'team_update'"
        " AND contest_id = $1 ORDER BY id DESC LIMIT 1",
        contest_id,
    )
    assert audited["actor_id"] == admin_id
    assert json.loads(audited["details"])["before"]["name"] == "Before"
    # A moderator giving the team time is told the team's name, not a user id.
    async with websockets.connect(
        f"{hubs[0].ws_url}/ws/admin", additional_headers=bearer(admin)
    ) as admin_socket:
        command = {"action": "extend_contestant", "contest_id": contest_id}
        await admin_socket.send(
            json.dumps({**command, "user_id": leader_id, "seconds": 60, "request_id": "t1"})
        )
        ack = json.loads(await asyncio.wait_for(admin_socket.recv(), 60))
    assert ack["kind"] == "ack" and ack["detail"].startswith("After (#"), ack
    # Cleared: a field left out is no organization and no group.
    cleared = await _call(hubs[0], "PUT", path, admin, {"name": "After"})
    assert cleared.json()["organization"] is None and cleared.json()["groups"] == []
    # Once the final results are published, the team they name stays as it is.
    await db.execute("UPDATE contests SET finalized_at = now() WHERE id = $1", contest_id)
    refused = assert_error(await _call(hubs[0], "PUT", path, admin, change), 409, "refused")
    assert "final results" in refused["message"]
    kept = (await _call(hubs[1], "GET", f"/api/contests/{contest_id}/team", leader)).json()
    assert kept["organization"] is None
