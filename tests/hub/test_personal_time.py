"""Per-contestant time: a moderator gives one contestant time of their own past the end.

Real hubs, a real worker: the contestant with time submits after the contest's end (hub API and
Contest API) and is judged onto the board; the others are refused; once the own end has passed
the contestant is refused too; the final results wait for the last contestant's end.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import zipfile
from typing import Any

import httpx
import pytest
import websockets
from hub.api_support import AC_SOURCE, assert_error, wait_judged
from hub_support import bearer, new_contest, new_user

from arena.storage import results

pytestmark = pytest.mark.sandbox


async def _command(hub: Any, token: str, **command: Any) -> dict[str, Any]:
    url = f"{hub.ws_url}/ws/admin"
    async with websockets.connect(url, additional_headers=bearer(token)) as socket:
        request_id = f"r{time.monotonic_ns()}"
        await socket.send(json.dumps({**command, "request_id": request_id}))
        while True:
            frame = json.loads(await socket.recv())
            if frame.get("request_id") == request_id:
                return dict(frame)


async def _end_ago(db: Any, contest_id: int, seconds: int) -> None:
    """Move the contest so that its own end (without extensions) was ``seconds`` ago."""
    await db.execute(
        "UPDATE contests SET start_time = now() - make_interval(secs => duration_s + $2)"
        " WHERE id = $1",
        contest_id,
        seconds,
    )
    time.sleep(1.1)  # the hubs cache a contest for a second


def _ccs_files(source: str) -> list[dict[str, str]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", source)
    return [{"data": base64.b64encode(buffer.getvalue()).decode()}]


async def test_one_contestant_submits_until_their_own_end(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    problem_id, slug = hub_problem
    contest_id = await new_contest(db, problem_id)
    alice, _, alice_token = await new_user(hub, db)
    _, _, bob_token = await new_user(hub, db)
    stranger, _, _ = await new_user(hub, db)
    mod, _, mod_token = await new_user(hub, db, role="moderator")
    async with httpx.AsyncClient(base_url=hub.url) as http:
        for token in (alice_token, bob_token):
            made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text

        # Refused: a contestant who is not registered, negative time, more than a week, and a
        # contestant trying to give themselves time.
        for bad in ({"user_id": stranger, "seconds": 60}, {"user_id": alice, "seconds": -1}):
            frame = await _command(
                hub, mod_token, action="extend_contestant", contest_id=contest_id, **bad
            )
            assert frame["kind"] == "error", frame
        frame = await _command(
            hub, mod_token, action="extend_contestant", contest_id=contest_id,
            user_id=alice, seconds=8 * 24 * 3600,
        )  # fmt: skip
        assert frame["kind"] == "error" and "7 days" in frame["message"], frame
        url = f"{hub.ws_url}/ws/admin"
        async with websockets.connect(url, additional_headers=bearer(alice_token)) as socket:
            command = {"action": "extend_contestant", "contest_id": contest_id}
            with pytest.raises(websockets.ConnectionClosed):
                await socket.send(json.dumps({**command, "user_id": alice, "seconds": 600}))
                await socket.recv()
            assert socket.close_code == 4403

        frame = await _command(
            hub, mod_token, action="extend_contestant", contest_id=contest_id,
            user_id=alice, seconds=600,
        )  # fmt: skip
        assert frame["kind"] == "ack", frame
        audit = await db.fetchrow(
            "SELECT actor_id, details FROM audit_log WHERE contest_id = $1"
            " AND action = 'extend_contestant' ORDER BY id DESC LIMIT 1",
            contest_id,
        )
        assert audit["actor_id"] == mod
        assert json.loads(audit["details"]) == {
            "user": alice,
            "team": alice,
            "seconds": 600,
            "before": 0,
        }

        # The contest ended a minute ago: bob's time is over, alice has nine minutes left.
        await _end_ago(db, contest_id, 60)
        submit = {"problem": "A", "language": "python3", "source": AC_SOURCE}
        late = await http.post(
            f"/api/contests/{contest_id}/submissions", json=submit, headers=bearer(bob_token)
        )
        assert_error(late, 403, "not_running")
        ccs_body = {"problem_id": slug, "language_id": "python3", "files": _ccs_files(AC_SOURCE)}
        ccs_url = f"/api/v4/contests/{contest_id}/submissions"
        late = await http.post(ccs_url, json=ccs_body, headers=bearer(bob_token))
        assert late.status_code == 403, late.text

        # Her socket's snapshot says so too (bob's does not).
        for token, extra in ((alice_token, 600), (bob_token, 0)):
            url = f"{hub.ws_url}/ws/contests/{contest_id}"
            async with websockets.connect(url, additional_headers=bearer(token)) as socket:
                snapshot = json.loads(await socket.recv())
            assert snapshot["kind"] == "snapshot", snapshot
            assert snapshot["contest"]["my_extra_s"] == extra, snapshot["contest"]
        mine = (await http.get(f"/api/contests/{contest_id}", headers=bearer(alice_token))).json()
        assert mine["phase"] == "running" and mine["my_extra_s"] == 600 and mine["my_end"]
        theirs = (await http.get(f"/api/contests/{contest_id}", headers=bearer(bob_token))).json()
        assert theirs["phase"] == "ended" and theirs["my_end"] is None

        made = await http.post(
            f"/api/contests/{contest_id}/submissions", json=submit, headers=bearer(alice_token)
        )
        assert made.status_code == 202, made.text
        view = await wait_judged(http, made.json()["id"], bearer(alice_token))
        assert view["verdict"] == "AC", view
        via_ccs = await http.post(ccs_url, json=ccs_body, headers=bearer(alice_token))
        assert via_ccs.status_code in (200, 201, 202), via_ccs.text

        # The extra-time solve is on the board.
        board = (
            await http.get(
                f"/api/contests/{contest_id}/leaderboard?board=jury", headers=bearer(mod_token)
            )
        ).json()
        row = next(r for r in board["rows"] if r["user_id"] == alice)
        assert row["solved"] == 1, row
        # Not final while alice still has time, even with every submission judged.
        deadline = time.monotonic() + 120
        while await db.fetchval(
            "SELECT count(*) FROM submissions WHERE contest_id = $1"
            " AND status IN ('queued', 'judging')",
            contest_id,
        ):
            assert time.monotonic() < deadline, "the Contest API submission was not judged"
            await asyncio.sleep(0.5)
        async with db.acquire() as conn:
            assert contest_id not in await results.due(conn)
        finalized = "SELECT finalized_at FROM contests WHERE id = $1"
        assert await db.fetchval(finalized, contest_id) is None

        # Past alice's own end (the contest ended 11 minutes ago) she is refused too.
        await _end_ago(db, contest_id, 660)
        late = await http.post(
            f"/api/contests/{contest_id}/submissions", json=submit, headers=bearer(alice_token)
        )
        assert_error(late, 403, "not_running")
        # Now the hub's ticker writes the final results.
        deadline = time.monotonic() + 60
        while await db.fetchval(finalized, contest_id) is None:
            assert time.monotonic() < deadline, "the results were not finalized"
            await asyncio.sleep(0.5)

        # Taking the time back (0) is audited with what it was.
        frame = await _command(
            hub, mod_token, action="extend_contestant", contest_id=contest_id,
            user_id=alice, seconds=0,
        )  # fmt: skip
        assert frame["kind"] == "ack", frame
        details = await db.fetchval(
            "SELECT details FROM audit_log WHERE contest_id = $1"
            " AND action = 'extend_contestant' ORDER BY id DESC LIMIT 1",
            contest_id,
        )
        assert json.loads(details) == {"user": alice, "team": alice, "seconds": 0, "before": 600}
