"""The worker process: its start (warm pool, database, heartbeat) and end, and arq's worker
with the judging, run and plagiarism jobs and the sweeper (the judging itself is
``arena.judge.worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from arq import cron
from arq.connections import RedisSettings
from arq.constants import default_queue_name
from arq.utils import to_unix_ms
from arq.worker import Worker, func
from redis.exceptions import RedisError

from arena.judge import metrics
from arena.judge.containers import docker_client
from arena.judge.heartbeat import beat_forever, worker_status
from arena.judge.plagiarism_job import plagiarism_check
from arena.judge.plans import PlanCache
from arena.judge.pool import WarmPool
from arena.judge.problem_upload_job import problem_upload
from arena.judge.runs import run_code
from arena.judge.stopping import GracefulStop, serve
from arena.judge.sweeper import sweep
from arena.judge.worker import WorkerState, judge_submission
from arena.languages import LanguageTable
from arena.settings import Settings
from arena.storage import jobs, queue, workers
from arena.storage.blobs import DiskBlobStore
from arena.storage.queue import (
    JUDGE_FUNCTION,
    PLAGIARISM_FUNCTION,
    PROBLEM_UPLOAD_FUNCTION,
    RUN_FUNCTION,
)

log = logging.getLogger("arena.judge.worker")
_JOB_TIMEOUT_MARGIN_S = 30
# A sweep nobody ran within this long is dropped: later ones do the same work.
_CRON_EXPIRES = timedelta(minutes=5)


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.redis_url)


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    if settings.worker_metrics_port is not None:
        metrics.serve(settings.worker_metrics_port)
        log.info("metrics on port %s", settings.worker_metrics_port)
    # Every slot's exchanges with its runner, and the pool's container starts and removals,
    # block a thread each: asyncio's default (cores + 4 threads) left slots waiting for one.
    containers = settings.judge_slots + settings.sandbox_pool_spare
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=4 * containers + 8, thread_name_prefix="judge")
    )
    client = docker_client(settings)
    pool = WarmPool(client, settings, size=containers, slots=settings.judge_slots)
    await pool.start()
    db = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    blobs = DiskBlobStore(settings.blob_dir)
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    ctx["arena"] = WorkerState(
        settings=settings,
        db=db,
        redis=ctx["redis"],
        pool=pool,
        languages=languages,
        plans=PlanCache(db, blobs, languages),
        name=f"{socket.gethostname()}:{os.getpid()}",
        docker=client,
        stop=ctx["stop"],
    )
    state: WorkerState = ctx["arena"]
    started_at = time.time()
    queue_name = str(ctx.get("queue_name") or default_queue_name)
    state.heartbeat = asyncio.create_task(
        beat_forever(
            state.redis,
            settings.worker_heartbeat_s,
            lambda: worker_status(
                state.name, settings.judge_slots, state.busy, [queue_name], started_at
            ),
        )
    )
    ctx["stop"].started.set()


async def _shutdown(ctx: dict[str, Any]) -> None:
    state: WorkerState | None = ctx.get("arena")
    if state is None:
        return
    if state.heartbeat is not None:
        state.heartbeat.cancel()
        with contextlib.suppress(OSError, RedisError):
            await workers.gone(state.redis, state.name)
    await state.pool.close()
    await state.db.close()
    state.docker.close()


class _LaneWorker(Worker):
    """The lanes' order kept by arq's worker (see arena.storage.queue).

    arq reads up to 100 due job ids a poll (in-progress ones of other workers among them) and
    then waits for a free slot for each in turn: with every slot busy, the ids it holds keep
    their turn while a contest judging arrives ahead of them in the queue. This one stops at the
    first id it has no free slot for, so the next poll reads the queue's order afresh."""

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        for job_id in job_ids:
            if self.sem.locked():
                return
            await super().start_jobs([job_id])

    async def run_cron(self, n: datetime, delay: float, num_windows: int = 2) -> None:
        """arq's, except that a cron job (the sweeper) is queued ahead of the lanes: arq puts it
        at its due time, behind every due judging. It is queued up to ``delay * num_windows``
        (1 s) before that time and may run that much early."""
        cutoff = n + timedelta(seconds=delay * num_windows)
        for cron_job in self.cron_jobs:
            if cron_job.next_run is None:
                if not cron_job.run_at_startup:
                    cron_job.calculate_next(n)
                    continue
                cron_job.next_run = n
            if cron_job.next_run < cutoff:
                # The same id on every worker: one sweep per tick, whoever takes it.
                await self.pool.enqueue_job(
                    cron_job.name,
                    _job_id=f"{cron_job.name}:{to_unix_ms(cron_job.next_run)}",
                    _queue_name=self.queue_name,
                    _defer_until=queue.ahead_of_lanes(cron_job.next_run),
                    _expires=_CRON_EXPIRES,
                )
                cron_job.calculate_next(cron_job.next_run)


def build_worker(settings: Settings, *, burst: bool = False) -> Worker:
    slots = settings.judge_slots
    worker = _LaneWorker(
        functions=[
            func(run_code, name=RUN_FUNCTION, timeout=120, max_tries=1, keep_result=120),
            func(plagiarism_check, name=PLAGIARISM_FUNCTION, timeout=1800, max_tries=1),
            # One try: a package that kills its worker must not kill every worker in turn; the
            # sweeper takes back an upload whose worker died (arena/storage/upload_recovery.py).
            func(
                problem_upload,
                name=PROBLEM_UPLOAD_FUNCTION,
                timeout=settings.problem_upload_job_s,
                max_tries=1,
            ),
            func(
                judge_submission,
                name=JUDGE_FUNCTION,
                # The worker's own timeout (judge_job_timeout_s) ends a judging first, as a
                # judging error; arq's is the backstop.
                timeout=settings.judge_job_timeout_s + _JOB_TIMEOUT_MARGIN_S,
                max_tries=settings.judge_max_errors + 10,
            ),
        ],
        cron_jobs=[
            cron(
                sweep,
                second=set(range(0, 60, max(1, settings.judge_sweep_every_s))),
                run_at_startup=True,
            )
        ],
        redis_settings=redis_settings(settings),
        job_serializer=jobs.serialize,
        job_deserializer=jobs.deserialize,
        max_jobs=slots,
        poll_delay=0.05,
        job_timeout=settings.judge_job_timeout_s + _JOB_TIMEOUT_MARGIN_S,
        keep_result=3600,
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings, "stop": GracefulStop()},
        burst=burst,
        # True only keeps arq's close() from faking a signal: serve() installs the handlers.
        handle_signals=True,
    )
    # The sweeper tells a job whose taker died before claiming it by its in-progress mark's age.
    worker.ctx["in_progress_ttl_s"] = worker.in_progress_timeout_s
    return worker


def run_worker(settings: Settings) -> None:
    async def main() -> None:
        # arq binds the worker to the loop that is current when it is built.
        worker = build_worker(settings)
        await serve(worker, worker.ctx["stop"], settings.worker_grace_s)

    asyncio.run(main())
