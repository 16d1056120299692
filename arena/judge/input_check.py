"""The input-validator half of a package check (``arena problem check``, the upload check): every
test input through every input validator of the package, in the sandbox.

Kattis interface: ``validator [flags] < input``; exit 42 means valid, anything else rejects the
input. Flags come from ``input_validator_flags`` of the test's group (a string for every
validator, or a map from validator name to its flags).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import msgspec

from arena.judge.validators import (
    ACCEPTED_EXIT,
    BuiltProgram,
    SessionSource,
    ValidatorFailure,
    build_program,
    program_plan,
)
from arena.languages import LanguageTable
from arena.problems.package import PackageError, ProblemPackage, ProgramSource, TestCase
from arena.protocol import ProcessLimits, ProcessReport, StopReason
from arena.protocol.uploads import InputCheck

_NOTE_CHARS = 200

OnInput = Callable[[InputCheck], Awaitable[None]]


class InputSummary(msgspec.Struct, frozen=True):
    validators: int  # validators that ran
    inputs: int
    rows: list[InputCheck]

    @property
    def rejected(self) -> int:
        return sum(row.outcome in ("rejected", "broken") for row in self.rows)


def validator_flags(problem: ProblemPackage, validator: str, test: TestCase) -> list[str]:
    settings = {group.name: group.settings for group in problem.groups}.get(test.group)
    flags = settings.input_validator_flags if settings is not None else []
    if isinstance(flags, dict):
        return list(flags.get(validator, []))
    return list(flags)


def _limits(problem: ProblemPackage, built: BuiltProgram) -> ProcessLimits:
    cpu_ms = problem.limits.validation_time_s * 1000
    output_kib = problem.limits.validation_output_mib * 1024
    return ProcessLimits(
        cpu_time_ms=cpu_ms,
        wall_time_ms=2 * cpu_ms + 1000,
        memory_kib=(problem.limits.validation_memory_mib + built.language.memory_extra_mib) * 1024,
        output_kib=output_kib,
        file_size_kib=output_kib + 1,
        processes=built.language.processes,
    )


def _why(report: ProcessReport, output: bytes) -> str:
    if report.stopped != StopReason.NONE:
        why = f"{report.stopped.value} limit exceeded"
    elif report.signal is not None:
        why = f"killed by signal {report.signal}"
    else:
        why = f"exit {report.exit_code}"
    text = (report.stderr_tail.strip() or output.decode(errors="replace").strip())[-_NOTE_CHARS:]
    return f"{why}: {' '.join(text.split())}" if text else why


async def _run_all(
    helpers: SessionSource,
    problem: ProblemPackage,
    name: str,
    built: BuiltProgram,
    on_row: OnInput,
) -> list[InputCheck]:
    limits = _limits(problem, built)
    rows: list[InputCheck] = []
    async with helpers.session() as session:
        await asyncio.to_thread(session.put_files, "box", built.files)
        for test in problem.tests:
            argv = [*built.argv, *validator_flags(problem, name, test)]
            data = await asyncio.to_thread(test.input_path.read_bytes)
            report, output = await asyncio.to_thread(session.run, argv, data, limits)
            if report.stopped != StopReason.NONE or report.exit_code != ACCEPTED_EXIT:
                row = InputCheck(
                    validator=name, test=test.name, outcome="rejected", note=_why(report, output)
                )
            else:
                row = InputCheck(validator=name, test=test.name, outcome="ok")
            await on_row(row)
            rows.append(row)
    return rows


async def _check_one(
    helpers: SessionSource,
    languages: LanguageTable,
    problem: ProblemPackage,
    program: ProgramSource,
    on_row: OnInput,
) -> list[InputCheck]:
    try:
        plan = program_plan(program, languages)
    except PackageError:
        row = InputCheck(
            validator=program.name, test="", outcome="skipped", note="no supported language"
        )
        await on_row(row)
        return [row]
    try:
        built = await build_program(plan, helpers)
    except ValidatorFailure as exc:
        note = " ".join(str(exc).split())[:_NOTE_CHARS]
        row = InputCheck(validator=program.name, test="", outcome="broken", note=note)
        await on_row(row)
        return [row]
    return await _run_all(helpers, problem, program.name, built, on_row)


async def check_inputs(
    helpers: SessionSource,
    languages: LanguageTable,
    problem: ProblemPackage,
    on_row: OnInput,
) -> InputSummary:
    """Every row goes to ``on_row`` as soon as it is known (valid inputs too)."""
    rows: list[InputCheck] = []
    ran = 0
    for program in problem.input_validators:
        found = await _check_one(helpers, languages, problem, program, on_row)
        ran += not (len(found) == 1 and found[0].outcome == "skipped")
        rows.extend(found)
    return InputSummary(validators=ran, inputs=len(problem.tests), rows=rows)
