"""The hub's batched lookups (``arena.hub.batch``): what the requests and sockets of one moment
ask Postgres and Redis for, one query or one round trip per batch."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from arena.hub.batch import Batcher
from arena.protocol import UserInfo
from arena.storage import moderators, participation, ranking_cache, ratings, users
from arena.storage.account_events import SESSION_CACHE_S

OwnRow = tuple[int, str, int]  # (contest, board, user): a socket's own row on the board


class Lookups(msgspec.Struct, frozen=True):
    sessions: Batcher[bytes, UserInfo]  # token hash → the session's user (Postgres)
    taking_part: Batcher[tuple[int, int], tuple[int, int | None]]  # see participation
    ratings: Batcher[int, int]  # user → current rating (the unrated: absent)
    redis_reads: Batcher[str, bytes]  # GETs as one MGET
    session_fills: Batcher[tuple[str, bytes], bool]  # the Redis session cache's SET NX
    own_rows: Batcher[OwnRow, ranking_cache.RankedRow]
    listed_moderators: Batcher[tuple[int, int], bool]  # (contest, user) in contest_moderators


def build(db: asyncpg.Pool, redis: Any) -> Lookups:
    async def sessions(hashes: list[bytes]) -> dict[bytes, UserInfo]:
        async with db.acquire() as conn:
            return await users.session_users(conn, hashes)

    async def taking_part(
        asked: list[tuple[int, int]],
    ) -> dict[tuple[int, int], tuple[int, int | None]]:
        async with db.acquire() as conn:
            return await participation.taking_part(conn, asked)

    async def current_ratings(user_ids: list[int]) -> dict[int, int]:
        async with db.acquire() as conn:
            return await ratings.current(conn, user_ids)

    async def redis_reads(names: list[str]) -> dict[str, bytes]:
        values = await redis.mget(names)
        return {n: v for n, v in zip(names, values, strict=True) if v is not None}

    async def session_fills(fills: list[tuple[str, bytes]]) -> dict[tuple[str, bytes], bool]:
        # Only an empty slot is filled: a tombstone or a newer role is never overwritten.
        async with redis.pipeline(transaction=False) as pipe:
            for name, value in fills:
                pipe.set(name, value, ex=SESSION_CACHE_S, nx=True)
            done = await pipe.execute()
        return {fill: bool(ok) for fill, ok in zip(fills, done, strict=True)}

    async def own_rows(asked: list[OwnRow]) -> dict[OwnRow, ranking_cache.RankedRow]:
        boards: dict[tuple[int, str], list[int]] = {}
        for contest_id, board, user_id in asked:
            boards.setdefault((contest_id, board), []).append(user_id)
        found: dict[OwnRow, ranking_cache.RankedRow] = {}
        for (contest_id, board), user_ids in boards.items():
            for row in await ranking_cache.read_rows(redis, contest_id, board, user_ids):
                found[(contest_id, board, row.user_id)] = row
        return found

    async def listed_moderators(asked: list[tuple[int, int]]) -> dict[tuple[int, int], bool]:
        async with db.acquire() as conn:
            return dict.fromkeys(await moderators.listed_pairs(conn, asked), True)

    return Lookups(
        sessions=Batcher(sessions),
        taking_part=Batcher(taking_part),
        ratings=Batcher(current_ratings),
        redis_reads=Batcher(redis_reads),
        session_fills=Batcher(session_fills),
        own_rows=Batcher(own_rows),
        listed_moderators=Batcher(listed_moderators),
    )
