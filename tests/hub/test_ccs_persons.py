"""The Contest API's persons and accounts (#15.3) from a contest's teams and their members,
against real hubs, Postgres and Redis, validated with the spec's schemas: persons are public
(username only) and in the feed; accounts are the jury's (REST only), a team member sees only
their own, never a password."""

from __future__ import annotations

from typing import Any

import httpx
from ccs_api_support import basic, feed, get_valid, keyed_contest
from hub_support import bearer, new_user

from arena.storage import teams


async def test_persons_and_accounts_of_a_team_of_two_and_a_lone_contestant(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub, other_hub = hubs
    problem_id, _ = hub_problem
    contest_id, key = await keyed_contest(db, problem_id, "ppl")
    alice, alice_name, alice_token = await new_user(hub, db)
    bob, bob_name, _ = await new_user(hub, db)
    carol, carol_name, carol_token = await new_user(hub, db)
    _, dave_name, _ = await new_user(hub, db)  # in no team
    _, _, mod_token = await new_user(hub, db, role="moderator")
    jury = bearer(mod_token)
    async with db.acquire() as conn:
        await teams.create_team(conn, contest_id, alice, "Pair")
        await teams.add_member(conn, contest_id, alice, bob)
    async with httpx.AsyncClient(base_url=hub.url, timeout=60) as http:
        made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(carol_token))
        assert made.status_code == 201, made.text
        base = f"/contests/{key}"
        persons = await get_valid(http, f"{base}/persons", "persons")
        assert persons == [
            {"id": str(alice), "name": alice_name, "role": "contestant", "team_ids": [str(alice)],
             "icpc_id": None},
            {"id": str(bob), "name": bob_name, "role": "contestant", "team_ids": [str(alice)],
             "icpc_id": None},
            {"id": str(carol), "name": carol_name, "role": "contestant", "team_ids": [str(carol)],
             "icpc_id": None},
        ]  # fmt: skip
        one = await get_valid(http, f"{base}/persons/{bob}", "person")
        assert one == persons[1]
        team_ids = {t["id"] for t in await get_valid(http, f"{base}/teams", "teams")}
        assert {p["team_ids"][0] for p in persons} <= team_ids

        # Accounts: nobody's for the public, one's own for a member, all for the jury.
        assert await get_valid(http, f"{base}/accounts", "accounts") == []
        assert (await http.get(f"/api/v4{base}/accounts/{alice}")).status_code == 404
        assert (await http.get(f"/api/v4{base}/account")).status_code == 404
        own = await get_valid(http, f"{base}/accounts", "accounts", headers=basic(bob_name))
        assert own == [
            {"id": str(bob), "username": bob_name, "name": bob_name, "type": "team",
             "team_id": str(alice), "person_id": str(bob)},
        ]  # fmt: skip
        assert (
            await get_valid(http, f"{base}/account", "account", headers=basic(bob_name))
        ) == own[0]
        peek = await http.get(f"/api/v4{base}/accounts/{alice}", headers=basic(bob_name))
        assert peek.status_code == 404  # a teammate's account is not bob's to read
        mine = await get_valid(http, f"{base}/accounts", "accounts", headers=bearer(alice_token))
        assert [a["id"] for a in mine] == [str(alice)]
        nobody = await http.get(f"/api/v4{base}/account", headers=basic(dave_name))
        assert nobody.status_code == 404 and nobody.json()["code"] == 404
        everyone = await get_valid(http, f"{base}/accounts", "accounts", headers=jury)
        assert [a["id"] for a in everyone] == [str(alice), str(bob), str(carol)]
        assert all("password" not in a for a in everyone + own)
        filtered = await get_valid(
            http, f"{base}/accounts?team_id={alice}", "accounts", headers=jury
        )
        assert [a["id"] for a in filtered] == [str(alice), str(bob)]

    # The feed: persons for everyone, accounts only in the jury's.
    async with httpx.AsyncClient(base_url=other_hub.url, timeout=60) as other:
        public = await feed(other, key)
        assert {e["id"] for e in public if e["type"] == "persons"} == {
            str(alice),
            str(bob),
            str(carol),
        }
        jury_feed = await feed(other, key, headers=jury)
        # Accounts are REST only (the spec's checker leaves them out of its feed comparison).
        assert not [e for e in public + jury_feed if e["type"] == "accounts"]
        types = [e["type"] for e in jury_feed]
        assert types.index("teams") < types.index("persons")
