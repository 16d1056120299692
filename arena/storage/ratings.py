"""Ratings in Postgres: the replay of the rated contests' final results through arena/rating.py.

Rated contests are rated in the order they ended. When a contest's final results change (it is
finalized again after a rejudge or a disqualification, or its ``rated`` flag changes), every
rating from that contest onward is recomputed: the history is always exactly the replay of the
final results, so a recompute can never drift from a fresh computation.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from arena.rating import INITIAL_RATING, Standing, rating_changes

# One recompute at a time (taken inside a contest's lock, never before one: no lock cycle).
_RATING_LOCK = 0x52415445

_END = "c.start_time + make_interval(secs => c.duration_s + c.extra_s)"


class HistoryPoint(msgspec.Struct, frozen=True):
    contest_id: int
    contest_name: str
    at: datetime  # the contest's end
    place: int
    old_rating: int
    new_rating: int


async def _contest_end(conn: asyncpg.Connection, contest_id: int) -> datetime | None:
    end: datetime | None = await conn.fetchval(
        f"SELECT {_END} FROM contests c WHERE c.id = $1", contest_id
    )
    return end


async def affects_ratings(conn: asyncpg.Connection, contest_id: int) -> bool:
    """Rated, or rated before (its changes must go)."""
    found: bool | None = await conn.fetchval(
        "SELECT c.rated OR EXISTS (SELECT 1 FROM rating_changes r WHERE r.contest_id = c.id)"
        " FROM contests c WHERE c.id = $1",
        contest_id,
    )
    return bool(found)


async def recompute_from(conn: asyncpg.Connection, contest_id: int) -> int:
    """Rate every rated, finalized contest that ended with or after this one, in order.

    Returns how many contests were rated. Call inside a transaction (the caller's, usually the
    one that writes or reopens the contest's results).
    """
    pivot = await _contest_end(conn, contest_id)
    if pivot is None:
        return 0
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _RATING_LOCK)
    await conn.execute(
        "DELETE FROM rating_changes r USING contests c WHERE c.id = r.contest_id"
        f" AND ({_END}, c.id) >= ($1, $2)",
        pivot,
        contest_id,
    )
    later = await conn.fetch(
        f"SELECT c.id, {_END} AS ended FROM contests c"
        " WHERE c.rated AND c.finalized_at IS NOT NULL"
        f" AND ({_END}, c.id) >= ($1, $2) ORDER BY ended, c.id",
        pivot,
        contest_id,
    )
    current: dict[int, int] = {
        r["user_id"]: r["new_rating"]
        for r in await conn.fetch(
            "SELECT DISTINCT ON (user_id) user_id, new_rating FROM rating_changes"
            " ORDER BY user_id, rated_at DESC, contest_id DESC"
        )
    }
    for contest in later:
        # Participants: registered, not disqualified, and at least one submission (a cell).
        results = await conn.fetch(
            "SELECT user_id, rank FROM contest_results"
            " WHERE contest_id = $1 AND row_json <> '{}'::jsonb",
            contest["id"],
        )
        standings = [
            Standing(r["user_id"], current.get(r["user_id"], INITIAL_RATING), float(-r["rank"]))
            for r in results
        ]
        changes = rating_changes(standings)
        await conn.executemany(
            "INSERT INTO rating_changes"
            " (contest_id, user_id, place, seed, old_rating, new_rating, rated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    contest["id"],
                    c.user_id,
                    c.place,
                    c.seed,
                    c.old_rating,
                    c.new_rating,
                    contest["ended"],
                )
                for c in changes
            ],
        )
        for c in changes:
            current[c.user_id] = c.new_rating
    await conn.execute("DELETE FROM user_ratings")
    await conn.execute(
        "INSERT INTO user_ratings (user_id, rating, contests)"
        " SELECT DISTINCT ON (user_id) user_id, new_rating,"
        " count(*) OVER (PARTITION BY user_id) FROM rating_changes"
        " ORDER BY user_id, rated_at DESC, contest_id DESC"
    )
    return len(later)


async def set_rated(conn: asyncpg.Connection, contest_id: int, rated: bool) -> bool:
    """Mark a contest rated or not; a finalized one is rated (or unrated) at once."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        found = await conn.fetchval(
            "UPDATE contests SET rated = $2 WHERE id = $1 RETURNING true", contest_id, rated
        )
        if not found:
            return False
        await recompute_from(conn, contest_id)
    return True


class UserRating(msgspec.Struct, frozen=True):
    rating: int
    contests: int
    total_rank: int  # 1 + how many users are rated strictly higher
    rated_users: int


async def user_rating(conn: asyncpg.Connection, user_id: int) -> UserRating | None:
    row = await conn.fetchrow(
        "SELECT u.rating, u.contests,"
        " (SELECT count(*) FROM user_ratings o WHERE o.rating > u.rating) + 1 AS total_rank,"
        " (SELECT count(*) FROM user_ratings) AS rated_users"
        " FROM user_ratings u WHERE u.user_id = $1",
        user_id,
    )
    if row is None:
        return None
    return UserRating(row["rating"], row["contests"], row["total_rank"], row["rated_users"])


async def history(conn: asyncpg.Connection, user_id: int) -> list[HistoryPoint]:
    rows = await conn.fetch(
        "SELECT r.contest_id, c.name, r.rated_at, r.place, r.old_rating, r.new_rating"
        " FROM rating_changes r JOIN contests c ON c.id = r.contest_id"
        " WHERE r.user_id = $1 ORDER BY r.rated_at, r.contest_id",
        user_id,
    )
    return [HistoryPoint(*r.values()) for r in rows]


async def current(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, int]:
    """Current ratings of these users (the unrated are left out)."""
    if not user_ids:
        return {}
    rows = await conn.fetch(
        "SELECT user_id, rating FROM user_ratings WHERE user_id = ANY($1::bigint[])", user_ids
    )
    return {r["user_id"]: r["rating"] for r in rows}
