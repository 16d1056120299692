"""ICPC rows: solved, penalty, and the packed order."""

from __future__ import annotations

from arena.ranking import IcpcRow, JudgedSubmission, icpc_row, pack


def sub(problem: int, verdict: str, minute: int) -> JudgedSubmission:
    return JudgedSubmission(problem_id=problem, verdict=verdict, minute=minute)


def test_penalty_counts_rejected_tries_before_the_first_accept() -> None:
    row = icpc_row(
        [
            sub(1, "WA", 5),
            sub(1, "TLE", 7),
            sub(1, "AC", 30),
            sub(1, "WA", 40),  # after the solve: ignored
            sub(2, "CE", 10),  # compile errors cost nothing
            sub(2, "AC", 50),
            sub(3, "WA", 55),  # unsolved: no penalty
        ],
        penalty_minutes=20,
    )
    assert row == IcpcRow(solved=2, penalty=30 + 40 + 50, last_solve_minute=50)


def test_order_of_judging_does_not_matter() -> None:
    subs = [sub(1, "AC", 12), sub(1, "WA", 10)]
    assert icpc_row(subs, 20) == icpc_row(list(reversed(subs)), 20)
    assert icpc_row(subs, 20).penalty == 32


def test_pack_orders_by_solved_then_penalty() -> None:
    a = pack(IcpcRow(solved=3, penalty=500, last_solve_minute=200))
    b = pack(IcpcRow(solved=2, penalty=10, last_solve_minute=10))
    c = pack(IcpcRow(solved=2, penalty=11, last_solve_minute=10))
    assert a > b > c
    assert pack(IcpcRow(0, 0, 0)) > 0
