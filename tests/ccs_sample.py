"""A hand-made contest (rows as arena.storage.ccs_source would read them) for the pure tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arena.ccs.source import (
    AnnouncementFacts,
    ClarificationFacts,
    ContestSource,
    ProblemFacts,
    RunFacts,
    SubmissionFacts,
    TeamFacts,
)
from arena.contest import ContestInfo, ContestProblemInfo
from arena.contest_time import ContestClock
from arena.ranking import RankedSubmission, contestant_row

START = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def info(**changes: object) -> ContestInfo:
    fields: dict[str, object] = dict(
        id=7,
        external_id="wf26",
        name="World Finals",
        clock=ContestClock(start=START, duration_s=5 * 3600, freeze_duration_s=3600),
        scoring="pass-fail",
        penalty_minutes=20,
        public=True,
        registration_open=True,
        finalized_at=None,
        problems=[
            ContestProblemInfo(1, "apples", "A", "Apples", 1, "red"),
            ContestProblemInfo(2, "bananas", "B", "Bananas", 1, None),
        ],
    )
    fields.update(changes)
    return ContestInfo(**fields)  # type: ignore[arg-type]


def problem(problem_id: int, slug: str, label: str, ordinal: int) -> ProblemFacts:
    return ProblemFacts(
        problem_id=problem_id,
        slug=slug,
        label=label,
        title=slug.title(),
        ordinal=ordinal,
        color=None,
        rgb="#ff0000" if label == "A" else "not-a-colour",
        points=1,
        time_limit_ms=2500,
        memory_mib=256,
        output_mib=8,
        test_count=3,
        max_score=None,
    )


def sub(
    sid: int, user: int, problem_id: int, minute: float, verdict: str | None, status: str = "done"
) -> SubmissionFacts:
    return SubmissionFacts(
        id=sid,
        user_id=user,
        problem_id=problem_id,
        language="python3" if sid % 2 else "java",
        submitted_at=at(minute),
        status=status,
        attempt=1,
        verdict=verdict,
        score=None,
        time_ms=120 if verdict else None,
        judging_started_at=None if status == "queued" else at(minute + 0.1),
        judged_at=at(minute + 0.2) if status == "done" else None,
    )


# Alice (1) solves A at 30 and B at 250 (during the freeze); Bob (2) fails A then solves it at 50;
# Carol (3) has a pending B; Dave (4) is disqualified.
SUBMISSIONS = [
    sub(1, 1, 1, 30, "AC"),
    sub(2, 2, 1, 40, "WA"),
    sub(3, 2, 1, 50, "AC"),
    sub(4, 3, 2, 100, None, status="judging"),
    sub(5, 1, 2, 250, "AC"),
    sub(6, 4, 1, 10, "AC"),
]
TEAMS = [
    TeamFacts(1, "alice", False),
    TeamFacts(2, "bob", False),
    TeamFacts(3, "carol", False),
    TeamFacts(4, "dave", True),
]


def board(contest: ContestInfo, cutoff_ms: int | None) -> dict[int, object]:
    rules = contest.rules(cutoff_ms)
    rows = {}
    for team in TEAMS:
        if team.disqualified:
            continue
        mine = [
            RankedSubmission(
                s.problem_id,
                contest.clock.contest_ms(s.submitted_at),
                s.verdict if s.status == "done" else None,
            )
            for s in SUBMISSIONS
            if s.user_id == team.user_id
        ]
        rows[team.user_id] = contestant_row(mine, rules)
    return rows


def source(contest: ContestInfo | None = None, cutoff_ms: int | None = None) -> ContestSource:
    contest = contest or info()
    return ContestSource(
        info=contest,
        problems=[problem(1, "apples", "A", 1), problem(2, "bananas", "B", 2)],
        teams=TEAMS,
        submissions=SUBMISSIONS,
        runs=[
            RunFacts(s.id, i, "AC" if s.verdict == "AC" or i == 0 else s.verdict or "AC", 40 + i)
            for s in SUBMISSIONS
            if s.status == "done"
            for i in range(3)
        ],
        clarifications=[
            ClarificationFacts(
                id=11,
                user_id=2,
                problem_id=1,
                question="Are apples round?\nReally?",
                answer="Yes.",
                public=True,
                asked_at=at(20),
                answered_at=at(25),
            ),
            ClarificationFacts(
                id=12,
                user_id=3,
                problem_id=None,
                question="Can I go home?",
                answer="No.",
                public=False,
                asked_at=at(60),
                answered_at=at(61),
            ),
            ClarificationFacts(
                id=13,
                user_id=1,
                problem_id=2,
                question="Unanswered?",
                answer=None,
                public=False,
                asked_at=at(70),
                answered_at=None,
            ),
        ],
        announcements=[AnnouncementFacts(1, "Welcome", at(-15))],
        board=board(contest, cutoff_ms),  # type: ignore[arg-type]
    )
