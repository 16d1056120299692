"""What the hub benchmarks share: a throwaway database, hub processes, a contest, percentiles.

Every bench owns its database (created here, dropped at the end even on failure), one Redis DB
number (flushed at the start) and the hub processes it starts (killed at the end).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from arena.storage.blobs import DiskBlobStore
from arena.storage.migrate import migrate
from arena.storage.problems import import_problem

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parent.parent
APLUSB = ROOT / "examples" / "problems" / "aplusb"


def redis_port() -> int:
    """The Redis server the benches use: ARENA_TEST_REDIS_PORT (each engineer's own server:
    pub/sub channels ignore database numbers), else the default 6379."""
    return int(os.environ.get("ARENA_TEST_REDIS_PORT", "6379"))


def bench_redis(db: int) -> Any:
    from redis.asyncio import Redis

    return Redis(port=redis_port(), db=db)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_nofile() -> int:
    """Soft open-files limit up to the hard one (sockets are files); returns the new limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


@contextlib.asynccontextmanager
async def fresh_database(label: str) -> AsyncIterator[str]:
    """A migrated database of its own, dropped afterwards; yields its URL."""
    name = f"arena_bench_{label}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def claim_redis_db(redis: Any, number: int) -> None:
    """Flush the bench's Redis DB, unless another client (a hub, a test) is using that number."""
    me = int(await redis.client_id())
    others = [c for c in await redis.client_list() if c["db"] == str(number) and int(c["id"]) != me]
    if others:
        raise SystemExit(
            f"Redis DB {number} is in use by {len(others)} other connection(s)"
            f" (e.g. {others[0]['addr']}); stop them or change REDIS_DB in the bench"
        )
    await redis.flushdb()


async def redis_run_id(redis: Any) -> str:
    """Changes when Redis restarts: other engineers' chaos tests do that on this shared machine."""
    return str((await redis.info("server"))["run_id"])


def warn_if_restarted(before: str, after: str) -> None:
    if before != after:
        print(
            "WARNING: Redis restarted during this run (not by this bench): the hub lost its"
            " subscriptions and resynced; these figures do not measure steady state."
        )


def hub_env(database_url: str, redis_db: int, blob_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ARENA_DATABASE_URL=database_url,
        ARENA_REDIS_URL=f"redis://127.0.0.1:{redis_port()}/{redis_db}",
        ARENA_BLOB_DIR=str(blob_dir),
    )
    env.update(extra)
    return env


def start_hub(
    env: dict[str, str], port: int, log: Path, processes: int = 1
) -> subprocess.Popen[bytes]:
    """``arena hub``; with ``processes`` > 1, that many on the port (SO_REUSEPORT) under one
    parent (``hub_pids`` lists them)."""
    arena = Path(sys.executable).parent / "arena"
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(arena), "hub", "--port", str(port), "--processes", str(processes)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=raise_nofile,  # the hub holds one file per socket
        )


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"hub on port {port} exited:\n{tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/api/health")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"hub on port {port} not healthy after 30 s:\n{tail(log)}")


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def hub_pids(proc: subprocess.Popen[Any]) -> list[int]:
    """The serving processes: the hub itself, or the children of an ``--processes`` parent."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [int(c) for c in children] or [proc.pid]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds all processes on the machine have used (to tell the bench's share apart)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def make_contest(
    conn: Any, blob_dir: Path, contestants: int, password_hash: str = "x"
) -> tuple[int, str, list[int]]:
    """A running public contest with A+B as problem A and registered contestants.

    Returns (contest id, problem slug, user ids). Users are created in one statement.
    """
    imported = await import_problem(conn, DiskBlobStore(blob_dir), APLUSB)
    contest_id: int = await conn.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, penalty_minutes)"
        " VALUES ('bench', now() - interval '30 minutes', 18000, 20) RETURNING id"
    )
    await conn.execute(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
        " VALUES ($1, $2, 'A', 1)",
        contest_id,
        imported.problem_id,
    )
    rows = await conn.fetch(
        "INSERT INTO users (username, password_hash)"
        " SELECT 'bench' || i, $1 FROM generate_series(1, $2) AS i RETURNING id",
        password_hash,
        contestants,
    )
    user_ids = [int(r["id"]) for r in rows]
    await conn.execute(
        "INSERT INTO registrations (contest_id, user_id) SELECT $1, unnest($2::bigint[])",
        contest_id,
        user_ids,
    )
    slug: str = await conn.fetchval("SELECT slug FROM problems WHERE id = $1", imported.problem_id)
    return contest_id, slug, user_ids


def percentile(sorted_samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_samples:
        return float("nan")
    index = min(len(sorted_samples) - 1, max(0, int(fraction * len(sorted_samples) + 0.5) - 1))
    return sorted_samples[index]


def summary_ms(samples_s: Sequence[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in milliseconds."""
    ordered = sorted(samples_s)
    return tuple(percentile(ordered, f) * 1000 for f in (0.50, 0.95, 0.99))  # type: ignore[return-value]


def line(name: str, samples_s: Sequence[float]) -> str:
    p50, p95, p99 = summary_ms(samples_s)
    return (
        f"{name:<28} n={len(samples_s):<7} p50 {p50:8.3f} ms  p95 {p95:8.3f} ms  p99 {p99:8.3f} ms"
    )
