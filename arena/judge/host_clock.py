"""The CPU a sandbox container used on the host, from its cgroup: the clock a run is charged by.

gVisor counts a task's CPU as the time it spent in application mode by the wall clock, so time
the host's scheduler gave to other processes (another judging slot, anything else on the
machine) counts as CPU too: under load the same program measured anywhere from 0.3 to 1.1 s. The
container's host cgroup counts only the time its processes (gVisor's sentry and gofer, the
runner, the program) really ran. Docker puts a runsc container there like any other.
"""

from __future__ import annotations

import os
import time

from arena.protocol import ClockReading, StopRun

# How often the host reads a run's CPU from the container's cgroup to stop it at its limit (the
# runner sampled gVisor's count as often), and how often it tells the runner its figure.
POLL_S = 0.01
TELL_S = 0.1
# A run the host starves of CPU may take this many times its wall limit (see RunRequest).
STARVED_WALL_FACTOR = 3

# Where Docker's two cgroup drivers put a container, on cgroup v1 and v2.
_CANDIDATES = (
    "/sys/fs/cgroup/cpuacct/docker/{id}/cpuacct.usage",
    "/sys/fs/cgroup/cpu,cpuacct/docker/{id}/cpuacct.usage",
    "/sys/fs/cgroup/cpuacct/system.slice/docker-{id}.scope/cpuacct.usage",
    "/sys/fs/cgroup/cpu,cpuacct/system.slice/docker-{id}.scope/cpuacct.usage",
    "/sys/fs/cgroup/system.slice/docker-{id}.scope/cpu.stat",
    "/sys/fs/cgroup/docker/{id}/cpu.stat",
)


def cpu_file(container_id: str) -> str | None:
    """The cgroup file with the container's CPU usage; None where none is readable from here
    (Docker on another host, another layout)."""
    for candidate in _CANDIDATES:
        path = candidate.format(id=container_id)
        if read_cpu_ms(path) is not None:
            return path
    return None


def read_cpu_ms(path: str) -> float | None:
    """CPU used so far in milliseconds, from ``cpuacct.usage`` (ns) or ``cpu.stat`` (usage_usec);
    None once the cgroup is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        text = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    if path.endswith("cpu.stat"):
        for line in text.splitlines():
            name, _, value = line.partition(b" ")
            if name == b"usage_usec":
                return int(value) / 1000
        return None
    return int(text) / 1e6 if text.strip() else None


def container_cpu_ms(container_id: str) -> float | None:
    """Host CPU of a container's processes so far (gVisor's sentry and gofer and all inside)."""
    path = cpu_file(container_id)
    return None if path is None else read_cpu_ms(path)


class RunClock:
    """The host's side of one run charged by the host clock (``RunRequest`` says how): the CPU
    between the runner's two marks, a ``StopRun`` once it passes the limit, and a
    ``ClockReading`` now and then."""

    def __init__(self, cpu_file: str, cpu_limit_ms: int) -> None:
        self.cpu_file = cpu_file
        self.cpu_limit_ms = cpu_limit_ms
        self.started_ms: float | None = None
        self.charged_ms: float | None = None
        self._stop_sent = False
        self._polled = self._told = 0.0
        # Interactive: how long the program has waited for its peer so far (the relay's figure).
        self.waited_ms = 0

    @property
    def running(self) -> bool:
        return self.started_ms is not None and self.charged_ms is None

    def mark(self, at: str) -> None:
        """The runner's mark (``start`` or ``end``), read before it is acknowledged."""
        used = self._read()
        if at == "start":
            self.started_ms = used
            self._told = time.monotonic()
        elif self.started_ms is not None:
            self.charged_ms = used - self.started_ms

    def due(self) -> list[StopRun | ClockReading]:
        """The frames the runner is owed now, reading the clock at most every ``POLL_S``."""
        now = time.monotonic()
        if not self.running or now - self._polled < POLL_S:
            return []
        self._polled = now
        assert self.started_ms is not None
        used_ms = self._read() - self.started_ms
        frames: list[StopRun | ClockReading] = []
        if not self._stop_sent and used_ms > self.cpu_limit_ms:
            frames.append(StopRun())
            self._stop_sent = True
        if now - self._told >= TELL_S:
            frames.append(ClockReading(cpu_ms=int(used_ms), waited_ms=self.waited_ms))
            self._told = now
        return frames

    def _read(self) -> float:
        used = read_cpu_ms(self.cpu_file)
        if used is None:
            raise OSError("the container's cgroup is gone")
        return used
