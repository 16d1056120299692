"""The rules of a package check: what each submission folder promises, and when publishing a
checked version needs the admin's confirmation."""

from __future__ import annotations

from arena.problems.expectations import (
    expected_label,
    judged,
    publish_blocker,
    summary,
    verdict_of,
    why_not_checked,
)
from arena.protocol import JudgeResult, Verdict
from arena.protocol.uploads import InputCheck, PackageCheck, SubmissionCheck


def _result(verdict: Verdict, message: str = "") -> JudgeResult:
    return JudgeResult(
        verdict=verdict, time_ms=12, memory_kib=0, tests=[], compile_output="", message=message
    )


def test_each_folder_promises_its_verdicts() -> None:
    assert expected_label("accepted") == "AC"
    assert expected_label("run_time_error") == "MLE or RTE"
    assert expected_label("rejected") == "not AC"
    assert judged("accepted", "a.py", _result(Verdict.WA), None).outcome == "mismatch"
    assert judged("run_time_error", "r.py", _result(Verdict.MLE), None).outcome == "ok"
    assert judged("rejected", "x.py", _result(Verdict.TLE), None).outcome == "ok"
    assert judged("rejected", "x.py", _result(Verdict.AC), None).outcome == "mismatch"
    # A judging error (the package's own validator failed) never passes, and says why.
    broken = judged("wrong_answer", "w.py", _result(Verdict.JE, "t1: validator crashed"), None)
    assert (broken.outcome, broken.note) == ("mismatch", "t1: validator crashed")
    assert why_not_checked("partially_accepted", None) is not None  # pass-fail problem
    assert why_not_checked("slow_but_fine", None) == "no verdict known for slow_but_fine/"


def _row(outcome: str, file: str = "a.py") -> SubmissionCheck:
    return SubmissionCheck(folder="accepted", file=file, expected="AC", outcome=outcome)


def test_publishing_needs_confirmation_unless_the_check_passed() -> None:
    clean = PackageCheck(state="running", submissions=[_row("ok"), _row("skipped")])
    assert verdict_of(clean) == "passed"
    assert publish_blocker(PackageCheck(state="passed")) is None
    assert publish_blocker(None) is None  # staged before checks existed
    assert publish_blocker(clean) == "its check is still running"
    rejected = InputCheck(validator="v.py", test="secret/1", outcome="rejected", note="exit 43")
    broken = InputCheck(validator="w.py", test="", outcome="broken", note="does not compile")
    wrong = [_row("mismatch", f"w{i}.py") for i in range(7)]
    failed = PackageCheck(state="failed", submissions=wrong, inputs=[rejected, broken])
    assert verdict_of(failed) == "failed"
    blocker = publish_blocker(failed)
    assert blocker is not None
    assert "7 submission(s) not judged as their folder promises" in blocker
    assert "accepted/w4.py, …" in blocker and "w5.py" not in blocker  # the first five named
    assert "2 test input(s) rejected" in blocker
    error = PackageCheck(state="error", message="judging error (sandbox): no runsc")
    assert (
        publish_blocker(error) == "its check could not finish (judging error (sandbox): no runsc)"
    )
    counts = summary(failed)
    assert (counts.mismatched, counts.rejected, counts.inputs, counts.submissions) == (7, 2, 1, 7)
