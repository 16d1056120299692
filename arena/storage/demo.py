"""What ``arena demo seed`` changes: a contest restarted afresh, and its own accounts reset."""

from __future__ import annotations

import asyncpg


async def restart_contest(conn: asyncpg.Connection, contest_id: int) -> int:
    """Clears what an earlier run of the contest left; returns how many submissions moved
    (to practice)."""
    async with conn.transaction():
        moved = await conn.fetchval(
            "WITH moved AS (UPDATE submissions SET contest_id = NULL WHERE contest_id = $1"
            " RETURNING 1) SELECT count(*) FROM moved",
            contest_id,
        )
        await conn.execute("DELETE FROM contest_results WHERE contest_id = $1", contest_id)
        await conn.execute(
            "UPDATE registrations SET disqualified = false WHERE contest_id = $1", contest_id
        )
        await conn.execute(
            "UPDATE contests SET extra_s = 0, frozen_at = NULL, unfrozen_at = NULL,"
            " finalized_at = NULL, registration_open = true, public = true WHERE id = $1",
            contest_id,
        )
    return int(moved)


async def email_of(conn: asyncpg.Connection, user_id: int) -> str | None:
    email: str | None = await conn.fetchval("SELECT email FROM users WHERE id = $1", user_id)
    return email


async def reset_account(conn: asyncpg.Connection, user_id: int, role: str) -> list[bytes]:
    """Enabled, with this role, and logged out everywhere: the ended sessions' token hashes."""
    await conn.execute("UPDATE users SET role = $2, disabled = false WHERE id = $1", user_id, role)
    ended = await conn.fetch(
        "DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", user_id
    )
    return [bytes(row["token_hash"]) for row in ended]


async def register_all(conn: asyncpg.Connection, contest_id: int, user_ids: list[int]) -> None:
    await conn.executemany(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(contest_id, user_id) for user_id in user_ids],
    )


async def registered(conn: asyncpg.Connection, contest_id: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT user_id FROM registrations WHERE contest_id = $1 ORDER BY user_id", contest_id
    )
    return [int(r["user_id"]) for r in rows]
