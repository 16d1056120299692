"""What a Kattis/ICPC package's ``submissions/<folder>/`` promise, and whether a judged
submission kept that promise: the rules of ``arena problem check`` and of the upload check."""

from __future__ import annotations

from arena.problems.scoring import ScoringPlan
from arena.protocol import JudgeResult, Verdict
from arena.protocol.uploads import CheckSummary, PackageCheck, SubmissionCheck

# The submission folders and the verdicts they promise ("rejected": anything but AC).
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
    # Scoring problems only; see score_as_expected.
    "partially_accepted": frozenset(Verdict) - {Verdict.CE, Verdict.JE},
}
_LABELS = {"rejected": "not AC", "partially_accepted": "partial score"}


def expected_label(folder: str) -> str:
    """How the verdict table names the promise: "AC", "RTE or MLE", "not AC", …"""
    if folder in _LABELS:
        return _LABELS[folder]
    verdicts = EXPECTED.get(folder)
    if verdicts is None:
        return "?"
    return " or ".join(sorted(v.value for v in verdicts))


def skipped(folder: str, file: str, why: str) -> SubmissionCheck:
    return SubmissionCheck(
        folder=folder, file=file, expected=expected_label(folder), outcome="skipped", note=why
    )


def why_not_checked(folder: str, scoring: ScoringPlan | None) -> str | None:
    """None when the folder promises a verdict this problem can judge."""
    if folder not in EXPECTED or (folder == "partially_accepted" and scoring is None):
        return f"no verdict known for {folder}/"
    return None


def judged(
    folder: str, file: str, result: JudgeResult, scoring: ScoringPlan | None
) -> SubmissionCheck:
    as_expected = result.verdict in EXPECTED[folder]
    # A judging error is the package's own validator failing: its message says how.
    note = " ".join(result.message.split())[:200] if result.verdict == Verdict.JE else ""
    if scoring is not None and result.score is not None:
        as_expected = as_expected and score_as_expected(folder, result, scoring)
        note = f"score {result.score:g}"
    return SubmissionCheck(
        folder=folder,
        file=file,
        expected=expected_label(folder),
        outcome="ok" if as_expected else "mismatch",
        verdict=result.verdict.value,
        time_ms=result.time_ms,
        note=note,
    )


def score_as_expected(folder: str, result: JudgeResult, scoring: ScoringPlan) -> bool:
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


def rejected_inputs(check: PackageCheck) -> int:
    return sum(row.outcome in ("rejected", "broken") for row in check.inputs)


def mismatches(check: PackageCheck) -> int:
    return sum(row.outcome == "mismatch" for row in check.submissions)


def verdict_of(check: PackageCheck) -> str:
    """The finished check's state: failed on any mismatch or rejected input."""
    return "failed" if mismatches(check) or rejected_inputs(check) else "passed"


def summary(check: PackageCheck) -> CheckSummary:
    return CheckSummary(
        state=check.state,
        submissions=len(check.submissions),
        mismatched=mismatches(check),
        inputs=sum(row.test != "" for row in check.inputs),
        rejected=rejected_inputs(check),
    )


def publish_blocker(check: PackageCheck | None) -> str | None:
    """Why publishing this version needs the admin's confirmation; None when it does not."""
    if check is None or check.state == "passed":
        return None
    if check.state == "running":
        return "its check is still running"
    if check.state == "error":
        return f"its check could not finish ({check.message})"
    parts = []
    if mismatches(check):
        wrong = [f"{r.folder}/{r.file}" for r in check.submissions if r.outcome == "mismatch"]
        shown = ", ".join(wrong[:5]) + (", …" if len(wrong) > 5 else "")
        parts.append(f"{len(wrong)} submission(s) not judged as their folder promises ({shown})")
    if rejected_inputs(check):
        parts.append(f"{rejected_inputs(check)} test input(s) rejected by an input validator")
    return "its check failed: " + "; ".join(parts)
