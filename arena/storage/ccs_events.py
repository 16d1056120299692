"""The Contest API event feed's log in Postgres: a projection diffed against the live rows.

A refresh computes every object a feed audience (``public`` or ``jury``) may see, compares it
with what that audience's feed last said (``ccs_objects``) and appends the differences to
``ccs_events``, whose id is the event's token. Refreshes of one (contest, audience) hold a
transaction-scoped advisory lock from before they read until they commit, so tokens of one feed
commit in increasing order: a reader that saw token N and asks for "after N" gets exactly the
events it has not seen, in order, no matter which hub process it reads from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from arena.ccs.feed import Change, FeedObject, changes, key
from arena.protocol.vocabulary import Audience

AUDIENCES = tuple(Audience)
# Single-key advisory locks live apart from the two-key ones (the ranking cache's).
_LOCK_BASE = 0x4343_5300_0000_0000


def _lock_key(contest_id: int, audience: str) -> int:
    return _LOCK_BASE + contest_id * 2 + AUDIENCES.index(audience)


async def _stored(
    conn: asyncpg.Connection, contest_id: int, audience: str
) -> dict[tuple[str, str], bytes]:
    rows = await conn.fetch(
        "SELECT type, object_id, data FROM ccs_objects WHERE contest_id = $1 AND audience = $2",
        contest_id,
        audience,
    )
    return {(r["type"], r["object_id"]): r["data"].encode() for r in rows}


async def _append(
    conn: asyncpg.Connection, contest_id: int, audience: str, found: list[Change]
) -> None:
    # executemany inserts in list order, so tokens follow the feed order chosen by changes().
    await conn.executemany(
        "INSERT INTO ccs_events (contest_id, audience, type, object_id, data)"
        " VALUES ($1, $2, $3, $4, $5)",
        [
            (contest_id, audience, c.type, c.id, None if c.data is None else c.data.decode())
            for c in found
        ],
    )
    await conn.executemany(
        "INSERT INTO ccs_objects (contest_id, audience, type, object_id, data)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contest_id, audience, type, object_id)"
        " DO UPDATE SET data = EXCLUDED.data",
        [
            (contest_id, audience, *key(c.type, c.id), c.data.decode())
            for c in found
            if c.data is not None
        ],
    )
    await conn.executemany(
        "DELETE FROM ccs_objects"
        " WHERE contest_id = $1 AND audience = $2 AND type = $3 AND object_id = $4",
        [(contest_id, audience, *key(c.type, c.id)) for c in found if c.data is None],
    )


async def refresh(
    conn: asyncpg.Connection,
    contest_id: int,
    audience: str,
    build: Callable[[Any], Awaitable[list[FeedObject]]],
) -> int:
    """Append what changed since the last refresh; returns the number of new events.

    ``build`` reads the contest on ``conn`` inside the locked transaction (read committed: each
    read sees every commit made before it, in particular the previous refresh's).
    """
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _lock_key(contest_id, audience))
        current = await build(conn)
        found = changes(await _stored(conn, contest_id, audience), current)
        if found:
            await _append(conn, contest_id, audience, found)
    return len(found)


async def since(
    conn: asyncpg.Connection, contest_id: int, audience: str, token: int, limit: int = 1000
) -> list[Any]:
    """Events after ``token`` in token order (records: token, type, object_id, data)."""
    return list(
        await conn.fetch(
            "SELECT token, type, object_id, data FROM ccs_events"
            " WHERE contest_id = $1 AND audience = $2 AND token > $3 ORDER BY token LIMIT $4",
            contest_id,
            audience,
            token,
            limit,
        )
    )


async def known(conn: asyncpg.Connection, contest_id: int, audience: str, token: int) -> bool:
    """Whether ``token`` is an event of this feed (a resume point must be one)."""
    found = await conn.fetchval(
        "SELECT true FROM ccs_events WHERE token = $1 AND contest_id = $2 AND audience = $3",
        token,
        contest_id,
        audience,
    )
    return bool(found)
