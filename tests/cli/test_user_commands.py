"""``arena user role|disable|enable|list`` and ``arena contest register`` against the real
Postgres and Redis."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from cli_support import arena, cli_env
from pipeline_support import make_world
from redis.asyncio import Redis
from support import REDIS_PORT

from arena.storage import keys, ranking_cache, users
from arena.storage.blobs import DiskBlobStore

REDIS_DB = 9


def _env(database_url: str) -> dict[str, str]:
    return cli_env(database_url, redis_db=REDIS_DB)


async def test_role_disable_enable_and_list(db: Any, database_url: str) -> None:
    env = _env(database_url)
    name = f"op{uuid.uuid4().hex[:8]}"
    made = arena(env, "user", "add", name, stdin="a long password\n")
    assert made.returncode == 0, made.stderr
    user_id = await db.fetchval("SELECT id FROM users WHERE username = $1", name)
    token = uuid.uuid4().hex
    async with db.acquire() as conn:
        await users.create_session(conn, user_id, token, 3600)
    cache_key = keys.session_cache(users.token_hash(token))
    redis = Redis(port=REDIS_PORT, db=REDIS_DB)
    try:
        # What a hub caches for the session: the role change must not wait for it to expire.
        await redis.set(cache_key, b'{"id":1,"username":"x","role":"contestant"}', ex=300)
        done = arena(env, "user", "role", name.upper(), "moderator")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{name} (id {user_id}): contestant -> moderator"
        assert await db.fetchval("SELECT role::text FROM users WHERE id = $1", user_id) == (
            "moderator"
        )
        # The new role is written into the hubs' cache (a lookup racing the change cannot put
        # the old one back: it only fills an empty slot).
        assert json.loads(await redis.get(cache_key) or b"{}")["role"] == "moderator"

        done = arena(env, "user", "disable", name)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"disabled {name} (id {user_id}); ended 1 sessions"
        row = await db.fetchrow("SELECT disabled FROM users WHERE id = $1", user_id)
        assert row["disabled"] is True
        assert await db.fetchval("SELECT count(*) FROM sessions WHERE user_id = $1", user_id) == 0
        assert await redis.get(cache_key) == b"-"  # every hub sees the logout at once
    finally:
        await redis.delete(cache_key)
        await redis.aclose()

    listed = arena(env, "user", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    mine = [u for u in json.loads(listed.stdout) if u["id"] == user_id]
    assert mine and (mine[0]["role"], mine[0]["disabled"]) == ("moderator", True)
    table = arena(env, "user", "list", "--role", "moderator")
    line = next(line for line in table.stdout.splitlines() if f" {name} " in line)
    assert line.split()[-2:] == ["moderator", "disabled"]
    others = arena(env, "user", "list", "--role", "admin", "--json")
    assert all(u["id"] != user_id for u in json.loads(others.stdout))

    done = arena(env, "user", "enable", name)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"enabled {name} (id {user_id})"
    assert await db.fetchval("SELECT disabled FROM users WHERE id = $1", user_id) is False


def test_user_commands_refuse_unknown_users_and_roles(database_url: str) -> None:
    env = _env(database_url)
    missing = arena(env, "user", "disable", "nobody-like-this")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "arena: error: no user 'nobody-like-this'"
    bad_role = arena(env, "user", "role", "whoever", "superuser")
    assert bad_role.returncode == 2
    assert "invalid choice: 'superuser'" in bad_role.stderr


async def test_adding_an_existing_user_needs_reset_password_which_ends_sessions(
    db: Any, database_url: str
) -> None:
    env = _env(database_url)
    name = f"op{uuid.uuid4().hex[:8]}"
    assert (
        arena(env, "user", "add", name, "--role", "moderator", stdin="first password\n").returncode
        == 0
    )
    user_id = await db.fetchval("SELECT id FROM users WHERE username = $1", name)
    before = await db.fetchval("SELECT password_hash FROM users WHERE id = $1", user_id)
    token = uuid.uuid4().hex
    async with db.acquire() as conn:
        await users.create_session(conn, user_id, token, 3600)

    again = arena(env, "user", "add", name, stdin="second password\n")
    assert again.returncode == 2
    assert again.stderr.strip() == (
        f"arena: error: user {name!r} exists (moderator); nothing changed. --reset-password gives"
        " it a new password and ends its sessions; `arena user role` changes its role"
    )
    row = await db.fetchrow(
        "SELECT password_hash, role::text AS role FROM users WHERE id = $1", user_id
    )
    assert (row["password_hash"], row["role"]) == (before, "moderator")  # not silently demoted

    redis = Redis(port=REDIS_PORT, db=REDIS_DB)
    cache_key = keys.session_cache(users.token_hash(token))
    try:
        await redis.set(cache_key, b'{"id":1,"username":"x","role":"moderator"}', ex=300)
        reset = arena(env, "user", "add", name, "--reset-password", stdin="second password\n")
        assert reset.returncode == 0, reset.stderr
        assert reset.stdout.strip() == (
            f"new password for moderator {name} (id {user_id}); ended 1 sessions"
        )
        row = await db.fetchrow(
            "SELECT password_hash, role::text AS role FROM users WHERE id = $1", user_id
        )
        assert row["password_hash"] != before and row["role"] == "moderator"
        assert await db.fetchval("SELECT count(*) FROM sessions WHERE user_id = $1", user_id) == 0
        assert await redis.get(cache_key) == b"-"  # logged out on every hub at once
    finally:
        await redis.delete(cache_key)
        await redis.aclose()
    demoted = arena(
        env,
        "user",
        "add",
        name,
        "--reset-password",
        "--role",
        "contestant",
        stdin="third password\n",
    )
    assert demoted.returncode == 0, demoted.stderr
    assert await db.fetchval("SELECT role::text FROM users WHERE id = $1", user_id) == "contestant"


async def test_contest_register_puts_the_rows_on_the_board_and_tells_the_hubs(
    db: Any, database_url: str, tmp_path: Path
) -> None:
    """``arena contest register``: the new contestants show on the live board at once and the
    hubs drop what they remember of them, as a registration through the hub does; a second run
    registers nobody and tells nobody; an unknown name is refused."""
    env = _env(database_url)
    async with db.acquire() as conn:
        world = await make_world(conn, DiskBlobStore(tmp_path / "b"), tmp_path / "p", users=1)
    redis = Redis(port=REDIS_PORT, db=REDIS_DB)
    pubsub = redis.pubsub()
    try:
        async with db.acquire() as conn:
            await ranking_cache.rebuild(conn, redis, world.contest_id)
        names = [f"reg{uuid.uuid4().hex[:8]}" for _ in range(2)]
        ids = [
            await db.fetchval(
                "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id", name
            )
            for name in names
        ]
        await pubsub.subscribe(keys.LOCAL_CACHE_CHANNEL)
        await pubsub.get_message(timeout=1)  # the subscription's confirmation

        done = arena(env, "contest", "register", str(world.contest_id), *names)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "registered 2 new contestants"
        rows, total = await ranking_cache.read_page(redis, world.contest_id, "jury", 0, 100)
        assert total == 3 and {r.username for r in rows} >= set(names), rows
        told = [await pubsub.get_message(timeout=5) for _ in ids]
        assert sorted(m["data"] for m in told if m) == sorted(
            f"p:{world.contest_id}:{user_id}".encode() for user_id in ids
        )

        again = arena(env, "contest", "register", str(world.contest_id), names[0])
        assert again.returncode == 0 and again.stdout.strip() == "registered 0 new contestants"
        assert await pubsub.get_message(timeout=1) is None

        unknown = arena(env, "contest", "register", str(world.contest_id), "nobody-here")
        assert unknown.returncode == 2 and "no user 'nobody-here'" in unknown.stderr
    finally:
        await pubsub.aclose()
        await redis.aclose()
