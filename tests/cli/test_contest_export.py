"""``arena contest export``: contest.yaml, problems.yaml and the event feed, re-importable."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import yaml
from ccs_support import validate
from cli_support import arena, cli_env
from pipeline_support import make_world

from arena.storage import submissions
from arena.storage.blobs import DiskBlobStore


async def test_export_then_import_again(db: Any, database_url: str, tmp_path: Path) -> None:
    # The import rebuilds the board: in the tests' own Redis.
    env = cli_env(database_url, blob_dir=tmp_path / "b")
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "b"), tmp_path / "p", users=2)
        await conn.execute(
            "UPDATE contests SET external_id = $2, extra_s = 60, freeze_duration_s = 3600,"
            " penalty_minutes = 15 WHERE id = $1",
            world.contest_id,
            f"wf-{uuid.uuid4().hex[:6]}",
        )
        await conn.execute(
            "UPDATE contest_problems SET color = 'red', rgb = '#ff0000' WHERE contest_id = $1",
            world.contest_id,
        )
        sid = await submissions.create_submission(
            conn,
            user_id=world.user_ids[0],
            problem_id=world.problem_id,
            language="python3",
            source=b"print(1)\n",
            contest_id=world.contest_id,
        )
        await conn.execute(
            "UPDATE submissions SET status = 'done', verdict = 'WA', judged_at = now(),"
            " judging_started_at = now(), time_ms = 10 WHERE id = $1",
            sid,
        )
        contest = await conn.fetchrow("SELECT * FROM contests WHERE id = $1", world.contest_id)
        slug = await conn.fetchval("SELECT slug FROM problems WHERE id = $1", world.problem_id)

    out = tmp_path / "export"
    done = arena(env, "contest", "export", contest["external_id"], str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"exported contest {contest['external_id']} to {out}")

    spec = yaml.safe_load((out / "contest.yaml").read_text())
    assert spec["id"] == contest["external_id"] and spec["name"] == contest["name"]
    assert spec["duration"] == "5:01:00"  # 18000 s and the 60 s extension
    assert spec["scoreboard_freeze_duration"] == "1:00:00"
    assert (spec["penalty_time"], spec["scoreboard_type"]) == (15, "pass-fail")
    problems = yaml.safe_load((out / "problems.yaml").read_text())
    assert problems == [
        {"id": slug, "label": "A", "ordinal": 1, "color": "red", "rgb": "#ff0000", "points": 1}
    ]

    # The Contest Package's team files: the Contest API's objects; accounts without passwords.
    teams = json.loads((out / "teams.json").read_text())
    validate("teams", teams)
    assert sorted(t["id"] for t in teams) == sorted(str(u) for u in world.user_ids)
    validate("organizations", json.loads((out / "organizations.json").read_text()))
    validate("groups", json.loads((out / "groups.json").read_text()))
    accounts = yaml.safe_load((out / "accounts.yaml").read_text())
    assert sorted(a["id"] for a in accounts) == sorted(str(u) for u in world.user_ids)
    assert all(a["type"] == "team" and a["team_id"] == a["id"] for a in accounts)
    assert not [a for a in accounts if "password" in a]

    events = [json.loads(line) for line in (out / "event-feed.ndjson").read_text().splitlines()]
    assert [e["token"] for e in events] == [str(i) for i in range(1, len(events) + 1)]
    kinds = {e["type"] for e in events}
    assert {"contest", "problems", "teams", "submissions", "judgements", "state"} <= kinds
    assert sum(e["type"] == "teams" for e in events) == 2
    assert [e["id"] for e in events if e["type"] == "submissions"] == [str(sid)]
    assert events[0]["type"] == "contest" and events[0]["data"]["name"] == contest["name"]

    # The package goes back in: a new id makes a new contest with the same problem linked.
    copy_id = f"copy-{uuid.uuid4().hex[:6]}"
    spec["id"] = copy_id
    (out / "contest.yaml").write_text(yaml.safe_dump(spec))
    again = arena(env, "contest", "import", str(out))
    assert again.returncode == 0, again.stderr
    copy = await db.fetchrow("SELECT * FROM contests WHERE external_id = $1", copy_id)
    assert copy["start_time"] == contest["start_time"]
    assert copy["duration_s"] == contest["duration_s"] + contest["extra_s"]
    assert copy["freeze_duration_s"] == 3600 and copy["penalty_minutes"] == 15
    linked = await db.fetch(
        "SELECT problem_id, label, color, rgb FROM contest_problems WHERE contest_id = $1",
        copy["id"],
    )
    assert [tuple(r) for r in linked] == [(world.problem_id, "A", "red", "#ff0000")]


def test_export_of_a_missing_contest(database_url: str, tmp_path: Path) -> None:
    env = dict(os.environ, ARENA_DATABASE_URL=database_url)
    missing = arena(env, "contest", "export", "no-such-contest", str(tmp_path / "x"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == "arena: error: no contest 'no-such-contest'"
    assert not (tmp_path / "x").exists()
