"""The input-validator half of ``arena problem check``: every test input through every input
validator of the package, in the sandbox.

Kattis interface: ``validator [flags] < input``; exit 42 means valid, anything else rejects the
input. Flags come from ``input_validator_flags`` of the test's group (a string for every
validator, or a map from validator name to its flags).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import msgspec

from arena.judge.sandbox import FreshSessions, SandboxSession, docker_client
from arena.judge.validators import (
    ACCEPTED_EXIT,
    BuiltProgram,
    ValidatorFailure,
    build_program,
    program_plan,
)
from arena.languages import LanguageTable
from arena.problems.package import PackageError, ProblemPackage, ProgramSource, TestCase
from arena.protocol import ProcessLimits, ProcessReport, StopReason
from arena.settings import Settings

_NOTE_CHARS = 200


class InputRow(msgspec.Struct, frozen=True):
    validator: str
    test: str  # "" for a row about the validator itself
    outcome: str  # "rejected", "skipped" or "broken"
    note: str = ""


class InputSummary(msgspec.Struct, frozen=True):
    validators: int  # validators that ran
    inputs: int
    rows: list[InputRow]

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


def _run_all(
    session: SandboxSession, problem: ProblemPackage, name: str, built: BuiltProgram
) -> list[InputRow]:
    session.put_files("box", built.files)
    limits = _limits(problem, built)
    rows: list[InputRow] = []
    for test in problem.tests:
        argv = [*built.argv, *validator_flags(problem, name, test)]
        report, output = session.run(argv, test.input_path.read_bytes(), limits)
        if report.stopped != StopReason.NONE or report.exit_code != ACCEPTED_EXIT:
            rows.append(InputRow(name, test.name, "rejected", _why(report, output)))
    return rows


async def _check_one(
    helpers: FreshSessions,
    languages: LanguageTable,
    problem: ProblemPackage,
    program: ProgramSource,
) -> list[InputRow] | None:
    """Rows for one validator; None when it is not run (no supported language)."""
    try:
        plan = program_plan(program, languages)
    except PackageError:
        return None
    try:
        built = await build_program(plan, helpers)
    except ValidatorFailure as exc:
        return [InputRow(program.name, "", "broken", " ".join(str(exc).split())[:_NOTE_CHARS])]
    async with helpers.session() as session:
        return await asyncio.to_thread(_run_all, session, problem, program.name, built)


async def check_inputs(
    settings: Settings,
    languages: LanguageTable,
    problem: ProblemPackage,
    on_row: Callable[[InputRow], None],
) -> InputSummary:
    client = docker_client(settings)
    helpers = FreshSessions(client, settings)
    rows: list[InputRow] = []
    ran = 0
    try:
        for program in problem.input_validators:
            found = await _check_one(helpers, languages, problem, program)
            if found is None:
                found = [InputRow(program.name, "", "skipped", "no supported language")]
            else:
                ran += 1
            for row in found:
                on_row(row)
            rows.extend(found)
    finally:
        client.close()
    return InputSummary(validators=ran, inputs=len(problem.tests), rows=rows)


def format_row(row: InputRow) -> str:
    test = row.test or "-"
    return f"{'input:' + row.validator:<22} {test:<28} {row.outcome.upper():<8} {row.note}"
