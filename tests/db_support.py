"""Throwaway Postgres databases for tests: created with the schema migrated, dropped after."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from arena.storage.migrate import migrate

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@asynccontextmanager
async def fresh_database(prefix: str = "arena_test") -> AsyncIterator[str]:
    """The URL of a new, migrated database, dropped (with its connections) on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        conn = await asyncpg.connect(url)
        await migrate(conn)
        await conn.close()
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def fresh_pool() -> AsyncIterator[tuple[str, asyncpg.Pool]]:
    """A new database (``fresh_database``) and a pool on it, closed before the database goes."""
    async with fresh_database() as url:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            yield url, pool
        finally:
            await pool.close()


async def own_database_url() -> AsyncIterator[str]:
    """A test directory's own session database (its conftest makes this its ``database_url``).

    The hub tests keep workers alive for the whole session, and their sweepers take any queued
    row of their database every few seconds (one never enqueued, an expired lease, one whose
    contestant's turn came). Tests that drive such rows by hand, or start workers of their own
    and count exactly who judged what, must not share that database.
    """
    async with fresh_database() as url:
        yield url
