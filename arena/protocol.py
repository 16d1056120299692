"""Wire formats shared by the CLI, the sandbox driver, workers, HTTP and WebSocket.

Every message is a msgspec Struct; unions are tagged by a ``kind`` field so one decoder reads any
member of a union. Encoders and decoders are module-level singletons: building them is the costly
part of msgspec, using them is cheap.
"""

from __future__ import annotations

import enum

import msgspec


class Verdict(enum.StrEnum):
    """Judgement types with their ICPC Contest API ids."""

    AC = "AC"
    WA = "WA"
    TLE = "TLE"
    MLE = "MLE"
    RTE = "RTE"
    OLE = "OLE"
    CE = "CE"
    # A judging error is the system's fault, never the contestant's: it is retried, never final.
    JE = "JE"


class StopReason(enum.StrEnum):
    """Why the in-container runner stopped a process (``none`` when it ended by itself)."""

    NONE = "none"
    CPU_TIME = "cpu_time"
    WALL_TIME = "wall_time"
    MEMORY = "memory"
    OUTPUT = "output"


# --- host <-> in-container runner -------------------------------------------------------------
# Each frame is one JSON header line followed by ``payload_bytes`` raw bytes (source, test input,
# program output), so binary data never needs escaping.


class ProcessLimits(msgspec.Struct, frozen=True):
    cpu_time_ms: int
    wall_time_ms: int
    memory_kib: int
    output_kib: int  # stdout kept and compared; writing more is an OLE
    file_size_kib: int  # RLIMIT_FSIZE for every file the process writes, stdout included
    processes: int = 64


class CompileRequest(msgspec.Struct, frozen=True, tag="compile", tag_field="kind"):
    """Write ``source_name`` (the payload) into the work dir and run ``argv`` there if non-empty."""

    source_name: str
    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0


class RunRequest(msgspec.Struct, frozen=True, tag="run", tag_field="kind"):
    """Run ``argv`` with the payload as stdin."""

    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0


class ProcessReport(msgspec.Struct, frozen=True, tag="report", tag_field="kind"):
    """What happened to one process tree; the payload is its stdout, cut at the output limit."""

    exit_code: int | None
    signal: int | None
    cpu_ms: int
    wall_ms: int
    memory_kib: int
    stopped: StopReason
    stderr_tail: str
    processes: int = 1
    payload_bytes: int = 0


class RunnerError(msgspec.Struct, frozen=True, tag="error", tag_field="kind"):
    """The runner could not carry out a request (a judging error, never the contestant's fault)."""

    message: str
    payload_bytes: int = 0


class FileEntry(msgspec.Struct, frozen=True):
    """One file of a ``put_files`` request or a ``files`` reply; contents follow in the payload,
    in list order. ``name`` is relative to the request's directory (``/`` separates levels)."""

    name: str
    size: int
    executable: bool = False


class PutFilesRequest(msgspec.Struct, frozen=True, tag="put_files", tag_field="kind"):
    """Replace ``/work/<dir>`` with these files (root-owned, readable by user code) and empty
    ``writable_dirs`` that user code may write to (a validator's feedback directory)."""

    dir: str
    files: list[FileEntry]
    writable_dirs: list[str] = []
    payload_bytes: int = 0


class GetFilesRequest(msgspec.Struct, frozen=True, tag="get_files", tag_field="kind"):
    """The regular files under ``/work/<dir>``, at most ``max_bytes`` of contents in all."""

    dir: str
    max_bytes: int
    payload_bytes: int = 0


class FilesReply(msgspec.Struct, frozen=True, tag="files", tag_field="kind"):
    files: list[FileEntry]
    truncated: bool = False
    payload_bytes: int = 0


class InteractRequest(msgspec.Struct, frozen=True, tag="interact", tag_field="kind"):
    """Run ``argv`` with its stdin and stdout streamed as ``data`` frames (see
    ``arena.judge.interactive``); the runner answers with a ``report`` once the process ended."""

    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0


class StreamData(msgspec.Struct, frozen=True, tag="data", tag_field="kind"):
    """A chunk of an interactive process's stdin (host → runner) or stdout (runner → host)."""

    payload_bytes: int = 0


class StreamClose(msgspec.Struct, frozen=True, tag="close", tag_field="kind"):
    """Host → runner: close the interactive process's stdin (its peer is done or closed its
    stdout). Runner → host: the process closed its stdout."""

    payload_bytes: int = 0


RunnerReply = ProcessReport | RunnerError
FilesRunnerReply = FilesReply | RunnerError
StreamRunnerReply = StreamData | StreamClose | ProcessReport | RunnerError


# --- judging results ---------------------------------------------------------------------------


class TestResult(msgspec.Struct, frozen=True):
    __test__ = False  # a wire format, not a pytest test class

    name: str
    verdict: Verdict
    time_ms: int
    memory_kib: int
    wall_ms: int = 0
    message: str = ""


class GroupScore(msgspec.Struct, frozen=True):
    """One test data group of a scoring problem (``secret/group1``); ``max_score`` is None when
    unbounded."""

    name: str
    score: float
    max_score: float | None
    verdict: Verdict


class JudgeResult(msgspec.Struct, frozen=True):
    """The outcome of one submission; also the shape of ``arena judge --json``."""

    verdict: Verdict
    time_ms: int
    memory_kib: int
    tests: list[TestResult]
    compile_output: str
    message: str = ""
    # Scoring problems only: the submission's score and its groups' (None for pass-fail).
    score: float | None = None
    groups: list[GroupScore] = []


# --- grading events (the grader yields them; a table maps each kind to a handler) --------------


class CompileStarted(msgspec.Struct, frozen=True, tag="compile_started", tag_field="kind"):
    language: str


class CompileFinished(msgspec.Struct, frozen=True, tag="compile_finished", tag_field="kind"):
    ok: bool
    output: str
    time_ms: int


class TestStarted(msgspec.Struct, frozen=True, tag="test_started", tag_field="kind"):
    __test__ = False  # a wire format, not a pytest test class

    index: int
    total: int
    name: str


class TestFinished(msgspec.Struct, frozen=True, tag="test_finished", tag_field="kind"):
    __test__ = False  # a wire format, not a pytest test class

    index: int
    total: int
    result: TestResult


class JudgingFinished(msgspec.Struct, frozen=True, tag="judging_finished", tag_field="kind"):
    result: JudgeResult


GradingEvent = CompileStarted | CompileFinished | TestStarted | TestFinished | JudgingFinished


json_encoder = msgspec.json.Encoder()
runner_reply_decoder = msgspec.json.Decoder(RunnerReply)
files_reply_decoder = msgspec.json.Decoder(FilesRunnerReply)
stream_reply_decoder = msgspec.json.Decoder(StreamRunnerReply)


# --- pipeline events (published on Redis pub/sub after the database commit) --------------------


class SubmissionProgress(msgspec.Struct, frozen=True, tag="submission_progress", tag_field="kind"):
    submission_id: int
    attempt: int
    user_id: int
    contest_id: int | None
    index: int
    total: int
    result: TestResult


class SubmissionJudged(msgspec.Struct, frozen=True, tag="submission_judged", tag_field="kind"):
    submission_id: int
    attempt: int
    user_id: int
    contest_id: int | None
    problem_id: int
    verdict: Verdict
    time_ms: int
    memory_kib: int
    score: float | None = None


PipelineEvent = SubmissionProgress | SubmissionJudged
pipeline_event_decoder = msgspec.json.Decoder(PipelineEvent)


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


class Profile(msgspec.Struct, frozen=True):
    user: UserInfo
    contests: list[PastContest]
    submissions: list[SubmissionSummary]


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
    scoring: str
    frozen: bool
    freeze_time: str | None
    registration_open: bool
    registered: bool
    public: bool
    problems: list[ContestProblemView]  # empty before the start, except for moderators


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


class Leaderboard(msgspec.Struct, frozen=True):
    contest_id: int
    board: str  # public or jury
    frozen: bool
    seq: int  # the contest's event sequence number this snapshot is consistent with
    page: int
    page_size: int
    total: int
    rows: list[BoardRow]
    me: BoardRow | None


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


# --- the hub: WebSocket messages (server -> client) ---------------------------------------------
# Contest events travel as Envelopes: sequenced per contest and kept in a bounded history, so a
# client that reconnects with its last seq gets exactly what it missed.


class LeaderboardDelta(msgspec.Struct, frozen=True, tag="leaderboard_delta", tag_field="kind"):
    board: str
    frozen: bool
    total: int
    rows: list[BoardRow]  # whole changed rows; other rows' ranks may have shifted by one
    removed: list[int] = []


class AnnouncementMade(msgspec.Struct, frozen=True, tag="announcement", tag_field="kind"):
    announcement: Announcement


class ClarificationUpdate(msgspec.Struct, frozen=True, tag="clarification", tag_field="kind"):
    clarification: Clarification


class ContestChanged(msgspec.Struct, frozen=True, tag="contest", tag_field="kind"):
    contest: ContestView
    reason: str  # extended, frozen, unfrozen, finalized, registration


ContestEvent = (
    SubmissionProgress
    | SubmissionJudged
    | LeaderboardDelta
    | AnnouncementMade
    | ClarificationUpdate
    | ContestChanged
)


class Envelope(msgspec.Struct, frozen=True):
    seq: int
    audience: str  # "public", "jury" or "user:<id>"
    body: msgspec.Raw  # a ContestEvent, already encoded: hubs forward it without decoding


class Snapshot(msgspec.Struct, frozen=True, tag="snapshot", tag_field="kind"):
    """Sent on connect and after a gap too old for the history: start over from this state."""

    seq: int
    contest: ContestView
    leaderboard: Leaderboard
    announcements: list[Announcement]


class ErrorFrame(msgspec.Struct, frozen=True, tag="error", tag_field="kind", omit_defaults=True):
    message: str
    request_id: str | None = None


class Ack(msgspec.Struct, frozen=True, tag="ack", tag_field="kind"):
    request_id: str | None
    action: str
    detail: str


# --- the hub: moderator commands on /ws/admin (client -> server) --------------------------------


class Announce(msgspec.Struct, frozen=True, tag="announce", tag_field="action", kw_only=True):
    contest_id: int
    body: str
    request_id: str | None = None


class Answer(msgspec.Struct, frozen=True, tag="answer", tag_field="action", kw_only=True):
    clarification_id: int
    answer: str
    public: bool = False
    request_id: str | None = None


class RejudgeCommand(msgspec.Struct, frozen=True, tag="rejudge", tag_field="action", kw_only=True):
    contest_id: int
    submission_id: int | None = None
    problem: str | None = None  # label or slug; neither: the whole contest
    request_id: str | None = None


class Disqualify(msgspec.Struct, frozen=True, tag="disqualify", tag_field="action", kw_only=True):
    contest_id: int
    user_id: int
    request_id: str | None = None


class Reinstate(msgspec.Struct, frozen=True, tag="reinstate", tag_field="action", kw_only=True):
    contest_id: int
    user_id: int
    request_id: str | None = None


class ExtendTime(msgspec.Struct, frozen=True, tag="extend", tag_field="action", kw_only=True):
    contest_id: int
    seconds: int
    request_id: str | None = None


class Freeze(msgspec.Struct, frozen=True, tag="freeze", tag_field="action", kw_only=True):
    contest_id: int
    request_id: str | None = None


class Unfreeze(msgspec.Struct, frozen=True, tag="unfreeze", tag_field="action", kw_only=True):
    contest_id: int
    request_id: str | None = None


class SetRegistration(
    msgspec.Struct, frozen=True, tag="registration", tag_field="action", kw_only=True
):
    contest_id: int
    open: bool
    request_id: str | None = None


AdminCommand = (
    Announce
    | Answer
    | RejudgeCommand
    | Disqualify
    | Reinstate
    | ExtendTime
    | Freeze
    | Unfreeze
    | SetRegistration
)
admin_command_decoder = msgspec.json.Decoder(AdminCommand)
envelope_decoder = msgspec.json.Decoder(Envelope)
contest_event_decoder = msgspec.json.Decoder(ContestEvent)
