"""Contest verdict latency with an empty queue, and again while a backlog of practice
submissions and runs is queued: the lanes put contest judgings first (arena/storage/queue.py).

One worker (S slots) on real Postgres, Redis and gVisor. First K contest submissions of A+B
(python3, 10 tests, unique sources), one at a time, each waited for: submit -> verdict. Then
B practice submissions and B runs on custom input are queued (half each of ``--backlog``), and the
same K contest submissions are timed again while the backlog waits. The ratio is the second p50
over the first; a FIFO queue would have put each contest submission behind the whole backlog
(the last line estimates that wait from the rate the worker judged the backlog at).

    .venv/bin/python bench/queue_lanes.py [--contest K] [--backlog N] [--slots S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from judge_latency import unique_source, write_problem

from arena.storage import jobs, queue
from arena.storage.blobs import DiskBlobStore
from arena.storage.migrate import migrate
from arena.storage.problems import import_problem

REDIS_DB = 15
REDIS_URL = f"redis://127.0.0.1:{os.environ.get('ARENA_TEST_REDIS_PORT', '6379')}/{REDIS_DB}"


async def wait_done(db: Any, sid: int) -> None:
    while await db.fetchval("SELECT status <> 'done' FROM submissions WHERE id = $1", sid):
        await asyncio.sleep(0.02)


async def contest_latencies(
    db: Any, redis: Any, users: list[int], problem_id: int, contest_id: int, serial: int
) -> list[float]:
    latencies = []
    for i, user in enumerate(users):
        source = unique_source("python3", serial + i).encode()
        start = time.perf_counter()
        sid = await queue.submit(
            db, redis, user_id=user, problem_id=problem_id, language="python3",
            source=source, contest_id=contest_id,
        )  # fmt: skip
        await wait_done(db, sid)
        latencies.append(time.perf_counter() - start)
    return latencies


async def setup(db: Any, work: Path, users: int) -> tuple[int, int, int, list[int]]:
    async with db.acquire() as conn:
        await migrate(conn)
        problem = await import_problem(
            conn, DiskBlobStore(work / "blobs"), write_problem(work / "aplusb")
        )
        contest_id = await conn.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, penalty_minutes)"
            " VALUES ('lanes', now() - interval '5 minutes', 18000, 20) RETURNING id"
        )
        await conn.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, 'A', 1)",
            contest_id,
            problem.problem_id,
        )
        user_ids = [
            r["id"]
            for r in await conn.fetch(
                "INSERT INTO users (username, password_hash)"
                " SELECT 'lanes' || g, 'x' FROM generate_series(1, $1) g RETURNING id",
                users,
            )
        ]
        await conn.execute(
            "INSERT INTO registrations (contest_id, user_id) SELECT $1, unnest($2::bigint[])",
            contest_id,
            user_ids,
        )
        version = await conn.fetchval(
            "SELECT current_version FROM problems WHERE id = $1", problem.problem_id
        )
    return problem.problem_id, version, contest_id, user_ids


def show(name: str, values: list[float]) -> float:
    p50 = statistics.median(values)
    print(f"  {name:<44} p50 {p50:6.2f} s   max {max(values):6.2f} s   (n={len(values)})")
    return p50


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contest", type=int, default=8, help="contest submissions per phase")
    parser.add_argument("--backlog", type=int, default=200, help="practice + runs queued")
    parser.add_argument("--slots", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    name = f"arena_lanes_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    db = await asyncpg.create_pool(url, min_size=1, max_size=4)
    redis = await jobs.connect(REDIS_URL)
    await redis.flushdb()
    practice_n = args.backlog // 2
    runs_n = args.backlog - practice_n
    worker = None
    runs: list[asyncio.Task[Any]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            problem_id, version, contest_id, users = await setup(
                db, work, 2 * args.contest + practice_n
            )
            env = dict(os.environ)
            env.update(
                ARENA_DATABASE_URL=url,
                ARENA_REDIS_URL=REDIS_URL,
                ARENA_BLOB_DIR=str(work / "blobs"),
                ARENA_JUDGE_SLOTS=str(args.slots),
                ARENA_RUN_TIMEOUT_S="3600",
            )
            log = (work / "worker.log").open("wb")
            worker = subprocess.Popen(
                [sys.executable, "-m", "arena", "worker"], env=env, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            await asyncio.sleep(8)  # the worker starts and fills its warm pool
            empty = await contest_latencies(
                db, redis, users[: args.contest], problem_id, contest_id, 0
            )
            backlog_start = time.perf_counter()
            practice = []
            for i in range(practice_n):
                source = unique_source("python3", 10_000 + i).encode()
                sid = await queue.submit(
                    db, redis, user_id=users[2 * args.contest + i], problem_id=problem_id,
                    language="python3", source=source,
                )  # fmt: skip
                practice.append(sid)
            for i in range(runs_n):
                job = queue.RunJob(
                    problem_id, version, "python3",
                    unique_source("python3", 20_000 + i).encode(), b"1 2\n",
                )  # fmt: skip
                runs.append(
                    asyncio.create_task(
                        queue.run(redis, 1_000_000 + i, job, wait_s=3600, max_in_flight=2)
                    )
                )
            await asyncio.sleep(0.5)
            busy = await contest_latencies(
                db, redis, users[args.contest : 2 * args.contest], problem_id, contest_id, 100
            )
            busy_s = time.perf_counter() - backlog_start
            left_practice = await db.fetchval(
                "SELECT count(*) FROM submissions WHERE status <> 'done' AND contest_id IS NULL"
            )
            left_runs = sum(1 for task in runs if not task.done())
            judged = practice_n - left_practice + runs_n - left_runs
    finally:
        for task in runs:
            task.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
        if worker is not None:
            worker.terminate()
            worker.wait()
        await redis.flushdb()
        await redis.aclose()
        await db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(f"load average after: {os.getloadavg()}")
    print(
        f"A+B python3, 10 tests, 1 worker x {args.slots} slots; backlog {practice_n} practice"
        f" submissions + {runs_n} runs on custom input ({len(practice)} practice queued)"
    )
    print("contest submit -> verdict, one at a time:")
    quiet = show("empty queue", empty)
    loaded = show("backlog queued", busy)
    print(f"  ratio backlog / empty (p50):                  {loaded / quiet:6.2f}x")
    print(
        f"  backlog still queued at the end: {left_practice} practice, {left_runs} runs"
        f" ({judged} of the backlog judged meanwhile)"
    )
    if judged:
        rate = judged / busy_s
        print(
            f"  a FIFO queue would have put the first contest submission behind the backlog:"
            f" ~{args.backlog / rate:.0f} s at the {rate:.2f}/s measured"
        )


if __name__ == "__main__":
    asyncio.run(main())
