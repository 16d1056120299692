#!/usr/bin/python3
"""Arena's in-container runner: PID 1 of every sandbox container.

It reads framed requests on stdin (a JSON header line, then ``payload_bytes`` raw bytes) and answers
each with one framed reply on stdout: one attach carries the whole conversation. The field names
mirror the Structs in ``arena/protocol/judging.py``. Standard library only.

The runner stays root (with only CAP_SETUID/CAP_SETGID) so that user code, which runs as an
unprivileged uid, can neither signal nor trace it. ``python3`` commands are forked from the warm
interpreter of ``zygote.py``; anything else is started through the C launcher. Every process of a
run joins one cgroup, whose CPU counter charges the whole tree (children never waited for
included). After a compile the program is sealed (root-owned, read-only); before every run the
box, /tmp and /dev/shm are emptied of everything else.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

# The runner's own modules sit beside it (the interpreter runs in isolated mode, -I).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner_box import (BOX_DIR, USER_ID, clear_user_processes, get_files,
                        kill_user_processes, put_files, seal, sweep)
from runner_pump import Pump
from runner_spawn import Cgroup, Launched, Zygote, proc_cpu_ms, rss_kib

IO_DIR = "/work/io"  # root-only: test input and captured output, handed over as open fds
STDERR_TAIL_BYTES = 4096


class FrameReader:
    """Frames from the host on fd 0, with its own buffer so an interactive run can select()."""

    def __init__(self, fd):
        self.fd, self.buffer, self.eof = fd, bytearray(), False

    def feed(self):
        chunk = os.read(self.fd, 1 << 20)
        self.eof = not chunk
        self.buffer.extend(chunk)
        return bool(chunk)

    def next_frame(self):
        end = self.buffer.find(b"\n")
        if end < 0:
            return None
        header = json.loads(bytes(self.buffer[:end]))
        size = int(header.get("payload_bytes", 0))
        if len(self.buffer) < end + 1 + size:
            return None
        payload = bytes(self.buffer[end + 1:end + 1 + size])
        del self.buffer[:end + 1 + size]
        return header, payload

    def read_frame(self):
        while (frame := self.next_frame()) is None:
            if not self.feed():
                return None, b""
        return frame


def write_frame(stream, header, payload=b""):
    header["payload_bytes"] = len(payload)
    stream.write(json.dumps(header).encode() + b"\n" + payload)
    stream.flush()


class HostClock:
    """The host charges a run's CPU from the container's host cgroup, which counts only the time
    the sandbox really ran. gVisor's own count (the cgroup below) is the time a task spent in
    application mode by the clock, so time the host's scheduler gave to others counts too.

    ``mark`` tells the host that the run starts or that its tree is gone and waits until the
    host has read its clock, so that neither the runner's work before the run (sweeping the box,
    writing the input) nor after it (reading the output) is charged. Between the marks the host
    sends ``stop`` when its figure passes the CPU limit, and ``clock`` with its figure so far.

    The same preemption pushes the wall clock: a program the host starves of CPU would reach
    the wall limit, meant for programs that sleep, long before its CPU limit. gVisor's count
    beyond the host's is time the run's tasks waited for a core the host gave to others (a
    sleeping task gathers neither), so the wall limit does not count it, up to ``cap_ms``.

    In an interactive run the clock's frames travel among the stream's: ``stream(header,
    payload)`` takes the ``data`` and ``close`` frames read here, and the pump hands the clock
    the ``stop`` and ``clock`` frames it reads."""

    def __init__(self, reader, out, cap_ms, stream=None, both=False):
        self.reader, self.out, self.cap_ms, self.stream = reader, out, cap_ms, stream
        self.stop_asked, self.cpu_ms, self.waited_ms = False, 0, 0
        # Interactive: the run stops once both clocks passed the limit, and the host charges the
        # lower figure (see arena/judge/interactive.py): the host's also counts this runner's
        # relaying, which grows with every exchange.
        self.both = both

    @property
    def fd(self):
        return None if self.reader.eof else self.reader.fd

    def mark(self, at):
        write_frame(self.out, {"kind": "mark", "at": at})
        while True:
            header, payload = self.reader.read_frame()
            if header is None or header.get("kind") == "ack":
                return
            self.take(header, payload)

    def take(self, header, payload=b""):
        kind = header.get("kind")
        if kind == "stop":
            self.stop_asked = True
        elif kind == "clock":
            self.cpu_ms = int(header.get("cpu_ms", 0))
            self.waited_ms = int(header.get("waited_ms", 0))
        elif kind in ("data", "close") and self.stream is not None:
            self.stream(header, payload)

    def starved_s(self, gvisor_cpu_ms, wall_ms):
        """How far the wall limit moves: what gVisor counted beyond the host, and in an
        interactive run the time the host saw the program wait for its peer, up to the cap."""
        moved = max(0, gvisor_cpu_ms - self.cpu_ms) + self.waited_ms
        return min(moved, max(0, self.cap_ms - wall_ms)) / 1000

    def poll(self):
        """Take the frames the host sent during the run; True once it asked to stop. In an
        interactive run the pump reads them, and hands this clock its own."""
        if self.stream is None and self.fd is not None and select.select([self.fd], [], [], 0)[0]:
            self.reader.feed()
            while (frame := self.reader.next_frame()) is not None:
                self.take(*frame)
        return self.stop_asked


def host_clock_for(header, reader, out, both=False):
    """The HostClock a compile, run or interaction asks to be charged by; None: gVisor's count."""
    if not header.get("host_clock"):
        return None
    cap_ms = max(header.get("wall_cap_ms", 0), header["limits"]["wall_time_ms"])
    return HostClock(reader, out, cap_ms, both=both)


def start_process(argv, limits, fds):
    if ZYGOTE_PROCESS is not None and ZYGOTE_PROCESS.alive and Zygote.serves(argv):
        try:
            return ZYGOTE_PROCESS.start(argv, limits, fds, CGROUPS), ZYGOTE_PROCESS.pid_of_run
        except (OSError, ValueError, KeyError):
            ZYGOTE_PROCESS.alive = False  # from now on every python3 run is launched
    launched = Launched(argv, limits, fds, WAKEUP_R, CGROUPS)
    return launched, launched.pid


def run_process(argv, limits, stdin_fd, stdout_fd, stderr_fd, wait=None, over_output=None,
                host=None):
    """Run one process tree under the limits; return the report fields and any start error.

    ``wait(seconds, fd)`` replaces the plain select between samples (an interactive run moves its
    data there); ``over_output()`` says whether the process wrote more than its output limit.
    With ``host`` (a HostClock) the host's clock charges the CPU limit, and gVisor's count, which
    only ever runs ahead of it, stops the tree at the wall cap in case the host falls silent."""
    error_r, error_w = os.pipe()
    cpu_limit_ms = host.cap_ms if host else limits["cpu_time_ms"]
    rlimits = {
        "cpu_s": -(-cpu_limit_ms // 1000) + 1,  # a backstop; the samples are exact
        "fsize": limits["file_size_kib"] * 1024, "nproc": limits["processes"],
        "stack": limits["memory_kib"] * 1024,
        # RLIMIT_AS (0: none) for native languages; runtimes that reserve far more address space
        # than they use (JVM, V8) are held to resident memory only.
        "address_space": limits.get("address_space_kib", 0) * 1024,
    }
    address_space = rlimits["address_space"]
    if host:
        host.mark("start")
    cpu_base = CGROUPS.cpu_ms()
    start = time.monotonic()
    process, pid = start_process(argv, rlimits, (stdin_fd, stdout_fd, stderr_fd, error_w))
    os.close(error_w)
    wall_deadline = start + limits["wall_time_ms"] / 1000
    stopped, peak_kib, peak_cpu, peak_processes = "none", 0, 0, 1
    pids, sum_kib = [pid], 0
    delay, next_sample = 0.001, 0.0
    while True:
        if wait is None:
            select.select([process.fd] + ([host.fd] if host and host.fd is not None else []), [],
                          [], delay)
            woken = True
        else:
            woken = wait(delay, process.fd)
        # Sampled at most every ``delay``: an interactive run wakes this loop at every exchange,
        # and each look at the process, /proc and the cgroup is a system call through gVisor.
        sample = time.monotonic() >= next_sample
        done = process.poll() if woken or sample else None
        if done:
            break
        if sample:
            # The tree's members and CPU from the cgroup: orphans and unwaited children included.
            pids = CGROUPS.pids() or [pid]
            peak_processes = max(peak_processes, len(pids))
            sum_kib = sum(rss_kib(p) for p in pids)
            peak_kib = max(peak_kib, sum_kib)
            peak_cpu = max(peak_cpu,
                           CGROUPS.cpu_ms() - cpu_base if CGROUPS.join else proc_cpu_ms(pid))
            next_sample = time.monotonic() + delay
            delay = min(delay * 2, 0.01)
        # One native process meets RLIMIT_AS (the limit plus its stack) first, with an error
        # it can report (std::bad_alloc); its peak still decides MLE afterwards.
        if sum_kib > (limits["memory_kib"] if len(pids) > 1 or not address_space
                      else address_space // 1024):
            stopped = "memory"
        elif peak_cpu > cpu_limit_ms or host and host.poll() and (
                not host.both or peak_cpu > limits["cpu_time_ms"]):
            stopped = "cpu_time"
        elif time.monotonic() > wall_deadline + (
                host.starved_s(peak_cpu, limits["wall_time_ms"]) if host else 0):
            stopped = "wall_time"
        elif over_output is not None and over_output():
            stopped = "output"
        if stopped != "none":
            kill_user_processes(USER_ID)
            done = process.poll(block=True)
            break
    wall_ms = int((time.monotonic() - start) * 1000)
    status, main_cpu, maxrss = done
    leftovers, reaped_cpu = clear_user_processes(USER_ID, {1, ZYGOTE_PID})
    if host:
        host.mark("end")
    tree_cpu = CGROUPS.cpu_ms() - cpu_base if CGROUPS.join else main_cpu + reaped_cpu
    exec_error = os.read(error_r, 1000).decode(errors="replace")
    os.close(error_r)
    report = {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "cpu_ms": max(peak_cpu, main_cpu, tree_cpu),
        "wall_ms": wall_ms,
        "memory_kib": max(peak_kib, maxrss),
        "stopped": stopped,
        "processes": max(peak_processes, leftovers + 1),
    }
    if report["signal"] == signal.SIGXCPU and stopped == "none":
        report["stopped"] = "cpu_time"
    return report, exec_error


def tail(path, size):
    with open(path, "rb") as f:
        f.seek(max(0, os.fstat(f.fileno()).st_size - size))
        return f.read().decode(errors="replace")


def open_io(name):
    return os.open(os.path.join(IO_DIR, name), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)


def interact(header, reader, out):
    limits = header["limits"]
    sweep(USER_ID, BOX_DIR, SEALED)
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    err_fd = open_io("stderr")
    host = host_clock_for(header, reader, out, both=True)
    pump = Pump(reader, out, stdin_w, stdout_r, limits["output_kib"] * 1024, write_frame,
                clock=host.take if host else None)
    if host:
        host.stream = pump.take_frame
    # Writing to a process that exited must be an error to handle, not the runner's death.
    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        report, exec_error = run_process(header["argv"], limits, stdin_r, stdout_w, err_fd,
                                         wait=pump.wait, over_output=pump.over_output, host=host)
        os.close(stdin_r)
        os.close(stdout_w)
        pump.finish()
    finally:
        signal.signal(signal.SIGPIPE, previous)
        os.close(err_fd)
    if exec_error:
        return {"kind": "error", "message": f"cannot start {header['argv'][0]}: {exec_error}"}
    if report["stopped"] == "none" and pump.over_output():
        report["stopped"] = "output"
    report["stderr_tail"] = tail(os.path.join(IO_DIR, "stderr"), STDERR_TAIL_BYTES)
    report["kind"] = "report"
    return report


def handle(header, payload, reader, out):
    global SEALED
    kind = header["kind"]
    if kind == "put_files":
        reply, sealed = put_files(header, payload)
        if sealed is not None:
            SEALED = sealed
        return reply, b""
    if kind == "get_files":
        return get_files(header)
    limits = header["limits"]
    if kind == "compile":
        path = os.path.join(BOX_DIR, os.path.basename(header["source_name"]))
        with open(path, "wb") as f:
            f.write(payload)
        os.chmod(path, 0o644)
        if not header["argv"]:
            SEALED = set(os.listdir(BOX_DIR))
            return {"kind": "report", "exit_code": 0, "signal": None, "cpu_ms": 0, "wall_ms": 0,
                    "memory_kib": 0, "stopped": "none", "stderr_tail": ""}, b""
        stdin_fd = os.open(os.devnull, os.O_RDONLY)
    elif kind == "run":
        sweep(USER_ID, BOX_DIR, SEALED)
        with open(os.path.join(IO_DIR, "input"), "wb") as f:
            f.write(payload)
        stdin_fd = os.open(os.path.join(IO_DIR, "input"), os.O_RDONLY)
    else:
        return {"kind": "error", "message": f"unknown request kind {kind!r}"}, b""
    out_fd = open_io("stdout")
    err_fd = out_fd if kind == "compile" else open_io("stderr")
    try:
        host = host_clock_for(header, reader, out)
        report, exec_error = run_process(header["argv"], limits, stdin_fd, out_fd, err_fd,
                                         host=host)
    finally:
        for fd in {stdin_fd, out_fd, err_fd}:
            os.close(fd)
    if kind == "compile":
        SEALED = seal(USER_ID, BOX_DIR)
    if exec_error:
        return {"kind": "error", "message": f"cannot start {header['argv'][0]}: {exec_error}"}, b""
    output_bytes = limits["output_kib"] * 1024
    stdout_path = os.path.join(IO_DIR, "stdout")
    if kind == "run" and report["stopped"] == "none" and (
        os.stat(stdout_path).st_size > output_bytes or report["signal"] == signal.SIGXFSZ
    ):
        report["stopped"] = "output"
    with open(stdout_path, "rb") as f:
        stdout = f.read(output_bytes)
    report["stderr_tail"] = "" if kind == "compile" else tail(os.path.join(IO_DIR, "stderr"),
                                                              STDERR_TAIL_BYTES)
    report["kind"] = "report"
    return report, stdout


def prepare():
    global CGROUPS, ZYGOTE_PROCESS, ZYGOTE_PID, WAKEUP_R
    os.umask(0o022)
    os.makedirs(BOX_DIR, exist_ok=True)
    os.chmod(BOX_DIR, 0o1777)  # the user's only writable place besides /tmp and /dev/shm
    os.makedirs(IO_DIR, mode=0o700, exist_ok=True)
    # As PID 1 the runner inherits orphans. SIGCHLD wakes the select() that waits for a
    # launched program (no polling of /proc while it runs).
    WAKEUP_R, wakeup_w = os.pipe()
    os.set_blocking(WAKEUP_R, False)
    os.set_blocking(wakeup_w, False)
    signal.set_wakeup_fd(wakeup_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # see runner_box.as_user
    CGROUPS = Cgroup()
    try:
        ZYGOTE_PROCESS = Zygote()
        ZYGOTE_PID = ZYGOTE_PROCESS.pid
    except OSError:
        ZYGOTE_PROCESS, ZYGOTE_PID = None, -1


CGROUPS = ZYGOTE_PROCESS = WAKEUP_R = None
ZYGOTE_PID = -1
SEALED = None  # the names in the box that belong to the program (None: nothing sealed yet)


def main():
    prepare()
    reader = FrameReader(sys.stdin.fileno())
    stdout = sys.stdout.buffer
    while True:
        header, payload = reader.read_frame()
        if header is None:
            return
        if header.get("kind") in ("data", "close", "stop", "clock"):
            # Stream frames the host sent while an interactive process was ending; host clock
            # frames that crossed the end of their run.
            continue
        try:
            if header.get("kind") == "interact":
                reply, data = interact(header, reader, stdout), b""
            else:
                reply, data = handle(header, payload, reader, stdout)
        except Exception as exc:  # noqa: BLE001 - every request gets an answer
            reply, data = {"kind": "error", "message": f"{type(exc).__name__}: {exc}"}, b""
        write_frame(stdout, reply, data)


if __name__ == "__main__":
    main()
