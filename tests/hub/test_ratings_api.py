"""Ratings through the hub: rated on finalize, shown on profiles and on the board's rows."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import websockets
from contest_rows import finalized
from hub_support import bearer, new_user

from arena.rating import Standing, rating_changes, title


async def rated_contest(db: Any, problem_id: int, users: list[int], rated: bool = True) -> int:
    """Ended ten minutes ago; users[i] solves at minute 10 * (i + 1), so users[0] wins. Made in
    one transaction: the contest has ended when its row appears, and a hub's ticker that
    finalized it before its registrations and submissions would rate a round without them."""
    async with contextlib.AsyncExitStack() as stack:
        # A pool lends a connection; a connection is used as it is.
        conn = await stack.enter_async_context(db.acquire()) if hasattr(db, "acquire") else db
        await stack.enter_async_context(conn.transaction())
        contest_id: int = await conn.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, rated)"
            " VALUES ('rated round', now() - interval '70 minutes', 3600, $1) RETURNING id",
            rated,
        )
        await conn.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, 'A', 1)",
            contest_id,
            problem_id,
        )
        for i, user_id in enumerate(users):
            await conn.execute(
                "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)",
                contest_id,
                user_id,
            )
            await conn.execute(
                "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version,"
                " language, source, status, verdict, submitted_at)"
                " SELECT $1, $2, $3, 1, 'python3', 'x', 'done', 'AC',"
                " c.start_time + make_interval(mins => $4) FROM contests c WHERE c.id = $2",
                user_id,
                contest_id,
                problem_id,
                10 * (i + 1),
            )
    return contest_id


async def test_a_rated_contest_rates_its_contestants_and_profiles_show_it(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    made = [await new_user(hub, db) for _ in range(3)]
    ids = [m[0] for m in made]
    # The same contest unrated first: nobody gets a rating from it.
    unrated = await rated_contest(db, hub_problem[0], ids, rated=False)
    await finalized(db, unrated)
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(made[0][2])) as http:
        assert (await http.get("/api/me")).json()["rating"] is None
    contest_id = await rated_contest(db, hub_problem[0], ids)
    await finalized(db, contest_id)
    want = {
        c.user_id: c.new_rating
        for c in rating_changes([Standing(u, 1500, float(-i)) for i, u in enumerate(ids)])
    }
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(made[0][2])) as http:
        me = (await http.get("/api/me")).json()
        rating = me["rating"]
        assert rating["rating"] == want[ids[0]]
        assert rating["title"] == title(want[ids[0]]).name
        assert rating["color"] == title(want[ids[0]]).color
        assert [(p["contest_id"], p["place"], p["old_rating"]) for p in rating["history"]] == [
            (contest_id, 1, 1500)
        ]
        # total_rank: the winner is above both others; the last is below both.
        last = (await http.get(f"/api/users/{made[2][1].upper()}")).json()
        assert last["user_id"] == ids[2]
        assert last["rating"]["rating"] == want[ids[2]]
        assert last["rating"]["total_rank"] >= rating["total_rank"] + 2
        assert last["rating"]["rated_users"] == rating["rated_users"]
        # Anyone may read a public profile, logged in or not.
        anonymous = await httpx.AsyncClient(base_url=hub.url).get(f"/api/users/{made[1][1]}")
        assert anonymous.status_code == 200
        assert anonymous.json()["contests"][0]["contest_id"] == contest_id
        missing = await http.get("/api/users/nobody-like-this")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        board = (await http.get(f"/api/contests/{contest_id}/leaderboard")).json()
        assert {r["user_id"]: r["rating"] for r in board["rows"]} == want
        assert board["me"]["rating"] == want[ids[0]]
    # A board of one row asks for one uncached rating (the batched lookup a socket's own row
    # uses): on a hub that never read this contestant's rating.
    alone = await rated_contest(db, hub_problem[0], [ids[1]], rated=False)
    async with websockets.connect(
        f"{hubs[1].ws_url}/ws/contests/{alone}", additional_headers=bearer(made[1][2])
    ) as ws:
        frame = json.loads(await ws.recv())
    assert frame["leaderboard"]["me"]["user_id"] == ids[1]
    assert frame["leaderboard"]["me"]["rating"] == want[ids[1]]
    assert [r["rating"] for r in frame["leaderboard"]["rows"]] == [want[ids[1]]]
