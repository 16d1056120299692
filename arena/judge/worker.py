"""The arq worker: claim, judge in the sandbox, write exactly one verdict, then tell the world.

Order matters for "no result ever lost": the verdict is committed to Postgres first; the ranking
cache and the pub/sub events follow the commit, and both can be rebuilt from Postgres.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
from arq import Retry, cron
from arq.connections import RedisSettings
from arq.worker import Worker, func
from redis.exceptions import RedisError

from arena import logs
from arena.judge import metrics
from arena.judge.grader import GradingPlan, grade
from arena.judge.plans import PlanCache
from arena.judge.pool import WarmPool
from arena.judge.runs import run_code
from arena.judge.sandbox import SandboxError, docker_client
from arena.judge.stopping import GracefulStop, HandBack, serve
from arena.languages import Language, LanguageTable
from arena.protocol import (
    JudgeResult,
    JudgingFinished,
    PipelineEvent,
    SubmissionJudged,
    SubmissionProgress,
    TestFinished,
    Verdict,
    json_encoder,
)
from arena.settings import Settings
from arena.storage import events, jobs, ranking_cache, submissions
from arena.storage.blobs import DiskBlobStore
from arena.storage.queue import JUDGE_FUNCTION, RUN_FUNCTION, enqueue

log = logging.getLogger(__name__)


def submission_channel(contest_id: int | None) -> str:
    return f"arena:submissions:{contest_id if contest_id is not None else 'practice'}"


class WorkerState(msgspec.Struct, kw_only=True):
    """What every job of one worker process shares (kept in arq's ctx)."""

    settings: Settings
    db: Any  # asyncpg.Pool
    redis: Any  # the arq Redis connection
    pool: WarmPool
    languages: LanguageTable
    plans: PlanCache
    name: str
    docker: Any
    stop: GracefulStop


async def judge_submission(ctx: dict[str, Any], submission_id: int, attempt: int) -> str:
    token = logs.submission_id.set(submission_id)
    try:
        return await _judge(ctx, submission_id, attempt)
    finally:
        logs.submission_id.reset(token)


def _since_enqueued_s(ctx: dict[str, Any]) -> float | None:
    enqueued = ctx.get("enqueue_time")
    if not isinstance(enqueued, datetime):
        return None
    return max(0.0, (datetime.now(UTC) - enqueued).total_seconds())


async def _judge(ctx: dict[str, Any], submission_id: int, attempt: int) -> str:
    state: WorkerState = ctx["arena"]
    async with state.db.acquire() as conn:
        claimed = await submissions.claim(conn, submission_id, attempt, state.name)
    if claimed is None:
        return "already final or superseded"
    waited_s = _since_enqueued_s(ctx)
    if waited_s is not None and ctx.get("job_try", 1) == 1:
        metrics.QUEUE_WAIT.observe(waited_s)
    try:
        language = state.languages.get(claimed.language)
        plan = await state.plans.get(claimed.problem_id, claimed.problem_version)
        async with state.stop.guard():
            result = await _grade(state, claimed, language, plan)
    except HandBack:
        await _hand_back(state, claimed)
        return "handed back: the worker is stopping"
    except (SandboxError, OSError) as exc:
        async with state.db.acquire() as conn:
            retry = await submissions.record_judging_error(
                conn, claimed, str(exc), state.settings.judge_max_errors
            )
        log.warning("submission %s attempt %s: judging error: %s", submission_id, attempt, exc)
        if retry:
            raise Retry(defer=min(30, 2 ** ctx.get("job_try", 1))) from exc
        return "judging error; flagged for moderators"
    async with state.db.acquire() as conn:
        won = await submissions.finish(conn, claimed, result)
        if not won:
            return "another claim finished first"
        latency_s = _since_enqueued_s(ctx)
        if latency_s is not None:
            metrics.JUDGE_LATENCY.labels(claimed.language, result.verdict.value).observe(latency_s)
        if claimed.contest_id is not None:
            await ranking_cache.refresh_user(conn, state.redis, claimed.contest_id, claimed.user_id)
    judged = SubmissionJudged(
        submission_id=claimed.submission_id,
        attempt=claimed.attempt,
        user_id=claimed.user_id,
        contest_id=claimed.contest_id,
        problem_id=claimed.problem_id,
        verdict=result.verdict,
        time_ms=result.time_ms,
        memory_kib=result.memory_kib,
        score=result.score,
    )
    await _publish(state, claimed.contest_id, judged)
    return result.verdict.value


async def _hand_back(state: WorkerState, claimed: submissions.Claim) -> None:
    state.stop.handed_back += 1
    async with state.db.acquire() as conn:
        attempt = await submissions.hand_back(conn, claimed)
        if attempt is None:
            return
        try:
            await enqueue(state.redis, conn, claimed.submission_id, attempt)
        except (OSError, RedisError) as exc:
            log.warning(
                "handed-back submission %s stays queued for the sweeper: %s",
                claimed.submission_id,
                exc,
            )
    log.info("submission %s handed back as attempt %s", claimed.submission_id, attempt)


async def _grade(
    state: WorkerState, claimed: submissions.Claim, language: Language, plan: GradingPlan
) -> JudgeResult:
    async def progress(event: TestFinished) -> None:
        result = event.result
        if not plan.tests[event.index].is_sample:
            # A checker's message quotes the expected answer of a secret test: not for the author.
            result = msgspec.structs.replace(result, message="")
        await _publish(
            state,
            claimed.contest_id,
            SubmissionProgress(
                submission_id=claimed.submission_id,
                attempt=claimed.attempt,
                user_id=claimed.user_id,
                contest_id=claimed.contest_id,
                index=event.index,
                total=event.total,
                result=result,
            ),
        )

    handlers: dict[type[Any], Callable[[Any], Awaitable[None]]] = {TestFinished: progress}
    async with state.pool.session() as session:
        async for event in grade(session, language, claimed.source, plan, state.pool.helpers):
            handler = handlers.get(type(event))
            if handler is not None:
                await handler(event)
            if isinstance(event, JudgingFinished):
                if event.result.verdict == Verdict.JE:
                    # A package validator failed: retried, then flagged for moderators.
                    raise SandboxError(f"judging error: {event.result.message}")
                return event.result
    raise SandboxError("grading ended without a result")


async def _publish(state: WorkerState, contest_id: int | None, event: PipelineEvent) -> None:
    # Best effort by design: the verdict is already in Postgres, and hubs resync from it.
    try:
        if contest_id is None:
            await state.redis.publish(submission_channel(None), json_encoder.encode(event))
        else:
            await events.publish(state.redis, contest_id, events.user(event.user_id), event)
    except Exception as exc:
        log.warning("publish failed: %s", exc)


async def sweep(ctx: dict[str, Any]) -> int:
    """Enqueue rows the queue may have lost (Redis down at submit time, or restarted)."""
    state: WorkerState = ctx["arena"]
    async with state.db.acquire() as conn:
        stale = await submissions.pending(conn, state.settings.judge_requeue_after_s)
        for submission_id, attempt in stale:
            await enqueue(state.redis, conn, submission_id, attempt)
    return len(stale)


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.redis_url)


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    if settings.worker_metrics_port is not None:
        metrics.serve(settings.worker_metrics_port)
        log.info("metrics on port %s", settings.worker_metrics_port)
    client = docker_client(settings)
    pool = WarmPool(client, settings, size=settings.judge_slots)
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
    ctx["stop"].started.set()


async def _shutdown(ctx: dict[str, Any]) -> None:
    state: WorkerState | None = ctx.get("arena")
    if state is None:
        return
    await state.pool.close()
    await state.db.close()
    state.docker.close()


def build_worker(settings: Settings, *, burst: bool = False) -> Worker:
    slots = settings.judge_slots
    return Worker(
        functions=[
            func(run_code, name=RUN_FUNCTION, timeout=120, max_tries=1, keep_result=120),
            func(
                judge_submission,
                name=JUDGE_FUNCTION,
                timeout=settings.judge_job_timeout_s,
                max_tries=settings.judge_max_errors + 10,
            ),
        ],
        cron_jobs=[cron(sweep, second=set(range(0, 60, 5)), run_at_startup=True)],
        redis_settings=redis_settings(settings),
        job_serializer=jobs.serialize,
        job_deserializer=jobs.deserialize,
        max_jobs=slots,
        poll_delay=0.05,
        job_timeout=settings.judge_job_timeout_s,
        keep_result=3600,
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings, "stop": GracefulStop()},
        burst=burst,
        # True only keeps arq's close() from faking a signal: serve() installs the handlers.
        handle_signals=True,
    )


def run_worker(settings: Settings) -> None:
    async def main() -> None:
        # arq binds the worker to the loop that is current when it is built.
        worker = build_worker(settings)
        await serve(worker, worker.ctx["stop"], settings.worker_grace_s)

    asyncio.run(main())
