"""The final results as files: the ICPC Contest Package's ``results.tsv`` and ``awards.json``,
and a spreadsheet-friendly CSV; medals by rank from the contest's own counts."""

from __future__ import annotations

import csv
import io

from arena.ccs import awards, scoreboard
from arena.ccs.catalog import Inputs, problem_ids
from arena.ccs.objects import team_id
from arena.ccs.scoreboard import Ranked, scored
from arena.ccs.source import ContestSource
from arena.contest import Medals
from arena.protocol import json_encoder
from arena.protocol.vocabulary import Scoring

GOLD, SILVER, BRONZE = "Gold Medal", "Silver Medal", "Bronze Medal"
RANKED, HONORABLE = "Ranked", "Honorable"


def medal(rank: int, medals: Medals) -> str | None:
    """The medal of a team at ``rank`` (a team with something on the board); ties share it."""
    if rank <= medals.gold:
        return GOLD
    if rank <= medals.gold + medals.silver:
        return SILVER
    if rank <= medals.gold + medals.silver + medals.bronze:
        return BRONZE
    return None


def award_of(entry: Ranked, source: ContestSource) -> str:
    """The results.tsv award: a medal, else Ranked; a team with nothing solved is Honorable."""
    if not scored(entry.row, source.info.scoring):
        return HONORABLE
    return medal(entry.rank, source.info.medals) or RANKED


def _everyone(source: ContestSource, ranked: list[Ranked]) -> list[Ranked]:
    competing = {t.user_id for t in source.teams if not t.disqualified}
    return [r for r in ranked if r.user_id in competing]


def results_tsv(source: ContestSource, ranked: list[Ranked]) -> str:
    """``results\\t1``, then per team: team id, rank (empty for Honorable), award, solved,
    total time (penalty minutes; a score contest: its score), last solve minute, group winner
    (the name of the group the team won, empty if none)."""
    pass_fail = source.info.scoring == Scoring.PASS_FAIL
    names = {g.id: g.name for g in source.groups}
    won: dict[int, list[str]] = {}
    for group, winners in awards.group_winners(source, ranked).items():
        for user in winners:
            won.setdefault(user, []).append(names[group])
    lines = ["results\t1"]
    for entry in _everyone(source, ranked):
        row = entry.row
        award = award_of(entry, source)
        rank = "" if award == HONORABLE else str(entry.rank)
        total = str(row.penalty) if pass_fail else _number(row.score)
        last = str(row.last_solve_minute) if row.solved else "0"
        group_winner = ", ".join(won.get(entry.user_id, []))
        fields = [team_id(entry.user_id), rank, award, str(row.solved), total, last, group_winner]
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def results_csv(source: ContestSource, ranked: list[Ranked]) -> str:
    """One row per team, best first: rank, team id, name, award, solved, penalty, score, then
    per problem label ``+tries@minute`` (solved), ``-tries`` (not yet) or the score."""
    pass_fail = source.info.scoring == Scoring.PASS_FAIL
    names = {t.user_id: t.username for t in source.teams}
    labels = [(p.problem_id, p.label) for p in source.problems]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head = ["rank", "team_id", "name", "award", "solved", "penalty", "score"]
    writer.writerow(head + [label for _, label in labels])
    for entry in _everyone(source, ranked):
        row = entry.row
        cells: list[str] = []
        for problem_id, _ in labels:
            cell = row.cells.get(problem_id)
            if cell is None:
                cells.append("")
            elif not pass_fail:
                cells.append(_number(cell.score or 0.0))
            elif cell.solved:
                cells.append(f"+{cell.attempts}@{cell.minute}")
            else:
                cells.append(f"-{cell.attempts}" if cell.attempts else "")
        award = award_of(entry, source)
        writer.writerow(
            [
                entry.rank,
                team_id(entry.user_id),
                names.get(entry.user_id, ""),
                award,
                row.solved,
                row.penalty,
                _number(row.score),
                *cells,
            ]
        )
    return out.getvalue()


def result_files(inputs: Inputs) -> dict[str, bytes]:
    """``results.tsv``, ``awards.json`` (the Contest API's awards as ``inputs.view`` sees them)
    and ``results.csv``, by file name."""
    ranked = scoreboard.ranked(inputs.source)
    made = awards.awards(inputs.source, inputs.view, ranked, problem_ids(inputs))
    return {
        "results.tsv": results_tsv(inputs.source, ranked).encode(),
        "awards.json": json_encoder.encode(made) + b"\n",
        "results.csv": results_csv(inputs.source, ranked).encode(),
    }
