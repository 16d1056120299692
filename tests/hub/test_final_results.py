"""Final results: written by the ticker after the end, hidden until a frozen board is revealed."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from hub_support import bearer, new_user


async def test_profiles_show_final_results_only_after_the_reveal(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    user_id, _, token = await new_user(hub, db)
    # Ended five minutes ago, with the last hour frozen and no reveal yet.
    contest_id = await db.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, freeze_duration_s)"
        " VALUES ('frozen finals', now() - interval '125 minutes', 7200, 3600) RETURNING id"
    )
    await db.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        hub_problem[0],
    )
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    await db.execute(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, submitted_at)"
        " VALUES ($1, $2, $3, 1, 'python3', 'x', 'done', 'AC', now() - interval '10 minutes')",
        user_id,
        contest_id,
        hub_problem[0],
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if await db.fetchval("SELECT finalized_at FROM contests WHERE id = $1", contest_id):
            break
        await asyncio.sleep(0.2)
    rank = await db.fetchval(
        "SELECT rank FROM contest_results WHERE contest_id = $1 AND user_id = $2",
        contest_id,
        user_id,
    )
    assert rank == 1
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as http:
        profile = (await http.get("/api/me")).json()
        assert contest_id not in [c["contest_id"] for c in profile["contests"]]
        board = (await http.get(f"/api/contests/{contest_id}/leaderboard")).json()
        assert board["frozen"] is True
        assert board["rows"][0]["cells"]["A"] == {"pending": 1}
        await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", contest_id)
        profile = (await http.get("/api/me")).json()
        assert [(c["contest_id"], c["rank"], c["solved"]) for c in profile["contests"]] == [
            (contest_id, 1, 1)
        ]


async def test_a_rejudge_from_the_moderators_socket_reopens_and_requeues_under_the_lock(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any, database_url: str
) -> None:
    """#12.8: the admin socket's rejudge waits for the contest's lock (the one finalize takes),
    then reopens the final results, makes the new attempt and writes the audit row together."""
    import asyncpg
    import websockets

    hub = hubs[1]
    user_id, _, _ = await new_user(hub, db)
    moderator_id, _, mod_token = await new_user(hub, db, role="moderator")
    contest_id = await db.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, freeze_duration_s)"
        " VALUES ('rejudged finals', now() - interval '70 minutes', 3600, 0) RETURNING id"
    )
    await db.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        hub_problem[0],
    )
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    sid = await db.fetchval(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, submitted_at)"
        " VALUES ($1, $2, $3, 1, 'python3', 'print(3)', 'done', 'AC',"
        " now() - interval '20 minutes') RETURNING id",
        user_id,
        contest_id,
        hub_problem[0],
    )
    deadline = time.monotonic() + 30
    while not await db.fetchval("SELECT finalized_at FROM contests WHERE id = $1", contest_id):
        assert time.monotonic() < deadline, "the ticker did not finalize the ended contest"
        await asyncio.sleep(0.2)

    def state_query() -> str:
        return (
            "SELECT c.finalized_at IS NOT NULL AS final, s.attempt, s.status,"
            " (SELECT count(*) FROM audit_log a WHERE a.contest_id = c.id"
            "  AND a.action = 'rejudge' AND a.actor_id = $2) AS audited"
            " FROM contests c JOIN submissions s ON s.contest_id = c.id"
            " WHERE c.id = $1 AND s.id = $3"
        )

    holder = await asyncpg.connect(database_url)
    socket = await websockets.connect(
        f"{hub.ws_url}/ws/admin", additional_headers=bearer(mod_token), compression=None
    )
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        await socket.send(
            json.dumps({"action": "rejudge", "contest_id": contest_id, "request_id": "r1"})
        )
        # While a finalize (here: this transaction) holds the lock, the rejudge waits whole.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(socket.recv(), 1.5)
        row = await db.fetchrow(state_query(), contest_id, moderator_id, sid)
        assert (row["final"], row["attempt"], row["audited"]) == (True, 1, 0)
        await transaction.commit()
        ack = json.loads(await asyncio.wait_for(socket.recv(), 30))
        assert (ack["kind"], ack["request_id"]) == ("ack", "r1"), ack
        assert "queued 1 submission" in ack["detail"], ack
        row = await db.fetchrow(state_query(), contest_id, moderator_id, sid)
        assert (row["attempt"], row["audited"]) == (2, 1)
        # Reopened: not final again before the new attempt has its verdict.
        if row["status"] in ("queued", "judging"):
            assert row["final"] is False
    finally:
        await socket.close()
        await holder.close()
