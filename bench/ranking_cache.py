"""Live ranking cache at 100k contestants: update, rank and page reads against a naive baseline.

One contest's two boards are filled in Redis with 100 000 rows in the real key layout
(arena/storage/ranking_cache.py: a sorted set of ``pack()``ed scores plus a hash of encoded
``StoredRow``s, written straight through pipelines for speed). Then, per operation:

* update: the Redis part of a refresh, as ``_write`` does it for one contestant: ZADD + HSET on
  both boards, SADD to the dirty sets, SET built, in one MULTI/EXEC pipeline (the row is computed
  before the clock starts; the first-solver hash needs Postgres and is left out);
* rank: ``read_rows`` for one random contestant; top-50: ``read_page(start=0, count=50)``;
  page: ``read_page`` of a random page of 50.

Baseline in the same run, on the same data: the board without a sorted set. A rank or a page is
HGETALL of the 100k-row hash, decode, ``pack`` and sort in Python; an update is the two HSETs
alone. Ratios are baseline / cache at p50 (how much the sorted set buys, or costs for updates).

    .venv/bin/python bench/ranking_cache.py [--contestants 100000] [--samples 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import msgspec
from hub_support import (
    claim_redis_db,
    line,
    redis_port,
    redis_run_id,
    summary_ms,
    warn_if_restarted,
)
from redis.asyncio import Redis

from arena.ranking import Cell, Row, pack
from arena.storage import ranking_cache as rc

REDIS_DB = 11
CONTEST = 1
PROBLEMS = 10
encoder = msgspec.json.Encoder()
decoder = msgspec.json.Decoder(rc.StoredRow)


def random_row(rng: random.Random) -> Row:
    cells: dict[int, Cell] = {}
    for problem in range(1, PROBLEMS + 1):
        if rng.random() < 0.5:
            continue
        attempts = rng.randint(1, 4)
        if rng.random() < 0.6:
            cells[problem] = Cell(attempts=attempts, solved=True, minute=rng.randint(0, 300))
        else:
            cells[problem] = Cell(attempts=attempts, pending=rng.randint(0, 1))
    solves = [c for c in cells.values() if c.solved]
    return Row(
        solved=len(solves),
        penalty=sum((c.minute or 0) + 20 * (c.attempts - 1) for c in solves),
        last_solve_minute=max((c.minute or 0 for c in solves), default=0),
        score=0.0,
        cells=cells,
    )


async def fill(redis: Redis, contestants: int, rng: random.Random) -> None:
    chunk = 5000
    for first in range(1, contestants + 1, chunk):
        async with redis.pipeline(transaction=False) as pipe:
            for board in rc.BOARDS:
                scores: dict[str, float] = {}
                contents: dict[str, bytes] = {}
                for user in range(first, min(first + chunk, contestants + 1)):
                    row = random_row(rng)
                    scores[str(user)] = pack(row, "pass-fail")
                    contents[str(user)] = encoder.encode(rc.StoredRow(f"user{user}", row))
                pipe.zadd(rc.keys.ranking(CONTEST, board), scores)
                pipe.hset(rc.keys.ranking_rows(CONTEST, board), mapping=contents)
            await pipe.execute()
    await redis.set(rc.keys.ranking_built(CONTEST), "1")


async def cache_update(redis: Redis, user: int, row: Row) -> None:
    member = str(user)
    content = encoder.encode(rc.StoredRow(f"user{user}", row))
    async with redis.pipeline(transaction=True) as pipe:
        for board in rc.BOARDS:
            pipe.zadd(rc.keys.ranking(CONTEST, board), {member: pack(row, "pass-fail")})
            pipe.hset(rc.keys.ranking_rows(CONTEST, board), mapping={member: content})
        pipe.sadd(rc.keys.ranking_dirty(CONTEST), member)
        pipe.sadd(rc.keys.DIRTY_CONTESTS, str(CONTEST))
        pipe.set(rc.keys.ranking_built(CONTEST), "1")
        await pipe.execute()


async def naive_update(redis: Redis, user: int, row: Row) -> None:
    member = str(user)
    content = encoder.encode(rc.StoredRow(f"user{user}", row))
    async with redis.pipeline(transaction=True) as pipe:
        for board in rc.BOARDS:
            pipe.hset(rc.keys.ranking_rows(CONTEST, board), mapping={member: content})
        await pipe.execute()


async def naive_board(redis: Redis) -> list[tuple[float, int, rc.StoredRow]]:
    raw: dict[bytes, bytes] = await redis.hgetall(rc.keys.ranking_rows(CONTEST, "public"))  # type: ignore[misc]
    board = []
    for member, content in raw.items():
        stored = decoder.decode(content)
        board.append((pack(stored.row, "pass-fail"), int(member), stored))
    board.sort(key=lambda entry: -entry[0])
    return board


async def naive_rank(redis: Redis, user: int) -> int:
    board = await naive_board(redis)
    mine = next(score for score, member, _ in board if member == user)
    return 1 + sum(1 for score, _, _ in board if score > mine)


async def naive_top(redis: Redis) -> list[tuple[float, int, rc.StoredRow]]:
    return (await naive_board(redis))[:50]


async def timed(samples: int, op: Callable[[], Awaitable[object]]) -> list[float]:
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        await op()
        out.append(time.perf_counter() - started)
    return out


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(5)
    redis = Redis(port=redis_port(), db=REDIS_DB)
    await claim_redis_db(redis, REDIS_DB)
    run_id = await redis_run_id(redis)
    try:
        started = time.perf_counter()
        await fill(redis, args.contestants, rng)
        total = await redis.zcard(rc.keys.ranking(CONTEST, "public"))
        print(f"filled {total} rows per board (2 boards) in {time.perf_counter() - started:.1f} s")
        pages = max(1, args.contestants // 50)
        users = range(1, args.contestants + 1)

        def pick() -> int:
            return rng.choice(users)

        async def update() -> None:
            await cache_update(redis, pick(), random_row(rng))

        async def rank() -> None:
            found = await rc.read_rows(redis, CONTEST, "public", [pick()])
            assert len(found) == 1

        async def top() -> None:
            rows, _ = await rc.read_page(redis, CONTEST, "public", 0, 50)
            assert len(rows) == min(50, args.contestants)

        async def page() -> None:
            await rc.read_page(redis, CONTEST, "public", rng.randrange(pages) * 50, 50)

        for op in (update, rank, top, page):  # warm the connection and the code paths
            await timed(50, op)
        results = {
            "update (ZADD+HSET x2, MULTI)": await timed(args.samples, update),
            "rank (read_rows, 1 user)": await timed(args.samples, rank),
            "top-50 (read_page 0..49)": await timed(args.samples, top),
            "random page of 50": await timed(args.samples, page),
        }
        row = random_row(rng)
        baseline = {
            "update (HSET x2 only)": await timed(args.samples, lambda: naive_update(redis, 1, row)),
            "rank (HGETALL+sort)": await timed(
                args.naive_samples, lambda: naive_rank(redis, pick())
            ),
            "top-50 (HGETALL+sort)": await timed(args.naive_samples, lambda: naive_top(redis)),
        }
    finally:
        await redis.flushdb()
        run_id_after = await redis_run_id(redis)
        await redis.aclose()
    print(f"\nranking cache, {args.contestants} contestants, 1 client, Redis on loopback:")
    for name, samples in results.items():
        print("  " + line(name, samples))
    print("baseline, no sorted set (same data, same run):")
    for name, samples in baseline.items():
        print("  " + line(name, samples))
    print("ratios at p50 (baseline / cache; > 1 means the cache is faster):")
    pairs = [
        ("update", "update (ZADD+HSET x2, MULTI)", "update (HSET x2 only)"),
        ("rank", "rank (read_rows, 1 user)", "rank (HGETALL+sort)"),
        ("top-50", "top-50 (read_page 0..49)", "top-50 (HGETALL+sort)"),
    ]
    for name, ours, theirs in pairs:
        ratio = summary_ms(baseline[theirs])[0] / summary_ms(results[ours])[0]
        print(f"  {name:<8} {ratio:10.1f}x")
    worst = max(summary_ms(s)[2] for s in results.values())
    print(f"target: p99 <= 2 ms per operation; worst p99 here {worst:.3f} ms")
    warn_if_restarted(run_id, run_id_after)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contestants", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--naive-samples", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
