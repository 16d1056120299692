"""The CPU a sandbox container used on the host, from its cgroup: the clock a run is charged by.

gVisor counts a task's CPU as the time it spent in application mode by the wall clock, so time
the host's scheduler gave to other processes (another judging slot, anything else on the
machine) counts as CPU too: under load the same program measured anywhere from 0.3 to 1.1 s. The
container's host cgroup counts only the time its processes (gVisor's sentry and gofer, the
runner, the program) really ran. Docker puts a runsc container there like any other.
"""

from __future__ import annotations

import os

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
