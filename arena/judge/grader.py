"""Grading: compile once, run the tests in order, and yield an event for every step.

The grader decides nothing about presentation or storage: the CLI prints the events, a worker
stores and publishes them; each keeps a table from event kind to handler.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import msgspec

from arena.functions import Signature, wrap
from arena.judge.interactive import run_interactive_test
from arena.judge.sandbox import SandboxOutOfMemory, SandboxRunaway, SandboxSession
from arena.judge.validators import (
    SessionSource,
    ValidatorPlan,
    ValidatorRun,
    program_plan,
    validator_session,
)

# Re-exported: one compile limit for submissions and package programs.
from arena.judge.validators import compile_limits as compile_limits
from arena.judge.verdicts import compile_failed, pass_fail_verdict, result_of, run_verdict
from arena.languages import Language, LanguageError, LanguageTable
from arena.problems.checker import DefaultValidatorFlags, check_output
from arena.problems.package import PackageError, ProblemPackage, TestCase
from arena.problems.scoring import ScoringPlan, score_submission, scoring_plan
from arena.protocol import (
    CompileFinished,
    CompileStarted,
    GradingEvent,
    JudgeResult,
    JudgingFinished,
    ProcessLimits,
    ProcessReport,
    TestFinished,
    TestResult,
    TestStarted,
    Verdict,
)

COMPILE_OUTPUT_SHOWN = 16 * 1024
KEPT_OUTPUT_BYTES = 64 * 1024


class GradingPlan(msgspec.Struct, frozen=True, kw_only=True):
    """Everything about a problem the grader needs, already resolved (time limit included)."""

    tests: list[TestCase]
    time_limit_s: float
    memory_mib: int
    output_mib: int
    checker: DefaultValidatorFlags
    stop_at_first_failure: bool = True
    # Scoring problems: how test verdicts become group scores and the submission's score.
    scoring: ScoringPlan | None = None
    # The package's own output validator (the interactor of an interactive problem).
    validator: ValidatorPlan | None = None
    # Report each test's output with its result (runs on the samples; never for judging).
    keep_outputs: bool = False
    # A function problem's signature: the submission is wrapped by its language's harness.
    function: Signature | None = None


def validator_plan(
    problem: ProblemPackage, languages: LanguageTable | None
) -> ValidatorPlan | None:
    """The custom output validator's plan; None when the default validator judges."""
    if not problem.custom_validator:
        return None
    if problem.output_validator is None:
        raise PackageError(problem.root, "multi-pass problems are not supported")
    if languages is None:
        raise ValueError("a problem with its own output validator needs the language table")
    limits = problem.limits
    return ValidatorPlan(
        program=program_plan(problem.output_validator, languages),
        interactive=problem.interactive,
        flags=problem.validator_flags,
        group_flags={
            g.name: g.settings.output_validator_flags
            for g in problem.groups
            if g.settings.output_validator_flags
        },
        time_s=limits.validation_time_s,
        memory_mib=limits.validation_memory_mib,
        output_mib=limits.validation_output_mib,
    )


def plan_for(
    problem: ProblemPackage, time_limit_s: float, languages: LanguageTable | None = None
) -> GradingPlan:
    """``languages`` picks the language of the package's own validator, if it has one."""
    return GradingPlan(
        tests=problem.tests,
        time_limit_s=time_limit_s,
        memory_mib=problem.limits.memory_mib,
        output_mib=problem.limits.output_mib,
        checker=problem.default_validator,
        stop_at_first_failure=problem.type == "pass-fail",
        scoring=scoring_plan(problem),
        validator=validator_plan(problem, languages),
        function=problem.function,
    )


def program_for(
    language: Language, source: bytes, function: Signature | None
) -> tuple[Language, bytes]:
    """The row resolved for the program to compile, and that program: the source itself, or a
    function problem's submission wrapped by the language's harness (LanguageError without one).
    """
    if function is not None:
        if not language.harness:
            raise LanguageError(
                f"this is a function problem: {language.name} has no harness for it"
                " (choose a language the problem page offers a stub for)"
            )
        source = wrap(function, language.harness, source.decode(errors="replace")).encode()
    return language.for_source(source), source


# gVisor maps a process's stack whole at exec: the stack rlimit (the memory limit), at most this.
GVISOR_STACK_MAP_KIB = 128 * 1024


def address_space_kib(memory_kib: int) -> int:
    """RLIMIT_AS for native code: the memory limit for code and data, plus the mapped stack."""
    return memory_kib + min(memory_kib, GVISOR_STACK_MAP_KIB)


def wall_limit_ms(cpu_ms: int) -> int:
    """The wall limit of a run: its CPU limit plus max(1 s, half of it).

    Wall time only catches programs that sleep or block (CPU time is the real limit), so it stays
    close to the CPU limit: a program that sleeps gets TLE, not a judging slot for minutes.
    """
    return cpu_ms + max(1000, cpu_ms // 2)


def run_limits(language: Language, plan: GradingPlan) -> ProcessLimits:
    cpu_ms = language.cpu_limit_ms(plan.time_limit_s)
    output_kib = plan.output_mib * 1024
    memory_kib = (plan.memory_mib + language.memory_extra_mib) * 1024
    return ProcessLimits(
        cpu_time_ms=cpu_ms,
        wall_time_ms=wall_limit_ms(cpu_ms),
        memory_kib=memory_kib,
        output_kib=output_kib,
        file_size_kib=output_kib + 1,
        processes=language.processes,
        address_space_kib=address_space_kib(memory_kib) if language.address_space_limit else 0,
    )


async def compile_program(
    session: SandboxSession, language: Language, source: bytes, memory_mib: int
) -> tuple[ProcessReport, str, bool]:
    """The one compile step of judging and of runs: the report, the output shown to the
    contestant, and whether it failed."""
    report, output = await asyncio.to_thread(
        session.compile,
        language.source_file,
        source,
        language.compile_argv(memory_mib),
        compile_limits(language),
    )
    shown = output.decode(errors="replace")[:COMPILE_OUTPUT_SHOWN]
    if report.stopped != "none":
        shown += f"\n[compilation stopped: {report.stopped} limit exceeded]"
    return report, shown, compile_failed(report)


async def grade(
    session: SandboxSession,
    language: Language,
    source: bytes,
    plan: GradingPlan,
    helpers: SessionSource | None = None,
) -> AsyncIterator[GradingEvent]:
    """Judge one submission in ``session``'s container. Sandbox failures propagate (JE).

    A problem with its own output validator runs it in a second container from ``helpers``.
    """
    try:
        language, source = program_for(language, source, plan.function)
    except LanguageError as exc:
        yield CompileStarted(language=language.id)
        yield CompileFinished(ok=False, output=str(exc), time_ms=0)
        yield JudgingFinished(
            result=JudgeResult(
                verdict=Verdict.CE, time_ms=0, memory_kib=0, tests=[], compile_output=str(exc)
            )
        )
        return
    yield CompileStarted(language=language.id)
    report, compile_output, failed = await compile_program(
        session, language, source, plan.memory_mib
    )
    yield CompileFinished(ok=not failed, output=compile_output, time_ms=report.wall_ms)
    if failed:
        yield JudgingFinished(
            result=JudgeResult(
                verdict=Verdict.CE, time_ms=0, memory_kib=0, tests=[], compile_output=compile_output
            )
        )
        return

    limits = run_limits(language, plan)
    argv = language.run_argv(plan.memory_mib)
    results: list[TestResult] = []
    total = len(plan.tests)
    async with validator_session(plan.validator, helpers) as validator:
        for index, test in enumerate(plan.tests):
            yield TestStarted(index=index, total=total, name=test.name)
            outputs: list[bytes] = []
            result, container_lost = await _run_test(
                session, language, argv, limits, plan, test, validator, outputs
            )
            results.append(result)
            shown = None
            if plan.keep_outputs:
                shown = b"".join(outputs)[:KEPT_OUTPUT_BYTES].decode(errors="replace")
            yield TestFinished(index=index, total=total, result=result, output=shown)
            # A judging error ends judging: the verdict could not be trusted.
            if container_lost or result.verdict == Verdict.JE:
                break
            if result.verdict != Verdict.AC and plan.stop_at_first_failure:
                break
    verdict = pass_fail_verdict(results)
    failing = next((r for r in results if r.verdict != Verdict.AC), None)
    scored = None
    if plan.scoring is not None:
        scored = score_submission(plan.scoring, [t.name for t in plan.tests], results)
        verdict = scored.verdict
    yield JudgingFinished(
        result=JudgeResult(
            verdict=verdict,
            time_ms=max((r.time_ms for r in results), default=0),
            memory_kib=max((r.memory_kib for r in results), default=0),
            tests=results,
            compile_output=compile_output,
            message=f"{failing.name}: {failing.message}".rstrip(": ") if failing else "",
            score=None if scored is None else scored.score,
            groups=[] if scored is None else scored.groups,
        )
    )


async def run_or_lost(
    session: SandboxSession, argv: list[str], stdin: bytes, limits: ProcessLimits, name: str
) -> tuple[ProcessReport, bytes] | TestResult:
    """Run once; a program that took its container down gets its verdict here (the session is
    then gone)."""
    try:
        return await asyncio.to_thread(session.run, argv, stdin, limits)
    except SandboxOutOfMemory:
        # The whole container was killed for memory: the program's doing, after the runner's
        # own sampling missed a very fast allocation.
        return TestResult(
            name=name,
            verdict=Verdict.MLE,
            time_ms=0,
            memory_kib=limits.memory_kib,
            message="memory limit exceeded",
        )
    except SandboxRunaway as runaway:
        return TestResult(
            name=name,
            verdict=Verdict.TLE,
            time_ms=limits.cpu_time_ms,
            memory_kib=0,
            wall_ms=runaway.elapsed_ms,
            message="stopped from outside the sandbox",
        )


async def _run_test(
    session: SandboxSession,
    language: Language,
    argv: list[str],
    limits: ProcessLimits,
    plan: GradingPlan,
    test: TestCase,
    validator: ValidatorRun | None = None,
    outputs: list[bytes] | None = None,
) -> tuple[TestResult, bool]:
    """The test's result, and whether the program took its container down with it; the
    program's output goes to ``outputs`` when given (not for interactive problems)."""
    if validator is not None and validator.plan.interactive:
        return await run_interactive_test(session, validator, language, argv, limits, test)
    stdin = await asyncio.to_thread(test.input_path.read_bytes)
    ran = await run_or_lost(session, argv, stdin, limits, test.name)
    if isinstance(ran, TestResult):
        return ran, True
    report, output = ran
    if outputs is not None:
        outputs.append(output)
    verdict = run_verdict(report, limits.cpu_time_ms, limits.memory_kib, language.oom_markers)
    message = report.stderr_tail[-300:] if verdict in (Verdict.RTE, Verdict.MLE) else ""
    if verdict is None:
        answer = await asyncio.to_thread(test.answer_path.read_bytes)
        if validator is None:
            check = check_output(output, answer, plan.checker)
            verdict = Verdict.AC if check.accepted else Verdict.WA
            message = check.message
        else:
            verdict, message = await validator.check(test.group, stdin, answer, output)
    return result_of(test.name, verdict, report, message), False
