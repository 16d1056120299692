"""The board filtered by organization and by group (#15.3), against real hubs, Postgres and
Redis: the options are the contest's teams' organizations and visible groups, a filtered page
keeps each team's rank on the whole board, an unknown filter is a 422 naming it."""

from __future__ import annotations

from typing import Any

import httpx
from hub.api_support import AC_SOURCE, unique
from hub_support import Hub, bearer, new_contest, new_user

from arena.storage import ranking_cache, submissions


async def _accepted(db: Any, contest_id: int, team: int, problem_id: int, minute: int) -> None:
    """A judged accepted submission ``minute`` minutes into the contest (no worker needed: the
    board is rebuilt from Postgres after)."""
    async with db.acquire() as conn:
        sid = await submissions.create_submission(
            conn,
            user_id=team,
            problem_id=problem_id,
            language="python3",
            source=AC_SOURCE.encode(),
            contest_id=contest_id,
        )
        await conn.execute(
            "UPDATE submissions SET status = 'done', verdict = 'AC', score = 1,"
            " submitted_at = c.start_time + make_interval(mins => $2),"
            " judged_at = c.start_time + make_interval(mins => $2)"
            " FROM contests c WHERE submissions.id = $1 AND c.id = submissions.contest_id",
            sid,
            minute,
        )


async def test_board_by_organization_and_group(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_redis: Any
) -> None:
    problem_id, _ = hub_problem
    contest_id = await new_contest(db, problem_id, started_min_ago=30)
    _, _, admin_token = await new_user(hubs[0], db, role="admin")
    users = [await new_user(hubs[0], db) for _ in range(4)]
    uni, college = unique("uni"), unique("col")
    students, hidden = unique("stu"), unique("hid")
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin_token)) as admin:
        for path, body in (
            ("/api/organise/organizations", {"id": uni, "name": "Uni"}),
            ("/api/organise/organizations", {"id": college, "name": "College"}),
            ("/api/organise/groups", {"id": students, "name": "Students"}),
            ("/api/organise/groups", {"id": hidden, "name": "Secret", "hidden": True}),
        ):
            saved = await admin.put(path, json=body)
            assert saved.status_code == 200, saved.text
        # (team, organization, groups): A and C are Uni, B College; A and B students.
        plan = [("A", uni, [students]), ("B", college, [students, hidden]), ("C", uni, [])]
        for (_, name, _), (team_name, org, groups) in zip(users, plan, strict=False):
            made = await admin.post(
                f"/api/organise/contests/{contest_id}/teams",
                json={"name": team_name, "members": [name], "organization": org, "groups": groups},
            )
            assert made.status_code == 201, made.text
    loner, _, loner_token = users[3]  # registered alone: no organization, no group
    team_a, team_b, team_c = (u[0] for u in users[:3])
    # C solves at minute 5, A at 10; B and the loner nothing: ranks C 1, A 2, B and loner 3.
    await _accepted(db, contest_id, team_c, problem_id, 5)
    await _accepted(db, contest_id, team_a, problem_id, 10)
    async with httpx.AsyncClient(base_url=hubs[1].url) as http:
        made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(loner_token))
        assert made.status_code == 201, made.text
        async with db.acquire() as conn:
            await ranking_cache.rebuild(conn, hub_redis, contest_id)
        options = (await http.get(f"/api/contests/{contest_id}/board-filters")).json()
        assert options == {
            "organizations": [
                {"id": college, "name": "College", "logo": None},
                {"id": uni, "name": "Uni", "logo": None},
            ],
            "groups": [{"id": students, "name": "Students"}],  # a hidden group is not offered
        }
        board = f"/api/contests/{contest_id}/leaderboard"
        whole = (await http.get(board)).json()
        ranks = {r["user_id"]: r["rank"] for r in whole["rows"]}
        assert ranks == {team_c: 1, team_a: 2, team_b: 3, loner: 3}
        assert whole["organization"] is None and whole["group"] is None
        of_uni = (await http.get(board, params={"organization": uni})).json()
        assert [(r["user_id"], r["rank"]) for r in of_uni["rows"]] == [(team_c, 1), (team_a, 2)]
        assert of_uni["total"] == 2 and of_uni["organization"] == uni
        of_students = (await http.get(board, params={"group": students})).json()
        assert [(r["user_id"], r["rank"]) for r in of_students["rows"]] == [
            (team_a, 2),
            (team_b, 3),
        ]
        both = (await http.get(board, params={"group": students, "organization": college})).json()
        assert [r["user_id"] for r in both["rows"]] == [team_b] and both["total"] == 1
        for params, words in (
            ({"organization": "nope"}, "organization 'nope'"),
            ({"group": hidden}, f"group {hidden!r}"),  # hidden: not a filter
        ):
            refused = await http.get(board, params=params)
            assert refused.status_code == 422, refused.text
            assert words in refused.json()["message"]
        # Page 2 of a filter with fewer rows than a page is empty, with the same total.
        empty = (await http.get(board, params={"organization": uni, "page": 2})).json()
        assert empty["rows"] == [] and empty["total"] == 2
