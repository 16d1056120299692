"""Who may read a contest's results and read or set its medals: admins, global moderators and
the contest's own moderators (``arena.storage.moderators``). A per-contest moderator of another
contest and a contestant get a 403, and a refused PUT changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_contest, new_user

FILES = ("results.tsv", "awards.json", "results.csv")


async def _moderating(hub: Hub, db: Any, contest_id: int) -> str:
    user_id, _, token = await new_user(hub, db)  # no global role: this contest only
    await db.execute(
        "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return token


async def _medals(db: Any, contest_id: int) -> tuple[int, int, int]:
    row = await db.fetchrow(
        "SELECT gold_medals, silver_medals, bronze_medals FROM contests WHERE id = $1", contest_id
    )
    return row["gold_medals"], row["silver_medals"], row["bronze_medals"]


async def test_results_and_medals_are_for_the_contests_own_moderators(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    hub = hubs[0]
    contest_a = await new_contest(db, hub_problem[0])
    contest_b = await new_contest(db, hub_problem[0])
    mod_a = await _moderating(hub, db, contest_a)
    mod_b = await _moderating(hub, db, contest_b)
    _, _, global_mod = await new_user(hub, db, role="moderator")  # listed nowhere: all contests
    _, _, admin = await new_user(hub, db, role="admin")
    _, _, contestant = await new_user(hub, db)
    before_b = await _medals(db, contest_b)
    async with httpx.AsyncClient(base_url=hub.url) as http:
        for token, contest_id, allowed in (
            (mod_a, contest_a, True),
            (mod_b, contest_b, True),
            (admin, contest_b, True),
            (mod_a, contest_b, False),
            (mod_b, contest_a, False),
            (global_mod, contest_a, True),
            (contestant, contest_a, False),
        ):
            for name in FILES:
                answer = await http.get(
                    f"/api/contests/{contest_id}/results/{name}", headers=bearer(token)
                )
                if allowed:
                    assert answer.status_code == 200, answer.text
                else:
                    assert_error(answer, 403, "forbidden")
            read = await http.get(f"/api/contests/{contest_id}/medals", headers=bearer(token))
            if allowed:
                assert read.status_code == 200, read.text
            else:
                assert_error(read, 403, "forbidden")

        # A moderator of A cannot set B's medals, nor learn what B's are from the refusal.
        url_b = f"/api/contests/{contest_b}/medals"
        refused = await http.put(
            url_b, json={"gold": 9, "silver": 9, "bronze": 9}, headers=bearer(mod_a)
        )
        assert_error(refused, 403, "forbidden")
        assert "gold" not in refused.text
        assert await _medals(db, contest_b) == before_b
        assert (
            await db.fetchval(
                "SELECT count(*) FROM audit_log WHERE contest_id = $1 AND action = 'medals'",
                contest_b,
            )
            == 0
        )
        # B's own moderator can; the audit names them.
        made = await http.put(
            url_b, json={"gold": 2, "silver": 1, "bronze": 0}, headers=bearer(mod_b)
        )
        assert made.status_code == 200, made.text
        assert await _medals(db, contest_b) == (2, 1, 0)
        seen = await http.get(url_b, headers=bearer(mod_b))
        assert seen.json() == {"gold": 2, "silver": 1, "bronze": 0}
        # Unauthenticated: 401, not 403.
        assert_error(await http.get(url_b), 401, "unauthenticated")
