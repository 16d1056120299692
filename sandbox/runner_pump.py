"""The relay of an interactive run inside the runner: host frames to the process's stdin, its
stdout to the host. Part of the runner (``runner.py``), which is its only user."""

import os
import select


class Pump:
    """Moves the host's ``data`` frames to an interactive process's stdin and its stdout to the
    host as ``data`` frames, between the samples of ``run_process``."""

    def __init__(self, reader, out, stdin_w, stdout_r, output_bytes, write_frame, clock=None):
        self.write_frame = write_frame
        self.clock = clock  # takes the host clock's ``stop`` and ``clock`` frames (HostClock)
        self.reader = reader
        self.out = out
        self.stdin_w = stdin_w
        self.stdout_r = stdout_r
        self.output_bytes = output_bytes
        self.pending = bytearray()
        self.close_requested = False
        self.sent = 0
        self.process_fd = None  # readable once the process has ended (see ``wait``)
        self.ended = False
        for fd in (stdin_w, stdout_r):
            os.set_blocking(fd, False)
        # Frames that arrived together with the interact request are already in the buffer,
        # and select() on fd 0 would never report them.
        self.take_frames()

    def over_output(self):
        return self.sent > self.output_bytes

    def wait(self, timeout, process_fd):
        """Move data until something happens or ``timeout`` passes; ``process_fd`` becomes
        readable when the process ends. Returns whether it did or the time passed: only then
        need the caller look at the process (each look costs a system call in gVisor)."""
        self.process_fd = process_fd
        readable = [process_fd] if self.stdout_r is None else [process_fd, self.stdout_r]
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
        return process_fd in ready_r or not (ready_r or ready_w)

    def take_frames(self):
        while (frame := self.reader.next_frame()) is not None:
            self.take_frame(*frame)
        if self.pending and self.stdin_w is not None:
            # Mostly the pipe has room: one turn of the caller's loop less per exchange.
            self.write_input()

    def take_frame(self, header, payload):
        kind = header.get("kind")
        if kind == "data" and not self.close_requested:
            self.pending.extend(payload)
        elif kind == "close":
            self.close_requested = True
        elif kind in ("stop", "clock") and self.clock is not None:
            self.clock(header, payload)
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
            # Output mostly ends because the process did: then its report, moments away, ends
            # the peer's stdin (the host closes it on a report) and comes first, as the process
            # did. Only a process that lives on without its stdout sends a close of its own.
            ended = self.ended or select.select([self.process_fd], [], [], 0.1)[0]
            if not ended:
                self.write_frame(self.out, {"kind": "close"})
            return
        allowed = max(0, self.output_bytes - self.sent)
        self.sent += len(chunk)
        if chunk[:allowed]:
            self.write_frame(self.out, {"kind": "data"}, chunk[:allowed])

    def finish(self):
        """After the whole process tree is gone: forward what is left of its output."""
        self.ended = True
        self.close_stdin()
        if self.stdout_r is not None:
            os.set_blocking(self.stdout_r, True)
        while self.stdout_r is not None:
            self.read_output()
