"""Contest ranking as pure functions: a contestant's row from their submissions, ranks from rows.

The live cache keeps one packed number per contestant in a Redis sorted set; it is always
derivable from Postgres with these same functions, so a rebuild can never disagree with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from arena.protocol.vocabulary import Scoring

# Rejected attempts that cost penalty: a compile error or a judging error is not the contestant's
# wrong answer (ICPC rules).
_NO_PENALTY = frozenset({"CE", "JE"})
# The packed ICPC key: solved, then penalty, then the minute of the last solve. Redis stores
# doubles, exact up to 2**53, so the spans keep a 90 000-problem contest exact.
_PENALTY_SPAN = 10**6
_MINUTE_SPAN = 10**5
_SCORE_SCALE = 1000  # score contests keep three decimals exactly


class ContestRules(msgspec.Struct, frozen=True):
    scoring: Scoring
    penalty_minutes: int = 20
    # Contest milliseconds from which verdicts are hidden (the public board during a freeze).
    cutoff_ms: int | None = None


class RankedSubmission(msgspec.Struct, frozen=True):
    problem_id: int
    contest_ms: int  # milliseconds from the contest start
    verdict: str | None  # None while queued or judging
    score: float | None = None
    group_scores: dict[str, float] = {}


class Cell(msgspec.Struct, frozen=True, omit_defaults=True):
    attempts: int = 0  # counted tries (CE and JE are free) up to and including the solve
    pending: int = 0
    solved: bool = False
    minute: int | None = None  # solve minute (pass-fail) or minute of the best score
    score: float | None = None


class Row(msgspec.Struct, frozen=True):
    solved: int
    penalty: int
    last_solve_minute: int
    score: float
    cells: dict[int, Cell]


def _icpc_cell(subs: Sequence[RankedSubmission], rules: ContestRules) -> Cell:
    attempts = pending = 0
    for sub in subs:
        hidden = rules.cutoff_ms is not None and sub.contest_ms >= rules.cutoff_ms
        if sub.verdict is None or hidden:
            pending += 1
        elif sub.verdict == "AC":
            minute = sub.contest_ms // 60_000
            return Cell(attempts=attempts + 1, pending=0, solved=True, minute=minute)
        elif sub.verdict not in _NO_PENALTY:
            attempts += 1
    return Cell(attempts=attempts, pending=pending)


def _score_cell(subs: Sequence[RankedSubmission], rules: ContestRules) -> Cell:
    """Best score; with subtasks, the best of each group over all submissions (IOI 2017+)."""
    attempts = pending = 0
    best = 0.0
    best_groups: dict[str, float] = {}
    minute: int | None = None
    for sub in subs:
        hidden = rules.cutoff_ms is not None and sub.contest_ms >= rules.cutoff_ms
        if sub.verdict is None or hidden:
            pending += 1
            continue
        if sub.verdict == "JE":
            continue
        attempts += 1
        for name, value in sub.group_scores.items():
            best_groups[name] = max(best_groups.get(name, 0.0), value)
        total = sum(best_groups.values()) if best_groups else (sub.score or 0.0)
        if total > best:
            best, minute = total, sub.contest_ms // 60_000
    return Cell(attempts=attempts, pending=pending, solved=False, minute=minute, score=best)


def contestant_row(submissions: Iterable[RankedSubmission], rules: ContestRules) -> Row:
    by_problem: dict[int, list[RankedSubmission]] = {}
    for sub in sorted(submissions, key=lambda s: s.contest_ms):
        by_problem.setdefault(sub.problem_id, []).append(sub)
    make_cell = _icpc_cell if rules.scoring == Scoring.PASS_FAIL else _score_cell
    cells = {problem: make_cell(subs, rules) for problem, subs in by_problem.items()}
    solves = [c for c in cells.values() if c.solved and c.minute is not None]
    penalty = sum((c.minute or 0) + rules.penalty_minutes * (c.attempts - 1) for c in solves)
    return Row(
        solved=len(solves),
        penalty=penalty,
        last_solve_minute=max((c.minute or 0 for c in solves), default=0),
        score=round(sum(c.score or 0.0 for c in cells.values()), 3),
        cells=cells,
    )


def pack(row: Row, scoring: Scoring) -> float:
    """One sortable number, higher is better; exactly equal rows pack to the same number."""
    if scoring != Scoring.PASS_FAIL:
        return float(round(row.score * _SCORE_SCALE))
    penalty = min(row.penalty, _PENALTY_SPAN - 1)
    last = min(row.last_solve_minute, _MINUTE_SPAN - 1)
    return float(
        (row.solved * _PENALTY_SPAN + (_PENALTY_SPAN - 1 - penalty)) * _MINUTE_SPAN
        + (_MINUTE_SPAN - 1 - last)
    )


def ranks(packed_desc: Sequence[float], start: int, first_rank: int) -> list[int]:
    """Ranks of a page of packed scores in descending order; equal scores share a rank.

    ``start`` is the page's 0-based offset in the whole board and ``first_rank`` the rank of its
    first entry (1 + how many score strictly higher: it may tie with the previous page), so a page
    costs one count, not a scan from the top.
    """
    out: list[int] = []
    for offset, value in enumerate(packed_desc):
        if offset == 0:
            out.append(first_rank)
        elif value == packed_desc[offset - 1]:
            out.append(out[-1])
        else:
            out.append(start + offset + 1)
    return out


class Solve(msgspec.Struct, frozen=True):
    problem_id: int
    contest_ms: int
    submission_id: int
    user_id: int


def first_solvers(solves: Iterable[Solve]) -> dict[int, int]:
    """Problem → user of the first accepted solution (earliest time, then lowest id)."""
    first: dict[int, Solve] = {}
    for solve in solves:
        best = first.get(solve.problem_id)
        if best is None or (solve.contest_ms, solve.submission_id) < (
            best.contest_ms,
            best.submission_id,
        ):
            first[solve.problem_id] = solve
    return {problem: solve.user_id for problem, solve in first.items()}
