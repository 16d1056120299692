"""Virtual participation and upsolving through the hub: what they show, and that neither can
change official results or ratings, nor show a virtual contestant the contest's future."""

from __future__ import annotations

from typing import Any

import httpx
from contest_rows import finalized, past_contest
from contest_rows import judged as judged_row
from hub.api_support import AC_SOURCE, assert_error, wait_judged
from hub_support import bearer, new_user

WA_SOURCE = "print(0)\n"


async def official_state(db: Any, http: httpx.AsyncClient, contest_id: int) -> Any:
    """Everything official about a contest: final results, ratings, the public board."""
    results = await db.fetch(
        "SELECT user_id, rank, solved, penalty, row_json FROM contest_results"
        " WHERE contest_id = $1 ORDER BY user_id",
        contest_id,
    )
    rated = await db.fetch(
        "SELECT user_id, old_rating, new_rating FROM rating_changes WHERE contest_id = $1"
        " ORDER BY user_id",
        contest_id,
    )
    board = (await http.get(f"/api/contests/{contest_id}/leaderboard")).json()
    rows = [(r["user_id"], r["rank"], r["solved"], r["penalty"]) for r in board["rows"]]
    return [tuple(r.values()) for r in results], [tuple(r.values()) for r in rated], rows


def row_of(board: dict[str, Any], user_id: int) -> dict[str, Any]:
    return next(r for r in board["rows"] if r["user_id"] == user_id)


async def test_upsolving_opens_after_the_end_and_reveal_and_never_changes_results(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    (winner, _, _), (loser, _, loser_token), (outsider, _, token) = [
        await new_user(hub, db) for _ in range(3)
    ]
    submit = {"problem": "A", "language": "python3", "source": AC_SOURCE}
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as http:
        # Refused while the contest runs, and after the end while its frozen board is unrevealed.
        running = await past_contest(db, hub_problem[0], ended_min_ago=-30)
        assert_error(
            await http.post(f"/api/contests/{running}/upsolve", json=submit), 403, "not_over"
        )
        assert_error(await http.get(f"/api/contests/{running}/upsolve/board"), 403, "not_over")
        frozen = await past_contest(db, hub_problem[0], ended_min_ago=5, freeze_duration_s=3600)
        assert_error(
            await http.post(f"/api/contests/{frozen}/upsolve", json=submit), 403, "not_revealed"
        )
        await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", frozen)
        accepted = await http.post(f"/api/contests/{frozen}/upsolve", json=submit)
        assert accepted.status_code == 202, accepted.text

        contest_id = await past_contest(db, hub_problem[0], ended_min_ago=5, held=True)
        await judged_row(db, contest_id, winner, "AC", 10)
        await judged_row(db, contest_id, loser, "WA", 20)
        await finalized(db, contest_id)
        before = await official_state(db, http, contest_id)
        assert before[1], "the contest was rated"
        # An outsider and the loser upsolve; both are judged as usual, marked as upsolving.
        mine = (await http.post(f"/api/contests/{contest_id}/upsolve", json=submit)).json()["id"]
        theirs = await http.post(
            f"/api/contests/{contest_id}/upsolve", json=submit, headers=bearer(loser_token)
        )
        for sid in (mine, theirs.json()["id"]):
            judged = await wait_judged(http, sid, bearer(token if sid == mine else loser_token))
            assert (judged["verdict"], judged["mode"]) == ("AC", "upsolve")
        marks = await db.fetch(
            "SELECT contest_id, upsolve_contest_id, virtual_id FROM submissions WHERE id = $1",
            mine,
        )
        assert tuple(marks[0].values()) == (None, contest_id, None)
        board = (await http.get(f"/api/contests/{contest_id}/upsolve/board")).json()
        assert board["kind"] == "upsolve"
        assert {r["user_id"]: r["solved"] for r in board["rows"]} == {
            winner: 1,
            loser: 1,
            outsider: 1,
        }
        assert row_of(board, winner)["rank"] == 1  # solved in the contest, the others after
        assert await official_state(db, http, contest_id) == before
        # Reopened and finalized again (a rejudge would do it): still without the upsolves.
        await db.execute("UPDATE contests SET finalized_at = NULL WHERE id = $1", contest_id)
        await finalized(db, contest_id)
        assert await official_state(db, http, contest_id) == before
        # Wrong-problem and bad-language upsolves are refused like contest submissions.
        bad = {**submit, "problem": "Z"}
        assert_error(
            await http.post(f"/api/contests/{contest_id}/upsolve", json=bad), 422, "bad_problem"
        )


async def test_virtual_board_replays_the_contest_and_never_changes_results(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[1]
    (early, _, early_token), (late, _, _), (me, _, token) = [
        await new_user(hub, db) for _ in range(3)
    ]
    submit = {"problem": "A", "language": "python3", "source": AC_SOURCE}
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as http:
        running = await past_contest(db, hub_problem[0], ended_min_ago=-30)
        assert_error(await http.post(f"/api/contests/{running}/virtual"), 403, "not_over")
        contest_id = await past_contest(db, hub_problem[0], ended_min_ago=10, held=True)
        await judged_row(db, contest_id, early, "AC", 5)
        await judged_row(db, contest_id, late, "WA", 50)
        await judged_row(db, contest_id, late, "AC", 60)
        await finalized(db, contest_id)
        before = await official_state(db, http, contest_id)
        base = f"/api/contests/{contest_id}/virtual"
        assert_error(await http.get(f"{base}/board"), 404, "not_found")
        assert_error(await http.post(f"{base}/submissions", json=submit), 404, "not_found")
        # Whoever took part cannot replay it.
        took_part = await http.post(base, headers=bearer(early_token))
        assert_error(took_part, 409, "took_part")
        started = await http.post(base)
        assert started.status_code == 201, started.text
        view = started.json()
        assert view["running"] is True and view["duration_s"] == 7200
        assert_error(await http.post(base), 409, "already_started")

        # At the start, nobody has anything: no solve, no attempt, not even a pending cell.
        board = (await http.get(f"{base}/board")).json()
        assert board["kind"] == "virtual" and board["virtual_user_id"] == me
        assert board["elapsed_s"] < 60
        assert {r["user_id"]: r["cells"] for r in board["rows"]} == {early: {}, late: {}, me: {}}

        sid = (await http.post(f"{base}/submissions", json=submit)).json()["id"]
        judged = await wait_judged(http, sid, bearer(token))
        assert (judged["verdict"], judged["mode"]) == ("AC", "virtual")
        marks = await db.fetchrow(
            "SELECT contest_id, upsolve_contest_id, virtual_id FROM submissions WHERE id = $1", sid
        )
        assert marks["contest_id"] is None and marks["virtual_id"] == view["id"]
        board = (await http.get(f"{base}/board")).json()
        assert (row_of(board, me)["rank"], row_of(board, me)["solved"]) == (1, 1)

        # 30 minutes into the virtual contest: the early solve (minute 5) shows, the late
        # contestant's attempts (minutes 50 and 60) are still in the future and do not.
        await db.execute(
            "UPDATE virtual_participations SET started_at = started_at - interval '30 minutes'"
            " WHERE id = $1",
            view["id"],
        )
        board = (await http.get(f"{base}/board")).json()
        assert 1800 <= board["elapsed_s"] < 1900
        assert row_of(board, early)["cells"]["A"]["minute"] == 5
        assert row_of(board, early)["rank"] == 1
        assert row_of(board, late)["cells"] == {}
        # My solve was at my own minute 30ish, behind the early one's minute 5.
        assert row_of(board, me)["rank"] == 2 and row_of(board, me)["solved"] == 1
        assert row_of(board, me)["cells"]["A"]["minute"] >= 29
        # A query parameter cannot move the clock forward.
        sneaky = (await http.get(f"{base}/board?elapsed_s=7200&at=7200")).json()
        assert row_of(sneaky, late)["cells"] == {}

        # The virtual contest over: the board is the end of the contest, submissions refused.
        await db.execute(
            "UPDATE virtual_participations SET started_at = now() - interval '3 hours'"
            " WHERE id = $1",
            view["id"],
        )
        assert (await http.get(base)).json()["running"] is False
        assert_error(await http.post(f"{base}/submissions", json=submit), 403, "not_running")
        board = (await http.get(f"{base}/board")).json()
        assert board["elapsed_s"] == 7200
        assert row_of(board, late)["cells"]["A"]["minute"] == 60

        # Nothing official moved, even after the results are finalized again.
        assert await official_state(db, http, contest_id) == before
        await db.execute("UPDATE contests SET finalized_at = NULL WHERE id = $1", contest_id)
        await finalized(db, contest_id)
        assert await official_state(db, http, contest_id) == before
        assert me not in [r[0] for r in before[2]]


async def test_virtual_board_shows_the_freeze_as_it_was(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    (frozen_solver, _, _), (_, _, token) = [await new_user(hub, db) for _ in range(2)]
    # The last hour was frozen, revealed since: a virtual contestant past minute 60 sees the
    # solve at minute 90 as pending, as the real contestants did.
    contest_id = await past_contest(db, hub_problem[0], ended_min_ago=10, freeze_duration_s=3600)
    await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", contest_id)
    await judged_row(db, contest_id, frozen_solver, "AC", 90)
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as http:
        base = f"/api/contests/{contest_id}/virtual"
        view = (await http.post(base)).json()
        await db.execute(
            "UPDATE virtual_participations SET started_at = now() - interval '100 minutes'"
            " WHERE id = $1",
            view["id"],
        )
        board = (await http.get(f"{base}/board")).json()
        assert board["frozen"] is True
        assert row_of(board, frozen_solver)["cells"]["A"] == {"pending": 1}
        assert row_of(board, frozen_solver)["solved"] == 0
