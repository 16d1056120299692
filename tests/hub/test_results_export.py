"""The results export of a contest judged by a real worker: results.tsv, awards.json and the
CSV from the moderators' route and from ``arena contest export``, with the contest's own medal
counts (not 4/4/4)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub.api_support import AC_SOURCE, assert_error, wait_judged
from hub_support import bearer, new_contest, new_user

pytestmark = pytest.mark.sandbox

WA_SOURCE = "print(0)\n"


async def _submit(http: httpx.AsyncClient, contest_id: int, token: str, source: str) -> str:
    made = await http.post(
        f"/api/contests/{contest_id}/submissions",
        json={"problem": "A", "language": "python3", "source": source},
        headers=bearer(token),
    )
    assert made.status_code == 202, made.text
    view = await wait_judged(http, made.json()["id"], bearer(token))
    return str(view["verdict"])


async def test_results_files_of_a_judged_contest(
    hubs: list[Any], hub_worker: Any, hub_problem: tuple[int, str], db: Any,
    hub_env: dict[str, str], tmp_path: Path,
) -> None:  # fmt: skip
    hub = hubs[0]
    problem_id, slug = hub_problem
    contest_id = await new_contest(db, problem_id)
    alice, alice_name, alice_token = await new_user(hub, db)
    bob, bob_name, bob_token = await new_user(hub, db)
    carol, _, carol_token = await new_user(hub, db)
    dave, _, dave_token = await new_user(hub, db)
    mod, _, mod_token = await new_user(hub, db, role="moderator")
    await db.execute(
        "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)", contest_id, mod
    )
    async with httpx.AsyncClient(base_url=hub.url) as http:
        for token in (alice_token, bob_token, carol_token, dave_token):
            made = await http.post(f"/api/contests/{contest_id}/register", headers=bearer(token))
            assert made.status_code == 201, made.text

        # Medal counts are the contest's: one gold, one silver, no bronze.
        url = f"/api/contests/{contest_id}/medals"
        refused = await http.put(url, json={"gold": 1, "silver": 1, "bronze": 0},
                                 headers=bearer(alice_token))  # fmt: skip
        assert_error(refused, 403, "forbidden")
        bad = await http.put(url, json={"gold": -1, "silver": 1, "bronze": 0},
                             headers=bearer(mod_token))  # fmt: skip
        assert_error(bad, 422, "invalid")
        made = await http.put(url, json={"gold": 1, "silver": 1, "bronze": 0},
                              headers=bearer(mod_token))  # fmt: skip
        assert made.status_code == 200 and made.json() == {"gold": 1, "silver": 1, "bronze": 0}
        audit = await db.fetchval(
            "SELECT details FROM audit_log WHERE contest_id = $1 AND action = 'medals'",
            contest_id,
        )
        assert json.loads(audit) == {"gold": 1, "silver": 1, "bronze": 0}

        # alice: WA then AC (first to solve, 20 minutes of penalty); bob: AC; carol: WA;
        # dave: nothing.
        assert await _submit(http, contest_id, alice_token, WA_SOURCE) == "WA"
        assert await _submit(http, contest_id, alice_token, AC_SOURCE) == "AC"
        assert await _submit(http, contest_id, bob_token, AC_SOURCE) == "AC"
        assert await _submit(http, contest_id, carol_token, WA_SOURCE) == "WA"

        board = await http.get(
            f"/api/contests/{contest_id}/leaderboard?board=jury", headers=bearer(mod_token)
        )
        rows = {r["user_id"]: r for r in board.json()["rows"]}
        alice_minute = rows[alice]["cells"]["A"]["minute"]
        bob_minute = rows[bob]["cells"]["A"]["minute"]
        assert rows[alice]["penalty"] == alice_minute + 20
        assert rows[bob]["rank"] == 1 and rows[alice]["rank"] == 2

        files: dict[str, bytes] = {}
        for name in ("results.tsv", "awards.json", "results.csv"):
            answer = await http.get(
                f"/api/contests/{contest_id}/results/{name}", headers=bearer(mod_token)
            )
            assert answer.status_code == 200, answer.text
            assert "attachment" in answer.headers["content-disposition"]
            files[name] = answer.content
            refused = await http.get(
                f"/api/contests/{contest_id}/results/{name}", headers=bearer(alice_token)
            )
            assert_error(refused, 403, "forbidden")
        missing = await http.get(
            f"/api/contests/{contest_id}/results/passwords.txt", headers=bearer(mod_token)
        )
        assert_error(missing, 404, "not_found")

    tsv = files["results.tsv"].decode().splitlines()
    assert tsv[0] == "results\t1"
    assert tsv[1:3] == [
        f"{bob}\t1\tGold Medal\t1\t{bob_minute}\t{bob_minute}\t",
        f"{alice}\t2\tSilver Medal\t1\t{alice_minute + 20}\t{alice_minute}\t",
    ]
    # Nothing solved: Honorable, without a rank (carol and dave in either order).
    assert sorted(tsv[3:]) == sorted(
        [f"{carol}\t\tHonorable\t0\t0\t0\t", f"{dave}\t\tHonorable\t0\t0\t0\t"]
    )

    awards = {a["id"]: a["team_ids"] for a in json.loads(files["awards.json"])}
    assert awards["winner"] == [str(bob)]
    assert awards["gold-medal"] == [str(bob)]
    assert awards["silver-medal"] == [str(alice)]
    assert awards["bronze-medal"] == []
    assert awards[f"first-to-solve-{slug}"] == [str(alice)]

    table = list(csv.reader(io.StringIO(files["results.csv"].decode())))
    assert table[0] == ["rank", "team_id", "name", "award", "solved", "penalty", "score", "A"]
    assert table[1] == [
        "1",
        str(bob),
        bob_name,
        "Gold Medal",
        "1",
        str(bob_minute),
        "0",
        f"+1@{bob_minute}",
    ]
    assert table[2][:6] == [
        "2",
        str(alice),
        alice_name,
        "Silver Medal",
        "1",
        str(alice_minute + 20),
    ]
    assert table[2][7] == f"+2@{alice_minute}"
    by_team = {row[1]: row for row in table[3:]}
    assert by_team[str(carol)][3:] == ["Honorable", "0", "0", "0", "-1"]
    assert by_team[str(dave)][3:] == ["Honorable", "0", "0", "0", ""]

    # The CLI writes the same files into the package directory.
    env = dict(os.environ, ARENA_DATABASE_URL=hub_env["ARENA_DATABASE_URL"])
    out = tmp_path / "package"
    done = subprocess.run(
        [sys.executable, "-m", "arena", "contest", "export", str(contest_id), str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name, data in files.items():
        assert (out / name).read_bytes() == data, name
