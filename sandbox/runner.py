#!/usr/bin/python3
"""Arena's in-container runner: PID 1 of every sandbox container.

It reads framed requests on stdin (a JSON header line, then ``payload_bytes`` raw bytes) and answers
each with one framed reply on stdout. The host never execs into the container: one attach carries the
whole conversation, so no network and no second channel are needed.

The runner stays root (with only CAP_SETUID/CAP_SETGID left in the container) so that the code it
runs, which drops to an unprivileged uid with no capabilities, can neither signal nor ptrace it.
Standard library only: the image has no third-party Python packages. The field names mirror the
Structs in ``arena/protocol.py``.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sys
import time

USER_ID = 1000
WORK_DIR = "/work"
BOX_DIR = "/work/box"  # the user's cwd: source, binaries, anything it writes
IO_DIR = "/work/io"  # root-only: test input and captured output, handed over as open fds
LAUNCHER = "/opt/arena/launch"
STDERR_TAIL_BYTES = 4096
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
USER_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
}


class FrameReader:
    """Frames from the host on fd 0. Its own buffer (not a buffered file) lets an interactive run
    select() on fd 0 and take whole frames as they arrive."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = bytearray()
        self.eof = False

    def feed(self):
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            self.eof = True
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
        while True:
            frame = self.next_frame()
            if frame is not None:
                return frame
            if not self.feed():
                return None, b""


def write_frame(stream, header, payload=b""):
    header["payload_bytes"] = len(payload)
    stream.write(json.dumps(header).encode() + b"\n" + payload)
    stream.flush()


def user_pids():
    """Pids of every process the unprivileged user owns (the whole tree, orphans included)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == USER_ID:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def cpu_ms(pid):
    """CPU time of ``pid`` and of its children it has already waited for."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks * 1000 // CLOCK_TICKS


def spawn(args, fds=(), setsid=False):
    """posix_spawn the launcher: gVisor serves it several times faster than a fork of Python."""
    actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(fds)]
    # Python ignores SIGPIPE and SIGXFSZ for itself; user code must get the default actions
    # (SIGXFSZ is how the output limit stops a writer).
    return os.posix_spawn(LAUNCHER, [LAUNCHER, *args], USER_ENV, file_actions=actions,
                          setsid=setsid, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))


def kill_user_processes():
    """SIGKILL everything the user owns, orphans and escaped sessions included."""
    os.waitpid(spawn(["kill", str(USER_ID)]), 0)


def reap_orphans():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def clear_user_processes():
    """Kill and reap every user process, so nothing of one run is alive (or a zombie counted
    against the process limit) when the next one starts."""
    deadline = time.monotonic() + 5
    while True:
        reap_orphans()
        if not user_pids() or time.monotonic() > deadline:
            return
        kill_user_processes()
        time.sleep(0.002)


def run_process(argv, limits, stdin_fd, stdout_fd, stderr_fd, wait=time.sleep, over_output=None):
    """Run one process tree under the limits; return the report fields and the stop reason.

    ``wait(seconds)`` is called between polls (an interactive run moves its data there);
    ``over_output()`` says whether the process wrote more than its output limit."""
    error_r, error_w = os.pipe()
    cpu_s = -(-limits["cpu_time_ms"] // 1000) + 1  # a backstop; the poll below is exact
    # RLIMIT_AS (0: none) is for native languages, as Kattis limits them; runtimes that reserve
    # far more address space than they use (JVM, V8) are held to resident memory only.
    address_space = limits.get("address_space_kib", 0) * 1024
    args = ["run", str(cpu_s), str(limits["file_size_kib"] * 1024), str(limits["processes"]),
            str(limits["memory_kib"] * 1024), str(address_space), str(USER_ID), BOX_DIR, "--",
            *argv]
    start = time.monotonic()
    pid = spawn(args, (stdin_fd, stdout_fd, stderr_fd, error_w), setsid=True)
    os.close(error_w)
    wall_deadline = start + limits["wall_time_ms"] / 1000
    memory_kib = limits["memory_kib"]
    cpu_limit_ms = limits["cpu_time_ms"]
    stopped = "none"
    peak_kib = 0
    peak_cpu = 0
    peak_processes = 1
    tick = 0
    delay = 0.0005
    while True:
        wpid, status, usage = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        tick += 1
        # A full /proc scan sees every process of the tree but costs more than a read of the
        # main process, so it runs on every fourth poll only.
        if tick % 4 == 0:
            pids = user_pids()
            peak_processes = max(peak_processes, len(pids))
            used_kib = sum(rss_kib(p) for p in pids)
        else:
            used_kib = rss_kib(pid)
        peak_kib = max(peak_kib, used_kib)
        # CPU of the main process and the children it waited for, as wait4 reports it. Not a sum
        # over the live tree: gVisor charges each forked process tens of ms of start-up, so 60
        # sleeping children would read as seconds of CPU. Busy children are bounded by their own
        # RLIMIT_CPU and by the wall limit.
        peak_cpu = max(peak_cpu, cpu_ms(pid))
        if used_kib > memory_kib:
            stopped = "memory"
        elif peak_cpu > cpu_limit_ms:
            stopped = "cpu_time"
        elif time.monotonic() > wall_deadline:
            stopped = "wall_time"
        elif over_output is not None and over_output():
            stopped = "output"
        if stopped != "none":
            kill_user_processes()
            wpid, status, usage = os.wait4(pid, 0)
            break
        wait(delay)
        delay = min(delay * 2, 0.005)
    wall_ms = int((time.monotonic() - start) * 1000)
    leftovers = user_pids()
    if leftovers:
        peak_processes = max(peak_processes, len(leftovers) + 1)
    clear_user_processes()
    exec_error = os.read(error_r, 1000).decode(errors="replace")
    os.close(error_r)
    usage_cpu = int((usage.ru_utime + usage.ru_stime) * 1000)
    report = {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "cpu_ms": max(peak_cpu, usage_cpu),
        "wall_ms": wall_ms,
        "memory_kib": max(peak_kib, usage.ru_maxrss),
        "stopped": stopped,
        "processes": peak_processes,
    }
    if report["signal"] == signal.SIGXCPU and stopped == "none":
        report["stopped"] = "cpu_time"
    return report, exec_error


def read_capped(path, limit):
    with open(path, "rb") as f:
        return f.read(limit)


def tail(path, size):
    with open(path, "rb") as f:
        f.seek(max(0, os.fstat(f.fileno()).st_size - size))
        return f.read().decode(errors="replace")


def open_io(name):
    return os.open(os.path.join(IO_DIR, name), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)


def relative_parts(relative):
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"bad relative path {relative!r}")
    return parts


def work_path(relative):
    """``/work/<relative>`` for a host-given relative path; never the io dir, never outside."""
    parts = relative_parts(relative)
    if parts[0] == "io":
        raise ValueError(f"bad path {relative!r}")
    return os.path.join(WORK_DIR, *parts)


def put_files(header, payload):
    target = work_path(header["dir"])
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target, exist_ok=True)
    # The box stays writable: compilers and validators write next to their sources.
    os.chmod(target, 0o777 if target == BOX_DIR else 0o755)
    offset = 0
    for entry in header["files"]:
        path = os.path.join(target, *relative_parts(entry["name"]))
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        data = payload[offset:offset + entry["size"]]
        offset += entry["size"]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, 0o755 if entry.get("executable") else 0o644)
    for name in header.get("writable_dirs", []):
        path = os.path.join(target, *relative_parts(name))
        os.makedirs(path, exist_ok=True)
        os.chmod(path, 0o777)
    return {"kind": "files", "files": header["files"], "truncated": False}, b""


def get_files(header):
    root = work_path(header["dir"])
    budget = int(header["max_bytes"])
    files, chunks, truncated = [], [], False
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue  # a symbolic link or a vanished file: never followed
            with os.fdopen(fd, "rb") as f:
                info = os.fstat(f.fileno())
                if not (info.st_mode & 0o170000 == 0o100000):
                    continue
                data = f.read(budget + 1)
            if len(data) > budget:
                truncated = True
                data = data[:budget]
            budget -= len(data)
            files.append({"name": os.path.relpath(path, root), "size": len(data),
                          "executable": bool(info.st_mode & 0o100)})
            chunks.append(data)
    return {"kind": "files", "files": files, "truncated": truncated}, b"".join(chunks)


class Pump:
    """Moves the host's ``data`` frames to an interactive process's stdin and its stdout to the
    host as ``data`` frames, between the polls of ``run_process``."""

    def __init__(self, reader, out, stdin_w, stdout_r, output_bytes):
        self.reader = reader
        self.out = out
        self.stdin_w = stdin_w
        self.stdout_r = stdout_r
        self.output_bytes = output_bytes
        self.pending = bytearray()
        self.close_requested = False
        self.sent = 0
        for fd in (stdin_w, stdout_r):
            os.set_blocking(fd, False)
        # Frames that arrived together with the interact request are already in the buffer,
        # and select() on fd 0 would never report them.
        self.take_frames()

    def over_output(self):
        return self.sent > self.output_bytes

    def wait(self, timeout):
        readable = [self.stdout_r] if self.stdout_r is not None else []
        if not self.reader.eof:
            readable.append(self.reader.fd)
        writable = [self.stdin_w] if self.stdin_w is not None and self.pending else []
        ready_r, ready_w, _ = select.select(readable, writable, [], timeout)
        if self.reader.fd in ready_r:
            self.reader.feed()
            self.take_frames()
        if self.stdout_r is not None and self.stdout_r in ready_r:
            self.read_output()
        if ready_w:
            self.write_input()

    def take_frames(self):
        while (frame := self.reader.next_frame()) is not None:
            header, payload = frame
            if header.get("kind") == "data" and not self.close_requested:
                self.pending.extend(payload)
            elif header.get("kind") == "close":
                self.close_requested = True
        if self.close_requested and not self.pending:
            self.close_stdin()

    def write_input(self):
        try:
            written = os.write(self.stdin_w, self.pending[:1 << 16])
        except BlockingIOError:
            return
        except BrokenPipeError:
            # The process closed its stdin: what it never reads is dropped.
            self.pending.clear()
            written = 0
        del self.pending[:written]
        if self.close_requested and not self.pending:
            self.close_stdin()

    def close_stdin(self):
        if self.stdin_w is not None:
            os.close(self.stdin_w)
            self.stdin_w = None

    def read_output(self):
        try:
            chunk = os.read(self.stdout_r, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            os.close(self.stdout_r)
            self.stdout_r = None
            write_frame(self.out, {"kind": "close"})  # the peer's stdin ends here too
            return
        allowed = max(0, self.output_bytes - self.sent)
        self.sent += len(chunk)
        if chunk[:allowed]:
            write_frame(self.out, {"kind": "data"}, chunk[:allowed])

    def finish(self):
        """After the whole process tree is gone: forward what is left of its output."""
        self.close_stdin()
        if self.stdout_r is not None:
            os.set_blocking(self.stdout_r, True)
        while self.stdout_r is not None:
            self.read_output()


def interact(header, reader, out):
    limits = header["limits"]
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    err_fd = open_io("stderr")
    pump = Pump(reader, out, stdin_w, stdout_r, limits["output_kib"] * 1024)
    # Writing to a process that exited must be an error to handle, not the runner's death.
    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        report, exec_error = run_process(header["argv"], limits, stdin_r, stdout_w, err_fd,
                                         wait=pump.wait, over_output=pump.over_output)
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


def handle(header, payload):
    kind = header["kind"]
    if kind == "put_files":
        return put_files(header, payload)
    if kind == "get_files":
        return get_files(header)
    limits = header["limits"]
    if kind == "compile":
        name = os.path.basename(header["source_name"])
        path = os.path.join(BOX_DIR, name)
        with open(path, "wb") as f:
            f.write(payload)
        os.chmod(path, 0o644)
        if not header["argv"]:
            return {"kind": "report", "exit_code": 0, "signal": None, "cpu_ms": 0, "wall_ms": 0,
                    "memory_kib": 0, "stopped": "none", "stderr_tail": ""}, b""
        stdin_fd = os.open(os.devnull, os.O_RDONLY)
    elif kind == "run":
        with open(os.path.join(IO_DIR, "input"), "wb") as f:
            f.write(payload)
        stdin_fd = os.open(os.path.join(IO_DIR, "input"), os.O_RDONLY)
    else:
        return {"kind": "error", "message": f"unknown request kind {kind!r}"}, b""
    out_fd = open_io("stdout")
    err_fd = out_fd if kind == "compile" else open_io("stderr")
    try:
        report, exec_error = run_process(header["argv"], limits, stdin_fd, out_fd, err_fd)
    finally:
        for fd in {stdin_fd, out_fd, err_fd}:
            os.close(fd)
    if exec_error:
        return {"kind": "error", "message": f"cannot start {header['argv'][0]}: {exec_error}"}, b""
    output_bytes = limits["output_kib"] * 1024
    stdout_path = os.path.join(IO_DIR, "stdout")
    produced = os.stat(stdout_path).st_size
    if kind == "run" and report["stopped"] == "none" and (
        produced > output_bytes or report["signal"] == signal.SIGXFSZ
    ):
        report["stopped"] = "output"
    stdout = read_capped(stdout_path, output_bytes)
    report["stderr_tail"] = "" if kind == "compile" else tail(os.path.join(IO_DIR, "stderr"),
                                                              STDERR_TAIL_BYTES)
    report["kind"] = "report"
    return report, stdout


def prepare():
    os.umask(0o022)
    os.makedirs(BOX_DIR, exist_ok=True)
    os.chmod(BOX_DIR, 0o777)  # the user's only writable place besides /tmp
    os.makedirs(IO_DIR, mode=0o700, exist_ok=True)
    # As PID 1 the runner inherits orphans; SIGCHLD stays default so wait4 sees exits.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def main():
    prepare()
    reader = FrameReader(sys.stdin.fileno())
    stdout = sys.stdout.buffer
    while True:
        header, payload = reader.read_frame()
        if header is None:
            return
        if header.get("kind") in ("data", "close"):
            continue  # stream frames the host sent while an interactive process was ending
        try:
            if header.get("kind") == "interact":
                reply, data = interact(header, reader, stdout), b""
            else:
                reply, data = handle(header, payload)
        except Exception as exc:  # noqa: BLE001 - every request gets an answer
            reply, data = {"kind": "error", "message": f"{type(exc).__name__}: {exc}"}, b""
        write_frame(stdout, reply, data)


if __name__ == "__main__":
    main()
