"""Contest ranking as pure functions: a contestant's row from their judged submissions.

The live cache keeps one packed number per contestant in a Redis sorted set; it is always
derivable from Postgres with these same functions, so a rebuild can never disagree with it.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

# Rejected attempts that cost penalty: a compile error or a judging error is not the contestant's
# wrong answer (ICPC rules).
_NO_PENALTY = frozenset({"CE", "JE"})
_PENALTY_SPAN = 10**9  # minutes of penalty fit well below this


class JudgedSubmission(msgspec.Struct, frozen=True):
    problem_id: int
    verdict: str
    minute: int  # minutes from the contest start, rounded down


class IcpcRow(msgspec.Struct, frozen=True):
    solved: int
    penalty: int
    last_solve_minute: int


def icpc_row(submissions: Iterable[JudgedSubmission], penalty_minutes: int) -> IcpcRow:
    """Solved count and penalty: solve minute + ``penalty_minutes`` per earlier rejected try."""
    rejected: dict[int, int] = {}
    solved_at: dict[int, int] = {}
    for sub in sorted(submissions, key=lambda s: s.minute):
        if sub.problem_id in solved_at:
            continue
        if sub.verdict == "AC":
            solved_at[sub.problem_id] = sub.minute
        elif sub.verdict not in _NO_PENALTY:
            rejected[sub.problem_id] = rejected.get(sub.problem_id, 0) + 1
    penalty = sum(m + penalty_minutes * rejected.get(p, 0) for p, m in solved_at.items())
    return IcpcRow(
        solved=len(solved_at), penalty=penalty, last_solve_minute=max(solved_at.values(), default=0)
    )


def pack(row: IcpcRow) -> int:
    """One sortable number, higher is better: more solved, then less penalty."""
    return row.solved * _PENALTY_SPAN + (_PENALTY_SPAN - 1 - row.penalty)
