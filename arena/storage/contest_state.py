"""Reading a contest's settings and problem set: what the hub, the ranking and workers share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from arena.contest_time import ContestClock
from arena.ranking import ContestRules

CONTEST_COLUMNS = (
    "id, external_id, name, start_time, duration_s, extra_s, freeze_duration_s, frozen_at,"
    " unfrozen_at, scoring::text AS scoring, penalty_minutes, public, registration_open,"
    " finalized_at"
)


class ContestProblemInfo(msgspec.Struct, frozen=True):
    problem_id: int
    slug: str
    label: str
    title: str
    points: int
    color: str | None


class ContestInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    external_id: str | None
    name: str
    clock: ContestClock
    scoring: str
    penalty_minutes: int
    public: bool
    registration_open: bool
    finalized_at: datetime | None
    problems: list[ContestProblemInfo]

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


def contest_from_row(row: Any, problems: list[ContestProblemInfo]) -> ContestInfo:
    return ContestInfo(
        id=row["id"],
        external_id=row["external_id"],
        name=row["name"],
        clock=ContestClock(
            start=row["start_time"],
            duration_s=row["duration_s"],
            extra_s=row["extra_s"],
            freeze_duration_s=row["freeze_duration_s"],
            frozen_at=row["frozen_at"],
            unfrozen_at=row["unfrozen_at"],
        ),
        scoring=row["scoring"],
        penalty_minutes=row["penalty_minutes"],
        public=row["public"],
        registration_open=row["registration_open"],
        finalized_at=row["finalized_at"],
        problems=problems,
    )


async def contest_problems(conn: Any, contest_id: int) -> list[ContestProblemInfo]:
    rows = await conn.fetch(
        "SELECT cp.problem_id, p.slug, cp.label, p.title, cp.points, cp.color"
        " FROM contest_problems cp JOIN problems p ON p.id = cp.problem_id"
        " WHERE cp.contest_id = $1 ORDER BY cp.ordinal",
        contest_id,
    )
    return [
        ContestProblemInfo(
            problem_id=r["problem_id"],
            slug=r["slug"],
            label=r["label"],
            title=r["title"],
            points=r["points"],
            color=r["color"],
        )
        for r in rows
    ]


async def load_contest(conn: Any, contest_id: int) -> ContestInfo | None:
    row = await conn.fetchrow(f"SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1", contest_id)
    if row is None:
        return None
    return contest_from_row(row, await contest_problems(conn, contest_id))
