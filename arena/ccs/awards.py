"""Awards: the winner, medals by rank, each group's winner and the first to solve each problem,
as the view sees them (during the freeze the public's awards follow the public board)."""

from __future__ import annotations

from arena.ccs.objects import team_id
from arena.ccs.scoreboard import Ranked, scored
from arena.ccs.source import ContestSource, SubmissionFacts, View, hidden_verdict
from arena.protocol.ccs import CcsAward
from arena.protocol.vocabulary import Scoring

# (id, citation): the counts are the contest's own (contests.gold_medals, …; 4 / 4 / 4 unless
# a moderator set others).
MEDALS = (
    ("gold-medal", "Gold medal winner"),
    ("silver-medal", "Silver medal winner"),
    ("bronze-medal", "Bronze medal winner"),
)


def _by_rank(ranked: list[Ranked], scoring: Scoring, low: int, high: int) -> list[str]:
    """Teams with something on the board ranked in ``low..high`` (ties share the medal)."""
    return [team_id(r.user_id) for r in ranked if scored(r.row, scoring) and low <= r.rank <= high]


def group_winners(source: ContestSource, ranked: list[Ranked]) -> dict[str, list[int]]:
    """Each group's winners (the ICPC's group-winner awards): the best-ranked of its competing
    teams with something on the board (ties share it); a group nobody scored in has none."""
    scoring = source.info.scoring
    competing = {t.user_id: t.groups for t in source.teams if not t.disqualified}
    out: dict[str, list[int]] = {}
    for group in sorted(source.groups, key=lambda g: g.id):
        entries = [
            r for r in ranked if group.id in competing.get(r.user_id, ()) and scored(r.row, scoring)
        ]
        best = min((r.rank for r in entries), default=None)
        out[group.id] = [r.user_id for r in entries if r.rank == best]
    return out


def _first_solver(subs: list[SubmissionFacts], source: ContestSource, view: View) -> list[str]:
    """The first accepted team, once no earlier submission is still unjudged (for this view)."""
    for sub in sorted(subs, key=lambda s: (s.submitted_at, s.id)):
        pending = sub.status in ("queued", "judging")
        if pending or hidden_verdict(view, source.info, sub.submitted_at):
            return []
        if sub.status == "done" and sub.verdict == "AC":
            return [team_id(sub.user_id)]
    return []


def awards(
    source: ContestSource, view: View, ranked: list[Ranked], problem_ids: dict[int, str]
) -> list[CcsAward]:
    scoring = source.info.scoring
    out = [CcsAward("winner", "Contest winner", _by_rank(ranked, scoring, 1, 1))]
    low = 1
    medals = source.info.medals
    for (award_id, citation), count in zip(
        MEDALS, (medals.gold, medals.silver, medals.bronze), strict=True
    ):
        out.append(CcsAward(award_id, citation, _by_rank(ranked, scoring, low, low + count - 1)))
        low += count
    names = {g.id: g.name for g in source.groups}
    for group, winners in group_winners(source, ranked).items():
        out.append(
            CcsAward(
                f"group-winner-{group}",
                f"Winner of {names[group]}",
                [team_id(user) for user in winners],
            )
        )
    if scoring != Scoring.PASS_FAIL:
        return out
    competing = {t.user_id for t in source.teams if not t.disqualified}
    by_problem: dict[int, list[SubmissionFacts]] = {p: [] for p in problem_ids}
    for sub in source.submissions:
        if sub.user_id in competing and sub.problem_id in by_problem:
            by_problem[sub.problem_id].append(sub)
    labels = {p.problem_id: p.label for p in source.problems}
    for problem, slug in problem_ids.items():
        out.append(
            CcsAward(
                id=f"first-to-solve-{slug}",
                citation=f"First to solve problem {labels.get(problem, slug)}",
                team_ids=_first_solver(by_problem[problem], source, view),
            )
        )
    return out
