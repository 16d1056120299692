"""Scoring problems: group trees and per-test verdicts to group scores, total and verdict."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from arena.problems.errors import PackageError
from arena.problems.package import ProblemPackage, load_package
from arena.problems.scoring import ScoreOutcome, ScoringPlan, score_submission, scoring_plan
from arena.protocol import GroupScore, TestResult, Verdict

AC, WA, TLE, RTE = Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.RTE


def package(tmp_path: Path, files: dict[str, str], tests: list[str]) -> ProblemPackage:
    root = tmp_path / "p"
    for name in tests:
        for ext in ("in", "ans"):
            path = root / "data" / f"{name}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("1\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return load_package(root)


def plan_of(problem: ProblemPackage) -> ScoringPlan:
    plan = scoring_plan(problem)
    assert plan is not None
    # The worker grades from the stored JSON: the plan must survive the round trip unchanged.
    stored = msgspec.json.decode(msgspec.json.encode(plan), type=ScoringPlan)
    assert stored == plan
    return stored


def judge(problem: ProblemPackage, failing: dict[str, Verdict] | None = None) -> ScoreOutcome:
    failing = failing or {}
    names = [t.name for t in problem.tests]
    results = [TestResult(name, failing.get(name, AC), 1, 1) for name in names]
    return score_submission(plan_of(problem), names, results)


def groups(outcome: ScoreOutcome) -> dict[str, tuple[float, Verdict]]:
    return {g.name: (g.score, g.verdict) for g in outcome.groups}


# --- legacy -------------------------------------------------------------------------------------

LEGACY = {"problem.yaml": "name: S\ntype: scoring\n"}
# The usual legacy subtask layout: samples ignored, secret accepted if any group is, each group
# scored all-or-nothing by min over accept_score / reject_score.
SUBTASKS = {
    **LEGACY,
    "data/testdata.yaml": "on_reject: continue\ngrader_flags: ignore_sample\nrange: 0 100\n",
    "data/secret/testdata.yaml": (
        "on_reject: continue\ngrader_flags: first_error accept_if_any_accepted\n"
    ),
    "data/secret/g1/testdata.yaml": "on_reject: break\naccept_score: 30\ngrader_flags: min\n",
    "data/secret/g2/testdata.yaml": "on_reject: break\naccept_score: 70\ngrader_flags: min\n",
}
SUBTASK_TESTS = ["sample/1", "secret/g1/1", "secret/g1/2", "secret/g2/1", "secret/g2/2"]


def test_pass_fail_problems_have_no_scoring_plan(tmp_path: Path) -> None:
    assert scoring_plan(package(tmp_path, {}, ["secret/1"])) is None


def test_legacy_subtasks_full_partial_and_zero(tmp_path: Path) -> None:
    problem = package(tmp_path, SUBTASKS, SUBTASK_TESTS)
    assert plan_of(problem).max_score == 100

    full = judge(problem)
    assert (full.verdict, full.score) == (AC, 100)
    assert full.groups == [
        GroupScore("sample", 1, 1, AC),
        GroupScore("secret", 100, 100, AC),
        GroupScore("secret/g1", 30, 30, AC),
        GroupScore("secret/g2", 70, 70, AC),
    ]

    partial = judge(problem, {"secret/g2/2": WA})
    assert (partial.verdict, partial.score) == (AC, 30)
    assert groups(partial)["secret/g2"] == (0, WA)

    zero = judge(problem, {"secret/g1/1": TLE, "secret/g2/1": WA})
    # No group accepted: the secret group is rejected with its first error, and a rejected
    # result's score is ignored.
    assert (zero.verdict, zero.score) == (TLE, 0)


def test_legacy_ignore_sample(tmp_path: Path) -> None:
    outcome = judge(package(tmp_path, SUBTASKS, SUBTASK_TESTS), {"sample/1": WA})
    assert (outcome.verdict, outcome.score) == (AC, 100)
    assert groups(outcome)["sample"] == (0, WA)


def test_legacy_defaults_sum_every_test_and_break(tmp_path: Path) -> None:
    problem = package(tmp_path, LEGACY, ["sample/1", "secret/1", "secret/2", "secret/3"])
    full = judge(problem)
    # accept_score 1 per test, samples included, summed.
    assert (full.verdict, full.score) == (AC, 4)
    broken = judge(problem, {"secret/2": WA, "secret/3": RTE})
    # on_reject: break: the grader never sees secret/3, so WA is the worst error it saw.
    assert (broken.verdict, broken.score) == (WA, 0)
    assert groups(broken)["secret"] == (1, WA)


def test_legacy_break_at_secret_leaves_later_groups_out(tmp_path: Path) -> None:
    files = {**SUBTASKS, "data/secret/testdata.yaml": "on_reject: break\n"}
    outcome = judge(package(tmp_path, files, SUBTASK_TESTS), {"secret/g1/2": WA})
    assert "secret/g2" not in groups(outcome)
    assert groups(outcome)["secret"] == (0, WA)


@pytest.mark.parametrize(
    ("flags", "verdict", "score"),
    [
        # A rejected group keeps its grader's score (its parent may use it); only the
        # submission's score is ignored (0) when the whole result is rejected.
        ("worst_error", RTE, 2),  # RTE is worse than WA
        ("first_error", WA, 2),
        ("always_accept", AC, 2),  # the sum of accept/reject scores: 1 + 0 + 0 + 1
        ("always_accept avg", AC, 0.5),
        ("always_accept max", AC, 1),
        ("always_accept min", AC, 0),
        ("accept_if_any_accepted", AC, 2),
    ],
)
def test_legacy_grader_flags(tmp_path: Path, flags: str, verdict: Verdict, score: float) -> None:
    files = {
        **LEGACY,
        "data/testdata.yaml": f"on_reject: continue\ngrader_flags: {flags}\n",
    }
    problem = package(tmp_path, files, ["secret/1", "secret/2", "secret/3", "secret/4"])
    outcome = judge(problem, {"secret/2": WA, "secret/3": RTE})
    assert groups(outcome)["secret"] == (score, verdict)
    assert (outcome.verdict, outcome.score) == (verdict, score if verdict == AC else 0)


def test_legacy_reject_score_and_reported_scores(tmp_path: Path) -> None:
    files = {
        **LEGACY,
        "data/testdata.yaml": "on_reject: continue\ngrader_flags: always_accept\n",
        "data/secret/testdata.yaml": "accept_score: 10\nreject_score: 2\n",
    }
    problem = package(tmp_path, files, ["secret/1", "secret/2", "secret/3"])
    names = [t.name for t in problem.tests]
    results = [TestResult("secret/1", AC, 1, 1), TestResult("secret/2", WA, 1, 1)]
    # secret/3 never ran (the container was lost on secret/2): it fails like secret/2.
    outcome = score_submission(plan_of(problem), names, results, {"secret/1": 7.5})
    assert (outcome.verdict, outcome.score) == (AC, 7.5 + 2 + 2)


def test_legacy_range_is_checked_at_load(tmp_path: Path) -> None:
    files = {**SUBTASKS, "data/secret/g2/testdata.yaml": "accept_score: 70\nrange: 0 50\n"}
    with pytest.raises(PackageError) as info:
        scoring_plan(package(tmp_path, files, SUBTASK_TESTS))
    assert str(info.value).startswith("data/secret/g2/testdata.yaml: range: ")
    assert "140" in str(info.value)  # two tests summed


def test_legacy_custom_graders_are_refused(tmp_path: Path) -> None:
    files = {**LEGACY, "data/secret/testdata.yaml": "grading: custom\n"}
    with pytest.raises(PackageError, match=r"testdata.yaml:1: grading: custom graders"):
        package(tmp_path, files, ["secret/1"])


# --- 2023-07 ------------------------------------------------------------------------------------

MODERN = {"problem.yaml": "problem_format_version: 2023-07-draft\nname: S\ntype: scoring\n"}


def test_2023_subtasks(tmp_path: Path) -> None:
    files = {
        **MODERN,
        "data/secret/g1/test_group.yaml": "max_score: 30\n",
        "data/secret/g2/test_group.yaml": "max_score: 70\nscore_aggregation: min\n",
    }
    problem = package(tmp_path, files, SUBTASK_TESTS)
    assert plan_of(problem).max_score == 100

    full = judge(problem)
    assert (full.verdict, full.score) == (AC, 100)
    assert full.groups == [
        GroupScore("secret", 100, 100, AC),
        GroupScore("secret/g1", 30, 30, AC),
        GroupScore("secret/g2", 70, 70, AC),
    ]
    partial = judge(problem, {"secret/g2/1": TLE})
    assert (partial.verdict, partial.score) == (TLE, 30)
    zero = judge(problem, {"secret/g1/2": WA, "secret/g2/2": RTE})
    assert (zero.verdict, zero.score) == (WA, 0)
    # Samples never score, but a failed sample is not accepted.
    sample = judge(problem, {"sample/1": WA})
    assert (sample.verdict, sample.score) == (WA, 100)


def test_2023_unclaimed_points_are_shared(tmp_path: Path) -> None:
    files = {
        **MODERN,
        "data/secret/test_group.yaml": "max_score: 90\n",
        "data/secret/a/test_group.yaml": "max_score: 40\n",
        "data/secret/b/test_group.yaml": "score_aggregation: sum\n",
    }
    tests = ["secret/a/1", "secret/b/1", "secret/b/2", "secret/c/1", "secret/lone"]
    problem = package(tmp_path, files, tests)
    maxima = {g.name: (g.max_score, g.test_max_score) for g in plan_of(problem).groups}
    # 90 - 40 = 50 points for b, c and the test directly in secret: 50/3 each.
    assert maxima["secret/b"] == pytest.approx((50 / 3, 25 / 3))
    assert maxima["secret/c"] == pytest.approx((50 / 3, 50 / 3))
    assert maxima["secret"] == pytest.approx((90, 50 / 3))
    outcome = judge(problem, {"secret/b/2": WA, "secret/a/1": WA})
    assert outcome.score == pytest.approx(25 / 3 + 50 / 3 + 50 / 3)
    assert groups(outcome)["secret/b"] == pytest.approx((25 / 3, WA))


def test_2023_min_aggregation_of_tests(tmp_path: Path) -> None:
    files = {**MODERN, "data/secret/test_group.yaml": "score_aggregation: min\n"}
    problem = package(tmp_path, files, ["secret/1", "secret/2"])
    assert judge(problem).score == 100
    assert judge(problem, {"secret/2": WA}).score == 0


def test_2023_sum_of_tests_is_proportional(tmp_path: Path) -> None:
    problem = package(tmp_path, MODERN, ["secret/1", "secret/2", "secret/3", "secret/4"])
    outcome = judge(problem, {"secret/1": WA, "secret/3": TLE})
    assert (outcome.verdict, outcome.score) == (WA, 50)


@pytest.mark.parametrize(
    ("files", "where", "message"),
    [
        (
            {
                "data/secret/g1/test_group.yaml": "max_score: 80\nscore_aggregation: sum\n",
                "data/secret/g2/test_group.yaml": "max_score: 30\n",
            },
            "data/secret/test_group.yaml",
            "max_score: the groups in it claim 110 points, more than its 100",
        ),
        (
            {"data/secret/g1/test_group.yaml": "max_score: unbounded\n"},
            "data/secret/g1/test_group.yaml",
            "max_score: unbounded inside a bounded group",
        ),
        (
            {
                "data/secret/test_group.yaml": "max_score: unbounded\n",
                "data/secret/g1/test_group.yaml": "score_aggregation: sum\n",
            },
            "data/secret/test_group.yaml",
            "max_score: unbounded scores need a custom output validator",
        ),
        (
            {
                "data/secret/test_group.yaml": "score_aggregation: pass-fail\n",
                "data/secret/g1/test_group.yaml": "score_aggregation: sum\n",
            },
            "data/secret/g1/test_group.yaml",
            "score_aggregation: a pass-fail group's groups must be too",
        ),
        (
            {"data/secret/g1/test_group.yaml": "score_aggregation: avg\n"},
            "data/secret/g1/test_group.yaml",
            "score_aggregation: expected pass-fail, sum or min",
        ),
    ],
)
def test_2023_inconsistent_groups_name_the_file(
    tmp_path: Path, files: dict[str, str], where: str, message: str
) -> None:
    problem = package(tmp_path, {**MODERN, **files}, ["secret/g1/1", "secret/g2/1"])
    with pytest.raises(PackageError) as info:
        scoring_plan(problem)
    assert str(info.value) == f"{where}: {message}"


def test_a_judging_error_is_never_scored(tmp_path: Path) -> None:
    problem = package(tmp_path, SUBTASKS, SUBTASK_TESTS)
    outcome = judge(problem, {"secret/g1/1": Verdict.JE})
    assert outcome == ScoreOutcome(Verdict.JE, 0.0, [])
