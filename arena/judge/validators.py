"""Package programs in the sandbox: custom output validators (Kattis interface), input validators.

A validator is built once per worker process: compiled in a sandbox container, then the whole work
directory (sources and binaries) is read back and kept on the host, keyed by a hash of the
language and the source files. Every later run copies those files into a fresh container from the
helper pool, never into the submission's own container, so the submission never sees answer files.

The output validator interface is the Kattis one::

    validator input_file answer_file feedback_dir [validator_flags] [group flags] < team_output

Exit 42 is accepted, 43 wrong answer; any other exit, a signal or a limit is a judging error (JE),
never AC. ``judgemessage.txt`` from the feedback directory is kept in the test's message for
moderators.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

import msgspec

from arena.judge.sandbox import (
    SandboxError,
    SandboxFile,
    SandboxOutOfMemory,
    SandboxRunaway,
    SandboxSession,
)
from arena.languages import Language, LanguageError, LanguageTable
from arena.problems.package import PackageError, ProgramSource
from arena.protocol import ProcessLimits, ProcessReport, StopReason, Verdict

__all__ = [
    "ACCEPTED_EXIT",
    "WRONG_ANSWER_EXIT",
    "BuiltProgram",
    "ProgramFile",
    "ProgramPlan",
    "SessionSource",
    "ValidatorFailure",
    "ValidatorPlan",
    "ValidatorRun",
    "build_program",
    "compile_limits",
    "feedback_message",
    "program_plan",
    "validator_limits",
    "validator_session",
    "validator_verdict",
]

ACCEPTED_EXIT = 42
WRONG_ANSWER_EXIT = 43
TEST_DIR = "test"
INPUT_PATH = "/work/test/input"
ANSWER_PATH = "/work/test/answer"
FEEDBACK_DIR = "/work/test/feedback/"
COMPILE_OUTPUT_KIB = 64
COMPILE_FILE_KIB = 256 * 1024
_ARTIFACT_MAX_BYTES = 256 * 1024 * 1024
_FEEDBACK_MAX_BYTES = 64 * 1024
_MESSAGE_CHARS = 2000
_CACHE_ENTRIES = 64
# Compiled languages first: a C++ validator may ship a Python helper script, not the reverse.
_LANGUAGE_PREFERENCE = ("cpp", "c", "java", "typescript", "javascript", "python3")
# Runtimes that check or run one file; the others compile every source file of the program.
_SINGLE_SOURCE = frozenset({"python3", "javascript"})
_ENTRY_STEMS = ("main", "validate", "validator", "interactor", "checker")


class ValidatorFailure(SandboxError):
    """A package program cannot be built: the problem's fault, a judging error for everyone."""


class SessionSource(Protocol):
    """Where the grader gets a second sandbox container for a validator."""

    def session(self) -> AbstractAsyncContextManager[SandboxSession]: ...


class ProgramFile(msgspec.Struct, frozen=True):
    name: str
    path: Path


class ProgramPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A package program with its language resolved: enough to build and run it."""

    name: str
    language: Language
    entry: str
    files: list[ProgramFile]


class ValidatorPlan(msgspec.Struct, frozen=True, kw_only=True):
    """The custom output validator of a problem, with its limits and flags."""

    program: ProgramPlan
    interactive: bool
    flags: list[str]
    # Test group name → that group's output_validator_flags (inherited), appended to ``flags``.
    group_flags: dict[str, list[str]]
    time_s: int
    memory_mib: int
    output_mib: int

    def args_for(self, group: str) -> list[str]:
        return [*self.flags, *self.group_flags.get(group, [])]


class BuiltProgram(msgspec.Struct, frozen=True):
    """A built program: the files to put into ``/work/box`` and the command that runs it."""

    files: list[SandboxFile]
    argv: list[str]
    language: Language


def _entry(name: str, candidates: list[str], contents: dict[str, bytes]) -> str:
    if len(candidates) == 1:
        return candidates[0]
    stems = {Path(c).stem.lower(): c for c in candidates}
    for stem in (*_ENTRY_STEMS, name.lower()):
        if stem in stems:
            return stems[stem]
    for marker in (b"__main__", b"static void main"):
        for candidate in candidates:
            if marker in contents.get(candidate, b""):
                return candidate
    return candidates[0]


def program_plan(
    source: ProgramSource | tuple[str, list[ProgramFile]], languages: LanguageTable
) -> ProgramPlan:
    """Pick the program's language from its files' extensions and its entry file."""
    if isinstance(source, ProgramSource):
        name, files = source.name, [ProgramFile(n, p) for n, p in source.paths()]
        origin = source.root / source.files[0] if len(source.files) == 1 else source.root
    else:
        name, files = source
        origin = Path(name)
    by_language: dict[str, list[str]] = {}
    for file in files:
        try:
            language = languages.for_path(Path(file.name))
        except LanguageError:
            continue  # headers, data files
        by_language.setdefault(language.id, []).append(file.name)
    ranked = sorted(
        by_language,
        key=lambda i: _LANGUAGE_PREFERENCE.index(i) if i in _LANGUAGE_PREFERENCE else 99,
    )
    if not ranked:
        names = ", ".join(f.name for f in files)
        raise PackageError(origin, f"no source file in a known language among: {names}")
    language = languages.get(ranked[0])
    candidates = sorted(by_language[language.id])
    contents: dict[str, bytes] = {}
    if len(candidates) > 1:
        paths = {f.name: f.path for f in files}
        contents = {c: paths[c].read_bytes() for c in candidates}
    return ProgramPlan(
        name=name, language=language, entry=_entry(name, candidates, contents), files=files
    )


def _sources(plan: ProgramPlan) -> list[str]:
    if plan.language.id in _SINGLE_SOURCE:
        return [plan.entry]
    extensions = {"." + e for e in plan.language.extensions}
    return sorted(f.name for f in plan.files if Path(f.name).suffix in extensions)


def _compile_argv(plan: ProgramPlan, memory_mib: int) -> list[str]:
    argv: list[str] = []
    for arg in plan.language.compile:
        if arg == "{source}":
            argv.extend(_sources(plan))
        else:
            argv.append(arg.format(source=plan.entry, memory_mib=memory_mib))
    return argv


def _run_argv(plan: ProgramPlan, memory_mib: int) -> list[str]:
    language = plan.language.for_source(b"")
    stem = Path(plan.entry).stem
    default_stem = Path(language.source_file).stem
    renamed = {f"{default_stem}.js": f"{stem}.js", default_stem: stem}
    argv = language.run_argv(memory_mib)
    # The table names the contestant's fixed file (Main, main.js); a package program keeps its own.
    argv = [a.replace(language.source_file, plan.entry) for a in argv]
    return [renamed.get(a, a) if a != "./main" else a for a in argv]


def _cache_key(plan: ProgramPlan, contents: Sequence[bytes]) -> str:
    digest = hashlib.sha256(plan.language.id.encode() + b"\0" + plan.entry.encode() + b"\0")
    for file, data in zip(plan.files, contents, strict=True):
        digest.update(file.name.encode() + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


class _BuildCache:
    """Built programs by content hash, for the life of the process (a worker's)."""

    def __init__(self) -> None:
        self._built: OrderedDict[str, BuiltProgram] = OrderedDict()
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}

    def lock(self, key: str) -> asyncio.Lock:
        # Locks belong to one event loop; tests and CLI commands each run their own.
        loop_key = (id(asyncio.get_running_loop()), key)
        return self._locks.setdefault(loop_key, asyncio.Lock())

    def get(self, key: str) -> BuiltProgram | None:
        built = self._built.get(key)
        if built is not None:
            self._built.move_to_end(key)
        return built

    def put(self, key: str, built: BuiltProgram) -> None:
        self._built[key] = built
        while len(self._built) > _CACHE_ENTRIES:
            self._built.popitem(last=False)


_CACHE = _BuildCache()


def compile_limits(language: Language) -> ProcessLimits:
    """Limits of a compilation: a submission's or a package program's."""
    return ProcessLimits(
        cpu_time_ms=language.compile_time_s * 1000,
        wall_time_ms=language.compile_time_s * 2000,
        memory_kib=language.compile_memory_mib * 1024,
        output_kib=COMPILE_OUTPUT_KIB,
        file_size_kib=COMPILE_FILE_KIB,
        processes=language.compile_processes,
    )


async def build_program(plan: ProgramPlan, helpers: SessionSource) -> BuiltProgram:
    """The built program, from the cache or compiled now in a container of ``helpers``."""
    contents = await asyncio.to_thread(lambda: [f.path.read_bytes() for f in plan.files])
    key = _cache_key(plan, contents)
    async with _CACHE.lock(key):
        built = _CACHE.get(key)
        if built is None:
            async with helpers.session() as session:
                built = await asyncio.to_thread(_build, session, plan, contents)
            _CACHE.put(key, built)
    return built


def _build(session: SandboxSession, plan: ProgramPlan, contents: list[bytes]) -> BuiltProgram:
    language = plan.language
    files = [SandboxFile(f.name, data) for f, data in zip(plan.files, contents, strict=True)]
    session.put_files("box", files)
    entry = next(f for f in files if f.name == plan.entry)
    argv = _compile_argv(plan, language.compile_memory_mib)
    report, output = session.compile(entry.name, entry.data, argv, compile_limits(language))
    if report.stopped != StopReason.NONE or report.exit_code != 0 or report.signal is not None:
        text = output.decode(errors="replace")[-_MESSAGE_CHARS:]
        raise ValidatorFailure(
            f"package program {plan.name} ({language.id}) does not build:\n{text}"
        )
    built, truncated = session.get_files("box", _ARTIFACT_MAX_BYTES)
    if truncated:
        raise ValidatorFailure(f"package program {plan.name}: build output over 256 MiB")
    return BuiltProgram(built, _run_argv(plan, language.compile_memory_mib), language)


# The start of a WA's message when the submission's output made the validator fail.
OUTPUT_BROKE_VALIDATOR = (
    "this output made the output validator exceed its limits; it accepts the judges' answer"
)


def validator_limits(
    plan: ValidatorPlan, language: Language, wall_ms: int | None = None
) -> ProcessLimits:
    cpu_ms = plan.time_s * 1000
    output_kib = plan.output_mib * 1024
    return ProcessLimits(
        cpu_time_ms=cpu_ms,
        wall_time_ms=wall_ms if wall_ms is not None else 2 * cpu_ms + 1000,
        memory_kib=(plan.memory_mib + language.memory_extra_mib) * 1024,
        output_kib=output_kib,
        file_size_kib=output_kib + 1,
        processes=language.processes,
    )


def feedback_message(files: list[SandboxFile]) -> str:
    """``judgemessage.txt`` of a feedback directory, for moderators."""
    for file in files:
        if file.name == "judgemessage.txt":
            return file.data.decode(errors="replace")[:_MESSAGE_CHARS].strip()
    return ""


def validator_verdict(report: ProcessReport, judgemessage: str) -> tuple[Verdict, str]:
    """AC or WA from exit 42 or 43; anything else is a judging error, with the reason."""
    if report.stopped == StopReason.NONE and report.signal is None:
        if report.exit_code == ACCEPTED_EXIT:
            return Verdict.AC, judgemessage
        if report.exit_code == WRONG_ANSWER_EXIT:
            return Verdict.WA, judgemessage
    if report.stopped != StopReason.NONE:
        why = f"output validator stopped: {report.stopped.value} limit exceeded"
    elif report.signal is not None:
        why = f"output validator killed by signal {report.signal}"
    else:
        why = f"output validator exited with code {report.exit_code} (not 42 or 43)"
    details = [why, judgemessage, report.stderr_tail[-_MESSAGE_CHARS // 2 :].strip()]
    return Verdict.JE, "\n".join(d for d in details if d)


def validator_argv(built: BuiltProgram, plan: ValidatorPlan, group: str) -> list[str]:
    return [*built.argv, INPUT_PATH, ANSWER_PATH, FEEDBACK_DIR, *plan.args_for(group)]


def put_test_files(session: SandboxSession, input_data: bytes, answer_data: bytes) -> None:
    files = [SandboxFile("input", input_data), SandboxFile("answer", answer_data)]
    session.put_files(TEST_DIR, files, writable_dirs=["feedback"])


def read_feedback(session: SandboxSession) -> str:
    files, _ = session.get_files(f"{TEST_DIR}/feedback", _FEEDBACK_MAX_BYTES)
    return feedback_message(files)


def run_output_validator(
    session: SandboxSession,
    built: BuiltProgram,
    plan: ValidatorPlan,
    group: str,
    files: tuple[bytes, bytes],
    team_output: bytes,
) -> tuple[Verdict, str, bool]:
    """One Kattis output validation in ``session`` (the validator's own container): the
    verdict, the message, and whether the validator was stopped by one of its limits."""
    put_test_files(session, *files)
    limits = validator_limits(plan, built.language)
    report, _ = session.run(validator_argv(built, plan, group), team_output, limits)
    verdict, message = validator_verdict(report, read_feedback(session))
    return verdict, message, report.stopped != StopReason.NONE


class ValidatorRun:
    """The output validator's own container for one submission, its program already in place."""

    def __init__(self, session: SandboxSession, built: BuiltProgram, plan: ValidatorPlan) -> None:
        self.session = session
        self.built = built
        self.plan = plan

    async def check(
        self, group: str, input_data: bytes, answer: bytes, team_output: bytes
    ) -> tuple[Verdict, str]:
        """The validator's verdict on ``team_output``.

        A validator stopped by its limits (time, memory, output) is the submission's doing when
        it accepts the judges' answer in the output's place within the same limits: this output
        (its size, its shape) broke it, so it is wrong (WA, with the penalty: a judging error is
        no free retry that reveals anything). Any other judging error is the package's: JE,
        retried and then flagged for moderators.
        """
        verdict, message, limited = await self._run(group, input_data, answer, team_output)
        if verdict != Verdict.JE or not limited or team_output == answer:
            return verdict, message
        control, _, _ = await self._run(group, input_data, answer, answer)
        if control != Verdict.AC:
            return verdict, message
        return Verdict.WA, f"{OUTPUT_BROKE_VALIDATOR}\n{message}"

    async def _run(
        self, group: str, input_data: bytes, answer: bytes, team_output: bytes
    ) -> tuple[Verdict, str, bool]:
        try:
            return await asyncio.to_thread(
                run_output_validator,
                self.session,
                self.built,
                self.plan,
                group,
                (input_data, answer),
                team_output,
            )
        except (SandboxOutOfMemory, SandboxRunaway) as exc:
            return Verdict.JE, f"output validator: {exc}", False


@contextlib.asynccontextmanager
async def validator_session(
    plan: ValidatorPlan | None, helpers: SessionSource | None
) -> AsyncIterator[ValidatorRun | None]:
    """A container with the built validator for one submission's tests (None: no validator)."""
    if plan is None:
        yield None
        return
    if helpers is None:
        raise SandboxError("this problem's output validator needs a second sandbox; none given")
    built = await build_program(plan.program, helpers)
    async with helpers.session() as session:
        # Not writable by the validator: nothing it writes there survives into the next test.
        await asyncio.to_thread(session.put_files, "box", built.files, None, True)
        yield ValidatorRun(session, built, plan)
