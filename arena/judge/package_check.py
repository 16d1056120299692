"""The submissions half of a package check (``arena problem check``, the upload check): every
file of ``submissions/<folder>/`` judged in the sandbox and compared with its folder's promise.

The sandboxes come from the caller: fresh containers for the CLI, the worker's warm pool for an
upload (its job holds one of the worker's slots, so it takes one submission container at a time
like any judging)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import cast

from arena.judge.grader import GradingPlan, grade
from arena.judge.sandbox import SandboxError
from arena.judge.validators import SessionSource
from arena.languages import Language, LanguageError, LanguageTable
from arena.problems.expectations import judged, skipped, why_not_checked
from arena.problems.package import ProblemPackage
from arena.protocol import GradingEvent, JudgeResult, JudgingFinished
from arena.protocol.uploads import SubmissionCheck

OnSubmission = Callable[[SubmissionCheck], Awaitable[None]]


async def judge_in(
    judges: SessionSource,
    helpers: SessionSource,
    language: Language,
    source: bytes,
    plan: GradingPlan,
    on_event: Callable[[GradingEvent], None],
) -> JudgeResult:
    """One submission judged in a container of ``judges`` (validators in ``helpers``)."""
    async with (
        judges.session() as session,
        contextlib.aclosing(
            cast(
                AsyncGenerator[GradingEvent, None],
                grade(session, language, source, plan, helpers),
            )
        ) as graded,
    ):
        async for event in graded:
            on_event(event)
            if isinstance(event, JudgingFinished):
                return event.result
    raise SandboxError("grading ended without a result")


async def check_one(
    judges: SessionSource,
    helpers: SessionSource,
    languages: LanguageTable,
    plan: GradingPlan,
    folder: str,
    path: Path,
) -> SubmissionCheck:
    why = why_not_checked(folder, plan.scoring)
    if why is not None:
        return skipped(folder, path.name, why)
    if not await asyncio.to_thread(path.is_file):
        return skipped(folder, path.name, "multi-file submissions not supported")
    try:
        language = languages.for_path(path)
    except LanguageError:
        return skipped(folder, path.name, f"no language for {path.suffix}")
    source = await asyncio.to_thread(path.read_bytes)
    result = await judge_in(judges, helpers, language, source, plan, lambda _: None)
    return judged(folder, path.name, result, plan.scoring)


async def check_submissions(
    judges: SessionSource,
    helpers: SessionSource,
    languages: LanguageTable,
    problem: ProblemPackage,
    plan: GradingPlan,
    on_row: OnSubmission,
) -> list[SubmissionCheck]:
    """Folders in name order, files in the package's order; each row goes to ``on_row`` as soon
    as it is judged. Sandbox failures propagate: the check could not finish."""
    rows: list[SubmissionCheck] = []
    for folder, paths in sorted(problem.submissions.items()):
        for path in paths:
            row = await check_one(judges, helpers, languages, plan, folder, path)
            await on_row(row)
            rows.append(row)
    return rows
