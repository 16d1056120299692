"""A contest as the rules see it: its settings, clock and problem set (read by storage)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from arena.contest_time import ContestClock
from arena.protocol.vocabulary import Scoring
from arena.ranking import ContestRules


class ContestProblemInfo(msgspec.Struct, frozen=True):
    problem_id: int
    slug: str
    label: str
    title: str
    points: int
    color: str | None


class Medals(msgspec.Struct, frozen=True):
    """How many gold, silver and bronze medals the contest awards (by rank)."""

    gold: int = 4
    silver: int = 4
    bronze: int = 4


class ContestInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    external_id: str | None
    name: str
    clock: ContestClock
    scoring: Scoring
    penalty_minutes: int
    public: bool
    registration_open: bool
    finalized_at: datetime | None
    problems: list[ContestProblemInfo]
    rated: bool = False  # final results change ratings (arena/rating.py)
    medals: Medals = Medals()
    # The most time any one contestant has past the end (per-contestant extra time): the
    # contest is not over for everyone, nor its results final, before end + this.
    personal_extra_max_s: int = 0
    visibility: str = "public"  # public, private or invite (contest_edit.VISIBILITIES)
    registration_start: datetime | None = None
    registration_end: datetime | None = None

    def over_for_everyone(self, now: datetime) -> bool:
        """Past the last contestant's own end: only then is anything of the end revealed."""
        return now >= self.clock.end_for(self.personal_extra_max_s)

    def rules(self, cutoff_ms: int | None = None) -> ContestRules:
        return ContestRules(
            scoring=self.scoring, penalty_minutes=self.penalty_minutes, cutoff_ms=cutoff_ms
        )

    def problem_by_label(self, label: str) -> ContestProblemInfo | None:
        wanted = label.lower()
        for problem in self.problems:
            if wanted in (problem.label.lower(), problem.slug):
                return problem
        return None
