"""run_verdict and pass_fail_verdict: pure rules, no sandbox."""

from __future__ import annotations

import signal

from arena.judge.verdicts import compile_failed, pass_fail_verdict, run_verdict
from arena.protocol import ProcessReport, StopReason, TestResult, Verdict


def report(**fields: object) -> ProcessReport:
    base: dict[str, object] = {
        "exit_code": 0,
        "signal": None,
        "cpu_ms": 100,
        "wall_ms": 120,
        "memory_kib": 10_000,
        "stopped": StopReason.NONE,
        "stderr_tail": "",
    }
    base.update(fields)
    return ProcessReport(**base)  # type: ignore[arg-type]


def test_clean_exit_goes_on_to_the_output_check() -> None:
    assert run_verdict(report(), 1000, 65536) is None


def test_memory_comes_before_the_signal_it_caused() -> None:
    killed = report(stopped=StopReason.MEMORY, signal=signal.SIGKILL, exit_code=None)
    assert run_verdict(killed, 1000, 65536) == Verdict.MLE
    assert run_verdict(report(memory_kib=70_000), 1000, 65536) == Verdict.MLE


def test_runtime_oom_marker_is_mle() -> None:
    java = report(exit_code=1, stderr_tail="Exception java.lang.OutOfMemoryError: Java heap space")
    assert run_verdict(java, 1000, 65536, ["java.lang.OutOfMemoryError"]) == Verdict.MLE
    assert run_verdict(java, 1000, 65536) == Verdict.RTE


def test_time_limits() -> None:
    assert run_verdict(report(stopped=StopReason.CPU_TIME, signal=9), 1000, 65536) == Verdict.TLE
    assert run_verdict(report(stopped=StopReason.WALL_TIME, signal=9), 1000, 65536) == Verdict.TLE
    # Ended by itself but over the limit: still TLE.
    assert run_verdict(report(cpu_ms=1001), 1000, 65536) == Verdict.TLE
    assert run_verdict(report(cpu_ms=1000), 1000, 65536) is None


def test_output_limit_and_crashes() -> None:
    assert run_verdict(report(stopped=StopReason.OUTPUT, signal=25), 1000, 65536) == Verdict.OLE
    assert run_verdict(report(exit_code=3), 1000, 65536) == Verdict.RTE
    assert run_verdict(report(exit_code=None, signal=signal.SIGSEGV), 1000, 65536) == Verdict.RTE


def test_compile_failed() -> None:
    assert not compile_failed(report())
    assert compile_failed(report(exit_code=1))
    assert compile_failed(report(stopped=StopReason.WALL_TIME))


def test_pass_fail_takes_the_first_failure() -> None:
    def t(name: str, verdict: Verdict) -> TestResult:
        return TestResult(name=name, verdict=verdict, time_ms=1, memory_kib=1)

    assert pass_fail_verdict([]) == Verdict.AC
    assert pass_fail_verdict([t("a", Verdict.AC), t("b", Verdict.AC)]) == Verdict.AC
    tests = [t("a", Verdict.AC), t("b", Verdict.TLE), t("c", Verdict.WA)]
    assert pass_fail_verdict(tests) == Verdict.TLE
