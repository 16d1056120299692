"""The live ranking cache: one Redis sorted set per contest, derived from Postgres."""

from __future__ import annotations

import asyncpg
from redis.asyncio import Redis

from arena.ranking import IcpcRow, JudgedSubmission, icpc_row, pack


def ranking_key(contest_id: int) -> str:
    return f"arena:rank:{contest_id}"


def built_key(contest_id: int) -> str:
    """Present while the sorted set is complete; gone after Redis lost its data."""
    return f"arena:rank:{contest_id}:built"


async def user_row(conn: asyncpg.Connection, contest_id: int, user_id: int) -> IcpcRow:
    rows = await conn.fetch(
        """
        SELECT s.problem_id, s.verdict,
               floor(extract(epoch FROM s.submitted_at - c.start_time) / 60)::int AS minute,
               c.penalty_minutes
        FROM submissions s JOIN contests c ON c.id = s.contest_id
        WHERE s.contest_id = $1 AND s.user_id = $2 AND s.status = 'done'
        """,
        contest_id,
        user_id,
    )
    penalty = rows[0]["penalty_minutes"] if rows else 0
    judged = [JudgedSubmission(r["problem_id"], r["verdict"], max(0, r["minute"])) for r in rows]
    return icpc_row(judged, penalty)


async def refresh_user(
    conn: asyncpg.Connection, redis: Redis, contest_id: int, user_id: int
) -> int:
    """Recompute one contestant's row and store it; returns the packed score.

    The advisory lock orders concurrent refreshes of one contestant, so the last write to Redis
    is always computed from a read that saw every verdict committed before it; a rebuild holds the
    contest-wide lock exclusively, refreshes hold it shared. A cache that Redis lost is rebuilt.
    """
    if not await redis.exists(built_key(contest_id)):
        await rebuild(conn, redis, contest_id)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock_shared($1, 0)", contest_id)
        await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", contest_id, user_id)
        score = pack(await user_row(conn, contest_id, user_id))
        await redis.zadd(ranking_key(contest_id), {str(user_id): score})
    return score


async def rebuild(conn: asyncpg.Connection, redis: Redis, contest_id: int) -> int:
    """Recompute the whole contest from Postgres (after a Redis loss, a rejudge, or on demand)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        return await _rebuild_locked(conn, redis, contest_id)


async def _rebuild_locked(conn: asyncpg.Connection, redis: Redis, contest_id: int) -> int:
    users = await conn.fetch(
        "SELECT user_id FROM registrations WHERE contest_id = $1 AND NOT disqualified"
        " UNION SELECT DISTINCT user_id FROM submissions WHERE contest_id = $1",
        contest_id,
    )
    scores = {
        str(r["user_id"]): pack(await user_row(conn, contest_id, r["user_id"])) for r in users
    }
    key = ranking_key(contest_id)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(key)
        if scores:
            pipe.zadd(key, scores)
        pipe.set(built_key(contest_id), "1")
        await pipe.execute()
    return len(scores)
