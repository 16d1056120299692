"""Plagiarism checks end to end: a moderator starts one, a real worker runs it off the hub, the
report pairs the disguised copy (and nothing else), a disqualification keeps its reason; the CLI
does the same in its own process."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import time
import uuid
from typing import Any

import httpx
import websockets
from cli_support import arena
from hub.api_support import assert_error, import_aplusb
from hub_support import Hub, bearer, new_contest, new_user
from plagiarism_support import disguise, synthetic_python

POLL_TIMEOUT_S = 120.0


async def _submission(
    db: Any, contest_id: int, problem_id: int, user_id: int, source: str, verdict: str = "AC"
) -> int:
    submission_id: int = await db.fetchval(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, submitted_at, judged_at)"
        " SELECT $1, $2, $3, p.current_version, 'python3', $4, 'done', $5, now(), now()"
        " FROM problems p WHERE p.id = $3 RETURNING id",
        user_id,
        contest_id,
        problem_id,
        source.encode(),
        verdict,
    )
    return submission_id


async def _ended_contest_with_a_copy(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> dict[str, Any]:
    problem_id, _ = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    contest_id = await new_contest(db, problem_id, started_min_ago=180, duration_s=3600)
    rng = random.Random(uuid.uuid4().int)
    users = []
    for _ in range(5):
        user_id, name, _ = await new_user(hubs[0], db)
        await db.execute(
            "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
        )
        users.append((user_id, name))
    original = synthetic_python(rng, 40)
    ids = {
        "original": await _submission(db, contest_id, problem_id, users[0][0], original),
        # The same contestant again: not a pair with their own first one.
        "resubmitted": await _submission(db, contest_id, problem_id, users[0][0], original),
        "independent1": await _submission(
            db, contest_id, problem_id, users[1][0], synthetic_python(rng, 40)
        ),
        "independent2": await _submission(
            db, contest_id, problem_id, users[2][0], synthetic_python(rng, 40)
        ),
        "copy": await _submission(
            db, contest_id, problem_id, users[3][0], disguise(original, "python3", 5)
        ),
        "rejected_copy": await _submission(
            db, contest_id, problem_id, users[4][0], disguise(original, "python3", 6), "WA"
        ),
    }
    return {"contest_id": contest_id, "users": users, "ids": ids, "original": original}


async def _wait_done(client: httpx.AsyncClient, contest_id: int, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_TIMEOUT_S
    while True:
        runs = (await client.get(f"/api/contests/{contest_id}/plagiarism")).json()["runs"]
        (run,) = [r for r in runs if r["id"] == run_id]
        if run["status"] in ("done", "failed"):
            return dict(run)
        assert time.monotonic() < deadline, run
        await asyncio.sleep(0.5)


async def test_a_moderator_checks_a_contest_and_disqualifies_the_copier_with_a_reason(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    made = await _ended_contest_with_a_copy(hubs, hub_env, database_url, db)
    contest_id, ids, users = made["contest_id"], made["ids"], made["users"]
    jury_id, _, jury = await new_user(hubs[0], db, role="moderator")
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury)) as client:
        started = await client.post(f"/api/contests/{contest_id}/plagiarism", json={})
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "queued"
        run = await _wait_done(client, contest_id, started.json()["id"])
        assert run["status"] == "done", run
        assert run["compared"] == 5  # accepted only: the WA copy is not compared
        report = (await client.get(f"/api/contests/{contest_id}/plagiarism/{run['id']}")).json()
    (pair,) = report["pairs"]
    # One pair for the two contestants (of the copy and either of the original's two).
    assert pair["a"]["submission_id"] in (ids["original"], ids["resubmitted"])
    assert pair["b"]["submission_id"] == ids["copy"]
    assert pair["problem"] == "A" and pair["language"] == "python3"
    assert pair["similarity"] >= 0.9
    assert pair["a"]["source"] == made["original"]
    assert pair["regions"] and all(len(r) == 4 for r in pair["regions"])
    copier = pair["b"]["user_id"]
    assert copier == users[3][0] and pair["b"]["disqualified"] is False

    # Disqualified from the console's socket, with the reason in the audit log.
    reason = f"plagiarism check {run['id']}: copy of {users[0][1]}'s solution"
    async with websockets.connect(
        hubs[1].ws_url + "/ws/admin", additional_headers=bearer(jury)
    ) as socket:
        await socket.send(
            json.dumps(
                {
                    "action": "disqualify",
                    "contest_id": contest_id,
                    "user_id": copier,
                    "reason": reason,
                }
            )
        )
        assert json.loads(await socket.recv())["kind"] == "ack"
        await socket.send(
            json.dumps(
                {
                    "action": "disqualify",
                    "contest_id": contest_id,
                    "user_id": copier,
                    "reason": "x" * 10_001,
                }
            )
        )
        assert json.loads(await socket.recv())["kind"] == "error"
    details = await db.fetchval(
        "SELECT details::text FROM audit_log WHERE actor_id = $1 AND action = 'disqualify'",
        jury_id,
    )
    assert json.loads(details) == {"user": copier, "reason": reason}
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury)) as client:
        report = (await client.get(f"/api/contests/{contest_id}/plagiarism/{run['id']}")).json()
    assert report["pairs"][0]["b"]["disqualified"] is True

    # With every submission, the rejected copy pairs too.
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury)) as client:
        started = await client.post(
            f"/api/contests/{contest_id}/plagiarism", json={"all_submissions": True}
        )
        run = await _wait_done(client, contest_id, started.json()["id"])
        report = (await client.get(f"/api/contests/{contest_id}/plagiarism/{run['id']}")).json()
    flagged = {frozenset({p["a"]["user_id"], p["b"]["user_id"]}) for p in report["pairs"]}
    assert flagged == {
        frozenset({users[0][0], users[3][0]}),
        frozenset({users[0][0], users[4][0]}),
        frozenset({users[3][0], users[4][0]}),
    }


async def test_plagiarism_checks_are_for_moderators_and_refuse_bad_input(
    hubs: list[Hub], hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    other = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    path = f"/api/contests/{contest_id}/plagiarism"
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        assert_error(await client.post(path, json={}), 401, "unauthenticated")
        for method in ("GET", "POST"):
            answer = await client.request(method, path, json={}, headers=bearer(token))
            assert_error(answer, 403, "forbidden")
        assert_error(await client.get(f"{path}/1", headers=bearer(token)), 403, "forbidden")
        for body, status, error in [
            ({"threshold": 0}, 422, "invalid"),
            ({"threshold": 1.5}, 422, "invalid"),
            ({"threshold": "high"}, 400, "bad_request"),
            ({"all": True}, 400, "bad_request"),
        ]:
            assert_error(await client.post(path, json=body, headers=bearer(jury)), status, error)
        started = await client.post(path, json={"threshold": 0.8}, headers=bearer(jury))
        assert started.status_code == 202
        run_id = started.json()["id"]
        elsewhere = await client.get(
            f"/api/contests/{other}/plagiarism/{run_id}", headers=bearer(jury)
        )
        assert_error(elsewhere, 404, "not_found")
        missing = await client.get(f"{path}/{2**62}", headers=bearer(jury))
        assert_error(missing, 404, "not_found")


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return arena(env, "contest", "plagiarism", *args)


async def test_the_cli_checks_a_contest_in_its_own_process(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    made = await _ended_contest_with_a_copy(hubs, hub_env, database_url, db)
    env = {**os.environ, **hub_env}
    done = await asyncio.to_thread(_cli, env, str(made["contest_id"]), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["run"]["status"] == "done" and report["run"]["compared"] == 5
    assert len(report["pairs"]) == 1 and report["pairs"][0]["b"]["user_id"] == made["users"][3][0]
    text = await asyncio.to_thread(_cli, env, str(made["contest_id"]), "--all")
    assert text.returncode == 0, text.stderr
    assert "6 submissions, 3 pairs" in text.stdout
    assert made["users"][4][1] in text.stdout
    missing = await asyncio.to_thread(_cli, env, "no-such-contest")
    assert missing.returncode == 2 and "no contest 'no-such-contest'" in missing.stderr
    bad = await asyncio.to_thread(_cli, env, str(made["contest_id"]), "--threshold", "2")
    assert bad.returncode == 2 and "--threshold" in bad.stderr
