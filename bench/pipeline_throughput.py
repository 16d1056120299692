"""Sustained judged submissions per second through the whole pipeline, against the bare host.

Pipeline: N submissions of A+B (python3, 10 tests, each source unique, one contestant each) are
committed to Postgres and queued on arq; W worker processes of S sandbox slots each judge them in
gVisor. The figure is N divided by the time from the first submit to the last final verdict.
Baseline in the same run: the same compile + runs + checks as plain host processes, W x S at a
time, with no sandbox, queue or database.

Then where the time goes: the workers' wall time per phase of a judging (from their "judged" log
lines), and the host CPU per submission by kind of process (bench/host_cpu.py), which bounds the
rate: two cores give at most 2 / (CPU per submission) judged/s.

    .venv/bin/python bench/pipeline_throughput.py [--submissions N] [--workers W] [--slots S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
from host_cpu import HostCpu
from judge_latency import bare_once, unique_source, write_problem

from arena.languages import LanguageTable
from arena.problems.package import load_package
from arena.settings import Settings
from arena.storage import jobs
from arena.storage.blobs import DiskBlobStore
from arena.storage.migrate import migrate
from arena.storage.problems import import_problem
from arena.storage.queue import submit

REDIS_DB = 14
# Side-by-side checkouts each have their own Redis server (see tests/support.py).
REDIS_URL = f"redis://127.0.0.1:{os.environ.get('ARENA_TEST_REDIS_PORT', '6379')}/{REDIS_DB}"


CPU_KINDS = {
    "sandbox": "gVisor containers (sentry, gofer, runner, programs)",
    "shim": "their containerd shims",
    "docker": "dockerd + containerd (shared with other Docker users)",
    "worker": "arena worker processes",
    "postgres": "Postgres (every backend on the host)",
    "redis": "redis-server",
    "other": "everything else on the host (bench, other users)",
    "machine": "machine total (/proc/stat)",
}
JUDGED = re.compile(r"judged (\w+): (.*) container=(\w*)")


def report_phases(log_text: str, cpu: dict[str, float], submissions: int) -> None:
    phases: dict[str, list[float]] = {}
    for found in JUDGED.finditer(log_text):
        for item in found.group(2).split():
            name, _, value = item.partition("=")
            name = name.removesuffix("_ms").replace("_cpu", " (container CPU)")
            phases.setdefault(name, []).append(float(value))
    print("worker wall time per judging, ms        mean     p50     max")
    for name, values in phases.items():
        print(
            f"  {name:<36} {statistics.mean(values):7.1f} {statistics.median(values):7.1f}"
            f" {max(values):7.1f}"
        )
    print("host CPU per submission, ms (sampled every 0.2 s)")
    for kind, label in CPU_KINDS.items():
        print(f"  {label:<56} {cpu.get(kind, 0.0) * 1000 / submissions:7.1f}")
    ours = sum(v for k, v in cpu.items() if k not in ("other", "machine"))
    per_s = ours / submissions
    print(f"  {'sum of the pipeline kinds':<56} {per_s * 1000:7.1f}")
    cores = os.cpu_count() or 1
    print(f"  => CPU bound on {cores} cores: {cores / per_s:5.2f} judged/s")


async def pipeline_rate(args: argparse.Namespace, problem_dir: Path, work: Path) -> float:
    name = f"arena_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    db = await asyncpg.create_pool(url, min_size=1, max_size=4)
    redis = await jobs.connect(REDIS_URL)
    await redis.flushdb()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        async with db.acquire() as conn:
            await migrate(conn)
            problem = await import_problem(conn, DiskBlobStore(work / "blobs"), problem_dir)
            # One contestant per submission, as at a contest: a worker judges at most
            # ARENA_JUDGE_MAX_IN_FLIGHT_PER_USER submissions of one user at a time.
            user_ids = [
                row["id"]
                for row in await conn.fetch(
                    "INSERT INTO users (username, password_hash)"
                    " SELECT 'bench' || g, 'x' FROM generate_series(1, $1) g RETURNING id",
                    args.submissions,
                )
            ]
        env = dict(os.environ)
        env.update(
            ARENA_DATABASE_URL=url,
            ARENA_REDIS_URL=REDIS_URL,
            ARENA_BLOB_DIR=str(work / "blobs"),
            ARENA_JUDGE_SLOTS=str(args.slots),
            ARENA_LOG_LEVEL="INFO",
            ARENA_LOG_FORMAT="text",
        )
        log = (work / "workers.log").open("wb")
        workers = [
            subprocess.Popen([sys.executable, "-m", "arena", "worker"], env=env, stdout=log,
                             stderr=subprocess.STDOUT)
            for _ in range(args.workers)
        ]  # fmt: skip
        await asyncio.sleep(args.warmup_s)  # workers start and fill their warm pools
        with HostCpu([proc.pid for proc in workers]) as cpu:
            start = time.perf_counter()
            ids = [
                await submit(db, redis, user_id=user_ids[i], problem_id=problem.problem_id,
                             language="python3", source=unique_source("python3", i).encode())
                for i in range(args.submissions)
            ]  # fmt: skip
            while await db.fetchval(
                "SELECT count(*) FROM submissions WHERE status <> 'done'"
                " AND id = ANY($1::bigint[])",
                ids,
            ):
                await asyncio.sleep(0.1)
            elapsed = time.perf_counter() - start
        log.flush()
        log_text = (work / "workers.log").read_text(errors="replace")
        containers = {found.group(3) for found in JUDGED.finditer(log_text)}
        report_phases(log_text, cpu.by_kind(containers), args.submissions)
        wrong = await db.fetchval("SELECT count(*) FROM submissions WHERE verdict <> 'AC'")
        assert wrong == 0, f"{wrong} submissions not accepted"
        return args.submissions / elapsed
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.wait()
        await redis.aclose()
        await db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def bare_rate(args: argparse.Namespace, problem_dir: Path) -> float:
    settings = Settings.from_env()
    language = LanguageTable.load(settings.sandbox_dir / "languages.toml").get("python3")
    problem = load_package(problem_dir)
    start = time.perf_counter()
    with ThreadPoolExecutor(args.workers * args.slots) as pool:
        list(
            pool.map(
                lambda i: bare_once(problem, language, unique_source("python3", i)),
                range(args.submissions),
            )
        )
    return args.submissions / (time.perf_counter() - start)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--slots", type=int, default=os.cpu_count() or 1, help="per worker")
    parser.add_argument("--warmup-s", type=float, default=8.0)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        problem_dir = write_problem(work / "aplusb")
        rate = await pipeline_rate(args, problem_dir, work)
        bare = bare_rate(args, problem_dir)
    print(f"load average after: {os.getloadavg()}")
    print(
        f"A+B python3, 10 tests, {args.submissions} submissions,"
        f" {args.workers} workers x {args.slots} slots"
    )
    print(f"pipeline (Postgres + arq + gVisor): {rate:6.2f} judged/s")
    print(f"bare host (no sandbox, no queue):   {bare:6.2f} judged/s")
    print(f"ratio bare / pipeline:              {bare / rate:6.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
