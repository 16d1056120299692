"""The Contest API scoreboard from ranking rows (arena.ranking): the same order and ranks as the
hub's boards and the final results."""

from __future__ import annotations

import msgspec
from msgspec import UNSET

from arena.ccs.objects import team_id
from arena.ccs.source import ContestSource, View
from arena.ccs.times import abstime, minutes, reltime
from arena.protocol.ccs import CcsProblemScore, CcsScore, CcsScoreboard, CcsScoreboardRow, CcsState
from arena.protocol.vocabulary import Scoring
from arena.ranking import Cell, Row, pack, ranks


class Ranked(msgspec.Struct, frozen=True):
    user_id: int
    rank: int
    row: Row


def ranked(source: ContestSource) -> list[Ranked]:
    """Best first; exact ties share a rank and are ordered by team name (the spec's rule)."""
    names = {t.user_id: t.username for t in source.teams}
    scoring = source.info.scoring
    ordered = sorted(
        source.board.items(),
        key=lambda item: (-pack(item[1], scoring), names.get(item[0], ""), item[0]),
    )
    keys = [pack(row, scoring) for _, row in ordered]
    return [
        Ranked(user, rank, row)
        for (user, row), rank in zip(ordered, ranks(keys, 0, 1), strict=True)
    ]


def scored(row: Row, scoring: Scoring) -> bool:
    """Whether the team has anything on the board (awards go to such teams only)."""
    return row.solved > 0 if scoring == Scoring.PASS_FAIL else row.score > 0


def _score(row: Row, pass_fail: bool) -> CcsScore:
    if pass_fail:
        last = minutes(row.last_solve_minute) if row.solved else None
        return CcsScore(time=last, num_solved=row.solved, total_time=minutes(row.penalty))
    improved = [c.minute for c in row.cells.values() if (c.score or 0) > 0 and c.minute is not None]
    return CcsScore(time=minutes(max(improved)) if improved else None, score=row.score)


def _cell(problem_id: str, cell: Cell, pass_fail: bool) -> CcsProblemScore:
    if pass_fail:
        solved_at = minutes(cell.minute) if cell.solved and cell.minute is not None else UNSET
        return CcsProblemScore(
            problem_id=problem_id,
            num_judged=cell.attempts,
            num_pending=cell.pending,
            solved=cell.solved,
            time=solved_at,
        )
    value = cell.score or 0.0
    return CcsProblemScore(
        problem_id=problem_id,
        num_judged=cell.attempts,
        num_pending=cell.pending,
        score=value,
        time=minutes(cell.minute) if value > 0 and cell.minute is not None else UNSET,
    )


def scoreboard(
    source: ContestSource, view: View, state: CcsState, problem_ids: dict[int, str]
) -> CcsScoreboard:
    """``problem_ids``: the problems this view may see (id by Arena's problem number)."""
    pass_fail = source.info.scoring == Scoring.PASS_FAIL
    rows = [
        CcsScoreboardRow(
            rank=r.rank,
            team_id=team_id(r.user_id),
            score=_score(r.row, pass_fail),
            problems=[
                _cell(slug, r.row.cells.get(problem, Cell()), pass_fail)
                for problem, slug in problem_ids.items()
            ],
        )
        for r in ranked(source)
    ]
    return CcsScoreboard(
        time=abstime(view.now),
        contest_time=reltime(source.info.clock.contest_ms(view.now)),
        state=state,
        rows=rows,
    )
