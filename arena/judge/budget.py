"""A submission's total time budget: all its tests together, past which it is TLE.

Each run has its own CPU and wall limits; the budget closes what they leave open: a program that
sleeps just under the wall limit on every test would otherwise hold a judging slot for minutes.
"""

from __future__ import annotations

from arena.judge.grader import GradingPlan
from arena.problems.scoring import score_submission
from arena.protocol import JudgeResult, ProcessLimits, TestResult, Verdict

# Each run's share of a submission's total time budget beyond its CPU limit: starting the run
# and moving its input and output.
RUN_OVERHEAD_MS = 500
BUDGET_BASE_MS = 5000


def time_budget_s(limits: ProcessLimits, test_count: int, cap_s: float) -> float:
    """The wall time all the tests of one submission may take together; past it, TLE.

    Enough for every test to use its whole CPU limit, not for every test to sleep up to its wall
    limit; never more than ``cap_s``.
    """
    per_test_ms = limits.cpu_time_ms + RUN_OVERHEAD_MS
    return min(cap_s, (BUDGET_BASE_MS + test_count * per_test_ms) / 1000)


def over_budget(plan: GradingPlan, finished: list[TestResult], budget_s: float) -> JudgeResult:
    """TLE: the tests together took longer than the submission's time budget."""
    message = f"the tests together took longer than the time budget of {budget_s:.1f} s"
    running = plan.tests[min(len(finished), len(plan.tests) - 1)].name
    results = [*finished, TestResult(running, Verdict.TLE, 0, 0, int(budget_s * 1000), message)]
    scored = None
    if plan.scoring is not None:
        scored = score_submission(plan.scoring, [t.name for t in plan.tests], results)
    return JudgeResult(
        verdict=Verdict.TLE,
        time_ms=max(r.time_ms for r in results),
        memory_kib=max(r.memory_kib for r in results),
        tests=results,
        compile_output="",
        message=f"{running}: {message}",
        score=None if scored is None else scored.score,
        groups=[] if scored is None else scored.groups,
    )
