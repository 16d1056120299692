"""Final results: written by the ticker after the end, hidden until a frozen board is revealed."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
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
