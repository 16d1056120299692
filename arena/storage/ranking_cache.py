"""The live ranking cache: Redis sorted sets per contest and board, derived from Postgres.

Two boards per contest: ``jury`` always shows every verdict, ``public`` hides verdicts of
submissions made from the freeze on (their cells show pending). Each board is a sorted set of
packed scores (one ZADD per update, O(log n)) plus a hash of the rows' contents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg
import msgspec
from redis.asyncio import Redis

from arena.contest import ContestInfo
from arena.protocol.vocabulary import Board
from arena.ranking import RankedSubmission, Row, contestant_row, pack, ranks
from arena.storage import keys
from arena.storage.contest_state import load_contest

BOARDS = (Board.JURY, Board.PUBLIC)


class StoredRow(msgspec.Struct, frozen=True):
    username: str
    row: Row


class RankedRow(msgspec.Struct, frozen=True):
    user_id: int
    rank: int
    key: float  # the packed score
    username: str
    row: Row


_row_encoder = msgspec.json.Encoder()
_row_decoder = msgspec.json.Decoder(StoredRow)


def _all_keys(contest_id: int) -> list[str]:
    names = [keys.ranking_built(contest_id)]
    for board in BOARDS:
        names += [keys.ranking(contest_id, board), keys.ranking_rows(contest_id, board)]
        names.append(keys.ranking_first(contest_id, board))
    return names


_SUBMISSIONS = """
    SELECT s.user_id, s.problem_id, s.submitted_at, s.score, s.group_scores,
           CASE WHEN s.status = 'done' THEN s.verdict
                WHEN s.status = 'failed' THEN 'JE' END AS verdict
    FROM submissions s
    WHERE s.contest_id = $1 AND s.user_id = ANY($2::bigint[])
"""


class _GroupScore(msgspec.Struct):
    name: str
    score: float


_groups_decoder = msgspec.json.Decoder(list[_GroupScore])


def ranked_submission(info: ContestInfo, record: Any) -> RankedSubmission:
    """A submission row (user_id, problem_id, submitted_at, score, group_scores, verdict) as
    the ranking functions take it."""
    return _ranked(info, record)


def _ranked(info: ContestInfo, record: Any) -> RankedSubmission:
    score = record["score"]
    if score is None and record["verdict"] == "AC":
        # A pass-fail problem in a score contest earns its points when accepted.
        points = {p.problem_id: p.points for p in info.problems}
        score = float(points.get(record["problem_id"], 1))
    raw_groups = record["group_scores"]
    groups = _groups_decoder.decode(raw_groups) if raw_groups else []
    return RankedSubmission(
        problem_id=record["problem_id"],
        contest_ms=max(0, info.clock.contest_ms(record["submitted_at"])),
        verdict=record["verdict"],
        score=score,
        group_scores={g.name: g.score for g in groups},
    )


async def _users(
    conn: asyncpg.Connection, contest_id: int, user_ids: Iterable[int] | None
) -> list[Any]:
    """Registered, not disqualified contestants (all of them, or the given ones)."""
    return list(
        await conn.fetch(
            "SELECT r.user_id, COALESCE(t.name, u.username) AS username FROM registrations r"
            " JOIN users u ON u.id = r.user_id LEFT JOIN teams t"
            " ON t.contest_id = r.contest_id AND t.user_id = r.user_id"
            " WHERE r.contest_id = $1 AND NOT r.disqualified"
            " AND ($2::bigint[] IS NULL OR r.user_id = ANY($2::bigint[]))",
            contest_id,
            None if user_ids is None else list(user_ids),
        )
    )


async def _first_solvers(
    conn: asyncpg.Connection, info: ContestInfo, cutoff_ms: int | None
) -> dict[str, str]:
    rows = await conn.fetch(
        """
        SELECT DISTINCT ON (s.problem_id) s.problem_id, s.user_id
        FROM submissions s JOIN registrations r
          ON r.contest_id = s.contest_id AND r.user_id = s.user_id AND NOT r.disqualified
        WHERE s.contest_id = $1 AND s.status = 'done' AND s.verdict = 'AC'
          AND ($2::bigint IS NULL
               OR s.submitted_at < $3::timestamptz + make_interval(secs => $2::bigint / 1000.0))
        ORDER BY s.problem_id, s.submitted_at, s.id
        """,
        info.id,
        cutoff_ms,
        info.clock.start,
    )
    return {str(r["problem_id"]): str(r["user_id"]) for r in rows}


async def _submissions(
    conn: asyncpg.Connection, info: ContestInfo, users: list[Any]
) -> dict[int, list[RankedSubmission]]:
    by_user: dict[int, list[RankedSubmission]] = {u["user_id"]: [] for u in users}
    if by_user:
        for record in await conn.fetch(_SUBMISSIONS, info.id, list(by_user)):
            by_user[record["user_id"]].append(_ranked(info, record))
    return by_user


async def compute_board(
    conn: asyncpg.Connection,
    info: ContestInfo,
    cutoff_ms: int | None,
    user_ids: Iterable[int] | None = None,
) -> dict[int, StoredRow]:
    """Rows straight from Postgres, as a board with this cutoff shows them."""
    users = await _users(conn, info.id, user_ids)
    return _rows(info, users, await _submissions(conn, info, users), cutoff_ms)


def _rows(
    info: ContestInfo,
    users: list[Any],
    by_user: dict[int, list[RankedSubmission]],
    cutoff_ms: int | None,
) -> dict[int, StoredRow]:
    names = {u["user_id"]: u["username"] for u in users}
    rules = info.rules(cutoff_ms)
    return {
        user: StoredRow(names[user], contestant_row(subs, rules)) for user, subs in by_user.items()
    }


def _cutoffs(info: ContestInfo) -> dict[str, int | None]:
    return {"jury": None, "public": info.clock.public_cutoff_ms()}


async def _first_changes(
    conn: asyncpg.Connection, redis: Redis, info: ContestInfo, cutoffs: dict[str, int | None]
) -> tuple[dict[str, dict[str, str]], set[str]]:
    """First solvers per board from Postgres, and the contestants who gained or lost a mark
    (their rows must be sent again, though nothing else in them changed)."""
    firsts: dict[str, dict[str, str]] = {}
    moved: set[str] = set()
    for board, cutoff in cutoffs.items():
        now = await _first_solvers(conn, info, cutoff)
        before: dict[bytes, bytes] = await redis.hgetall(keys.ranking_first(info.id, board))  # type: ignore[misc]
        old = {k.decode(): v.decode() for k, v in before.items()}
        for problem in set(now) | set(old):
            if now.get(problem) != old.get(problem):
                moved.update(u for u in (now.get(problem), old.get(problem)) if u is not None)
        firsts[board] = now
    return firsts, moved


def _store_first(pipe: Any, contest_id: int, board: str, first: dict[str, str]) -> None:
    pipe.delete(keys.ranking_first(contest_id, board))
    if first:
        pipe.hset(keys.ranking_first(contest_id, board), mapping=first)


async def _write(
    conn: asyncpg.Connection, redis: Redis, info: ContestInfo, users: list[Any], *, replace: bool
) -> None:
    by_user = await _submissions(conn, info, users)
    cutoffs = _cutoffs(info)
    firsts, moved = await _first_changes(conn, redis, info, cutoffs)
    async with redis.pipeline(transaction=True) as pipe:
        if replace:
            pipe.delete(*_all_keys(info.id))
        for board, cutoff in cutoffs.items():
            rows = _rows(info, users, by_user, cutoff)
            scores = {str(u): pack(stored.row, info.scoring) for u, stored in rows.items()}
            contents = {str(u): _row_encoder.encode(stored) for u, stored in rows.items()}
            if scores:
                pipe.zadd(keys.ranking(info.id, board), scores)
                pipe.hset(keys.ranking_rows(info.id, board), mapping=contents)
            _store_first(pipe, info.id, board, firsts[board])
        # A rebuild is announced as a whole (clients reload the board), not row by row.
        changed = {str(u) for u in by_user} | moved
        if changed and not replace:
            pipe.sadd(keys.ranking_dirty(info.id), *changed)
            pipe.sadd(keys.DIRTY_CONTESTS, str(info.id))
        pipe.set(keys.ranking_built(info.id), "1")
        await pipe.execute()


async def refresh_user(
    conn: asyncpg.Connection, redis: Redis, contest_id: int, user_id: int
) -> None:
    """Recompute one contestant's rows on both boards and mark them for the next tick.

    The advisory locks order concurrent refreshes of one contestant, so the last write to Redis
    is always computed from a read that saw every verdict committed before it; a rebuild holds the
    contest-wide lock exclusively, refreshes hold it shared. A cache that Redis lost is rebuilt.
    """
    if not await redis.exists(keys.ranking_built(contest_id)):
        await rebuild(conn, redis, contest_id)
        await redis.sadd(keys.ranking_dirty(contest_id), str(user_id))  # type: ignore[misc]
        await redis.sadd(keys.DIRTY_CONTESTS, str(contest_id))  # type: ignore[misc]
        return
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock_shared($1, 0)", contest_id)
        await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", contest_id, user_id)
        info = await load_contest(conn, contest_id)
        if info is None:
            return
        users = await _users(conn, contest_id, [user_id])
        if not users:  # not registered, or disqualified: off both boards
            # A disqualified first solver hands the mark on to the next one.
            firsts, moved = await _first_changes(conn, redis, info, _cutoffs(info))
            async with redis.pipeline(transaction=True) as pipe:
                for board in BOARDS:
                    pipe.zrem(keys.ranking(contest_id, board), str(user_id))
                    pipe.hdel(keys.ranking_rows(contest_id, board), str(user_id))
                    _store_first(pipe, contest_id, board, firsts[board])
                pipe.sadd(keys.ranking_dirty(contest_id), str(user_id), *moved)
                pipe.sadd(keys.DIRTY_CONTESTS, str(contest_id))
                await pipe.execute()
            return
        await _write(conn, redis, info, users, replace=False)


async def rebuild(conn: asyncpg.Connection, redis: Redis, contest_id: int) -> int:
    """Recompute the whole contest from Postgres (after a Redis loss, a rejudge, an unfreeze)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        info = await load_contest(conn, contest_id)
        if info is None:
            return 0
        users = await _users(conn, contest_id, None)
        await _write(conn, redis, info, users, replace=True)
        return len(users)


async def read_page(
    redis: Redis, contest_id: int, board: str, start: int, count: int
) -> tuple[list[RankedRow], int]:
    """A page of the board with shared ranks, and the number of ranked contestants."""
    key = keys.ranking(contest_id, board)
    entries: list[tuple[bytes, float]] = await redis.zrevrange(
        key, start, start + count - 1, withscores=True
    )
    if not entries:
        return [], int(await redis.zcard(key))
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zcount(key, f"({entries[0][1]}", "+inf")
        pipe.hmget(keys.ranking_rows(contest_id, board), [member for member, _ in entries])
        pipe.zcard(key)
        higher, contents, total = await pipe.execute()
    page_ranks = ranks([score for _, score in entries], start, int(higher) + 1)
    out = []
    for (member, packed), rank, raw in zip(entries, page_ranks, contents, strict=True):
        if raw is None:  # removed between the two reads
            continue
        stored = _row_decoder.decode(raw)
        out.append(RankedRow(int(member), rank, packed, stored.username, stored.row))
    return out, int(total)


async def read_rows(
    redis: Redis, contest_id: int, board: str, user_ids: list[int]
) -> list[RankedRow]:
    """The given contestants' rows with their ranks (for deltas and "my row")."""
    if not user_ids:
        return []
    key = keys.ranking(contest_id, board)
    members = [str(u) for u in user_ids]
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zmscore(key, members)
        pipe.hmget(keys.ranking_rows(contest_id, board), members)
        scores, contents = await pipe.execute()
    present = [
        (user, score, raw)
        for user, score, raw in zip(user_ids, scores, contents, strict=True)
        if score is not None and raw is not None
    ]
    async with redis.pipeline(transaction=False) as pipe:
        for _, score, _ in present:
            pipe.zcount(key, f"({score}", "+inf")
        higher = await pipe.execute()
    out = []
    for (user, key, raw), above in zip(present, higher, strict=True):
        stored = _row_decoder.decode(raw)
        out.append(RankedRow(user, int(above) + 1, float(key), stored.username, stored.row))
    return out


async def first_solvers(redis: Redis, contest_id: int, board: str) -> dict[int, int]:
    raw: dict[bytes, bytes] = await redis.hgetall(keys.ranking_first(contest_id, board))  # type: ignore[misc]
    return {int(k): int(v) for k, v in raw.items()}


async def take_dirty(redis: Redis, contest_id: int, limit: int = 10_000) -> list[int]:
    """Pop the contestants changed since the last tick (SPOP: each is taken by one ticker)."""
    members: list[bytes] = await redis.spop(keys.ranking_dirty(contest_id), limit)  # type: ignore[misc]
    return sorted(int(m) for m in members or [])


async def rebuild_for_teams(
    conn: asyncpg.Connection, redis: Redis, contest_id: int, teams: list[int]
) -> int:
    """After a contest import changed who takes part (new teams, renamed ones): the whole board
    again, since a team without submissions has no row until a rebuild, and the teams' rows go
    to open sockets with the next tick (a rebuild alone is not announced)."""
    count = await rebuild(conn, redis, contest_id)
    if teams:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.sadd(keys.ranking_dirty(contest_id), *[str(t) for t in teams])
            pipe.sadd(keys.DIRTY_CONTESTS, str(contest_id))
            await pipe.execute()
    return count
