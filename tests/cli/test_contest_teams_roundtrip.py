"""``arena contest export`` then ``arena contest import`` of its teams.json, organizations.json,
groups.json and accounts.yaml into a fresh contest: exporting the copy gives the same files. And
the command's message for a bad team file (exit 2, the file, the line, the JSON path; nothing
imported)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import yaml
from cli_support import arena, cli_env
from pipeline_support import make_world
from redis.asyncio import Redis
from support import REDIS_PORT

from arena.storage import keys, teams
from arena.storage.blobs import DiskBlobStore

TEAM_FILES = ("teams.json", "organizations.json", "groups.json", "accounts.yaml")


async def test_team_files_round_trip_through_a_fresh_contest(
    db: Any, database_url: str, tmp_path: Path
) -> None:
    env = cli_env(database_url, blob_dir=tmp_path / "b")
    tag = uuid.uuid4().hex[:6]
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "b"), tmp_path / "p", users=4)
        first, second, third, alone = world.user_ids
        await conn.execute(
            "UPDATE contests SET external_id = $2 WHERE id = $1", world.contest_id, f"rt-{tag}"
        )
        org = await teams.save_organization(
            conn, f"org-{tag}", "Uni", formal_name="The University", country="NLD"
        )
        students = await teams.save_group(conn, f"students-{tag}", "Students")
        remote = await teams.save_group(conn, f"remote-{tag}", "Remote")
        # The team ranks as its later member's registration: the import must keep that one.
        team = await teams.create_team(
            conn, world.contest_id, second, f"Pair {tag}",
            organization_id=org.id, group_ids=[students.id, remote.id],
        )  # fmt: skip
        await teams.add_member(conn, world.contest_id, team.user_id, first)
        await teams.create_team(conn, world.contest_id, third, f"Third {tag}", group_ids=[])
        # `alone` stays a registration without a team: a team of one named after the user.

    out = tmp_path / "export"
    done = arena(env, "contest", "export", f"rt-{tag}", str(out))
    assert done.returncode == 0, done.stderr
    exported = {name: (out / name).read_text() for name in TEAM_FILES}
    assert len(json.loads(exported["teams.json"])) == 3  # first joined the pair
    assert len(yaml.safe_load(exported["accounts.yaml"])) == 4

    spec = yaml.safe_load((out / "contest.yaml").read_text())
    spec["id"] = f"rt-copy-{tag}"
    (out / "contest.yaml").write_text(yaml.safe_dump(spec))
    # Hubs keep who takes part in memory: the import tells them to read every member again.
    redis = Redis(port=REDIS_PORT)
    listener = redis.pubsub()
    await listener.subscribe(keys.LOCAL_CACHE_CHANNEL)
    try:
        imported = await asyncio.to_thread(arena, env, "contest", "import", str(out))
        heard: set[str] = set()
        # Read what was buffered while the command ran (None is also the subscription's ack).
        for _ in range(10):
            message = await listener.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is not None:
                heard.add(message["data"].decode())
    finally:
        await listener.aclose()
        await redis.aclose()
    assert imported.returncode == 0, imported.stderr
    assert "3 teams, 1 organizations, 2 groups, accounts: 0 created, 4 updated" in imported.stdout
    copy_id = await db.fetchval("SELECT id FROM contests WHERE external_id = $1", f"rt-copy-{tag}")
    assert {f"p:{copy_id}:{user}" for user in world.user_ids} <= heard, (heard, imported.stdout)

    again = tmp_path / "again"
    done = arena(env, "contest", "export", f"rt-copy-{tag}", str(again))
    assert done.returncode == 0, done.stderr
    for name in TEAM_FILES:
        assert (again / name).read_text() == exported[name], name
    assert copy_id != world.contest_id
    members = await db.fetch(
        "SELECT member_id, team_user FROM team_members WHERE contest_id = $1", copy_id
    )
    assert {(r["member_id"], r["team_user"]) for r in members} == {
        (first, second), (second, second), (third, third), (alone, alone)
    }  # fmt: skip
    # The accounts were found by username: no new user, no password changed (none in the file).
    hashes = await db.fetch(
        "SELECT password_hash FROM users WHERE id = ANY($1::bigint[])", world.user_ids
    )
    assert [r["password_hash"] for r in hashes] == ["x"] * 4

    # A bad team file: the command names the file, the line and the path; nothing is imported.
    spec["id"] = f"rt-bad-{tag}"
    (out / "contest.yaml").write_text(yaml.safe_dump(spec))
    broken = json.loads(exported["teams.json"])
    broken[1]["organization_id"] = "no-such-org"
    (out / "teams.json").write_text(json.dumps(broken, indent=2))
    refused = arena(env, "contest", "import", str(out))
    assert refused.returncode == 2
    assert refused.stderr == (
        "arena: error: teams.json: line 14, $[1].organization_id: no organization 'no-such-org'"
        " (not in organizations.json, nor in the database)\n"
    ), refused.stderr
    assert await db.fetchval("SELECT id FROM contests WHERE external_id = $1", spec["id"]) is None
