"""The hub's HTTP bodies (requests and answers of the JSON API)."""

from __future__ import annotations

import msgspec

from arena.protocol.judging import TestResult, Verdict
from arena.protocol.vocabulary import Board, Scoring

# --- the hub: HTTP bodies ----------------------------------------------------------------------


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    """Every 4xx/5xx answer of the HTTP API."""

    error: str  # a stable code: "bad_request", "not_found", "rate_limited", ...
    message: str  # for people
    allowed: list[str] | None = None  # e.g. the languages a contest accepts


class RegisterBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    username: str
    password: str
    email: str | None = None


class LoginBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    username: str
    password: str


class UserInfo(msgspec.Struct, frozen=True):
    id: int
    username: str
    role: str


class LoginResult(msgspec.Struct, frozen=True):
    token: str  # also set as the httpOnly session cookie; API clients send it as a bearer
    user: UserInfo


class PastContest(msgspec.Struct, frozen=True):
    contest_id: int
    name: str
    rank: int
    solved: int
    penalty: int
    score: float


class SubmissionSummary(msgspec.Struct, frozen=True):
    id: int
    problem: str  # slug
    contest_id: int | None
    language: str
    status: str
    verdict: str | None
    score: float | None
    submitted_at: str


class RatingPoint(msgspec.Struct, frozen=True):
    contest_id: int
    contest: str  # its name
    at: str  # the contest's end
    place: int
    old_rating: int
    new_rating: int


class Rating(msgspec.Struct, frozen=True):
    """A user's rating (docs/rating.md): current value, title, rank among all rated users."""

    rating: int
    title: str
    color: str  # the title's CSS colour
    total_rank: int  # 1 + the users rated strictly higher
    rated_users: int
    contests: int
    history: list[RatingPoint]  # oldest first


class Profile(msgspec.Struct, frozen=True):
    user: UserInfo
    contests: list[PastContest]
    submissions: list[SubmissionSummary]
    rating: Rating | None  # None before the first rated contest
    # The contests listing the caller as a moderator (contest_moderators), ascending. An admin or a
    # global moderator moderates every contest whatever this says: the browser asks the role first.
    moderates: list[int]


class PublicProfile(msgspec.Struct, frozen=True):
    """Anyone's profile as everyone sees it: the rating and the final standings."""

    user_id: int
    username: str
    contests: list[PastContest]
    rating: Rating | None


class ProblemSummary(msgspec.Struct, frozen=True):
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    likes: int
    accepted: int
    submissions: int
    solved: bool  # by the caller


class ProblemList(msgspec.Struct, frozen=True):
    items: list[ProblemSummary]
    page: int
    page_size: int
    total: int


class Sample(msgspec.Struct, frozen=True):
    name: str
    input: str
    output: str


class LanguageOption(msgspec.Struct, frozen=True):
    """A row of the language table as the problem page's menu shows it."""

    id: str
    name: str
    version: str
    compile: str  # the compile command, flags included


class ProblemDetail(msgspec.Struct, frozen=True):
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    statement_html: str
    samples: list[Sample]
    time_limit_ms: int
    memory_mib: int
    code_stubs: dict[str, str]
    languages: list[str]
    likes: int
    liked: bool
    solved: bool
    # The menu, in the table's order; a function problem offers the languages with a harness.
    language_options: list[LanguageOption] = []
    function_problem: bool = False
    author: str = ""  # credits an organiser set (empty: none)
    source: str = ""
    # The statement languages offered (the default first among equals: the package's order) and
    # the one statement_html is in (?lang=; the default when not asked).
    statement_langs: list[str] = []
    statement_lang: str = ""


class LikeResult(msgspec.Struct, frozen=True):
    likes: int
    liked: bool


class ContestProblemView(msgspec.Struct, frozen=True):
    label: str
    slug: str
    title: str
    points: int
    color: str | None


class ContestView(msgspec.Struct, frozen=True):
    id: int
    name: str
    start: str
    end: str
    phase: str  # upcoming, running, ended
    scoring: Scoring
    frozen: bool
    freeze_time: str | None
    registration_open: bool
    registered: bool
    public: bool
    problems: list[ContestProblemView]  # empty before the start, except for moderators
    # The caller's own end and extra time when a moderator gave them time past the contest's.
    my_end: str | None = None
    my_extra_s: int = 0


class ContestList(msgspec.Struct, frozen=True):
    upcoming: list[ContestView]
    running: list[ContestView]
    past: list[ContestView]


class SubmitBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    problem: str  # label or slug
    language: str
    source: str


class PracticeSubmitBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    language: str
    source: str


class RunBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Run on the samples, or on ``input`` when given; never counted."""

    language: str
    source: str
    input: str | None = None


class Accepted(msgspec.Struct, frozen=True):
    id: int


class RunOutcome(msgspec.Struct, frozen=True):
    verdict: Verdict
    compile_output: str
    tests: list[TestResult]
    outputs: list[str]  # the program's output per test (cut), for the editor


class SubmissionView(msgspec.Struct, frozen=True):
    id: int
    user_id: int
    problem: str
    contest_id: int | None
    language: str
    status: str  # queued, judging, done, failed
    verdict: str | None
    score: float | None
    time_ms: int | None
    memory_kib: int | None
    submitted_at: str
    compile_output: str | None
    tests: list[TestResult]
    source: str | None  # only for its author and moderators
    # practice, contest, virtual or upsolve: the last two never count in the contest's results
    mode: str = "practice"


class BoardCell(msgspec.Struct, frozen=True, omit_defaults=True):
    attempts: int = 0
    pending: int = 0
    solved: bool = False
    minute: int | None = None
    score: float | None = None
    first: bool = False  # first to solve this problem


class BoardRow(msgspec.Struct, frozen=True):
    user_id: int
    username: str
    rank: int
    solved: int
    penalty: int
    score: float
    key: float  # the packed sort key: higher is better, equal keys share a rank
    cells: dict[str, BoardCell]  # by problem label
    rating: int | None = None  # the contestant's current rating (None: never rated)


class Leaderboard(msgspec.Struct, frozen=True, kw_only=True):
    contest_id: int
    board: Board
    frozen: bool
    seq: int  # the contest's event sequence number this snapshot is consistent with
    page: int
    page_size: int
    total: int
    rows: list[BoardRow]
    # The filter this page is of (rows keep their rank on the whole board); None: everyone.
    organization: str | None = None
    group: str | None = None
    # A shared snapshot is encoded once and cut at ``,"me":null`` (views._ME_HOLE): no other
    # field of a snapshot may be named "me".
    me: BoardRow | None


class BoardFilter(msgspec.Struct, frozen=True):
    id: str
    name: str


class BoardOrganization(msgspec.Struct, frozen=True):
    id: str
    name: str
    logo: str | None  # the URL of its logo, when it has one


class BoardFilters(msgspec.Struct, frozen=True):
    """What the board can be filtered by: its teams' organizations and visible groups."""

    organizations: list[BoardOrganization]
    groups: list[BoardFilter]


class VirtualView(msgspec.Struct, frozen=True):
    """The caller's virtual participation in a finished contest (its full duration)."""

    id: int
    contest_id: int
    started_at: str
    ends_at: str
    duration_s: int
    elapsed_s: int  # capped at duration_s
    running: bool


class ReplayBoard(msgspec.Struct, frozen=True):
    """A board computed on demand: ``virtual`` (the real contestants as they stood at the
    caller's elapsed time, with the caller's virtual row) or ``upsolve`` (official and upsolve
    submissions together)."""

    contest_id: int
    kind: str  # virtual, upsolve
    elapsed_s: int | None  # virtual: the moment of the contest shown
    frozen: bool  # virtual: past the contest's freeze, the real rows show as then
    virtual_user_id: int | None  # the virtual row
    rows: list[BoardRow]


class AskBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    question: str
    problem: str | None = None  # label or slug; None for a general question


class Clarification(msgspec.Struct, frozen=True):
    id: int
    problem: str | None
    question: str
    answer: str | None
    public: bool
    asked_at: str
    answered_at: str | None


class Announcement(msgspec.Struct, frozen=True):
    id: int
    body: str
    created_at: str


class ContestSubmission(msgspec.Struct, frozen=True):
    """A row of a contest's submission list (mine, or everyone's for moderators)."""

    id: int
    user_id: int
    username: str
    problem: str  # label
    language: str
    status: str
    verdict: str | None
    score: float | None
    time_ms: int | None
    submitted_at: str


class ProblemStats(msgspec.Struct, frozen=True):
    label: str
    # verdict id (or "pending": queued, judging, or made during the freeze) -> submissions
    verdicts: dict[str, int]
    timeline: list[int]  # submissions per bucket from the start


class ContestStats(msgspec.Struct, frozen=True):
    contest_id: int
    board: Board  # public: verdicts after the freeze hidden
    bucket_s: int
    buckets: int
    problems: list[ProblemStats]


class Registration(msgspec.Struct, frozen=True):
    user_id: int
    username: str
    registered_at: str
    disqualified: bool
    extra_s: int = 0  # the contestant's (a team's: every member's) own time past the end
    team: str | None = None  # the team's name, when the registration is a team's
    members: list[str] = []  # the team's members' usernames


class MedalsBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How many gold, silver and bronze medals a contest awards (by rank; ties share)."""

    gold: int
    silver: int
    bronze: int
