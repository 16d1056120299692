"""POST clarifications through the Contest API (#15.7) against real hubs, Postgres and Redis:
a team asks (HTTP basic auth), the jury answers (privately, then publicly) and announces; every
answer validated with the spec's schema; bad input is a 4xx with the spec's error shape."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from ccs_api_support import basic, get_valid, keyed_contest
from ccs_support import validate
from hub_support import bearer, new_user


async def _post(http: httpx.AsyncClient, key: str, body: Any, **kw: Any) -> httpx.Response:
    return await http.post(f"/api/v4/contests/{key}/clarifications", json=body, **kw)


async def _public_ids(http: httpx.AsyncClient, key: str, wanted: list[str]) -> list[Any]:
    """The public clarifications once they are ``wanted`` (the API caches a read for a second)."""
    deadline = time.monotonic() + 30
    while True:
        found = await get_valid(http, f"/contests/{key}/clarifications", "clarifications")
        if [c["id"] for c in found] == wanted or time.monotonic() > deadline:
            assert [c["id"] for c in found] == wanted
            return list(found)
        await asyncio.sleep(0.2)


def _refused(answer: httpx.Response, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == status and words in answer.json()["message"], answer.text
    assert answer.headers["access-control-allow-origin"] == "*"


async def test_post_clarifications_as_team_and_jury(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub, other_hub = hubs
    problem_id, slug = hub_problem
    contest_id, key = await keyed_contest(db, problem_id, "clar")
    alice, alice_name, alice_token = await new_user(hub, db)
    bob, bob_name, bob_token = await new_user(hub, db)
    _, carol_name, _ = await new_user(hub, db)  # not registered
    _, _, mod_token = await new_user(hub, db, role="moderator")
    jury = bearer(mod_token)
    async with (
        httpx.AsyncClient(base_url=hub.url, timeout=60) as http,
        httpx.AsyncClient(base_url=other_hub.url, timeout=60) as other,
    ):
        for token in (alice_token, bob_token):
            made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text
        access = await get_valid(http, f"/contests/{key}/access", "access", headers=jury)
        assert "admin_clar" in access["capabilities"]

        # A team's question.
        _refused(await _post(http, key, {"text": "hi"}), 401, "log in")
        _refused(await _post(http, key, {"text": "hi"}, headers=basic(carol_name)), 403, "register")
        _refused(await _post(http, key, {"text": "  "}, headers=basic(alice_name)), 422, "1 to")
        _refused(await _post(http, key, {"txt": "hi"}, headers=basic(alice_name)), 400, "text")
        _refused(
            await _post(http, key, {"text": "hi", "problem_id": "nope"}, headers=basic(alice_name)),
            422,
            "nope",
        )
        for extra, words in (
            ({"id": "7"}, "set by the server"),
            ({"time": "2026-01-01T00:00:00.000Z"}, "set by the server"),
            ({"to_team_id": str(bob)}, "to_team_id"),
            ({"reply_to_id": "1"}, "reply_to_id"),
        ):
            _refused(
                await _post(http, key, {"text": "hi", **extra}, headers=basic(alice_name)),
                400,
                words,
            )
        _refused(
            await _post(
                http, key, {"text": "hi", "from_team_id": str(bob)}, headers=basic(alice_name)
            ),
            403,
            "own team",
        )
        asked = await _post(
            http,
            key,
            {"text": "Is a + b small?", "problem_id": slug, "from_team_id": str(alice)},
            headers=basic(alice_name),
        )
        assert asked.status_code == 201, asked.text
        question = asked.json()
        validate("clarification", question)
        assert question["from_team_id"] == str(alice) and question["problem_id"] == slug
        assert question["text"] == "Is a + b small?" and question["to_team_id"] is None
        assert (
            asked.headers["location"] == f"/api/v4/contests/{key}/clarifications/{question['id']}"
        )
        # The jury sees it through the API (on the other hub too) and through the hub's route.
        seen = await get_valid(
            other, f"/contests/{key}/clarifications", "clarifications", headers=jury
        )
        assert question in seen
        mine = await http.get(
            f"/api/contests/{contest_id}/clarifications", headers=bearer(alice_token)
        )
        assert [c["question"] for c in mine.json()] == ["Is a + b small?"]

        # The jury's answer: to the team only, then to everyone; refusals first.
        reply = {"text": "It fits.", "reply_to_id": question["id"]}
        _refused(await _post(http, key, reply, headers=basic(bob_name)), 400, "reply_to_id")
        for bad, words in (
            ({"reply_to_id": "999999999"}, "no team's question"),
            ({"reply_to_id": "x"}, "no team's question"),
            ({"to_team_id": str(bob)}, "asking team"),
            ({"from_team_id": str(alice)}, "from no team"),
            ({"text": ""}, "text"),
        ):
            _refused(await _post(http, key, {**reply, **bad}, headers=jury), 400, words)
        private = await _post(http, key, {**reply, "to_team_id": str(alice)}, headers=jury)
        assert private.status_code == 201, private.text
        validate("clarification", private.json())
        assert private.json()["id"] == f"{question['id']}-r"
        assert private.json()["reply_to_id"] == question["id"]
        assert private.json()["to_team_id"] == str(alice)
        public = await get_valid(other, f"/contests/{key}/clarifications", "clarifications")
        assert public == []  # a private answer is not the public's
        answered = await _post(http, key, reply, headers=jury)
        assert answered.status_code == 201, answered.text
        assert answered.json()["to_team_id"] is None
        public = await _public_ids(other, key, [f"{question['id']}-r"])
        assert "It fits." in public[0]["text"]

        # An announcement.
        _refused(
            await _post(http, key, {"text": "x", "to_team_id": str(bob)}, headers=jury),
            400,
            "only as an answer",
        )
        _refused(
            await _post(http, key, {"text": "x", "problem_id": slug}, headers=jury),
            400,
            "names no problem",
        )
        made = await _post(http, key, {"text": "Lunch at noon."}, headers=jury)
        assert made.status_code == 201, made.text
        validate("clarification", made.json())
        assert made.json()["id"].startswith("a") and made.json()["text"] == "Lunch at noon."
        public = await _public_ids(other, key, [f"{question['id']}-r", made.json()["id"]])
        assert made.json() in public
        one = await get_valid(
            other, f"/contests/{key}/clarifications/{made.json()['id']}", "clarification"
        )
        assert one == made.json()
        _refused(
            await http.post(
                "/api/v4/contests/no-such-contest/clarifications", json={"text": "x"}, headers=jury
            ),
            404,
            "contest",
        )
