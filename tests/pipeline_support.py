"""Setting up the real pipeline for tests: a problem, a contest, users, and worker processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import msgspec
from support import make_problem, redis_url

from arena.storage import keys

REDIS_TEST_DB = 13

SOURCES = {
    "AC": "a, b = map(int, input().split())\nprint(a + b)\n",
    "WA": "a, b = map(int, input().split())\nprint(a - b - 1)\n",
    "TLE": "while True:\n    pass\n",
    "CE": "print(\n",
}


class World(msgspec.Struct):
    problem_id: int
    contest_id: int
    user_ids: list[int]
    test_count: int


async def make_world(
    conn: Any, blobs: Any, root: Path, users: int, time_limit_s: float = 0.5
) -> World:
    from arena.storage.problems import import_problem

    tests = {"sample/1": ("1 2\n", "3\n")}
    for i in range(1, 3):
        tests[f"secret/{i:02d}"] = (f"{i} {i * 10}\n", f"{i * 11}\n")
    make_problem(root, tests, time_limit_s=time_limit_s)
    slug = f"aplusb-{uuid.uuid4().hex[:8]}"
    imported = await import_problem(conn, blobs, root, slug=slug)
    contest_id = await conn.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, penalty_minutes)"
        " VALUES ($1, now() - interval '30 minutes', 18000, 20) RETURNING id",
        f"chaos {slug}",
    )
    await conn.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        imported.problem_id,
    )
    user_ids = []
    for i in range(users):
        user_id = await conn.fetchval(
            "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
            f"u{i}-{uuid.uuid4().hex[:8]}",
        )
        await conn.execute(
            "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
        )
        user_ids.append(user_id)
    return World(
        problem_id=imported.problem_id,
        contest_id=contest_id,
        user_ids=user_ids,
        test_count=len(tests),
    )


async def submit_kind(db: Any, redis: Any, world: World, kind: str, user_id: int = 0) -> int:
    """Submit the python3 program of ``kind`` (AC, WA, TLE, CE) to the world's contest."""
    from arena.storage.queue import submit

    return await submit(
        db,
        redis,
        user_id=user_id or world.user_ids[0],
        problem_id=world.problem_id,
        language="python3",
        source=SOURCES[kind].encode(),
        contest_id=world.contest_id,
    )


def worker_env(database_url: str, blob_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ARENA_DATABASE_URL=database_url,
        ARENA_REDIS_URL=redis_url(REDIS_TEST_DB),
        ARENA_BLOB_DIR=str(blob_dir),
        ARENA_JUDGE_SLOTS="1",
        ARENA_JUDGE_JOB_TIMEOUT_S="20",
        ARENA_JUDGE_REQUEUE_AFTER_S="10",
        # Several workers on one machine: "auto" would pin the first slot of each to core 0.
        ARENA_JUDGE_CPUS="",
    )
    env.update(extra)
    return env


def die_with_parent() -> None:
    """In the child before exec: SIGKILL when the test process dies, so that a killed test run
    leaves no worker or hub behind to take the next run's jobs (PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "arena", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )


def kill_worker(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL, as a crash would; then what the next worker's start does: remove its orphans."""
    import docker

    from arena.judge.containers import remove_orphans

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    client = docker.from_env()
    try:
        remove_orphans(client)
    finally:
        client.close()


async def wait_all_final(db: Any, ids: list[int], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        left = await db.fetchval(
            "SELECT count(*) FROM submissions WHERE id = ANY($1::bigint[]) AND status <> 'done'",
            ids,
        )
        if left == 0:
            return
        await asyncio.sleep(0.5)
    rows = await db.fetch(
        "SELECT id, status, attempt, judge_errors FROM submissions"
        " WHERE id = ANY($1::bigint[]) AND status <> 'done'",
        ids,
    )
    raise AssertionError(f"not final after {timeout_s} s: {[dict(r) for r in rows][:10]}")


async def assert_ranking_matches_postgres(db: Any, redis: Any, contest_id: int) -> None:
    from arena.ranking import pack
    from arena.storage import ranking_cache
    from arena.storage.contest_state import load_contest

    async with db.acquire() as conn:
        info = await load_contest(conn, contest_id)
        assert info is not None
        board = await ranking_cache.compute_board(conn, info, None)
    assert board
    for user_id, stored in board.items():
        expected = pack(stored.row, info.scoring)
        cached = await redis.zscore(keys.ranking(contest_id), str(user_id))
        assert cached == expected, (user_id, cached, expected)


async def assert_verdicts_and_test_rows(db: Any, world: World, expected: dict[int, str]) -> None:
    """Each submission has its expected verdict (AC, WA, TLE) and one set of test rows: all the
    tests for AC, the first failing one otherwise (none written twice by competing claims)."""
    rows = await db.fetch(
        "SELECT id, verdict FROM submissions WHERE id = ANY($1::bigint[])", list(expected)
    )
    assert {r["id"]: r["verdict"] for r in rows} == expected
    counts = await db.fetch(
        "SELECT submission_id, count(*) AS n FROM test_results"
        " WHERE submission_id = ANY($1::bigint[]) GROUP BY submission_id",
        list(expected),
    )
    per_kind = {"AC": world.test_count, "WA": 1, "TLE": 1}
    assert {r["submission_id"]: r["n"] for r in counts} == {
        sid: per_kind[kind] for sid, kind in expected.items()
    }
