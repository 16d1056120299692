"""Who moderates a contest (``arena.storage.moderators``): admins and global moderators every
contest, a per-contest moderator (listed in ``contest_moderators``, no global role) only theirs.

A per-contest moderator of A sends every moderator command for B (each refused with an error
frame, nothing in B changed, nothing audited), answers B's clarification and a missing one (the
same refusal), reads B's jury board and registrations (403), and does all of it in A. A global
moderator acts in both; a contestant is refused everywhere; a moderator taken off A's list loses
the socket on their next command.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
import websockets
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_contest, new_user


def _commands(contest_id: int, clarification_id: int, user_id: int) -> list[dict[str, Any]]:
    """Every moderator command, for one contest (an answer: to one of its clarifications)."""
    c = {"contest_id": contest_id}
    return [
        {"action": "announce", **c, "body": "scoped"},
        {"action": "answer", "clarification_id": clarification_id, "answer": "yes"},
        {"action": "rejudge", **c},
        {"action": "rejudge", **c, "problem": "A"},
        {"action": "disqualify", **c, "user_id": user_id, "reason": "scoped"},
        {"action": "reinstate", **c, "user_id": user_id},
        {"action": "extend", **c, "seconds": 60},
        {"action": "extend_contestant", **c, "user_id": user_id, "seconds": 60},
        {"action": "freeze", **c},
        {"action": "unfreeze", **c},
        {"action": "registration", **c, "open": False},
        {"action": "registration", **c, "open": True},
    ]


async def _send(socket: Any, command: dict[str, Any]) -> dict[str, Any]:
    request_id = f"r{time.monotonic_ns()}"
    await socket.send(json.dumps({**command, "request_id": request_id}))
    while True:
        frame: dict[str, Any] = json.loads(await socket.recv())
        if frame.get("request_id") == request_id:
            return frame


async def _state_of(db: Any, contest_id: int, clarification_id: int) -> list[Any]:
    """Everything a moderator command could change in the contest."""
    return [
        dict(await db.fetchrow("SELECT * FROM contests WHERE id = $1", contest_id)),
        [dict(r) for r in await db.fetch(
            "SELECT * FROM registrations WHERE contest_id = $1 ORDER BY user_id", contest_id
        )],
        dict(await db.fetchrow("SELECT * FROM clarifications WHERE id = $1", clarification_id)),
        await db.fetchval("SELECT count(*) FROM announcements WHERE contest_id = $1", contest_id),
        await db.fetchval("SELECT count(*) FROM audit_log WHERE contest_id = $1", contest_id),
    ]  # fmt: skip


async def _clarification(db: Any, contest_id: int, user_id: int) -> int:
    clarification_id: int = await db.fetchval(
        "INSERT INTO clarifications (contest_id, user_id, question) VALUES ($1, $2, 'why?')"
        " RETURNING id",
        contest_id,
        user_id,
    )
    return clarification_id


async def _reads(http: httpx.AsyncClient, token: str, contest_id: int) -> tuple[int, int]:
    """The status of the jury board and of the registrations of the contest."""
    board = await http.get(
        f"/api/contests/{contest_id}/leaderboard?board=jury", headers=bearer(token)
    )
    listed = await http.get(f"/api/contests/{contest_id}/registrations", headers=bearer(token))
    for answer in (board, listed):
        if answer.status_code != 200:
            assert_error(answer, 403, "forbidden")
    return board.status_code, listed.status_code


async def test_a_contests_moderator_acts_in_that_contest_only(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    hub = hubs[0]
    contest_a = await new_contest(db, hub_problem[0], freeze_duration_s=600)
    contest_b = await new_contest(db, hub_problem[0], freeze_duration_s=600)
    mod_a, _, mod_a_token = await new_user(hub, db)  # a contestant's role: no global power
    await db.execute(
        "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)", contest_a, mod_a
    )
    _, _, global_token = await new_user(hub, db, role="moderator")  # listed nowhere
    alice, _, alice_token = await new_user(hub, db)
    async with httpx.AsyncClient(base_url=hub.url) as http:
        for contest_id in (contest_a, contest_b):
            registered = await http.post(
                f"/api/contests/{contest_id}/register", headers=bearer(alice_token)
            )
            assert registered.status_code == 201, registered.text
    clar_a = await _clarification(db, contest_a, alice)
    clar_b = await _clarification(db, contest_b, alice)
    missing = clar_b + 1_000_000
    url = f"{hub.ws_url}/ws/admin"

    before_b = await _state_of(db, contest_b, clar_b)
    async with websockets.connect(url, additional_headers=bearer(mod_a_token)) as socket:
        # Every command for B, and an answer to a clarification that does not exist.
        for command in [*_commands(contest_b, clar_b, alice), {**_commands(0, missing, 0)[1]}]:
            frame = await _send(socket, command)
            assert frame["kind"] == "error", (command, frame)
            assert "moderate" in frame["message"], (command, frame)
        # The same words for B's clarification and a missing one: ids stay private.
        b_answer = await _send(socket, _commands(contest_b, clar_b, alice)[1])
        missing_answer = await _send(socket, _commands(contest_b, missing, alice)[1])
        assert b_answer["message"].replace(str(clar_b), "#") == missing_answer["message"].replace(
            str(missing), "#"
        )
        assert await _state_of(db, contest_b, clar_b) == before_b

        # The same commands in A are A's moderator's to give.
        for command in _commands(contest_a, clar_a, alice):
            frame = await _send(socket, command)
            assert frame["kind"] == "ack", (command, frame)
    audited = await db.fetch(
        "SELECT DISTINCT actor_id FROM audit_log WHERE contest_id = $1", contest_a
    )
    assert [r["actor_id"] for r in audited] == [mod_a]
    assert await db.fetchval("SELECT answer FROM clarifications WHERE id = $1", clar_a) == "yes"
    assert await _state_of(db, contest_b, clar_b) == before_b

    async with httpx.AsyncClient(base_url=hub.url) as http:
        assert await _reads(http, mod_a_token, contest_a) == (200, 200)
        assert await _reads(http, mod_a_token, contest_b) == (403, 403)
        # Their default board is the jury's in A, the public one in B.
        for contest_id, board in ((contest_a, "jury"), (contest_b, "public")):
            page = await http.get(
                f"/api/contests/{contest_id}/leaderboard", headers=bearer(mod_a_token)
            )
            assert page.status_code == 200 and page.json()["board"] == board, page.text
        for contest_id in (contest_a, contest_b):
            assert await _reads(http, global_token, contest_id) == (200, 200)
            assert await _reads(http, alice_token, contest_id) == (403, 403)
        # The console's lists: everyone's questions and submissions in A, only their own in B.
        for contest_id in (contest_a, contest_b):
            await db.execute(
                "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version,"
                " language, source, status) SELECT $1, $2, id, current_version, 'python3',"
                " 'print(1)', 'queued' FROM problems WHERE id = $3",
                alice,
                contest_id,
                hub_problem[0],
            )
        for contest_id, clarification_id, seen in ((contest_a, clar_a, 1), (contest_b, clar_b, 0)):
            asked = await http.get(
                f"/api/contests/{contest_id}/clarifications", headers=bearer(mod_a_token)
            )
            assert [c["id"] for c in asked.json()] == [clarification_id] * seen, asked.text
            made = await http.get(
                f"/api/contests/{contest_id}/submissions", headers=bearer(mod_a_token)
            )
            assert [s["user_id"] for s in made.json()] == [alice] * seen, made.text

    # A global moderator acts in every contest.
    async with websockets.connect(url, additional_headers=bearer(global_token)) as socket:
        for contest_id, clarification_id in ((contest_a, clar_a), (contest_b, clar_b)):
            for command in _commands(contest_id, clarification_id, alice):
                frame = await _send(socket, command)
                assert frame["kind"] == "ack", (command, frame)

    # A contestant may not open the channel at all.
    async with websockets.connect(url, additional_headers=bearer(alice_token)) as socket:
        with pytest.raises(websockets.ConnectionClosed):
            await _send(socket, _commands(contest_a, clar_a, alice)[0])
        assert socket.close_code == 4403

    # Taken off A's list, the moderator loses the channel on their next command.
    async with websockets.connect(url, additional_headers=bearer(mod_a_token)) as socket:
        assert (await _send(socket, _commands(contest_a, clar_a, alice)[0]))["kind"] == "ack"
        await db.execute("DELETE FROM contest_moderators WHERE user_id = $1", mod_a)
        with pytest.raises(websockets.ConnectionClosed):
            await _send(socket, _commands(contest_a, clar_a, alice)[0])
        assert socket.close_code == 4403
    async with httpx.AsyncClient(base_url=hub.url) as http:
        assert await _reads(http, mod_a_token, contest_a) == (403, 403)


async def test_me_lists_exactly_the_contests_the_user_moderates(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    """/api/me's ``moderates``: the caller's rows of contest_moderators and nobody else's, as they
    are now (a removal shows on the next request)."""
    hub = hubs[0]
    a, b, c = [await new_contest(db, hub_problem[0]) for _ in range(3)]
    mod, _, mod_token = await new_user(hub, db)
    other, _, other_token = await new_user(hub, db)
    _, _, plain_token = await new_user(hub, db)
    _, _, global_token = await new_user(hub, db, role="moderator")
    for contest_id, user_id in ((c, mod), (a, mod), (b, other)):
        await db.execute(
            "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)",
            contest_id,
            user_id,
        )

    async def listed(token: str) -> list[int]:
        async with httpx.AsyncClient(base_url=hub.url) as http:
            me = await http.get("/api/me", headers=bearer(token))
        assert me.status_code == 200, me.text
        moderates: list[int] = me.json()["moderates"]
        return moderates

    assert await listed(mod_token) == [a, c]
    assert await listed(other_token) == [b]
    assert await listed(plain_token) == []
    # The role covers every contest; the list holds only rows, and this one has none.
    assert await listed(global_token) == []
    await db.execute(
        "DELETE FROM contest_moderators WHERE contest_id = $1 AND user_id = $2", a, mod
    )
    assert await listed(mod_token) == [c]
    async with httpx.AsyncClient(base_url=hub.url) as http:
        assert (await http.get("/api/me")).status_code == 401


async def test_a_contests_moderator_sees_that_contest_as_the_jury(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_worker: Any
) -> None:
    """A per-contest moderator with a contestant's role gets the jury's view of their contest,
    not of another: the problems before the start (page, statement, run), the Contest API's
    jury view and clarification rights, a contestant's submission; not the organisers' pages."""
    hub = hubs[0]
    # Both start in an hour: only the jury sees their problems yet.
    mine, other = [await new_contest(db, hub_problem[0], started_min_ago=-60) for _ in range(2)]
    mod, _, mod_token = await new_user(hub, db)
    await db.execute(
        "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)", mine, mod
    )
    alice, _, alice_token = await new_user(hub, db)
    made = {}
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(alice_token)) as http:
        for contest_id in (mine, other):
            joined = await http.post(f"/api/contests/{contest_id}/register")
            assert joined.status_code == 201, joined.text
    alice_name = await db.fetchval("SELECT username FROM users WHERE id = $1", alice)
    for contest_id in (mine, other):
        made[contest_id] = await db.fetchval(
            "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version,"
            " language, source, status) SELECT $1, $2, id, current_version, 'python3',"
            " 'print(1)', 'queued' FROM problems WHERE id = $3 RETURNING id",
            alice,
            contest_id,
            hub_problem[0],
        )
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(mod_token)) as http:
        for contest_id, jury in ((mine, True), (other, False)):
            page = await http.get(f"/api/contests/{contest_id}")
            assert page.status_code == 200, page.text
            assert [p["label"] for p in page.json()["problems"]] == (["A"] if jury else [])
            statement = await http.get(f"/api/contests/{contest_id}/problems/A")
            if jury:
                assert statement.status_code == 200, statement.text
                assert "no-store" in statement.headers["cache-control"]  # a preview
            else:
                assert_error(statement, 403, "not_started")
            run = await http.post(
                f"/api/contests/{contest_id}/problems/A/run",
                json={"language": "python3", "source": "print(1)", "input": "1 2\n"},
                timeout=120,
            )
            if jury:  # judged on the custom input by the worker
                assert run.status_code == 200 and run.json()["outputs"] == ["1\n"], run.text
            else:
                assert_error(run, 403, "not_started")
            access = await http.get(f"/api/v4/contests/{contest_id}/access")
            assert ("admin_clar" in access.json()["capabilities"]) is jury, access.text
            accounts = await http.get(f"/api/v4/contests/{contest_id}/accounts")
            assert accounts.status_code == 200, accounts.text
            # The jury sees everyone's accounts; a caller outside it only its own (none here).
            assert (alice_name in {a["username"] for a in accounts.json()}) is jury, accounts.text
            seen = await http.get(f"/api/submissions/{made[contest_id]}")
            if jury:
                assert seen.status_code == 200 and seen.json()["source"] == "print(1)", seen.text
            else:
                assert_error(seen, 404, "not_found")
            # A clarification from the jury needs no team; a contestant's is a question.
            sent = await http.post(
                f"/api/v4/contests/{contest_id}/clarifications", json={"text": "Read A again."}
            )
            assert sent.status_code in (201, 400, 403, 422), sent.text
            if jury:
                assert sent.status_code == 201 and sent.json()["from_team_id"] is None, sent.text
            else:
                assert sent.status_code != 201 or sent.json()["from_team_id"] is not None
        # Editing a contest's settings stays the organisers' (a global role): a judge moderates.
        assert_error(await http.get("/api/organise/contests"), 403, "forbidden")
        listed = {c["id"]: c for c in (await http.get("/api/contests")).json()["upcoming"]}
        assert [p["label"] for p in listed[mine]["problems"]] == ["A"]
        assert listed[other]["problems"] == []
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(alice_token)) as http:
        assert_error(await http.get(f"/api/contests/{mine}/problems/A"), 403, "not_started")
    # Made private: the judge still sees it, but may not enter it as a contestant (the
    # organisers register its teams).
    await db.execute(
        "UPDATE contests SET visibility = 'private', public = false WHERE id = $1", mine
    )
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(mod_token)) as http:
        page = await http.get(f"/api/contests/{mine}")
        assert page.status_code == 200, page.text
        assert_error(await http.post(f"/api/contests/{mine}/register"), 403, "invite_only")
