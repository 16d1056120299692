"""The Contest API's own checker (check-api.sh of icpc/ccs-specs, with -e -C: schemas, error
codes, and the REST endpoints against the event feed) on a contest with a team in a group and an
organization (with a logo), a judged submission and a clarification, and on the demo contest that
``arena demo seed`` restarted (the real command, twice: the second run moves the first run's
submissions to practice, and the feed must not announce them any more)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from ccs_support import SCHEMA_DIR
from hub.api_support import AC_SOURCE, unique, wait_judged
from hub_support import PASSWORD, Hub, bearer, new_contest, new_user
from image_support import png
from world_support import World, import_aplusb, own_world

CHECKER = Path(__file__).resolve().parents[1] / "conformance" / "ccs-check" / "run.sh"


def _seed(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "arena", "demo", "seed", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    seeded: dict[str, Any] = json.loads(done.stdout)
    return seeded


async def _demo_run(hub: Hub, seeded: dict[str, Any]) -> int:
    """alice (with the password the seed printed) submits to the demo and asks a question;
    returns her judged submission."""
    password = next(a["password"] for a in seeded["accounts"] if a["username"] == "alice")
    contest_id = seeded["contest_id"]
    async with httpx.AsyncClient(base_url=hub.url) as client:
        login = await client.post(
            "/api/auth/login", json={"username": "alice", "password": password}
        )
        assert login.status_code == 200, login.text
        client.headers.update(bearer(login.json()["token"]))
        sent = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC_SOURCE},
        )
        assert sent.status_code == 202, sent.text
        await wait_judged(client, sent.json()["id"], dict(client.headers))
        asked = await client.post(
            f"/api/contests/{contest_id}/clarifications", json={"question": "Demo?"}
        )
        assert asked.status_code == 201, asked.text
    return int(sent.json()["id"])


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("curl", "jq", "php")),
    reason="needs curl, jq and php-cli (scripts/setup.sh installs them)",
)
async def test_check_api_runs_clean(hub_env: dict[str, str], tmp_path: Path) -> None:
    # check-api.sh checks every contest the API lists: a world of its own lists only these two
    # (on the session's database it walked every earlier test's contest, 5 s each).
    async with own_world(hub_env, tmp_path) as world:
        await _check(world, tmp_path)


async def _check(world: World, tmp_path: Path) -> None:
    hub, db = world.hub, world.db
    # The demo: a first run with a judged submission, then a restart, then a new submission.
    first = _seed(world.env)
    old = await _demo_run(hub, first)
    seeded = _seed(world.env)
    demo_id = seeded["contest_id"]
    assert demo_id == first["contest_id"] and seeded["moved_submissions"] >= 1
    assert await db.fetchval("SELECT contest_id FROM submissions WHERE id = $1", old) is None
    new = await _demo_run(hub, seeded)
    problem_id, _ = await import_aplusb(world, tmp_path / "aplusb")
    contest_id = await new_contest(db, problem_id, duration_s=7200)
    _, admin, admin_token = await new_user(hub, db, role="admin")
    _, member, token = await new_user(hub, db)
    org, group = unique("org"), unique("grp")
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(admin_token)) as client:
        await client.put("/api/organise/organizations", json={"id": org, "name": "Uni"})
        await client.put("/api/organise/groups", json={"id": group, "name": "Students"})
        # A logo: the organization object then carries an image FILE reference to check.
        logo = await client.put(
            f"/api/organise/organizations/{org}/logo",
            content=png(32, 32),
            headers={"Content-Type": "image/png"},
        )
        assert logo.status_code == 200, logo.text
        made = await client.post(
            f"/api/organise/contests/{contest_id}/teams",
            json={"name": "Checked", "members": [member], "organization": org, "groups": [group]},
        )
        assert made.status_code == 201, made.text
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as client:
        sent = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC_SOURCE},
        )
        assert sent.status_code == 202, sent.text
        await wait_judged(client, sent.json()["id"], bearer(token))
        asked = await client.post(
            f"/api/contests/{contest_id}/clarifications", json={"question": "Is n > 0?"}
        )
        assert asked.status_code == 201, asked.text
    await asyncio.sleep(2)  # one event-feed poll interval
    done = await asyncio.to_thread(
        subprocess.run,
        [str(CHECKER), f"{hub.url}/api/v4", f"{admin}:{PASSWORD}", "-e", "-C", "-t", "5"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ARENA_CCS_SCHEMAS": str(SCHEMA_DIR)},
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    demo_key = seeded["contest"]  # the Contest API's id: contest.yaml's, "demo"
    for checked in (str(contest_id), demo_key):
        assert f"Validating contest '{checked}'" in report, report
    # The restarted demo's feed and REST lists name the new submission, not the moved one.
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(admin_token)) as client:
        listed = await client.get(f"/api/v4/contests/{demo_key}/submissions")
        feed = await client.get(f"/api/v4/contests/{demo_key}/event-feed?stream=false")
    assert [s["id"] for s in listed.json()] == [str(new)], listed.text
    announced = {
        e["id"] for line in feed.text.splitlines() if line.strip()
        for e in [json.loads(line)] if e["type"] == "submissions"
    }  # fmt: skip
    assert str(new) in announced and str(old) not in announced
