"""Runs that count for nothing: a contestant's code on the samples or on their own input.

Served by the same workers and sandboxes as judging, as an arq job whose result the hub awaits;
nothing is written to Postgres.
"""

from __future__ import annotations

from typing import Any

import msgspec

from arena.judge.grader import compile_program, grade, program_for, run_limits, run_or_lost
from arena.judge.verdicts import run_verdict
from arena.languages import LanguageError
from arena.protocol import (
    JudgingFinished,
    RunOutcome,
    TestFinished,
    TestResult,
    Verdict,
    json_encoder,
)

OUTPUT_SHOWN_BYTES = 64 * 1024
run_reply_decoder = msgspec.json.Decoder(RunOutcome)


async def _samples(state: Any, language: Any, source: bytes, plan: Any) -> RunOutcome:
    samples = [t for t in plan.tests if t.is_sample]
    plan = msgspec.structs.replace(
        plan, tests=samples, stop_at_first_failure=False, scoring=None, keep_outputs=True
    )
    outputs: list[str] = []
    async with state.pool.session() as session:
        async for event in grade(session, language, source, plan, state.pool.helpers):
            if isinstance(event, TestFinished):
                outputs.append(event.output or "")
            if isinstance(event, JudgingFinished):
                result = event.result
                return RunOutcome(result.verdict, result.compile_output, result.tests, outputs)
    return RunOutcome(Verdict.JE, "", [], [])


async def _custom(state: Any, language: Any, source: bytes, plan: Any, stdin: bytes) -> RunOutcome:
    async with state.pool.session() as session:
        _, compile_output, compile_error = await compile_program(
            session, language, source, plan.memory_mib
        )
        if compile_error:
            return RunOutcome(Verdict.CE, compile_output, [], [])
        limits = run_limits(language, plan)
        ran = await run_or_lost(
            session, language.run_argv(plan.memory_mib), stdin, limits, "custom"
        )
    if isinstance(ran, TestResult):  # a fork bomb or a flash allocation took the sandbox down
        return RunOutcome(ran.verdict, compile_output, [ran], [""])
    report, output = ran
    failed = run_verdict(report, limits.cpu_time_ms, limits.memory_kib, language.oom_markers)
    verdict = failed or Verdict.AC  # AC here means "ran within the limits": no answer to check
    test = TestResult(
        name="custom",
        verdict=verdict,
        time_ms=report.cpu_ms,
        memory_kib=report.memory_kib,
        wall_ms=report.wall_ms,
        message=report.stderr_tail[-2000:],
    )
    shown = output[:OUTPUT_SHOWN_BYTES].decode(errors="replace")
    return RunOutcome(verdict, compile_output, [test], [shown])


async def run_code(
    ctx: dict[str, Any],
    problem_id: int,
    version: int,
    language_id: str,
    source: bytes,
    stdin: bytes | None,
) -> bytes:
    state = ctx["arena"]
    plan = await state.plans.get(problem_id, version)
    language = state.languages.get(language_id)
    if stdin is None:  # grade() wraps a function problem's submission itself
        outcome = await _samples(state, language, source, plan)
    else:
        try:
            language, program = program_for(language, source, plan.function)
        except LanguageError as exc:
            outcome = RunOutcome(Verdict.CE, str(exc), [], [])
        else:
            outcome = await _custom(state, language, program, plan, stdin)
    return json_encoder.encode(outcome)
