"""Judging wire formats: runner frames, results, grading events and pipeline events.

Runner frames are one JSON header line followed by ``payload_bytes`` raw bytes.
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
    address_space_kib: int = 0  # RLIMIT_AS; 0 for none


class CompileRequest(msgspec.Struct, frozen=True, tag="compile", tag_field="kind"):
    """Write ``source_name`` (the payload) into the work dir and run ``argv`` there if non-empty;
    ``host_clock`` and ``wall_cap_ms`` as in ``RunRequest``."""

    source_name: str
    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0
    host_clock: bool = False
    wall_cap_ms: int = 0


class RunRequest(msgspec.Struct, frozen=True, tag="run", tag_field="kind"):
    """Run ``argv`` with the payload as stdin.

    With ``host_clock`` the host charges the run's CPU from the container's host cgroup: the
    runner sends a ``ClockMark`` right before it starts the program and another once the whole
    process tree is gone, waiting for a ``ClockAck`` after each. Between the two the host sends
    ``StopRun`` once its figure passes the CPU limit, and ``ClockReading`` now and then: the
    time gVisor counted beyond it is time the host starved the program, which the wall limit
    does not count, up to ``wall_cap_ms``. gVisor's own CPU count backs the host up at the cap.
    """

    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0
    host_clock: bool = False
    wall_cap_ms: int = 0


class ClockMark(msgspec.Struct, frozen=True, tag="mark", tag_field="kind"):
    """Runner → host: the run starts (``at`` = ``start``) or its process tree is gone (``end``)."""

    at: str
    payload_bytes: int = 0


class ClockAck(msgspec.Struct, frozen=True, tag="ack", tag_field="kind"):
    """Host → runner: the host read its CPU clock for the last ``ClockMark``."""

    payload_bytes: int = 0


class ClockReading(msgspec.Struct, frozen=True, tag="clock", tag_field="kind"):
    """Host → runner: the CPU the host charged the run so far; in an interactive run also how
    long the program has waited for its peer's answer so far (``waited_ms``: from the host
    seeing it write until the peer's next data or end), which the wall limit does not count
    either, up to ``wall_cap_ms``: a starved or slow interactor is not the program's idling."""

    cpu_ms: int
    payload_bytes: int = 0
    waited_ms: int = 0


class StopRun(msgspec.Struct, frozen=True, tag="stop", tag_field="kind"):
    """Host → runner: stop the running process tree, it used up its CPU time."""

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
    ``writable_dirs`` that user code may write to (a validator's feedback directory). The box
    stays writable (a program's working directory) unless ``read_only`` (a validator's)."""

    dir: str
    files: list[FileEntry]
    writable_dirs: list[str] = []
    read_only: bool = False
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
    ``arena.judge.interactive``); the runner answers with a ``report`` once the process ended.

    ``host_clock`` and ``wall_cap_ms`` as in ``RunRequest``: the clock frames travel among the
    stream's frames."""

    argv: list[str]
    limits: ProcessLimits
    payload_bytes: int = 0
    host_clock: bool = False
    wall_cap_ms: int = 0


class StreamData(msgspec.Struct, frozen=True, tag="data", tag_field="kind"):
    """A chunk of an interactive process's stdin (host → runner) or stdout (runner → host)."""

    payload_bytes: int = 0


class StreamClose(msgspec.Struct, frozen=True, tag="close", tag_field="kind"):
    """Host → runner: close the interactive process's stdin (its peer is done or closed its
    stdout). Runner → host: the process closed its stdout."""

    payload_bytes: int = 0


RunnerReply = ProcessReport | RunnerError
ClockedRunnerReply = ClockMark | ProcessReport | RunnerError
FilesRunnerReply = FilesReply | RunnerError
StreamRunnerReply = StreamData | StreamClose | ClockMark | ProcessReport | RunnerError


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
    # The program's output (cut), only when the plan keeps outputs (runs on the samples).
    output: str | None = None


class JudgingFinished(msgspec.Struct, frozen=True, tag="judging_finished", tag_field="kind"):
    result: JudgeResult


GradingEvent = CompileStarted | CompileFinished | TestStarted | TestFinished | JudgingFinished


json_encoder = msgspec.json.Encoder()
runner_reply_decoder = msgspec.json.Decoder(RunnerReply)
clocked_reply_decoder = msgspec.json.Decoder(ClockedRunnerReply)
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
