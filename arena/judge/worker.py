"""The arq worker: claim, judge in the sandbox, write exactly one verdict, then tell the world.

Order matters for "no result ever lost": the verdict is committed to Postgres first; the ranking
cache and the pub/sub events follow the commit, and both can be rebuilt from Postgres.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import msgspec
from redis.exceptions import RedisError

from arena import logs
from arena.judge import lease, metrics
from arena.judge.budget import over_budget, time_budget_s
from arena.judge.grader import GradingPlan, grade, run_limits
from arena.judge.host_clock import container_cpu_ms
from arena.judge.plans import PlanCache
from arena.judge.pool import WarmPool
from arena.judge.sandbox import SandboxError, SandboxSession
from arena.judge.stopping import GracefulStop, HandBack
from arena.languages import Language, LanguageTable
from arena.protocol import (
    CompileFinished,
    GradingEvent,
    JudgeResult,
    JudgingFinished,
    PipelineEvent,
    SubmissionJudged,
    SubmissionProgress,
    TestFinished,
    TestResult,
    Verdict,
)
from arena.protocol.vocabulary import user_audience
from arena.settings import Settings
from arena.storage import events, queue, ranking_cache, submissions, turns

log = logging.getLogger(__name__)


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
    busy: int = 0  # judgings in flight (the heartbeat reports it)
    heartbeat: asyncio.Task[None] | None = None


async def judge_submission(
    ctx: dict[str, Any], submission_id: int, attempt: int, job_round: int = 0
) -> str:
    token = logs.submission_id.set(submission_id)
    state: WorkerState = ctx["arena"]
    state.busy += 1
    try:
        return await _judge(ctx, submission_id, attempt, job_round)
    finally:
        state.busy -= 1
        logs.submission_id.reset(token)


def _since_enqueued_s(ctx: dict[str, Any]) -> float | None:
    enqueued = ctx.get("enqueue_time")
    if not isinstance(enqueued, datetime):
        return None
    return max(0.0, (datetime.now(UTC) - enqueued).total_seconds())


async def _claim(
    state: WorkerState, submission_id: int, attempt: int, job_round: int
) -> submissions.Claim | str:
    settings = state.settings
    async with state.db.acquire() as conn:
        try:
            claimed = await submissions.claim(
                conn,
                submission_id,
                attempt,
                state.name,
                job_round=job_round,
                lease_s=settings.judge_lease_s,
                max_in_flight=settings.judge_max_in_flight_per_user,
            )
        except submissions.ContestantBusy:
            # The slot goes to another contestant; the row waits for its turn (storage.turns).
            return "waiting: the contestant's other judgings first"
    return "already final, superseded or held" if claimed is None else claimed


async def _heartbeat(state: WorkerState, claimed: submissions.Claim) -> None:
    """Renew the claim's lease while judging; a dead worker stops, and its lease expires. Once
    the claim is no longer ours (rejudged, or taken over after a stall) the judging goes on:
    ``submissions.finish`` refuses its verdict."""
    lease_s = state.settings.judge_lease_s

    async def renew(conn: asyncpg.Connection) -> bool:
        return await submissions.renew(conn, claimed, lease_s)

    await lease.keep(state.db, lease_s, renew, f"submission {claimed.submission_id}")


async def _judge(ctx: dict[str, Any], submission_id: int, attempt: int, job_round: int) -> str:
    state: WorkerState = ctx["arena"]
    phases = metrics.Phases()
    claimed = await _claim(state, submission_id, attempt, job_round)
    phases.mark("claim")
    if isinstance(claimed, str):
        return claimed
    waited_s = _since_enqueued_s(ctx)
    if waited_s is not None and ctx.get("job_try", 1) == 1:
        metrics.QUEUE_WAIT.observe(waited_s)
    heartbeat = asyncio.create_task(_heartbeat(state, claimed))
    timeout_s = state.settings.judge_job_timeout_s
    try:
        language = state.languages.get(claimed.language)
        plan = await state.plans.get(claimed.problem_id, claimed.problem_version)
        phases.mark("plan")
        async with asyncio.timeout(timeout_s), state.stop.guard():
            result = await _grade(state, claimed, language, plan, phases)
        phases.mark("grade")
    except HandBack:
        await _hand_back(state, claimed)
        return "handed back: the worker is stopping"
    except Exception as exc:
        # The judge's failure, not the submission's (the sandbox, test data that cannot be read,
        # the job timeout): a judging error, retried then flagged, never a row left judging.
        return await _judging_error(state, claimed, _error_message(exc, timeout_s))
    finally:
        heartbeat.cancel()
    async with state.db.acquire() as conn:
        won = await submissions.finish(conn, claimed, result)
        if not won:
            return "another claim finished first"
        latency_s = _since_enqueued_s(ctx)
        if latency_s is not None:
            metrics.JUDGE_LATENCY.labels(claimed.language, result.verdict.value).observe(latency_s)
        await _next_turns(state, conn, claimed.user_id)
        phases.mark("finish")
        if claimed.contest_id is not None:
            try:
                await ranking_cache.refresh_user(
                    conn, state.redis, claimed.contest_id, claimed.user_id
                )
                await submissions.board_refreshed(conn, claimed.submission_id, claimed.attempt)
            except Exception as exc:  # board_pending stays set: the sweeper repairs the board
                log.warning("board refresh after %s failed: %s", claimed.submission_id, exc)
            phases.mark("board")
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
    phases.mark("publish")
    log.info("judged %s: %s", result.verdict.value, phases.done())
    return result.verdict.value


async def _next_turns(state: WorkerState, conn: asyncpg.Connection, user_id: int) -> None:
    """Queue the contestant's submissions that waited for this judging, at their places."""
    for submission_id, attempt in await turns.due(
        conn, state.settings.judge_max_in_flight_per_user, user_id
    ):
        try:
            await queue.requeue(state.redis, conn, submission_id, attempt, keep_place=True)
        except (OSError, RedisError) as exc:  # still waiting: the sweeper queues it
            log.warning("turn of %s stays with the sweeper: %s", submission_id, exc)


async def _hand_back(state: WorkerState, claimed: submissions.Claim) -> None:
    """Released and queued at once under a new job round, at its submission time's place in the
    queue: another worker takes it next, ahead of later submissions."""
    state.stop.handed_back += 1
    sid = claimed.submission_id
    async with state.db.acquire() as conn:
        try:
            if not await queue.hand_back(state.redis, conn, claimed):
                return
        except (OSError, RedisError) as exc:
            log.warning("handed-back submission %s stays queued for the sweeper: %s", sid, exc)
    log.info("submission %s attempt %s handed back", sid, claimed.attempt)


def _error_message(exc: Exception, timeout_s: float) -> str:
    if isinstance(exc, SandboxError):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return f"judging took longer than {timeout_s} s"
    return f"{type(exc).__name__}: {exc}"


async def _judging_error(state: WorkerState, claimed: submissions.Claim, message: str) -> str:
    """Count the error; retry under a new job (backing off), or leave it flagged."""
    sid, attempt = claimed.submission_id, claimed.attempt
    async with state.db.acquire() as conn:
        retry = await submissions.record_judging_error(
            conn, claimed, message, state.settings.judge_max_errors
        )
        log.warning("submission %s attempt %s: judging error: %s", sid, attempt, message)
        if not retry:
            return "judging error; flagged for moderators"
        errors = await conn.fetchval("SELECT judge_errors FROM submissions WHERE id = $1", sid)
        try:
            await queue.requeue(state.redis, conn, sid, attempt, defer_s=min(30, 2**errors))
        except Exception as exc:  # the row is queued: the sweeper enqueues it
            log.warning("requeue of %s failed: %s", sid, exc)
    return "judging error; queued again"


async def _grade(
    state: WorkerState,
    claimed: submissions.Claim,
    language: Language,
    plan: GradingPlan,
    phases: metrics.Phases,
) -> JudgeResult:
    finished: list[TestResult] = []
    budget_s = time_budget_s(
        run_limits(language.for_source(claimed.source), plan),
        len(plan.tests),
        state.settings.judge_budget_cap_s,
    )

    async def progress(event: TestFinished) -> None:
        result = event.result
        finished.append(result)
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
        phases.mark("container")
        phases.container_id = session.container_id
        booted = container_cpu_ms(session.container_id)
        try:
            return await _graded(
                state, session, claimed, language, plan, handlers, finished, budget_s
            )
        finally:
            ended = container_cpu_ms(session.container_id)
            if booted is not None and ended is not None:
                phases.cpu_ms.update(boot=booted, judging=ended - booted)


async def _graded(
    state: WorkerState,
    session: SandboxSession,
    claimed: submissions.Claim,
    language: Language,
    plan: GradingPlan,
    handlers: dict[type[Any], Callable[[Any], Awaitable[None]]],
    finished: list[TestResult],
    budget_s: float,
) -> JudgeResult:
    async with (
        contextlib.aclosing(
            cast(
                AsyncGenerator[GradingEvent, None],
                grade(session, language, claimed.source, plan, state.pool.helpers),
            )
        ) as graded,
    ):
        # The budget counts from the end of the compilation: the tests' time together.
        budget = asyncio.timeout(None)
        try:
            async with budget:
                async for event in graded:
                    if isinstance(event, CompileFinished):
                        budget.reschedule(asyncio.get_running_loop().time() + budget_s)
                    handler = handlers.get(type(event))
                    if handler is not None:
                        await handler(event)
                    if isinstance(event, JudgingFinished):
                        if event.result.verdict == Verdict.JE:
                            # A package validator failed: retried, then flagged for moderators.
                            raise SandboxError(f"judging error: {event.result.message}")
                        return event.result
        except TimeoutError:
            if not budget.expired():
                raise
            return over_budget(plan, finished, budget_s)
    raise SandboxError("grading ended without a result")


async def _publish(state: WorkerState, contest_id: int | None, event: PipelineEvent) -> None:
    # Best effort by design: the verdict is already in Postgres, and hubs resync from it.
    if contest_id is None:
        return  # practice: the workspace reads the verdict over HTTP; no socket listens
    try:
        await events.publish(state.redis, contest_id, user_audience(event.user_id), event)
    except Exception as exc:
        log.warning("publish failed: %s", exc)
