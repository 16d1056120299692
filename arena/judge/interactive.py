"""Interactive problems: the submission and the interactor, each in its own container, joined
by the host.

The interactor is the problem's output validator, run as
``validator input answer feedback_dir [flags]``: what it writes goes to the submission's stdin,
what the submission writes comes to its stdin. Neither container ever sees the other; the
submission's container never holds the input or answer file.

The relay speaks the runner's framed protocol over each container's existing attach socket (no
second channel, no network):

1. The host sends each runner an ``interact`` request. The runner starts the process on two pipes
   and, between its limit polls, ``select``s on the process's stdout and on its own stdin.
2. Every chunk a process writes becomes a ``data`` frame to the host; the host forwards it
   unchanged, as a ``data`` frame, to the other runner, which writes it to its process's stdin.
   Sends are non-blocking with a queue per side, so neither side's full pipe can stall the other.
3. When a process closes its stdout (at the latest when its tree has ended, by itself or killed at
   a limit), its runner sends ``close``, then its ``report`` once the tree is gone. On either, the
   host sends the other runner a ``close`` frame: that process's stdin reaches EOF. The order in
   which the two reports arrive says who ended first. A runner also takes the stream frames that
   arrived in the same read as its ``interact`` request.
4. Each runner enforces its own process's limits (CPU, wall, memory, output bytes), so a
   submission waiting for input that never comes is stopped at its wall limit: TLE. The time it
   waits for the interactor's answer (from the host reading what it wrote until the interactor's
   next data or end) moves that limit, up to the wall cap, where the host clock runs: a starved
   or slow interactor is not the submission idling. Stream frames that reach a runner after its
   report are dropped by it.
5. Where the container's host cgroup is readable, each run is also timed by the host clock, as
   a plain run is (``RunRequest``): the runner's ``mark`` frames come among the stream's, the
   host acknowledges each once it has read the cgroup, and sends ``stop`` when the run passes
   its CPU limit by that clock. The run stops once both clocks passed the limit and is charged
   the lower figure (``_lower_charge`` says why). By gVisor's count alone, a submission spinning
   after a wrong answer could reach its limit under load before a starved interactor said so.

Verdict precedence follows problemtools: a validator that ended first with WA (or a judging
error) decides; otherwise a submission that failed (TLE, MLE, OLE, RTE) gets that verdict; else
the validator's verdict (42 AC, 43 WA, anything else JE).
"""

from __future__ import annotations

import asyncio
import selectors
import socket
import struct
import time

import msgspec

from arena.judge import host_clock
from arena.judge.sandbox import SandboxError, SandboxOutOfMemory, SandboxSession, charged
from arena.judge.validators import (
    ValidatorRun,
    put_test_files,
    read_feedback,
    validator_argv,
    validator_limits,
    validator_verdict,
)
from arena.judge.verdicts import result_of, run_verdict
from arena.languages import Language
from arena.problems.package import TestCase
from arena.protocol import (
    ClockAck,
    ClockMark,
    ClockReading,
    ProcessLimits,
    ProcessReport,
    RunnerError,
    StopRun,
    StreamClose,
    StreamData,
    TestResult,
    Verdict,
    json_encoder,
    stream_reply_decoder,
)

__all__ = [
    "InteractionFailure",
    "RelayOutcome",
    "interactive_verdict",
    "relay",
    "run_interactive_test",
]

_HEADER = struct.Struct(">BxxxL")  # Docker's multiplexed stream frame: stream type, length
_CLOSE = json_encoder.encode(StreamClose()) + b"\n"
_CHUNK = 1 << 20
# Time beyond both wall limits for the runners to report (kill, drain, write).
_MARGIN_S = 5.0


class InteractionFailure(SandboxError):
    """One side's container failed or never reported; ``side`` is 'submission' or 'validator'."""

    def __init__(self, side: str, cause: BaseException) -> None:
        super().__init__(f"{side} sandbox: {cause}")
        self.side = side
        self.cause = cause


class RelayOutcome(msgspec.Struct, frozen=True):
    submission: ProcessReport
    validator: ProcessReport
    validator_first: bool
    bytes_to_validator: int
    bytes_to_submission: int


_RunnerFrame = StreamData | StreamClose | ClockMark | ProcessReport | RunnerError


class _Side:
    """One container's end of the relay: demultiplexes Docker's stream, parses runner frames,
    and queues what is to be sent to it; ``clock`` charges its run (None: gVisor's count)."""

    def __init__(
        self, name: str, session: SandboxSession, clock: host_clock.RunClock | None = None
    ) -> None:
        self.name = name
        self.session = session
        self.clock = clock
        self.sock: socket.socket = session.socket
        self.raw = bytearray()
        self.stdout = bytearray(session.take_buffered_stdout())
        self.outbox = bytearray()
        self.report: ProcessReport | None = None
        self.closed = False  # a close frame has been queued
        self.forwarded = 0
        # The submission's wait for its peer: since when it has been waiting, and the total of
        # the waits that ended (RunClock.waited_ms).
        self.asked_at: float | None = None
        self.waited_s = 0.0

    def asks(self) -> None:
        if self.asked_at is None:
            self.asked_at = time.monotonic()

    def answered(self) -> None:
        if self.asked_at is not None:
            self.waited_s += time.monotonic() - self.asked_at
            self.asked_at = None

    def waited_ms(self) -> int:
        waiting = 0.0 if self.asked_at is None else time.monotonic() - self.asked_at
        return int((self.waited_s + waiting) * 1000)

    def receive(self) -> None:
        try:
            chunk = self.sock.recv(_CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            raise EOFError("the sandbox closed its output")
        self.raw.extend(chunk)
        while len(self.raw) >= _HEADER.size:
            stream, length = _HEADER.unpack_from(self.raw)
            if len(self.raw) < _HEADER.size + length:
                break
            if stream != 2:  # the runner's stderr is only diagnostics
                self.stdout.extend(self.raw[_HEADER.size : _HEADER.size + length])
            del self.raw[: _HEADER.size + length]

    def frames(self) -> list[tuple[_RunnerFrame, bytes]]:
        found: list[tuple[_RunnerFrame, bytes]] = []
        while (end := self.stdout.find(b"\n")) >= 0:
            message = stream_reply_decoder.decode(bytes(self.stdout[:end]))
            size = message.payload_bytes
            if len(self.stdout) < end + 1 + size:
                break
            payload = bytes(self.stdout[end + 1 : end + 1 + size])
            del self.stdout[: end + 1 + size]
            found.append((message, payload))
        return found

    def queue_data(self, payload: bytes) -> None:
        if self.report is None and not self.closed:
            header = json_encoder.encode(StreamData(payload_bytes=len(payload)))
            self.outbox.extend(header + b"\n" + payload)
            self.forwarded += len(payload)

    def queue_clock(self, frame: ClockAck | ClockReading | StopRun) -> None:
        """Host clock frames go to a runner whose run has not reported, closed stream or not."""
        if self.report is None:
            self.outbox.extend(json_encoder.encode(frame) + b"\n")

    def queue_close(self) -> None:
        if not self.closed:
            self.closed = True
            self.outbox.extend(_CLOSE)

    def send(self) -> None:
        try:
            sent = self.sock.send(self.outbox[:_CHUNK])
        except BlockingIOError:
            return
        del self.outbox[:sent]


def relay(
    submission: SandboxSession,
    validator: SandboxSession,
    wall_s: float,
    clocks: tuple[host_clock.RunClock | None, host_clock.RunClock | None] = (None, None),
) -> RelayOutcome:
    """Carry the streams of two interactions already begun until both processes reported.

    Blocking: run it in a thread. ``wall_s`` is the longer of the two wall caps; ``clocks``
    those the two interactions were begun with.
    """
    sides = (_Side("submission", submission, clocks[0]), _Side("validator", validator, clocks[1]))
    selector = selectors.DefaultSelector()
    deadline = time.monotonic() + wall_s + _MARGIN_S
    order: list[str] = []
    for side in sides:
        side.sock.setblocking(False)
        selector.register(side.sock, selectors.EVENT_READ, side)
    try:
        _pump(sides, selector, deadline, order)
        for side in sides:
            # A frame cut in half would corrupt the runner's next request; whole stray frames
            # are dropped by it.
            side.sock.settimeout(_MARGIN_S)
            side.sock.sendall(side.outbox)
    except OSError as exc:
        raise InteractionFailure("relay", exc) from exc
    finally:
        selector.close()
        for side in sides:
            side.sock.settimeout(None)
    sub, val = sides
    assert sub.report is not None and val.report is not None
    return RelayOutcome(
        submission=_lower_charge(sub.report, sub.clock),
        validator=_lower_charge(val.report, val.clock),
        validator_first=order[0] == "validator",
        bytes_to_validator=val.forwarded,
        bytes_to_submission=sub.forwarded,
    )


def _lower_charge(report: ProcessReport, clock: host_clock.RunClock | None) -> ProcessReport:
    """The lower of the host clock's figure and gVisor's count: each runs ahead of the CPU the
    program used for a reason of its own. gVisor's counts the time the host gave others; the
    host's counts the whole container, the runner's relaying included, which costs more than
    the program itself when it exchanges many short lines (``bench/interactive_relay.py``). The
    runner stops the run only once both passed the limit."""
    billed = charged(report, clock)
    return billed if billed.cpu_ms < report.cpu_ms else report


def _pump(
    sides: tuple[_Side, _Side],
    selector: selectors.BaseSelector,
    deadline: float,
    order: list[str],
) -> None:
    # Frames read together with the interact request's first reply bytes (normally none).
    for side in sides:
        _dispatch(side, sides, order)
    while any(side.report is None for side in sides):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            late = next(side for side in sides if side.report is None)
            raise InteractionFailure(late.name, TimeoutError("no report before the deadline"))
        timeout_s = min(remaining, 1.0)
        if sides[0].clock is not None:
            sides[0].clock.waited_ms = sides[0].waited_ms()
        for side in sides:
            if side.clock is not None and side.clock.running:
                for frame in side.clock.due():
                    side.queue_clock(frame)
                timeout_s = min(timeout_s, host_clock.POLL_S)
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if side.outbox else 0)
            selector.modify(side.sock, events, side)
        for key, mask in selector.select(timeout_s):
            side = key.data
            try:
                if mask & selectors.EVENT_WRITE:
                    side.send()
                if mask & selectors.EVENT_READ:
                    side.receive()
                    _dispatch(side, sides, order)
            except (OSError, EOFError) as exc:
                raise InteractionFailure(side.name, exc) from exc


def _dispatch(side: _Side, sides: tuple[_Side, _Side], order: list[str]) -> None:
    submission, validator = sides
    peer = validator if side is submission else submission
    try:
        frames = side.frames()
    except msgspec.DecodeError as exc:
        raise InteractionFailure(side.name, exc) from exc
    for message, payload in frames:
        # The submission waits for its peer from what it writes until the validator's next
        # data, or the validator's end (its stdin then reaches EOF).
        if side is submission and isinstance(message, StreamData):
            submission.asks()
        elif side is validator and isinstance(message, (StreamData, StreamClose, ProcessReport)):
            submission.answered()
        if isinstance(message, StreamData):
            peer.queue_data(payload)
        elif isinstance(message, StreamClose):
            peer.queue_close()
        elif isinstance(message, ClockMark):
            if side.clock is None:
                raise InteractionFailure(side.name, SandboxError("runner: an unasked clock mark"))
            side.clock.mark(message.at)
            side.queue_clock(ClockAck())
        elif isinstance(message, ProcessReport):
            side.report = message
            order.append(side.name)
            peer.queue_close()
        else:
            raise InteractionFailure(side.name, SandboxError(f"runner: {message.message}"))


def interactive_verdict(
    submission: Verdict | None, validator: Verdict, validator_first: bool
) -> Verdict:
    """The test's verdict from the submission's own (None: it ended cleanly) and the validator's.

    A validator that ended first with WA or JE decides: the submission may well have failed only
    because its peer was gone. Otherwise the submission's failure comes before the validator's
    verdict, which then decides (AC, WA, or JE for anything but 42 and 43).
    """
    if validator_first and validator in (Verdict.WA, Verdict.JE):
        return validator
    if submission is not None:
        return submission
    return validator


async def run_interactive_test(
    session: SandboxSession,
    validator: ValidatorRun,
    language: Language,
    argv: list[str],
    limits: ProcessLimits,
    test: TestCase,
) -> tuple[TestResult, bool]:
    """One test of an interactive problem; also whether a container was lost (judging stops)."""
    input_data = await asyncio.to_thread(test.input_path.read_bytes)
    answer = await asyncio.to_thread(test.answer_path.read_bytes)
    plan, built, peer = validator.plan, validator.built, validator.session
    # The interactor must outlive the submission, even one the host starves: it judges what
    # happened until the end.
    own = validator_limits(plan, built.language)
    val_limits = validator_limits(
        plan, built.language, max(own.wall_time_ms, session.wall_cap_ms(limits) + 2000)
    )
    clocks = (session.run_clock(limits.cpu_time_ms), peer.run_clock(val_limits.cpu_time_ms))

    def interact() -> RelayOutcome:
        put_test_files(peer, input_data, answer)
        peer.begin_interaction(validator_argv(built, plan, test.group), val_limits, clocks[1])
        session.begin_interaction(argv, limits, clocks[0])
        return relay(session, peer, peer.wall_cap_ms(val_limits) / 1000, clocks)

    try:
        outcome = await asyncio.to_thread(interact)
    except InteractionFailure as failure:
        return await asyncio.to_thread(_lost, session, failure, test, limits), True
    judgemessage = await asyncio.to_thread(read_feedback, peer)
    own_verdict = run_verdict(
        outcome.submission, limits.cpu_time_ms, limits.memory_kib, language.oom_markers
    )
    validator_says, message = validator_verdict(outcome.validator, judgemessage)
    verdict = interactive_verdict(own_verdict, validator_says, outcome.validator_first)
    if verdict == Verdict.RTE:
        message = outcome.submission.stderr_tail[-300:]
    return result_of(test.name, verdict, outcome.submission, message), False


def _lost(
    session: SandboxSession, failure: InteractionFailure, test: TestCase, limits: ProcessLimits
) -> TestResult:
    if failure.side == "validator":
        return TestResult(test.name, Verdict.JE, 0, 0, message=f"interactor: {failure}")
    if failure.side != "submission":
        raise failure
    if isinstance(failure.cause, TimeoutError):
        session.close()
        return TestResult(
            test.name,
            Verdict.TLE,
            limits.cpu_time_ms,
            0,
            message="stopped from outside the sandbox",
        )
    cause = session.failure(failure.cause)
    if isinstance(cause, SandboxOutOfMemory):
        return TestResult(
            test.name, Verdict.MLE, 0, limits.memory_kib, message="memory limit exceeded"
        )
    raise cause from failure
