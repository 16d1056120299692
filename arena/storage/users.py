"""Accounts and login sessions in Postgres (only token hashes are stored)."""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import msgspec

from arena.protocol import UserInfo


class UserRecord(msgspec.Struct, frozen=True):
    info: UserInfo
    password_hash: str | None  # None: imported without one, cannot log in until one is set
    disabled: bool


class UsernameTaken(ValueError):
    pass


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _info(row: Any) -> UserInfo:
    return UserInfo(id=row["id"], username=row["username"], role=row["role"])


async def create_user(
    conn: asyncpg.Connection,
    username: str,
    password_hash: str,
    email: str | None,
    role: str = "contestant",
) -> UserInfo:
    try:
        row = await conn.fetchrow(
            "INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, $3, $4)"
            " RETURNING id, username, role::text AS role",
            username,
            email,
            password_hash,
            role,
        )
    except asyncpg.UniqueViolationError as exc:
        field = "email" if "email" in str(exc.constraint_name or "") else "username"
        raise UsernameTaken(f"this {field} is already registered") from exc
    return _info(row)


async def find_user(conn: asyncpg.Connection, username: str) -> UserRecord | None:
    row = await conn.fetchrow(
        "SELECT id, username, role::text AS role, password_hash, disabled FROM users"
        " WHERE lower(username) = lower($1)",
        username,
    )
    if row is None:
        return None
    return UserRecord(_info(row), row["password_hash"], row["disabled"])


async def set_password_hash(conn: asyncpg.Connection, user_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE users SET password_hash = $2 WHERE id = $1", user_id, password_hash)


async def reset_password(
    conn: asyncpg.Connection, user_id: int, password_hash: str, role: str | None = None
) -> list[bytes]:
    """A new password (and ``role`` unless None) ends every session of the account: whoever
    knew the old password is logged out. Returns the ended sessions' token hashes."""
    async with conn.transaction():
        await conn.execute(
            "UPDATE users SET password_hash = $2, role = coalesce($3::user_role, role)"
            " WHERE id = $1",
            user_id,
            password_hash,
            role,
        )
        rows = await conn.fetch(
            "DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", user_id
        )
    return [bytes(r["token_hash"]) for r in rows]


async def create_session(conn: asyncpg.Connection, user_id: int, token: str, ttl_s: int) -> None:
    await conn.execute(
        "INSERT INTO sessions (token_hash, user_id, expires_at)"
        " VALUES ($1, $2, now() + make_interval(secs => $3))",
        token_hash(token),
        user_id,
        float(ttl_s),
    )


async def session_user(conn: asyncpg.Connection, token: str) -> UserInfo | None:
    row = await conn.fetchrow(
        "SELECT u.id, u.username, u.role::text AS role FROM sessions s"
        " JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled",
        token_hash(token),
    )
    return None if row is None else _info(row)


async def session_users(
    conn: asyncpg.Connection, token_hashes: list[bytes]
) -> dict[bytes, UserInfo]:
    """``session_user`` for many sessions at once, by token hash (the unknown left out)."""
    rows = await conn.fetch(
        "SELECT s.token_hash, u.id, u.username, u.role::text AS role FROM sessions s"
        " JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = ANY($1::bytea[]) AND s.expires_at > now() AND NOT u.disabled",
        token_hashes,
    )
    return {bytes(row["token_hash"]): _info(row) for row in rows}


async def delete_session(conn: asyncpg.Connection, token: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash(token))


class UserListing(msgspec.Struct, frozen=True):
    id: int
    username: str
    role: str
    disabled: bool
    email: str | None
    created_at: str


async def list_users(conn: asyncpg.Connection, role: str | None = None) -> list[UserListing]:
    rows = await conn.fetch(
        "SELECT id, username, role::text AS role, disabled, email, created_at FROM users"
        " WHERE $1::text IS NULL OR role::text = $1 ORDER BY id",
        role,
    )
    return [
        UserListing(
            r["id"],
            r["username"],
            r["role"],
            r["disabled"],
            r["email"],
            r["created_at"].isoformat(),
        )
        for r in rows
    ]


async def set_role(conn: asyncpg.Connection, user_id: int, role: str) -> None:
    await conn.execute("UPDATE users SET role = $2::user_role WHERE id = $1", user_id, role)


async def set_disabled(conn: asyncpg.Connection, user_id: int, disabled: bool) -> list[bytes]:
    """Disabling also ends every session; returns the ended sessions' token hashes."""
    async with conn.transaction():
        await conn.execute("UPDATE users SET disabled = $2 WHERE id = $1", user_id, disabled)
        if not disabled:
            return []
        rows = await conn.fetch(
            "DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", user_id
        )
    return [bytes(r["token_hash"]) for r in rows]


async def session_hashes(conn: asyncpg.Connection, user_id: int) -> list[bytes]:
    rows = await conn.fetch(
        "SELECT token_hash FROM sessions WHERE user_id = $1 AND expires_at > now()", user_id
    )
    return [bytes(r["token_hash"]) for r in rows]
