"""Contests over real HTTP: the list by phase, details, hidden problems, registration."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_contest, new_user

ENDED = {"started_min_ago": 120, "duration_s": 3600}
UPCOMING = {"started_min_ago": -60}


async def _get(hub: Hub, path: str, token: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.get(path, headers=bearer(token) if token else {})


async def _register(hub: Hub, contest_id: int, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.post(f"/api/contests/{contest_id}/register", headers=bearer(token))


async def test_contests_are_listed_as_upcoming_running_and_past(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    problem_id, slug = hub_problem
    upcoming = await new_contest(db, problem_id, **UPCOMING)
    running = await new_contest(db, problem_id)
    ended = await new_contest(db, problem_id, **ENDED)
    response = await _get(hubs[0], "/api/contests")
    assert response.status_code == 200, response.text
    buckets = {name: {c["id"]: c for c in views} for name, views in response.json().items()}
    assert set(buckets) == {"upcoming", "running", "past"}
    assert upcoming in buckets["upcoming"] and running in buckets["running"]
    assert ended in buckets["past"]
    assert not {upcoming, running} & set(buckets["past"])
    assert [buckets[b][c]["phase"] for b, c in [("upcoming", upcoming), ("running", running)]] == [
        "upcoming",
        "running",
    ]
    assert buckets["past"][ended]["phase"] == "ended"
    assert buckets["past"][ended]["registration_open"] is False
    assert buckets["upcoming"][upcoming]["problems"] == []  # not before the start
    [shown] = buckets["running"][running]["problems"]
    assert (shown["label"], shown["slug"]) == ("A", slug)
    soonest = [c["start"] for c in response.json()["upcoming"]]
    assert soonest == sorted(soonest)


async def test_a_contest_and_its_description_page(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], duration_s=7200)
    _, _, token = await new_user(hubs[0], db)
    api = await _get(hubs[0], f"/api/contests/{contest_id}", token)
    page = await _get(hubs[1], f"/contests/{contest_id}/description", token)
    assert api.status_code == page.status_code == 200, (api.text, page.text)
    assert api.json() == page.json()
    view = api.json()
    assert (view["id"], view["phase"], view["scoring"]) == (contest_id, "running", "pass-fail")
    assert view["start"].endswith("Z") and view["end"].endswith("Z") and view["start"] < view["end"]
    assert (view["registered"], view["registration_open"], view["public"]) == (False, True, True)
    assert [p["label"] for p in view["problems"]] == ["A"]


@pytest.mark.parametrize("path", ["/api/contests/999999999", "/api/contests/abc"])
async def test_an_unknown_contest_is_404(hubs: list[Hub], path: str) -> None:
    assert_error(await _get(hubs[0], path), 404, "not_found")


async def test_problems_are_hidden_from_contestants_before_the_start(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], **UPCOMING)
    _, _, token = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    assert (await _register(hubs[0], contest_id, token)).status_code == 201
    view = (await _get(hubs[1], f"/api/contests/{contest_id}", token)).json()
    assert (view["phase"], view["registered"], view["problems"]) == ("upcoming", True, [])
    problem = f"/api/contests/{contest_id}/problems/A"
    assert_error(await _get(hubs[1], problem, token), 403, "not_started")
    assert_error(await _get(hubs[1], problem), 403, "not_started")
    # The jury prepares the contest: it sees the problems.
    jury_view = (await _get(hubs[0], f"/api/contests/{contest_id}", jury)).json()
    assert [p["label"] for p in jury_view["problems"]] == ["A"]
    statement = await _get(hubs[0], problem, jury)
    assert statement.status_code == 200, statement.text
    assert statement.json()["slug"] == hub_problem[1]


async def test_a_running_contest_shows_its_problem_statements(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hubs[0], db)
    for label in ("A", "a", hub_problem[1]):
        statement = await _get(hubs[0], f"/api/contests/{contest_id}/problems/{label}", token)
        assert statement.status_code == 200, statement.text
        assert statement.json()["samples"] == [
            {"name": "sample/1", "input": "1 2\n", "output": "3\n"}
        ]
    missing = await _get(hubs[0], f"/api/contests/{contest_id}/problems/Z", token)
    assert_error(missing, 404, "not_found")


async def test_registering_twice_is_201_then_200(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], **UPCOMING)
    _, _, token = await new_user(hubs[0], db)
    first = await _register(hubs[0], contest_id, token)
    assert first.status_code == 201, first.text
    assert (first.json()["id"], first.json()["registered"]) == (contest_id, True)
    again = await _register(hubs[1], contest_id, token)
    assert again.status_code == 200, again.text
    assert again.json()["registered"] is True
    assert (await _get(hubs[1], f"/api/contests/{contest_id}", token)).json()["registered"]
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        anonymous = await client.post(f"/api/contests/{contest_id}/register")
    assert_error(anonymous, 401, "unauthenticated")


async def test_registering_after_the_end_is_409(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], **ENDED)
    _, _, token = await new_user(hubs[0], db)
    assert_error(await _register(hubs[0], contest_id, token), 409, "contest_ended")
    assert not (await _get(hubs[0], f"/api/contests/{contest_id}", token)).json()["registered"]


async def test_registering_when_registration_is_closed_is_409(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    await db.execute("UPDATE contests SET registration_open = false WHERE id = $1", contest_id)
    _, _, token = await new_user(hubs[0], db)
    assert_error(await _register(hubs[1], contest_id, token), 409, "registration_closed")
    view = (await _get(hubs[1], f"/api/contests/{contest_id}", token)).json()
    assert (view["registration_open"], view["registered"]) == (False, False)


async def test_a_private_contest_is_404_for_contestants(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    await db.execute("UPDATE contests SET public = false WHERE id = $1", contest_id)
    _, _, token = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    for who in (token, None):
        for path in (f"/api/contests/{contest_id}", f"/contests/{contest_id}/description"):
            assert_error(await _get(hubs[0], path, who), 404, "not_found")
        listed = (await _get(hubs[1], "/api/contests", who)).json()
        assert contest_id not in {c["id"] for c in listed["running"]}
    assert_error(await _register(hubs[0], contest_id, token), 404, "not_found")
    seen = await _get(hubs[0], f"/api/contests/{contest_id}", jury)
    assert seen.status_code == 200 and seen.json()["public"] is False
    listed = (await _get(hubs[1], "/api/contests", jury)).json()
    assert contest_id in {c["id"] for c in listed["running"]}
