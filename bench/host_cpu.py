"""Host CPU by kind of process during a bench, sampled from /proc (benches only).

Every ``interval_s`` the sampler reads each process's utime + stime and keeps the last value per
pid, so a process that lives between two samples is missed and one that ends counts up to its last
sample: an estimate, good to a few percent for processes that live longer than the interval
(gVisor's sentry and gofer live as long as their container, a second or more).

Kinds: the sandbox processes of the containers named afterwards (runsc's sentry, gofer and what
runs inside, from their cgroup ``/docker/<id>``), those containers' containerd shims and runsc
commands outside the container (their command lines name the id), dockerd and containerd
(shared with anything else using Docker on the machine), the given worker pids, Postgres (every
backend, also other users'), redis-server, and the machine's total from /proc/stat.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / _TICK


class HostCpu:
    def __init__(self, worker_pids: list[int], interval_s: float = 0.2) -> None:
        self._workers = set(worker_pids)
        self._interval_s = interval_s
        self._cpu: dict[int, float] = {}  # pid -> CPU seconds at its last sample
        self._base: dict[int, float] = {}  # pid -> CPU seconds when first seen, if seen at start
        self._kind: dict[int, tuple[str, str]] = {}  # pid -> (kind, container id or "")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._machine_start = 0.0
        self._machine_s = 0.0
        self._wall_start = 0.0
        self.wall_s = 0.0

    def __enter__(self) -> HostCpu:
        self._scan(baseline=True)
        self._machine_start = _machine_busy_s()
        self._wall_start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._scan(baseline=False)
        self._machine_s = _machine_busy_s() - self._machine_start
        self.wall_s = time.perf_counter() - self._wall_start

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._scan(baseline=False)

    def _classify(self, pid: int, comm: str) -> tuple[str, str]:
        if pid in self._workers:
            return "worker", ""
        if comm.startswith("containerd-shim"):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                return "other", ""
            for flag, value in itertools.pairwise(argv):
                if flag == b"-id":
                    return "shim", value.decode()
            return "shim", ""
        if comm.startswith("runsc"):
            # runsc's short commands (create, start, state, kill, delete) name the container.
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                argv = []
            for arg in reversed(argv):
                if len(arg) == 64 and all(c in b"0123456789abcdef" for c in arg):
                    cgroups = Path(f"/proc/{pid}/cgroup").read_text() if argv else ""
                    if "/docker/" not in cgroups:
                        return "runsc", arg.decode()
        if comm in ("dockerd", "containerd"):
            return "docker", ""
        if comm in ("postgres", "postmaster"):
            return "postgres", ""
        if comm == "redis-server":
            return "redis", ""
        try:
            cgroups = Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            return "other", ""
        for line in cgroups.splitlines():
            path = line.split(":", 2)[-1]
            if path.startswith("/docker/"):
                return "sandbox", path.removeprefix("/docker/").split("/", 1)[0]
        return "other", ""

    def _scan(self, *, baseline: bool) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                raw = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            cpu_s = (int(fields[11]) + int(fields[12])) / _TICK
            if pid not in self._kind:
                self._kind[pid] = self._classify(pid, comm)
                # Present before the bench: only what it spends from now on counts.
                self._base[pid] = cpu_s if baseline else 0.0
            self._cpu[pid] = cpu_s

    def by_kind(self, container_ids: set[str]) -> dict[str, float]:
        """CPU seconds per kind; sandbox and shim processes only of ``container_ids`` (prefixes
        of the full ids, as the worker logs them)."""

        def ours(cid: str) -> bool:
            return any(cid.startswith(prefix) for prefix in container_ids)

        totals: dict[str, float] = {}
        for pid, cpu_s in self._cpu.items():
            kind, cid = self._kind[pid]
            if kind in ("sandbox", "shim", "runsc") and not ours(cid):
                kind = "other"
            totals[kind] = totals.get(kind, 0.0) + cpu_s - self._base[pid]
        totals["machine"] = self._machine_s
        return totals
