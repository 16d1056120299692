"""The worker's side of one judging, submission by submission (bench/judge_floor.py --pipeline):
one worker with one slot on a fresh database, each submission committed and queued only after the
previous one is final, so nothing waits behind another. Submit -> final verdict is measured here;
the worker's phases (claim, plan, container handout, grade, finish = the verdict's commit,
publish) come from its "judged" log lines; queue pickup is what is left (enqueue, arq's 50 ms
poll, the job's start). No contest: the board refresh (one sorted-set update, measured by
bench/ranking_cache.py) is not in the path.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
from judge_latency import unique_source
from pipeline_throughput import JUDGED

from arena.storage import jobs
from arena.storage.blobs import DiskBlobStore
from arena.storage.migrate import migrate
from arena.storage.problems import import_problem
from arena.storage.queue import submit

REDIS_DB = 13


async def pipeline_profile(
    problem_dir: Path, work: Path, langs: list[str], count: int, redis_port: int
) -> dict[str, dict[str, float]]:
    """p50 ms per phase and language."""
    name = f"arena_floor_{uuid.uuid4().hex[:8]}"
    redis_url = f"redis://127.0.0.1:{redis_port}/{REDIS_DB}"
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    db = await asyncpg.create_pool(url, min_size=1, max_size=2)
    worker = None
    try:
        await asyncio.sleep(0.5)  # the Redis server listens
        redis = await jobs.connect(redis_url)
        await redis.flushdb()
        async with db.acquire() as conn:
            await migrate(conn)
            problem = await import_problem(conn, DiskBlobStore(work / "blobs"), problem_dir)
            user_id = await conn.fetchval(
                "INSERT INTO users (username, password_hash) VALUES ('floor', 'x') RETURNING id"
            )
        env = dict(
            os.environ,
            ARENA_DATABASE_URL=url,
            ARENA_REDIS_URL=redis_url,
            ARENA_BLOB_DIR=str(work / "blobs"),
            ARENA_JUDGE_SLOTS="1",
            ARENA_LOG_LEVEL="INFO",
            ARENA_LOG_FORMAT="text",
        )
        log_path = work / "worker.log"
        with log_path.open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "arena", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            await asyncio.sleep(8.0)  # the worker starts and fills its warm pool
            e2e: dict[str, list[float]] = {}
            for lang in langs:
                for serial in range(count + 1):
                    await asyncio.sleep(1.5)  # the pool refills: a worker at steady state
                    start = time.perf_counter()
                    sid = await submit(
                        db,
                        redis,
                        user_id=user_id,
                        problem_id=problem.problem_id,
                        language=lang,
                        source=unique_source(lang, serial).encode(),
                    )
                    while await db.fetchval(
                        "SELECT status <> 'done' FROM submissions WHERE id = $1", sid
                    ):
                        await asyncio.sleep(0.002)
                    e2e.setdefault(lang, []).append((time.perf_counter() - start) * 1000)
        # The worker logs a verdict after committing it (and publishing): wait for the last line.
        expected, deadline = len(langs) * (count + 1), time.monotonic() + 30
        while True:
            lines = list(JUDGED.finditer(log_path.read_text(errors="replace")))
            if len(lines) >= expected or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        if len(lines) != expected:
            sys.exit(f"{len(lines)} 'judged' lines in the worker's log, {expected} expected")
        await redis.aclose()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait()
        await db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        redis_server.terminate()
        redis_server.wait()
    result: dict[str, dict[str, float]] = {}
    for index, lang in enumerate(langs):
        own = lines[index * (count + 1) + 1 : (index + 1) * (count + 1)]  # first one: warm-up
        phases: dict[str, list[float]] = {}
        for found in own:
            for item in found.group(2).split():
                key, _, value = item.partition("=")
                if not key.endswith("_cpu_ms"):
                    phases.setdefault(key.removesuffix("_ms"), []).append(float(value))
        sums = [sum(values[i] for values in phases.values()) for i in range(len(own))]
        rows = {key: statistics.median(values) for key, values in phases.items()}
        pickups = [total - worked for total, worked in zip(e2e[lang][1:], sums, strict=True)]
        result[lang] = {
            "queue pickup (submit, enqueue, arq poll)": statistics.median(pickups),
            **rows,
            "submit -> final verdict": statistics.median(e2e[lang][1:]),
        }
    return result
