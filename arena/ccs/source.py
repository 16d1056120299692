"""What the Contest API is computed from: a contest's rows, read once, and who is looking."""

from __future__ import annotations

from datetime import datetime

import msgspec

from arena.contest import ContestInfo
from arena.ranking import Row


class ProblemFacts(msgspec.Struct, frozen=True, kw_only=True):
    problem_id: int
    slug: str
    label: str
    title: str
    ordinal: int
    color: str | None
    rgb: str | None
    points: int
    time_limit_ms: int
    memory_mib: int
    output_mib: int
    test_count: int
    max_score: float | None  # a scoring problem's maximum, from its scoring plan


class TeamFacts(msgspec.Struct, frozen=True):
    user_id: int
    username: str  # the team's name (a lone contestant's: the username)
    disqualified: bool
    organization: str | None = None  # the organization's id
    groups: list[str] = []  # the groups' ids
    # The team's members (user ids and usernames, in id order); a lone contestant is their own.
    member_ids: list[int] = []
    member_names: list[str] = []


class OrganizationFacts(msgspec.Struct, frozen=True):
    id: str
    name: str
    formal_name: str | None
    country: str | None
    # The logo in the blob store, with its checked type and pixel size (all None: no logo).
    logo_sha256: str | None = None
    logo_mime: str | None = None
    logo_width: int | None = None
    logo_height: int | None = None


class GroupFacts(msgspec.Struct, frozen=True):
    id: str
    name: str


class SubmissionFacts(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    user_id: int
    problem_id: int
    language: str
    submitted_at: datetime
    status: str  # queued, judging, done, failed
    attempt: int
    verdict: str | None
    score: float | None
    time_ms: int | None
    judging_started_at: datetime | None
    judged_at: datetime | None


class PastJudgementFacts(msgspec.Struct, frozen=True, kw_only=True):
    """An attempt a rejudge replaced: its judgement stays in the API with ``current: false``."""

    submission_id: int
    attempt: int
    status: str  # judging (replaced before it ended), done, failed
    verdict: str | None
    score: float | None
    time_ms: int | None
    judging_started_at: datetime | None
    judged_at: datetime | None


class RunFacts(msgspec.Struct, frozen=True):
    """One test result of a submission's current attempt."""

    submission_id: int
    ordinal: int  # 0-based, as stored
    verdict: str
    time_ms: int


class ClarificationFacts(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    user_id: int | None
    problem_id: int | None
    question: str
    answer: str | None
    public: bool
    asked_at: datetime
    answered_at: datetime | None


class AnnouncementFacts(msgspec.Struct, frozen=True):
    id: int
    body: str
    created_at: datetime


class ContestSource(msgspec.Struct, frozen=True, kw_only=True):
    info: ContestInfo
    problems: list[ProblemFacts]
    teams: list[TeamFacts]
    organizations: list[OrganizationFacts] = []  # those of the contest's teams
    groups: list[GroupFacts] = []
    submissions: list[SubmissionFacts] = []
    runs: list[RunFacts] = []
    past_judgements: list[PastJudgementFacts] = []
    clarifications: list[ClarificationFacts] = []
    announcements: list[AnnouncementFacts] = []
    # Ranking rows of the non-disqualified teams as this view's board shows them.
    board: dict[int, Row] = {}


class View(msgspec.Struct, frozen=True, kw_only=True):
    """Who is looking and when: moderators see everything, the public what the freeze allows."""

    jury: bool
    now: datetime
    # Contest milliseconds from which the public sees no verdicts (None: no freeze in force).
    cutoff_ms: int | None
    contest_key: str  # the contest's id in the API, for file links
    # Runs (each test's verdict and time) and judgements' max_run_time: how far a rival's
    # submission got is the jury's while the contest runs (the ICPC's public feed shows
    # judgements, not runs). The public gets them once the contest is over and unfrozen.
    details: bool


def contest_key(info: ContestInfo) -> str:
    """The contest's API id: contest.yaml's id when it was imported, else the number."""
    return info.external_id or str(info.id)


def view_for(info: ContestInfo, *, jury: bool, now: datetime) -> View:
    cutoff = None if jury else info.clock.public_cutoff_ms()
    details = jury or (cutoff is None and info.over_for_everyone(now))
    return View(
        jury=jury, now=now, cutoff_ms=cutoff, contest_key=contest_key(info), details=details
    )


def hidden_verdict(view: View, info: ContestInfo, submitted_at: datetime) -> bool:
    """Whether this view must not see the verdict of a submission made at ``submitted_at``."""
    return view.cutoff_ms is not None and info.clock.contest_ms(submitted_at) >= view.cutoff_ms
