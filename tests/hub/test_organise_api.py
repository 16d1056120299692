"""The organisers' API over real HTTP: the contest editor, teams, and private contests that try
not to leak (pages, boards, sockets, the Contest API, statements)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import websockets
from ccs_support import validate
from hub.api_support import AC_SOURCE, assert_error, unique, wait_judged
from hub_support import Hub, bearer, new_user


def _settings(slug: str, **changes: Any) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "name": unique("Org"),
        "start": start.isoformat(),
        "duration_s": 7200,
        "freeze_duration_s": 0,
        "penalty_minutes": 20,
        "scoring": "pass-fail",
        "visibility": "public",
        "problems": [{"slug": slug, "label": "A", "color": "#ff0000", "points": 1}],
        **changes,
    }


async def _call(
    hub: Hub, method: str, path: str, token: str | None, body: Any = None
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.request(method, path, json=body, headers=bearer(token) if token else {})


async def _private_contest(
    hub: Hub, db: Any, slug: str, visibility: str
) -> tuple[str, dict[str, Any]]:
    _, _, admin = await new_user(hub, db, role="admin")
    made = await _call(
        hub, "POST", "/api/organise/contests", admin, _settings(slug, visibility=visibility)
    )
    assert made.status_code == 201, made.text
    return admin, made.json()


async def _leaks(hub: Hub, contest_id: int, token: str | None) -> list[str]:
    """Every way in that answered with something other than a 404 (or a closed socket)."""
    leaked = []
    for path in (
        f"/api/contests/{contest_id}",
        f"/contests/{contest_id}/description",
        f"/api/contests/{contest_id}/leaderboard",
        f"/api/contests/{contest_id}/problems/A",
        f"/api/contests/{contest_id}/announcements",
        f"/api/contests/{contest_id}/stats",
        f"/api/v4/contests/{contest_id}",
        f"/api/v4/contests/{contest_id}/problems",
        f"/api/v4/contests/{contest_id}/scoreboard",
        f"/api/v4/contests/{contest_id}/teams",
    ):
        answer = await _call(hub, "GET", path, token)
        if answer.status_code != 404:
            leaked.append(f"{path} {answer.status_code}")
    for path in (f"/ws/contests/{contest_id}/spectate", f"/ws/contests/{contest_id}"):
        async with websockets.connect(
            hub.ws_url + path, additional_headers=bearer(token) if token else {}
        ) as socket:
            try:
                frame = await socket.recv()
                leaked.append(f"{path} sent {str(frame)[:60]}")
            except websockets.ConnectionClosed:
                pass
    listed = (await _call(hub, "GET", "/api/contests", token)).json()
    if contest_id in {c["id"] for bucket in listed.values() for c in bucket}:
        leaked.append("/api/contests lists it")
    ccs = (await _call(hub, "GET", "/api/v4/contests", token)).json()
    if str(contest_id) in {c["id"] for c in ccs}:
        leaked.append("/api/v4/contests lists it")
    return leaked


async def test_a_private_contest_with_a_team_of_two(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_worker: Any
) -> None:
    _, slug = hub_problem
    admin, made = await _private_contest(hubs[0], db, slug, "private")
    contest_id = made["id"]
    _, first, first_token = await new_user(hubs[0], db)
    second_id, second, second_token = await new_user(hubs[0], db)
    _, _, outsider = await new_user(hubs[0], db)
    assert await _leaks(hubs[1], contest_id, None) == []
    assert await _leaks(hubs[1], contest_id, outsider) == []
    # Registering oneself is not the way in, neither is the bank.
    assert_error(
        await _call(hubs[0], "POST", f"/api/contests/{contest_id}/register", outsider),
        404,
        "not_found",
    )
    bank = await _call(hubs[0], "GET", f"/api/problems/{slug}", outsider)
    assert bank.status_code == 404
    org, group = unique("org"), unique("grp")
    for path, body in (
        ("/api/organise/organizations", {"id": org, "name": "Uni", "country": "NLD"}),
        ("/api/organise/groups", {"id": group, "name": "Students"}),
    ):
        saved = await _call(hubs[0], "PUT", path, admin, body)
        assert saved.status_code == 200, saved.text
    team = await _call(
        hubs[0],
        "POST",
        f"/api/organise/contests/{contest_id}/teams",
        admin,
        {"name": "Two Of Us", "members": [first, second], "organization": org, "groups": [group]},
    )
    assert team.status_code == 201, team.text
    # The Contest API serves the team with its organization and group, in the spec's shapes.
    ccs = f"/api/v4/contests/{contest_id}"
    for name in ("teams", "organizations", "groups"):
        answer = await _call(hubs[1], "GET", f"{ccs}/{name}", admin)
        validate(name, answer.json())
    [ccs_team] = (await _call(hubs[1], "GET", f"{ccs}/teams", first_token)).json()
    assert (ccs_team["name"], ccs_team["organization_id"], ccs_team["group_ids"]) == (
        "Two Of Us",
        org,
        [group],
    )
    orgs = (await _call(hubs[1], "GET", f"{ccs}/organizations", first_token)).json()
    assert orgs == [{"id": org, "name": "Uni", "formal_name": None, "country": "NLD"}]
    groups = (await _call(hubs[1], "GET", f"{ccs}/groups", first_token)).json()
    assert groups == [{"id": group, "name": "Students"}]
    assert team.json()["members"] == [first, second]
    # Both members are inside now; the outsider still is not.
    for token in (first_token, second_token):
        seen = await _call(hubs[1], "GET", f"/api/contests/{contest_id}", token)
        assert seen.status_code == 200 and seen.json()["registered"] is True, seen.text
    assert await _leaks(hubs[1], contest_id, outsider) == []
    ids = []
    for token in (first_token, second_token):
        sent = await _call(
            hubs[0],
            "POST",
            f"/api/contests/{contest_id}/submissions",
            token,
            {"problem": "A", "language": "python3", "source": AC_SOURCE},
        )
        assert sent.status_code == 202, sent.text
        ids.append(sent.json()["id"])
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        for submission_id in ids:  # the first member's submission is the second's to read too
            view = await wait_judged(client, submission_id, bearer(second_token))
            assert view["verdict"] == "AC", view
    authors = await db.fetch(
        "SELECT user_id, author_id FROM submissions WHERE id = ANY($1::bigint[]) ORDER BY id", ids
    )
    leader = team.json()["id"]
    assert [(r["user_id"], r["author_id"]) for r in authors] == [
        (leader, leader),
        (leader, second_id),
    ]
    board = await _call(hubs[1], "GET", f"/api/contests/{contest_id}/leaderboard", second_token)
    assert [(r["username"], r["solved"]) for r in board.json()["rows"]] == [("Two Of Us", 1)]
    assert board.json()["me"]["user_id"] == leader  # the member's own row is the team's
    mine = await _call(
        hubs[0], "GET", f"/api/contests/{contest_id}/submissions?mine=1", second_token
    )
    assert sorted(s["id"] for s in mine.json()) == sorted(ids)


async def test_an_invite_only_contest_opens_with_its_code_only(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    admin, made = await _private_contest(hubs[0], db, hub_problem[1], "invite")
    contest_id, code = made["id"], made["invite_code"]
    assert code
    _, _, guest = await new_user(hubs[0], db)
    _, _, outsider = await new_user(hubs[0], db)
    register = f"/api/contests/{contest_id}/register"
    assert_error(
        await _call(hubs[0], "POST", register, guest, {"invite": "guess"}), 404, "not_found"
    )
    target = await _call(hubs[0], "GET", f"/api/invites/{code}", guest)
    assert target.json() == {"contest_id": contest_id, "name": made["settings"]["name"]}
    joined = await _call(hubs[0], "POST", register, guest, {"invite": code, "team_name": "Guests"})
    assert joined.status_code == 201, joined.text
    assert (await _call(hubs[1], "GET", f"/api/contests/{contest_id}", guest)).status_code == 200
    assert await _leaks(hubs[1], contest_id, outsider) == []
    # A new code ends the old link.
    reset = await _call(hubs[0], "POST", f"/api/organise/contests/{contest_id}/invite", admin)
    assert reset.json()["invite_code"] != code
    assert (await _call(hubs[0], "GET", f"/api/invites/{code}", outsider)).status_code == 404


async def test_editing_refuses_history_rewrites_and_strangers(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    admin, made = await _private_contest(hubs[0], db, hub_problem[1], "public")
    contest_id = made["id"]
    path = f"/api/organise/contests/{contest_id}"
    _, name, contestant = await new_user(hubs[0], db)
    _, _, moderator = await new_user(hubs[0], db, role="moderator")
    assert await _leaks(hubs[1], contest_id, contestant)  # the probe sees a public contest
    assert_error(await _call(hubs[0], "PUT", path, contestant, made["settings"]), 404, "not_found")
    assert_error(await _call(hubs[0], "PUT", path, moderator, made["settings"]), 403, "forbidden")
    assert_error(
        await _call(hubs[0], "POST", "/api/organise/contests", moderator, made["settings"]),
        403,
        "forbidden",
    )
    bad = {**made["settings"], "freeze_duration_s": 99999}
    assert_error(await _call(hubs[0], "PUT", path, admin, bad), 422, "refused")
    assert (
        await _call(hubs[0], "POST", f"/api/contests/{contest_id}/register", contestant)
    ).status_code == 201
    sent = await _call(
        hubs[0],
        "POST",
        f"/api/contests/{contest_id}/submissions",
        contestant,
        {"problem": "A", "language": "python3", "source": AC_SOURCE},
    )
    assert sent.status_code == 202, sent.text
    earlier = datetime.fromisoformat(made["settings"]["start"]) - timedelta(hours=1)
    moved = {**made["settings"], "start": earlier.isoformat()}
    refused = assert_error(await _call(hubs[0], "PUT", path, admin, moved), 409, "refused")
    assert "start cannot move" in refused["message"]
    assert_error(await _call(hubs[0], "DELETE", path, admin), 409, "refused")
    renamed = {**made["settings"], "name": "Renamed", "duration_s": 9000}
    edited = await _call(hubs[0], "PUT", path, admin, renamed)
    assert edited.status_code == 200 and edited.json()["settings"]["name"] == "Renamed"
    audit = await db.fetch(
        "SELECT action FROM audit_log WHERE contest_id = $1 ORDER BY id", contest_id
    )
    assert [r["action"] for r in audit] == ["contest_create", "contest_edit"]
    clone = await _call(
        hubs[0],
        "POST",
        path + "/clone",
        admin,
        {"name": "Next", "start": (datetime.now(UTC) + timedelta(days=3)).isoformat()},
    )
    assert clone.status_code == 201 and clone.json()["submissions"] == 0
    gone = await _call(hubs[0], "DELETE", f"/api/organise/contests/{clone.json()['id']}", admin)
    assert gone.status_code == 204
    assert (
        await _call(hubs[0], "GET", f"/api/contests/{clone.json()['id']}", admin)
    ).status_code == 404
    assert name


@pytest.mark.parametrize("visibility", ["secret", ""])
async def test_bad_visibility_is_refused(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], visibility: str
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    made = await _call(
        hubs[0],
        "POST",
        "/api/organise/contests",
        admin,
        _settings(hub_problem[1], visibility=visibility),
    )
    assert_error(made, 422, "refused")


async def test_a_duration_is_kept_to_the_second_within_its_bounds(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    """The editor sends any fraction of a minute (an organiser ends a contest at an exact time):
    seconds are kept, but not below one minute, above 30 days, or as a fraction of a second."""
    admin, made = await _private_contest(hubs[0], db, hub_problem[1], "public")
    path = f"/api/organise/contests/{made['id']}"
    for duration_s in (59, 30 * 86400 + 1):
        bad = {**made["settings"], "duration_s": duration_s, "freeze_duration_s": 0}
        refused = assert_error(await _call(hubs[0], "PUT", path, admin, bad), 422, "refused")
        assert "from one minute to 30 days" in refused["message"]
    fraction = {**made["settings"], "duration_s": 90.5}
    assert_error(await _call(hubs[0], "PUT", path, admin, fraction), 400, "bad_request")
    to_the_second = {**made["settings"], "duration_s": 7261}
    kept = await _call(hubs[0], "PUT", path, admin, to_the_second)
    assert kept.status_code == 200 and kept.json()["settings"]["duration_s"] == 7261, kept.text
