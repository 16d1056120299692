"""From what a process did to a verdict: pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from arena.protocol import ProcessReport, StopReason, TestResult, Verdict


def run_verdict(
    report: ProcessReport,
    cpu_limit_ms: int,
    memory_limit_kib: int,
    oom_markers: Sequence[str] = (),
) -> Verdict | None:
    """The verdict a run earns before its output is looked at; None when it ended cleanly.

    Resource verdicts come first: a process killed for time or memory usually also dies by a
    signal, and the contestant needs to know the cause, not the symptom.
    """
    if report.stopped == StopReason.MEMORY or report.memory_kib > memory_limit_kib:
        return Verdict.MLE
    if any(marker in report.stderr_tail for marker in oom_markers):
        return Verdict.MLE
    if report.stopped in (StopReason.CPU_TIME, StopReason.WALL_TIME):
        return Verdict.TLE
    if report.cpu_ms > cpu_limit_ms:
        return Verdict.TLE
    if report.stopped == StopReason.OUTPUT:
        return Verdict.OLE
    if report.exit_code != 0 or report.signal is not None:
        return Verdict.RTE
    return None


def result_of(name: str, verdict: Verdict, report: ProcessReport, message: str) -> TestResult:
    """A test's result as the contestant sees it: the verdict and what the run measured."""
    return TestResult(
        name=name,
        verdict=verdict,
        time_ms=report.cpu_ms,
        memory_kib=report.memory_kib,
        wall_ms=report.wall_ms,
        message=message,
    )


def compile_failed(report: ProcessReport) -> bool:
    return report.stopped != StopReason.NONE or report.exit_code != 0 or report.signal is not None


def pass_fail_verdict(tests: Sequence[TestResult]) -> Verdict:
    """The first failing test decides; all accepted (or no tests at all) is AC."""
    for test in tests:
        if test.verdict != Verdict.AC:
            return test.verdict
    return Verdict.AC
