"""The ICPC Contest API (/api/v4) of two real hubs, judged by a real worker, against the schemas.

Every answer and every event-feed line is validated with the JSON schemas of
../shared/conformance/ccs-specs; a contest goes from registration through judged submissions, a
clarification and a freeze to its final results and the feed's end_of_updates.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import httpx
import pytest
from ccs_api_support import (
    AC,
    all_endpoints,
    basic,
    feed,
    get_valid,
    keyed_contest,
    submit,
    wait_judged,
    wait_state,
    zipped,
)
from ccs_support import validate, validate_event_line
from hub_support import bearer, new_contest, new_user

from arena.storage import moderation

WA = "print(0)\n"


@pytest.mark.sandbox
async def test_contest_api_from_registration_to_end_of_updates(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub_a, hub_b = hubs
    problem_id, slug = hub_problem
    contest_id, key = await keyed_contest(db, problem_id, "ccs")
    alice, alice_name, alice_token = await new_user(hub_a, db)
    bob, _, bob_token = await new_user(hub_a, db)
    mod_id, _, mod_token = await new_user(hub_a, db, role="moderator")
    jury = bearer(mod_token)
    async with (
        httpx.AsyncClient(base_url=hub_a.url, timeout=60) as http,
        httpx.AsyncClient(base_url=hub_b.url, timeout=60) as other,
    ):
        for token in (alice_token, bob_token):
            made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text

        info = await get_valid(http, "/", "api_information")
        assert info["version"] == "draft"
        contests = await get_valid(http, "/contests", "contests")
        assert key in [c["id"] for c in contests]
        # The numeric id names the contest too; its API id is contest.yaml's.
        assert (await get_valid(http, f"/contests/{contest_id}", "contest"))["id"] == key
        access = await get_valid(
            http, f"/contests/{key}/access", "access", headers=basic(alice_name)
        )
        assert access["capabilities"] == ["team_submit", "post_clar"]
        missing = await http.get("/api/v4/contests/no-such-contest/teams")
        assert missing.status_code == 404
        assert missing.json()["code"] == 404 and missing.json()["message"]

        # Submitting: the spec's POST (HTTP basic auth, a zip) and the hub's own route.
        refused = await submit(http, key, zipped(AC), problem=slug)
        assert refused.status_code == 401 and refused.json()["code"] == 401
        refused = await http.post(
            f"/api/v4/contests/{key}/submissions",
            json={
                "problem_id": slug,
                "language_id": "python3",
                "files": [{"data": zipped(AC)}],
                "time": "2026-01-01T00:00:00.000Z",
            },
            headers=basic(alice_name),
        )
        assert refused.status_code == 400, refused.text
        refused = await submit(http, key, "not base64!", problem=slug, headers=basic(alice_name))
        assert refused.status_code == 400
        refused = await submit(http, key, zipped(AC), problem="nope", headers=basic(alice_name))
        assert refused.status_code == 422  # the hub's own check, shared
        sent = await submit(http, key, zipped(AC), problem=slug, headers=basic(alice_name))
        assert sent.status_code == 201, sent.text
        validate("submission", sent.json())
        assert sent.headers["location"] == f"/api/v4/contests/{key}/submissions/{sent.json()['id']}"
        alice_ac = int(sent.json()["id"])
        bob_wa = (
            await http.post(
                f"/api/contests/{contest_id}/submissions",
                json={"problem": "A", "language": "python3", "source": WA},
                headers=bearer(bob_token),
            )
        ).json()["id"]
        assert await wait_judged(http, alice_token, alice_ac) == "AC"
        assert await wait_judged(http, bob_token, bob_wa) == "WA"

        # A clarification, answered to everyone.
        asked = await http.post(
            f"/api/contests/{contest_id}/clarifications",
            json={"problem": "A", "question": "Is a + b small?"},
            headers=bearer(bob_token),
        )
        async with db.acquire() as conn:
            await moderation.answer(conn, mod_id, asked.json()["id"], "It fits.", True)

        public = await all_endpoints(other, key)
        verdicts = {j["submission_id"]: j["judgement_type_id"] for j in public["judgements"]}
        assert verdicts == {str(alice_ac): "AC", str(bob_wa): "WA"}
        # No runs, no max_run_time for the public while the contest runs (which test a rival
        # fails on is the jury's); the jury sees them.
        assert public["runs"] == []
        assert all(j["max_run_time"] is None for j in public["judgements"])
        assert {t["id"] for t in public["teams"]} == {str(alice), str(bob)}
        assert {c["id"] for c in public["clarifications"]} == {f"{asked.json()['id']}-r"}
        assert all(s["files"] == [] for s in public["submissions"])
        moderator = await all_endpoints(other, key, headers=jury)
        assert {r["judgement_id"] for r in moderator["runs"]} == {f"{alice_ac}-1", f"{bob_wa}-1"}
        assert all(j["max_run_time"] is not None for j in moderator["judgements"])
        assert len(moderator["clarifications"]) == 2  # the question and its answer
        files = moderator["submissions"][0]["files"][0]["href"]
        archive = await http.get(f"/api/v4/{files}", headers=jury)
        assert zipfile.ZipFile(io.BytesIO(archive.content)).read("main.py").decode() == AC
        assert (await http.get(f"/api/v4/{files}")).status_code == 404
        board = public["scoreboard"]["rows"]
        assert [(r["team_id"], r["score"]["num_solved"]) for r in board] == [
            (str(alice), 1),
            (str(bob), 0),
        ]
        only_bob = await get_valid(
            http, f"/contests/{key}/submissions?team_id={bob}", "submissions"
        )
        assert [s["id"] for s in only_bob] == [str(bob_wa)]

        # The freeze: Bob's accepted answer is the jury's business until the thaw.
        await db.execute("UPDATE contests SET frozen_at = now() WHERE id = $1", contest_id)
        await wait_state(http, key, "frozen")  # the hubs cache a contest for a second
        sent = await submit(http, key, zipped(AC), problem=slug, headers=bearer(bob_token))
        assert sent.status_code == 201, sent.text
        bob_ac = sent.json()["id"]
        assert await wait_judged(http, bob_token, int(bob_ac)) == "AC"
        frozen = await all_endpoints(http, key)
        assert frozen["state"]["frozen"] is not None and frozen["state"]["thawed"] is None
        assert bob_ac in {s["id"] for s in frozen["submissions"]}
        assert bob_ac not in {j["submission_id"] for j in frozen["judgements"]}
        assert not any(r["judgement_id"].startswith(f"{bob_ac}-") for r in frozen["runs"])
        bob_row = next(r for r in frozen["scoreboard"]["rows"] if r["team_id"] == str(bob))
        assert bob_row["score"]["num_solved"] == 0 and bob_row["problems"][0]["num_pending"] == 1
        seen = await all_endpoints(http, key, headers=jury)
        assert bob_ac in {j["submission_id"] for j in seen["judgements"]}
        bob_row = next(r for r in seen["scoreboard"]["rows"] if r["team_id"] == str(bob))
        assert bob_row["score"]["num_solved"] == 1

        # The public feed hides the same; the jury's shows it; a resume is exact.
        events = await feed(http, key)
        assert events[0]["type"] == "contest" and events[0]["id"] is None
        judged = {e["data"]["submission_id"] for e in events if e["type"] == "judgements"}
        assert bob_ac not in judged and str(alice_ac) in judged
        assert not [e for e in events if e["type"] == "runs"]
        assert all(e["data"]["max_run_time"] is None for e in events if e["type"] == "judgements")
        jury_events = await feed(other, key, headers=jury)
        judged = {e["data"]["submission_id"] for e in jury_events if e["type"] == "judgements"}
        assert bob_ac in judged
        middle = events[len(events) // 2]["token"]
        resumed = await feed(other, key, f"&since_token={middle}")
        assert resumed == events[len(events) // 2 + 1 :]
        bad = await http.get(f"/api/v4/contests/{key}/event-feed?stream=false&since_token=x")
        assert bad.status_code == 400 and bad.json()["code"] == 400

        # The thaw and the end: final results, awards, and end_of_updates as the last event.
        await db.execute(
            "UPDATE contests SET duration_s = ceil(extract(epoch FROM now() - start_time))::int"
            " WHERE id = $1",
            contest_id,
        )
        await wait_state(http, key, "ended")
        await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", contest_id)
        await wait_state(http, key, "end_of_updates")  # finalized by a hub's ticker, and thawed
        final = await all_endpoints(http, key)
        assert final["state"]["end_of_updates"] is not None
        awards = {a["id"]: a["team_ids"] for a in final["awards"]}
        assert awards["winner"] == [str(alice)]
        assert awards["gold-medal"] == [str(alice), str(bob)]
        assert awards[f"first-to-solve-{slug}"] == [str(alice)]
        async with other.stream(
            "GET", f"/api/v4/contests/{key}/event-feed?since_token={middle}"
        ) as live:
            lines = [line async for line in live.aiter_lines() if line]  # ends by itself
        rest = [validate_event_line(line.encode()) for line in lines]
        assert rest[: len(resumed)] == resumed
        last = rest[-1]
        assert last["type"] == "state" and last["data"]["end_of_updates"] is not None
        assert bob_ac in {e["data"]["submission_id"] for e in rest if e["type"] == "judgements"}
        # Over and thawed: the runs are public now.
        assert {e["data"]["judgement_id"] for e in rest if e["type"] == "runs"} >= {
            f"{alice_ac}-1",
            f"{bob_ac}-1",
        }
        assert {r["judgement_id"] for r in final["runs"]} >= {f"{alice_ac}-1", f"{bob_wa}-1"}
        assert (await feed(http, key))[-1] == last


async def test_keep_alive_newlines(
    hub_env: dict[str, str], hub_problem: tuple[int, str], db: Any, tmp_path: Any
) -> None:
    from hub_support import start_hub, stop_process

    env = dict(hub_env, ARENA_CCS_KEEPALIVE_S="0.5", ARENA_CCS_POLL_S="0.2")
    hub = start_hub(env, tmp_path / "hub.log")
    try:
        contest_id = await new_contest(db, hub_problem[0])
        async with (
            httpx.AsyncClient(base_url=hub.url, timeout=30) as http,
            http.stream("GET", f"/api/v4/contests/{contest_id}/event-feed") as live,
        ):
            assert live.status_code == 200
            lines = live.aiter_lines()
            seen = []
            while True:
                line = await asyncio.wait_for(anext(lines), 30)
                if line == "":
                    break  # the keep-alive: an empty line while nothing happens
                seen.append(json.loads(line))
            assert [e["type"] for e in seen][:1] == ["contest"]
            assert "state" in {e["type"] for e in seen}
    finally:
        stop_process(hub.process)
