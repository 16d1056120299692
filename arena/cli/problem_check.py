"""``arena problem check DIR``: judge a package's own submissions against their folders' verdicts.

A problem setter's first tool: every file in ``submissions/<folder>/`` is judged in the sandbox
and compared with what the folder promises (accepted → AC, wrong_answer → WA, …). The check itself
is the judge layer's (arena/judge/package_check.py, input_check.py), shared with the browser
upload's worker job; this prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import docker.errors

from arena.cli.common import UsageError
from arena.cli.judge import measure_time_limit
from arena.judge.containers import docker_client
from arena.judge.grader import plan_for
from arena.judge.input_check import InputSummary, check_inputs
from arena.judge.package_check import check_submissions
from arena.judge.sandbox import FreshSessions, SandboxError
from arena.languages import LanguageError, LanguageTable
from arena.problems.package import PackageError, ProblemPackage, load_package
from arena.problems.scoring import scoring_plan
from arena.protocol.uploads import InputCheck, SubmissionCheck
from arena.settings import Settings


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
        inputs, rows = asyncio.run(_check(settings, languages, problem))
    except PackageError as exc:
        raise UsageError(str(exc)) from exc
    except (SandboxError, docker.errors.DockerException) as exc:
        print(f"arena: judging error (sandbox): {exc}", file=sys.stderr)
        return 3
    mismatched = sum(r.outcome == "mismatch" for r in rows)
    skipped = sum(r.outcome == "skipped" for r in rows)
    print(
        f"{len(rows)} submissions: {len(rows) - mismatched - skipped} as expected, "
        f"{mismatched} mismatched, {skipped} skipped"
    )
    return 1 if mismatched or inputs.rejected else 0


async def _check(
    settings: Settings, languages: LanguageTable, problem: ProblemPackage
) -> tuple[InputSummary, list[SubmissionCheck]]:
    client = docker_client(settings)
    fresh = FreshSessions(client, settings)
    try:
        inputs = await check_inputs(fresh, languages, problem, _print_input)
        if problem.input_validators:
            print(
                f"{inputs.inputs} inputs, {inputs.validators} input validators: "
                f"{inputs.rejected} rejected"
            )
        if not problem.submissions:
            return inputs, []
        time_limit_s = problem.limits.time_limit_s
        if time_limit_s is None:
            time_limit_s = await measure_time_limit(settings, languages, problem)
        plan = plan_for(problem, time_limit_s, languages)
        rows = await check_submissions(fresh, fresh, languages, problem, plan, _print_submission)
        return inputs, rows
    finally:
        client.close()


async def _print_input(row: InputCheck) -> None:
    if row.outcome != "ok":  # only what needs the setter's attention
        print(format_input(row), flush=True)


async def _print_submission(row: SubmissionCheck) -> None:
    print(format_submission(row), flush=True)


def format_input(row: InputCheck) -> str:
    test = row.test or "-"
    return f"{'input:' + row.validator:<22} {test:<28} {row.outcome.upper():<8} {row.note}"


def format_submission(row: SubmissionCheck) -> str:
    if row.outcome == "skipped":
        return f"{row.folder:<22} {row.file:<28} skipped: {row.note}"
    outcome = row.outcome.upper() if row.outcome == "mismatch" else row.outcome
    line = f"{row.folder:<22} {row.file:<28} {row.verdict:<4} {row.time_ms:>6} ms  {outcome}"
    return f"{line}  {row.note}" if row.note else line
