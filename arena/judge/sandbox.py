"""The sandbox driver: gVisor containers through the Docker Engine API, spoken to over stdio.

A container runs ``sandbox/runner.py`` as PID 1. The host attaches once and exchanges framed
messages with it (see ``arena.protocol``). Each container serves one submission and is destroyed.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import struct
import time
from collections.abc import AsyncIterator
from typing import Any

import docker
import docker.errors
import msgspec

from arena.judge import host_clock
from arena.judge.containers import create_container
from arena.judge.sandbox_errors import SandboxError as SandboxError
from arena.judge.sandbox_errors import SandboxOutOfMemory as SandboxOutOfMemory
from arena.judge.sandbox_errors import SandboxRunaway as SandboxRunaway
from arena.protocol import (
    ClockAck,
    ClockMark,
    ClockReading,
    CompileRequest,
    FileEntry,
    FilesReply,
    GetFilesRequest,
    InteractRequest,
    ProcessLimits,
    ProcessReport,
    PutFilesRequest,
    RunnerError,
    RunRequest,
    StopRun,
    clocked_reply_decoder,
    files_reply_decoder,
    json_encoder,
    runner_reply_decoder,
)
from arena.settings import Settings

# Time the runner needs beyond a request's own wall limit (writing input, reading output, kill).
_REPLY_MARGIN_S = 15.0
# A run whose reply is this late is stopped from outside: the program starved the runner (a fork
# bomb slows every gVisor kernel operation the runner's own checks need).
_RUN_REPLY_MARGIN_S = 5.0
_HEADER = struct.Struct(">BxxxL")  # Docker's multiplexed stream frame: stream type, length


class SandboxFile(msgspec.Struct, frozen=True):
    """A file to put into a container, or one read back from it."""

    name: str
    data: bytes
    executable: bool = False


def open_session(client: docker.DockerClient, settings: Settings) -> SandboxSession:
    """A fresh container outside any pool (the CLI judges one submission at a time)."""
    container = create_container(client, settings)
    try:
        return SandboxSession(client, container)
    except Exception:
        container.remove(force=True)
        raise


class FreshSessions:
    """A session in a new container for each use, outside any pool (the CLI's second sandbox
    for validators)."""

    def __init__(self, client: docker.DockerClient, settings: Settings) -> None:
        self._client = client
        self._settings = settings

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[SandboxSession]:
        session = await asyncio.to_thread(open_session, self._client, self._settings)
        try:
            yield session
        finally:
            await asyncio.to_thread(session.close)


class SandboxSession:
    """A blocking conversation with the runner of one container."""

    def __init__(self, client: docker.DockerClient, container: Any) -> None:
        self._client = client
        self._container = container
        attached = client.api.attach_socket(
            container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )
        self._sock: socket.socket = attached._sock
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._closed = False
        # The container's host cgroup, whose CPU a run is charged (None: gVisor's count instead).
        self._cpu_file = host_clock.cpu_file(container.id)

    @property
    def container_id(self) -> str:
        return str(self._container.id)

    @property
    def host_cpu_file(self) -> str | None:
        """The container's host-cgroup CPU counter that runs are charged by, if readable."""
        return self._cpu_file

    def wall_cap_ms(self, limits: ProcessLimits) -> int:
        """How long a run may take: its wall limit, or, charged by the host clock, the longest
        its wall limit may move for time the host starved it (see RunRequest)."""
        factor = host_clock.STARVED_WALL_FACTOR if self._cpu_file is not None else 1
        return limits.wall_time_ms * factor

    def run_clock(self, cpu_limit_ms: int) -> host_clock.RunClock | None:
        """The host clock a run here is charged by; None: gVisor's count instead."""
        return None if self._cpu_file is None else host_clock.RunClock(self._cpu_file, cpu_limit_ms)

    def compile(
        self, source_name: str, source: bytes, argv: list[str], limits: ProcessLimits
    ) -> tuple[ProcessReport, bytes]:
        # Charged by the host clock as a run is: under load gVisor's count, which runs ahead,
        # stopped rustc, javac and kotlinc at their CPU limit (a CE) in a test run.
        clock = self.run_clock(limits.cpu_time_ms)
        wall_cap_ms = self.wall_cap_ms(limits)
        request = CompileRequest(
            source_name=source_name,
            argv=argv,
            limits=limits,
            payload_bytes=len(source),
            host_clock=clock is not None,
            wall_cap_ms=wall_cap_ms,
        )
        reply_s = wall_cap_ms / 1000 + _REPLY_MARGIN_S
        return self._timed_exchange(json_encoder.encode(request), source, reply_s, clock)

    def run(
        self, argv: list[str], stdin: bytes, limits: ProcessLimits
    ) -> tuple[ProcessReport, bytes]:
        clock = self.run_clock(limits.cpu_time_ms)
        wall_cap_ms = self.wall_cap_ms(limits)
        request = RunRequest(
            argv=argv,
            limits=limits,
            payload_bytes=len(stdin),
            host_clock=clock is not None,
            wall_cap_ms=wall_cap_ms,
        )
        reply_s = wall_cap_ms / 1000 + _RUN_REPLY_MARGIN_S
        started = time.monotonic()
        try:
            return self._timed_exchange(json_encoder.encode(request), stdin, reply_s, clock)
        except SandboxError as exc:
            if isinstance(exc.__cause__, TimeoutError):
                self.close()
                elapsed_ms = int((time.monotonic() - started) * 1000)
                raise SandboxRunaway(
                    f"no reply {reply_s:.1f} s after the run started", elapsed_ms
                ) from exc
            raise

    def put_files(
        self,
        directory: str,
        files: list[SandboxFile],
        writable_dirs: list[str] | None = None,
        read_only: bool = False,
    ) -> None:
        """Replace ``/work/<directory>`` in the container with ``files``; with ``read_only``, user
        code cannot add files there (the box of a validator)."""
        request = PutFilesRequest(
            dir=directory,
            files=[FileEntry(f.name, len(f.data), f.executable) for f in files],
            writable_dirs=writable_dirs or [],
            read_only=read_only,
            payload_bytes=sum(len(f.data) for f in files),
        )
        payload = b"".join(f.data for f in files)
        self._files_exchange(json_encoder.encode(request), payload)

    def get_files(self, directory: str, max_bytes: int) -> tuple[list[SandboxFile], bool]:
        """The regular files under ``/work/<directory>`` and whether ``max_bytes`` cut them."""
        request = GetFilesRequest(dir=directory, max_bytes=max_bytes)
        reply, data = self._files_exchange(json_encoder.encode(request), b"")
        files: list[SandboxFile] = []
        offset = 0
        for entry in reply.files:
            chunk = data[offset : offset + entry.size]
            files.append(SandboxFile(entry.name, chunk, entry.executable))
            offset += entry.size
        return files, reply.truncated

    def begin_interaction(
        self, argv: list[str], limits: ProcessLimits, clock: host_clock.RunClock | None
    ) -> None:
        """Start an interactive run, charged by ``clock`` (``run_clock``) if any;
        ``arena.judge.interactive`` carries the stream from here."""
        request = InteractRequest(
            argv=argv,
            limits=limits,
            host_clock=clock is not None,
            wall_cap_ms=self.wall_cap_ms(limits),
        )
        try:
            self._sock.settimeout(_REPLY_MARGIN_S)
            self._sock.sendall(json_encoder.encode(request) + b"\n")
        except OSError as exc:
            raise self.failure(exc) from exc

    @property
    def socket(self) -> socket.socket:
        """The attach socket (Docker's multiplexed stream), for the interactive relay."""
        return self._sock

    def take_buffered_stdout(self) -> bytes:
        """Runner output already read from the socket but not yet consumed (the relay's start)."""
        data = bytes(self._stdout)
        self._stdout.clear()
        return data

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            # A thread still blocked reading this socket (a judging handed back mid-exchange)
            # wakes only on a shutdown, not on close(); while it reads, the attach stays open
            # and Docker's removal of the container waited over a minute for it.
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
        finally:
            with contextlib.suppress(docker.errors.NotFound):
                self._container.remove(force=True)

    def _exchange(
        self, header: bytes, payload: bytes, reply_s: float
    ) -> tuple[ProcessReport, bytes]:
        deadline = time.monotonic() + reply_s
        try:
            self._sock.settimeout(_REPLY_MARGIN_S)
            self._sock.sendall(header + b"\n" + payload)
            line = self._read_line(deadline)
            reply = runner_reply_decoder.decode(line)
            data = self._read_exact(reply.payload_bytes, deadline)
        except (OSError, EOFError, msgspec.DecodeError) as exc:
            raise self.failure(exc) from exc
        if isinstance(reply, RunnerError):
            raise SandboxError(f"runner: {reply.message}")
        return reply, data

    def _timed_exchange(
        self, header: bytes, payload: bytes, reply_s: float, clock: host_clock.RunClock | None
    ) -> tuple[ProcessReport, bytes]:
        if clock is None:
            return self._exchange(header, payload, reply_s)
        return self._clocked_exchange(header, payload, reply_s, clock)

    def _clocked_exchange(
        self, header: bytes, payload: bytes, reply_s: float, clock: host_clock.RunClock
    ) -> tuple[ProcessReport, bytes]:
        """A run charged by the host clock: its CPU is the container's host-cgroup usage between
        the runner's two marks (right before the program starts, once its whole tree is gone)."""
        deadline = time.monotonic() + reply_s
        try:
            self._sock.settimeout(_REPLY_MARGIN_S)
            self._sock.sendall(header + b"\n" + payload)
            reply = clocked_reply_decoder.decode(self._read_line(deadline))
            if isinstance(reply, ClockMark):
                clock.mark(reply.at)
                self._send(ClockAck())
                reply = self._watch(clock, deadline)
                if isinstance(reply, ClockMark):
                    clock.mark(reply.at)
                    self._send(ClockAck())
                    reply = clocked_reply_decoder.decode(self._read_line(deadline))
            data = self._read_exact(reply.payload_bytes, deadline)
        except (OSError, EOFError, msgspec.DecodeError) as exc:
            raise self.failure(exc) from exc
        if isinstance(reply, RunnerError):
            raise SandboxError(f"runner: {reply.message}")
        if isinstance(reply, ClockMark):
            raise SandboxError(f"runner: a clock mark ({reply.at}) where its report belongs")
        return charged(reply, clock), data

    def _watch(
        self, clock: host_clock.RunClock, deadline: float
    ) -> ClockMark | ProcessReport | RunnerError:
        """Wait for the runner's next frame, asking it to stop the run once the host clock passes
        the CPU limit (its own clock, which runs ahead under load, stops it only at the wall
        cap) and telling it the host's figure for its wall limit."""
        while self._stdout.find(b"\n") < 0:
            for frame in clock.due():
                self._send(frame)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the runner did not answer in time")
            if select.select([self._sock], [], [], min(remaining, host_clock.POLL_S))[0]:
                self._fill(deadline)
        return clocked_reply_decoder.decode(self._read_line(deadline))

    def _send(self, frame: ClockAck | ClockReading | StopRun) -> None:
        self._sock.sendall(json_encoder.encode(frame) + b"\n")

    def _files_exchange(self, header: bytes, payload: bytes) -> tuple[FilesReply, bytes]:
        deadline = time.monotonic() + _REPLY_MARGIN_S * 4
        try:
            self._sock.settimeout(_REPLY_MARGIN_S)
            self._sock.sendall(header + b"\n" + payload)
            reply = files_reply_decoder.decode(self._read_line(deadline))
            data = self._read_exact(reply.payload_bytes, deadline)
        except (OSError, EOFError, msgspec.DecodeError) as exc:
            raise self.failure(exc) from exc
        if isinstance(reply, RunnerError):
            raise SandboxError(f"runner: {reply.message}")
        return reply, data

    def failure(self, exc: BaseException) -> SandboxError:
        """Tell a container killed for memory (the submission's fault) from a broken sandbox."""
        try:
            self._container.reload()
            state = self._container.attrs.get("State", {})
        except docker.errors.APIError:
            state = {}
        if state.get("OOMKilled"):
            return SandboxOutOfMemory("the sandbox ran out of memory")
        stderr = self._stderr.decode(errors="replace")[-2000:]
        return SandboxError(f"sandbox connection failed: {exc!r}; state={state}; stderr={stderr}")

    def _fill(self, deadline: float) -> None:
        """Read one multiplexed frame from the attach stream into the stdout/stderr buffers."""
        header = self._recv_exact(_HEADER.size, deadline)
        stream, length = _HEADER.unpack(header)
        body = self._recv_exact(length, deadline)
        (self._stderr if stream == 2 else self._stdout).extend(body)

    def _read_line(self, deadline: float) -> bytes:
        while (end := self._stdout.find(b"\n")) < 0:
            self._fill(deadline)
        line = bytes(self._stdout[:end])
        del self._stdout[: end + 1]
        return line

    def _read_exact(self, size: int, deadline: float) -> bytes:
        while len(self._stdout) < size:
            self._fill(deadline)
        data = bytes(self._stdout[:size])
        del self._stdout[:size]
        return data

    def _recv_exact(self, size: int, deadline: float) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the runner did not answer in time")
            self._sock.settimeout(remaining)
            chunk = self._sock.recv(min(size - len(chunks), 1 << 20))
            if not chunk:
                raise EOFError("the sandbox closed its output")
            chunks.extend(chunk)
        return bytes(chunks)


def charged(report: ProcessReport, clock: host_clock.RunClock | None) -> ProcessReport:
    """The report with the CPU the host clock charged, where it did (a runner that does not
    know the host clock sends no marks: its own count stands)."""
    if clock is None or clock.charged_ms is None:
        return report
    return msgspec.structs.replace(report, cpu_ms=round(clock.charged_ms))
