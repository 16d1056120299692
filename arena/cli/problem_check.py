"""``arena problem check DIR``: judge a package's own submissions against their folders' verdicts.

A problem setter's first tool: every file in ``submissions/<folder>/`` is judged in the sandbox
and compared with what the folder promises (accepted → AC, wrong_answer → WA, …).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import docker.errors
import msgspec

from arena.cli.common import UsageError
from arena.cli.input_check import check_inputs, format_row
from arena.cli.judge import judge_once, measure_time_limit
from arena.judge.grader import plan_for
from arena.judge.sandbox import SandboxError
from arena.languages import LanguageError, LanguageTable
from arena.problems.package import PackageError, ProblemPackage, load_package
from arena.problems.scoring import ScoringPlan, scoring_plan
from arena.protocol import JudgeResult, Verdict
from arena.settings import Settings

# The Kattis/ICPC submission folders and the verdicts they promise ("rejected": anything but AC).
EXPECTED: dict[str, frozenset[Verdict]] = {
    "accepted": frozenset({Verdict.AC}),
    "wrong_answer": frozenset({Verdict.WA}),
    "time_limit_exceeded": frozenset({Verdict.TLE}),
    # Kattis judges a program over its memory limit as a run-time error: it has no MLE verdict.
    "run_time_error": frozenset({Verdict.RTE, Verdict.MLE}),
    "memory_limit_exceeded": frozenset({Verdict.MLE}),
    "output_limit_exceeded": frozenset({Verdict.OLE}),
    "compile_error": frozenset({Verdict.CE}),
    "rejected": frozenset(Verdict) - {Verdict.AC, Verdict.JE},
    # Scoring problems only; see _score_as_expected.
    "partially_accepted": frozenset(Verdict) - {Verdict.CE, Verdict.JE},
}


class CheckRow(msgspec.Struct, frozen=True):
    folder: str
    file: str
    outcome: str  # "ok", "MISMATCH" or "skipped"
    verdict: str = ""
    time_ms: int = 0
    note: str = ""


def add_check(actions: Any) -> None:
    parser = actions.add_parser(
        "check", help="judge the package's submissions/ against their folders"
    )
    parser.add_argument("path", type=Path, metavar="DIR", help="problem package directory")
    parser.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
        problem = load_package(args.path)
        scoring_plan(problem)
    except (LanguageError, PackageError) as exc:
        raise UsageError(str(exc)) from exc
    if not problem.submissions and not problem.input_validators:
        raise UsageError(f"{args.path}: the package has no submissions/ folder to check")
    try:
        inputs = asyncio.run(
            check_inputs(settings, languages, problem, lambda r: print(format_row(r), flush=True))
        )
        if problem.input_validators:
            print(
                f"{inputs.inputs} inputs, {inputs.validators} input validators: "
                f"{inputs.rejected} rejected"
            )
        rows = asyncio.run(check(settings, languages, problem)) if problem.submissions else []
    except PackageError as exc:
        raise UsageError(str(exc)) from exc
    except (SandboxError, docker.errors.DockerException) as exc:
        print(f"arena: judging error (sandbox): {exc}", file=sys.stderr)
        return 3
    mismatched = sum(r.outcome == "MISMATCH" for r in rows)
    skipped = sum(r.outcome == "skipped" for r in rows)
    print(
        f"{len(rows)} submissions: {len(rows) - mismatched - skipped} as expected, "
        f"{mismatched} mismatched, {skipped} skipped"
    )
    return 1 if mismatched or inputs.rejected else 0


async def check(
    settings: Settings, languages: LanguageTable, problem: ProblemPackage
) -> list[CheckRow]:
    time_limit_s = problem.limits.time_limit_s
    if time_limit_s is None:
        time_limit_s = await measure_time_limit(settings, languages, problem)
    plan = plan_for(problem, time_limit_s, languages)
    rows: list[CheckRow] = []
    for folder, paths in sorted(problem.submissions.items()):
        for path in paths:
            row = await _check_one(settings, languages, plan, folder, path)
            print(_format(row), flush=True)
            rows.append(row)
    return rows


async def _check_one(
    settings: Settings, languages: LanguageTable, plan: Any, folder: str, path: Path
) -> CheckRow:
    expected = EXPECTED.get(folder)
    if expected is None or (folder == "partially_accepted" and plan.scoring is None):
        return CheckRow(folder, path.name, "skipped", note=f"no verdict known for {folder}/")
    if not await asyncio.to_thread(path.is_file):
        return CheckRow(folder, path.name, "skipped", note="multi-file submissions not supported")
    try:
        language = languages.for_path(path)
    except LanguageError:
        return CheckRow(folder, path.name, "skipped", note=f"no language for {path.suffix}")
    source = await asyncio.to_thread(path.read_bytes)
    result = await judge_once(settings, language, source, plan, lambda _: None)
    as_expected = result.verdict in expected
    note = ""
    if plan.scoring is not None and result.score is not None:
        as_expected = as_expected and _score_as_expected(folder, result, plan.scoring)
        note = f"score {result.score:g}"
    outcome = "ok" if as_expected else "MISMATCH"
    return CheckRow(folder, path.name, outcome, result.verdict.value, result.time_ms, note)


def _score_as_expected(folder: str, result: JudgeResult, scoring: ScoringPlan) -> bool:
    """Accepted means the full score; partially accepted (legacy: with an AC verdict) means
    less than that, and more than nothing in the 2023-07 format, whose partial verdicts are
    failures."""
    score = result.score or 0.0
    full = scoring.max_score is None or score >= scoring.max_score - 1e-9
    if folder == "accepted":
        return full
    if folder == "partially_accepted":
        if scoring.format == "legacy":
            return not full and result.verdict == Verdict.AC
        return not full and score > 0
    return True


def _format(row: CheckRow) -> str:
    if row.outcome == "skipped":
        return f"{row.folder:<22} {row.file:<28} skipped: {row.note}"
    line = f"{row.folder:<22} {row.file:<28} {row.verdict:<4} {row.time_ms:>6} ms  {row.outcome}"
    return f"{line}  {row.note}" if row.note else line
