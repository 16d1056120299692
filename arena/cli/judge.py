"""``arena judge PROBLEM_DIR SOURCE``: judge one source file against a problem package."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import docker.errors

from arena.cli.common import UsageError
from arena.judge.containers import docker_client
from arena.judge.grader import GradingPlan, plan_for
from arena.judge.package_check import judge_in
from arena.judge.sandbox import FreshSessions, SandboxError
from arena.languages import Language, LanguageError, LanguageTable
from arena.problems.package import PackageError, ProblemPackage, infer_time_limit, load_package
from arena.problems.scoring import scoring_plan
from arena.protocol import (
    CompileFinished,
    CompileStarted,
    GradingEvent,
    JudgeResult,
    JudgingFinished,
    TestFinished,
    TestStarted,
    Verdict,
    json_encoder,
)
from arena.settings import Settings

# The cap for the runs that measure accepted submissions when a package gives no time limit.
INFERENCE_TIME_LIMIT_S = 10.0


def register(commands: Any) -> None:
    parser = commands.add_parser("judge", help="judge a source file against a problem package")
    parser.add_argument("problem_dir", type=Path, help="Kattis/ICPC problem package directory")
    parser.add_argument("source", type=Path, help="the source file to judge")
    parser.add_argument("--lang", help="language id (default: from the file extension)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
        language = languages.get(args.lang) if args.lang else languages.for_path(args.source)
        problem = load_package(args.problem_dir)
        # A scoring package's groups must add up before anything is judged.
        scoring_plan(problem)
    except (LanguageError, PackageError) as exc:
        raise UsageError(str(exc)) from exc
    source = read_source(args.source, problem.limits.code_kib)
    try:
        result = asyncio.run(judge_with_progress(settings, languages, problem, language, source))
    except PackageError as exc:
        raise UsageError(str(exc)) from exc
    except (SandboxError, docker.errors.DockerException) as exc:
        print(f"arena: judging error (sandbox): {exc}", file=sys.stderr)
        return 3
    if args.json:
        sys.stdout.write(json_encoder.encode(result).decode() + "\n")
    else:
        print_result(result, sys.stdout)
    # A package validator failed (JE): a judging error, like a sandbox failure.
    return 3 if result.verdict == Verdict.JE else 0


def read_source(path: Path, code_kib: int) -> bytes:
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the source: {exc.strerror or exc}") from exc
    if len(source) > code_kib * 1024:
        raise UsageError(f"{path}: the source is larger than the problem's {code_kib} KiB limit")
    return source


async def judge_with_progress(
    settings: Settings,
    languages: LanguageTable,
    problem: ProblemPackage,
    language: Language,
    source: bytes,
) -> JudgeResult:
    time_limit_s = problem.limits.time_limit_s
    if time_limit_s is None:
        time_limit_s = await measure_time_limit(settings, languages, problem)
    plan = plan_for(problem, time_limit_s, languages)
    return await judge_once(settings, language, source, plan, progress)


async def judge_once(
    settings: Settings,
    language: Language,
    source: bytes,
    plan: GradingPlan,
    on_event: Callable[[GradingEvent], None],
) -> JudgeResult:
    client = docker_client(settings)
    fresh = FreshSessions(client, settings)
    try:
        return await judge_in(fresh, fresh, language, source, plan, on_event)
    finally:
        client.close()


async def measure_time_limit(
    settings: Settings, languages: LanguageTable, problem: ProblemPackage
) -> float:
    """The package gives no time limit: the slowest accepted submission times the package's
    multiplier (5 in legacy packages, 2 in 2023-07), rounded up to its time resolution (1 s)."""
    slowest_ms: int | None = None
    plan = plan_for(problem, INFERENCE_TIME_LIMIT_S, languages)
    for path in problem.accepted_submissions:
        try:
            language = languages.for_path(path)
        except LanguageError:
            print(f"time limit: skipping {path.name} (unknown language)", file=sys.stderr)
            continue
        if not await asyncio.to_thread(path.is_file):
            continue
        source = await asyncio.to_thread(path.read_bytes)
        result = await judge_once(settings, language, source, plan, lambda _: None)
        if result.verdict != Verdict.AC:
            print(f"time limit: {path.name} is not accepted ({result.verdict})", file=sys.stderr)
            continue
        slowest_ms = max(slowest_ms or 0, result.time_ms)
    limits = problem.limits
    limit = infer_time_limit(
        None if slowest_ms is None else slowest_ms / 1000,
        multiplier=limits.time_multiplier,
        resolution_s=limits.time_resolution_s,
    )
    print(f"time limit: {limit:g} s (none given by the package; inferred)", file=sys.stderr)
    return limit


def _on_compile_started(event: CompileStarted) -> str:
    return f"compiling ({event.language})…"


def _on_compile_finished(event: CompileFinished) -> str:
    return f"compiled in {event.time_ms} ms" if event.ok else "compilation failed"


def _on_test_started(event: TestStarted) -> str:
    return ""


def _on_test_finished(event: TestFinished) -> str:
    r = event.result
    line = f"[{event.index + 1}/{event.total}] {r.name:<24} {r.verdict:<3} {r.time_ms:>6} ms"
    line += f" {r.memory_kib / 1024:>8.1f} MiB"
    return line + (f"  {r.message}" if r.message and r.verdict != Verdict.AC else "")


def _on_judging_finished(event: JudgingFinished) -> str:
    return ""


PROGRESS: dict[type[Any], Callable[[Any], str]] = {
    CompileStarted: _on_compile_started,
    CompileFinished: _on_compile_finished,
    TestStarted: _on_test_started,
    TestFinished: _on_test_finished,
    JudgingFinished: _on_judging_finished,
}


def progress(event: GradingEvent) -> None:
    line = PROGRESS[type(event)](event)
    if line:
        print(line, file=sys.stderr, flush=True)


def print_result(result: JudgeResult, out: TextIO) -> None:
    out.write(
        f"{result.verdict}  time {result.time_ms} ms  memory {result.memory_kib / 1024:.1f} MiB"
        f"  tests {sum(t.verdict == Verdict.AC for t in result.tests)}/{len(result.tests)}\n"
    )
    if result.score is not None:
        out.write(f"score {result.score:g}\n")
        for group in result.groups:
            most = "unbounded" if group.max_score is None else f"{group.max_score:g}"
            out.write(f"  {group.name:<24} {group.score:g}/{most}  {group.verdict}\n")
    if result.message:
        out.write(result.message + "\n")
    if result.verdict == Verdict.CE:
        out.write(result.compile_output + "\n")
