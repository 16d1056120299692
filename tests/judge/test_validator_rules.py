"""Pure rules of package programs: verdict precedence, exit codes, language and entry choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.judge.interactive import interactive_verdict
from arena.judge.validators import ProgramFile, program_plan, validator_verdict
from arena.languages import LanguageTable
from arena.problems.package import PackageError
from arena.protocol import ProcessReport, StopReason, Verdict

V = Verdict


@pytest.mark.parametrize(
    ("submission", "validator", "validator_first", "expected"),
    [
        (None, V.AC, False, V.AC),
        (None, V.WA, False, V.WA),
        (None, V.JE, False, V.JE),
        (V.TLE, V.AC, True, V.TLE),  # accepted, then the submission spun until its limit
        (V.RTE, V.AC, False, V.RTE),
        (V.TLE, V.WA, True, V.WA),  # the validator judged first; the rest is a consequence
        (V.RTE, V.WA, True, V.WA),
        (V.TLE, V.WA, False, V.TLE),  # the submission stalled; the interactor then saw EOF
        (V.RTE, V.JE, True, V.JE),  # the validator crashed first
        (V.MLE, V.JE, False, V.MLE),
        (V.OLE, V.AC, False, V.OLE),
    ],
)
def test_interactive_verdict_precedence(
    submission: Verdict | None, validator: Verdict, validator_first: bool, expected: Verdict
) -> None:
    assert interactive_verdict(submission, validator, validator_first) == expected


def report(
    exit_code: int | None, *, signal: int | None = None, stopped: str = "none"
) -> ProcessReport:
    return ProcessReport(exit_code, signal, 10, 10, 1000, StopReason(stopped), "boom")


def test_only_42_and_43_are_verdicts() -> None:
    assert validator_verdict(report(42), "fine") == (V.AC, "fine")
    assert validator_verdict(report(43), "off by one") == (V.WA, "off by one")
    for bad in (report(0), report(1), report(None, signal=6), report(42, stopped="cpu_time")):
        verdict, message = validator_verdict(bad, "")
        assert verdict == V.JE
        assert "boom" in message  # the validator's stderr, for moderators


@pytest.fixture(scope="module")
def table() -> LanguageTable:
    return LanguageTable.load(Path(__file__).resolve().parents[2] / "sandbox" / "languages.toml")


def files(*names: str) -> list[ProgramFile]:
    return [ProgramFile(name, Path("/nonexistent") / name) for name in names]


def test_language_and_entry_come_from_the_files(table: LanguageTable) -> None:
    cpp = program_plan(("v", files("validate.cc", "validate.h", "gen.py")), table)
    assert (cpp.language.id, cpp.entry) == ("cpp", "validate.cc")
    py = program_plan(("v", files("validate.py")), table)
    assert (py.language.id, py.entry) == ("python3", "validate.py")
    java = program_plan(("v", files("Checker.java")), table)
    assert (java.language.id, java.entry) == ("java", "Checker.java")


def test_no_known_language_is_a_package_error(table: LanguageTable) -> None:
    with pytest.raises(PackageError, match="no source file in a known language"):
        program_plan(("v", files("check.ctd")), table)
