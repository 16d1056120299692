"""A worker stopped with SIGTERM: judgings finish within the grace or are handed back, its warm
containers go with it, and it exits 0 with one log line and no traceback."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import start_worker, worker_env
from stop_support import (
    STOP_REDIS_DB,
    assert_clean_exit,
    lines_with,
    sandbox_containers,
    terminate,
)
from support import make_problem, redis_url

from arena.storage import jobs
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem
from arena.storage.queue import submit
from arena.storage.submissions import job_id

pytestmark = pytest.mark.sandbox


def slow_source(sleep_s: float) -> bytes:
    """Accepted, after sleeping on every test (wall time, not CPU: well under the limits)."""
    source = f"import time\ntime.sleep({sleep_s})\na, b = map(int, input().split())\nprint(a + b)\n"
    return source.encode()


@pytest.fixture
async def arq_redis() -> Any:
    redis = await jobs.connect(redis_url(STOP_REDIS_DB))
    await redis.flushdb()
    yield redis
    await redis.aclose()


@pytest.fixture
async def problem_id(db: Any, tmp_path: Path) -> int:
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    tests["secret/02"] = ("7 8\n", "15\n")
    make_problem(tmp_path / "problem", tests, time_limit_s=5.0)
    async with db.acquire() as conn:
        imported = await import_problem(
            conn, DiskBlobStore(tmp_path / "blobs"), tmp_path / "problem",
            slug=f"slow-{uuid.uuid4().hex[:8]}",
        )  # fmt: skip
    return imported.problem_id


def env_for(database_url: str, tmp_path: Path, grace_s: float) -> dict[str, str]:
    return worker_env(
        database_url,
        tmp_path / "blobs",
        ARENA_REDIS_URL=redis_url(STOP_REDIS_DB),
        ARENA_JUDGE_SLOTS="2",
        ARENA_JUDGE_JOB_TIMEOUT_S="120",
        ARENA_WORKER_GRACE_S=str(grace_s),
    )


async def wait_for(db: Any, sid: int, condition: str, timeout_s: float = 90) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = await db.fetchrow(f"SELECT * FROM submissions WHERE id = $1 AND {condition}", sid)
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    row = await db.fetchrow("SELECT status, attempt, worker FROM submissions WHERE id = $1", sid)
    raise AssertionError(f"submission {sid} never got {condition}: {dict(row)}")


async def submit_to(
    db: Any, redis: Any, problem_id: int, source: bytes, pid: int
) -> tuple[int, str]:
    """A new user's submission, once the worker ``pid`` judges it; returns (id, worker name)."""
    user_id = await db.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
        f"stop-{uuid.uuid4().hex[:8]}",
    )
    sid = await submit(
        db, redis, user_id=user_id, problem_id=problem_id, language="python3", source=source
    )
    owner = f"{socket.gethostname()}:{pid}"
    await wait_for(db, sid, f"status = 'judging' AND worker = '{owner}'")
    return sid, owner


def wait_warm(pid: int, count: int, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while len(sandbox_containers([pid])) < count:
        assert time.monotonic() < deadline, f"worker {pid} never had {count} warm containers"
        time.sleep(0.2)


async def stop_while_judging(
    db: Any,
    redis: Any,
    problem_id: int,
    env: dict[str, str],
    tmp_path: Path,
    source: bytes,
    signals: list[signal.Signals],
) -> tuple[int, str, int, int, Path]:
    """A worker judging ``source`` gets these signals, half a second apart; then its exit.
    Returns (submission id, worker name, exit status, pid, log)."""
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_warm(worker.pid, 2)
        sid, owner = await submit_to(db, redis, problem_id, source, worker.pid)
        for sig in signals[:-1]:
            worker.send_signal(sig)
            await asyncio.sleep(0.5)
        status = await asyncio.to_thread(terminate, worker, signals[-1])
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    return sid, owner, status, worker.pid, log


async def test_a_judging_in_flight_finishes_within_the_grace(
    db: Any, database_url: str, arq_redis: Any, problem_id: int, tmp_path: Path
) -> None:
    sid, owner, status, pid, log = await stop_while_judging(
        db, arq_redis, problem_id, env_for(database_url, tmp_path, grace_s=60), tmp_path,
        slow_source(1.0), [signal.SIGTERM],
    )  # fmt: skip
    assert_clean_exit(status, log)
    row = await db.fetchrow(
        "SELECT status, verdict, attempt, worker FROM submissions WHERE id = $1", sid
    )
    assert (row["status"], row["verdict"], row["attempt"], row["worker"]) == (
        "done",
        "AC",
        1,
        owner,
    )
    stopped = lines_with(log, "worker stopped on SIGTERM")
    assert len(stopped) == 1 and "0 handed back" in stopped[0], stopped
    assert sandbox_containers([pid]) == []


async def test_a_judging_past_the_grace_is_handed_back_to_another_worker(
    db: Any, database_url: str, arq_redis: Any, problem_id: int, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    env = env_for(database_url, tmp_path, grace_s=1)
    worker = start_worker(env, log)
    other = None
    try:
        wait_warm(worker.pid, 2)
        sid, _ = await submit_to(db, arq_redis, problem_id, slow_source(4.0), worker.pid)
        await asyncio.sleep(0.5)  # into the first test's run
        status = await asyncio.to_thread(terminate, worker)
        assert_clean_exit(status, log)
        # Released at once: a new job round, already on the queue for the next worker.
        row = await db.fetchrow(
            "SELECT status, attempt, job_round, worker FROM submissions WHERE id = $1", sid
        )
        assert (row["status"], row["attempt"], row["job_round"], row["worker"]) == (
            "queued",
            1,
            1,
            None,
        )
        queued = await arq_redis.zrange("arq:queue", 0, -1)
        assert job_id(sid, 1, 1).encode() in queued, (queued, log.read_text()[-3000:])
        stopped = lines_with(log, "worker stopped on SIGTERM")
        assert len(stopped) == 1 and "1 handed back" in stopped[0], stopped
        assert sandbox_containers([worker.pid]) == []

        other = start_worker(env, tmp_path / "other.log")
        done = await wait_for(db, sid, "status = 'done'")
        # Round 1, or a later one if the sweeper found it waiting (no worker ran meanwhile).
        assert (done["verdict"], done["attempt"]) == ("AC", 1) and done["job_round"] >= 1
        assert done["worker"] == f"{socket.gethostname()}:{other.pid}"
        # Counted once in the problem's statistics although its first claim never finished.
        counts = await db.fetchrow(
            "SELECT submission_count, accepted_count FROM problems WHERE id = $1", problem_id
        )
        assert (counts["submission_count"], counts["accepted_count"]) == (1, 1)
    finally:
        for proc in (worker, other):
            if proc is not None and proc.poll() is None:
                status = await asyncio.to_thread(terminate, proc)
    assert other is not None
    assert_clean_exit(status, tmp_path / "other.log")
    assert sandbox_containers([worker.pid, other.pid]) == []


async def test_a_second_signal_hands_back_at_once(
    db: Any, database_url: str, arq_redis: Any, problem_id: int, tmp_path: Path
) -> None:
    """Ctrl-C twice: no waiting out a long grace."""
    sid, _, status, pid, log = await stop_while_judging(
        db, arq_redis, problem_id, env_for(database_url, tmp_path, grace_s=600), tmp_path,
        slow_source(4.0), [signal.SIGINT, signal.SIGTERM],
    )  # fmt: skip
    assert_clean_exit(status, log)
    stopped = lines_with(log, "worker stopped on SIGINT")
    assert len(stopped) == 1 and "1 handed back" in stopped[0], stopped
    row = await db.fetchrow("SELECT status, job_round FROM submissions WHERE id = $1", sid)
    assert (row["status"], row["job_round"]) == ("queued", 1)
    assert sandbox_containers([pid]) == []
