"""Contest ranking as pure functions: ICPC and IOI rows, freezes, packed order, shared ranks."""

from __future__ import annotations

import pytest

from arena.ranking import (
    Cell,
    ContestRules,
    RankedSubmission,
    Solve,
    contestant_row,
    first_solvers,
    pack,
    ranks,
)

ICPC = ContestRules(scoring="pass-fail", penalty_minutes=20)
IOI = ContestRules(scoring="score")


def sub(problem: int, verdict: str | None, minute: float, **extra: object) -> RankedSubmission:
    return RankedSubmission(
        problem_id=problem, contest_ms=int(minute * 60_000), verdict=verdict, **extra
    )  # type: ignore[arg-type]


def test_penalty_counts_rejected_tries_before_the_first_accept() -> None:
    row = contestant_row(
        [
            sub(1, "WA", 5),
            sub(1, "TLE", 7),
            sub(1, "AC", 30),
            sub(1, "WA", 40),  # after the solve: ignored
            sub(2, "CE", 10),  # compile errors cost nothing
            sub(2, "JE", 11),  # nor do judging errors
            sub(2, "AC", 50),
            sub(3, "WA", 55),  # unsolved: no penalty
        ],
        ICPC,
    )
    assert (row.solved, row.penalty, row.last_solve_minute) == (2, 30 + 40 + 50, 50)
    assert row.cells[1] == Cell(attempts=3, solved=True, minute=30)
    assert row.cells[2] == Cell(attempts=1, solved=True, minute=50)
    assert row.cells[3] == Cell(attempts=1)


def test_order_of_arrival_does_not_matter() -> None:
    subs = [sub(1, "AC", 12), sub(1, "WA", 10)]
    assert contestant_row(subs, ICPC) == contestant_row(list(reversed(subs)), ICPC)
    assert contestant_row(subs, ICPC).penalty == 32


def test_pending_submissions_are_shown_not_counted() -> None:
    row = contestant_row([sub(1, "WA", 3), sub(1, None, 4)], ICPC)
    assert row.cells[1] == Cell(attempts=1, pending=1)
    assert row.solved == 0


def test_a_freeze_hides_verdicts_from_the_cutoff_on() -> None:
    subs = [sub(1, "WA", 100), sub(1, "AC", 250), sub(2, "AC", 10)]
    frozen = ContestRules(scoring="pass-fail", penalty_minutes=20, cutoff_ms=240 * 60_000)
    row = contestant_row(subs, frozen)
    assert row.cells[1] == Cell(attempts=1, pending=1)
    assert (row.solved, row.penalty) == (1, 10)
    # The cutoff is exact to the millisecond: a submission just before it still counts.
    just_before = [RankedSubmission(problem_id=1, contest_ms=239_999, verdict="AC")]
    assert contestant_row(just_before, ContestRules("pass-fail", 20, 240_000)).solved == 1


def test_score_contest_takes_the_best_score_per_problem() -> None:
    row = contestant_row(
        [sub(1, "WA", 5, score=30.0), sub(1, "WA", 9, score=20.0), sub(2, "AC", 7, score=100.0)],
        IOI,
    )
    assert row.score == 130.0
    assert row.cells[1].score == 30.0 and row.cells[1].minute == 5
    assert row.cells[1].attempts == 2


def test_score_contest_takes_the_best_of_each_subtask_across_submissions() -> None:
    first = sub(1, "WA", 5, score=40.0, group_scores={"g1": 10.0, "g2": 30.0, "g3": 0.0})
    second = sub(1, "WA", 8, score=60.0, group_scores={"g1": 0.0, "g2": 0.0, "g3": 60.0})
    row = contestant_row([first, second], IOI)
    assert row.score == 100.0
    assert row.cells[1].minute == 8


def test_packed_order_is_solved_then_penalty_then_last_solve() -> None:
    def packed(solved_minutes: list[int], wrong: int = 0) -> float:
        subs = [sub(p, "WA", 1) for p in range(wrong)]
        subs += [sub(p, "AC", m) for p, m in enumerate(solved_minutes)]
        return pack(contestant_row(subs, ICPC), "pass-fail")

    assert packed([100, 100]) > packed([1])  # more solved wins
    assert packed([10, 20]) > packed([10, 21])  # then less penalty
    # Same solved and penalty: the earlier last solve ranks higher.
    assert packed([15, 15]) > packed([10, 20])
    assert packed([10, 20]) == packed([20, 10])  # an exact tie packs equal
    # 30 + 20 penalty equals 50: a tie on penalty, broken by the earlier last solve.
    assert packed([30], wrong=1) > packed([50])


@pytest.mark.parametrize(
    ("keys", "start", "first", "expected"),
    [
        ([9, 8, 8, 7], 0, 1, [1, 2, 2, 4]),
        ([5, 5, 5], 0, 1, [1, 1, 1]),
        # A page that starts inside a tie with the previous page keeps the tie's rank.
        ([8, 8, 6], 50, 49, [49, 49, 53]),
        ([], 0, 1, []),
    ],
)
def test_ranks_share_ties(keys: list[float], start: int, first: int, expected: list[int]) -> None:
    assert ranks(keys, start, first) == expected


def test_first_solver_is_the_earliest_accepted() -> None:
    solves = [
        Solve(problem_id=1, contest_ms=500, submission_id=7, user_id=3),
        Solve(problem_id=1, contest_ms=400, submission_id=9, user_id=4),
        Solve(problem_id=1, contest_ms=400, submission_id=8, user_id=5),  # same ms, lower id
        Solve(problem_id=2, contest_ms=100, submission_id=1, user_id=3),
    ]
    assert first_solvers(solves) == {1: 5, 2: 3}
