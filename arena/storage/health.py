"""Whether Postgres answers (the hub's health check)."""

from __future__ import annotations

import asyncpg


async def ping(conn: asyncpg.Connection) -> None:
    await conn.fetchval("SELECT 1")
