"""The Contest API's own checker (check-api.sh of icpc/ccs-specs, with -e -C: schemas, error
codes, and the REST endpoints against the event feed) on a contest with a team in a group and an
organization, a judged submission and a clarification."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from ccs_support import SCHEMA_DIR
from hub.api_support import AC_SOURCE, unique, wait_judged
from hub_support import PASSWORD, Hub, bearer, new_contest, new_user

CHECKER = Path(__file__).resolve().parents[1] / "conformance" / "ccs-check" / "run.sh"


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("curl", "jq", "php")),
    reason="needs curl, jq and php-cli (scripts/setup.sh installs them)",
)
async def test_check_api_runs_clean(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_worker: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0], duration_s=7200)
    _, admin, admin_token = await new_user(hubs[0], db, role="admin")
    _, member, token = await new_user(hubs[0], db)
    org, group = unique("org"), unique("grp")
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin_token)) as client:
        await client.put("/api/organise/organizations", json={"id": org, "name": "Uni"})
        await client.put("/api/organise/groups", json={"id": group, "name": "Students"})
        made = await client.post(
            f"/api/organise/contests/{contest_id}/teams",
            json={"name": "Checked", "members": [member], "organization": org, "groups": [group]},
        )
        assert made.status_code == 201, made.text
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
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
        [str(CHECKER), f"{hubs[0].url}/api/v4", f"{admin}:{PASSWORD}", "-e", "-C", "-t", "5"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ARENA_CCS_SCHEMAS": str(SCHEMA_DIR)},
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert f"Validating contest '{contest_id}'" in report or str(contest_id) in report
