"""The worker's Prometheus metrics: judging latency and the warm pools, served on
``ARENA_WORKER_METRICS_PORT`` when it is set (each worker process is its own scrape target)."""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

_LATENCY_BUCKETS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)

JUDGE_LATENCY = Histogram(
    "arena_judge_latency_seconds",
    "Submission (or rejudge) enqueued to its verdict written, by language and verdict",
    ["language", "verdict"],
    buckets=_LATENCY_BUCKETS,
)
QUEUE_WAIT = Histogram(
    "arena_judge_queue_wait_seconds",
    "Submission enqueued to claimed by a worker",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)

PHASE = Histogram(
    "arena_judge_phase_seconds",
    "Wall time of one phase of a judging (claim, container, grade, finish, board, publish)",
    ["phase"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0),
)


class Phases:
    """Wall time per phase of one judging, for the histogram and one log line per verdict (the
    throughput bench reads those lines to show where a submission's time goes)."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.container_id = ""
        # Host CPU of the container, ms: before it was handed out (boot), and while judging.
        self.cpu_ms: dict[str, float] = {}

    def mark(self, phase: str) -> None:
        """The phase that just ended; its time runs from the previous mark."""
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    def done(self) -> str:
        for phase, seconds in self.seconds.items():
            PHASE.labels(phase).observe(seconds)
        times = " ".join(f"{phase}_ms={s * 1000:.1f}" for phase, s in self.seconds.items())
        cpu = " ".join(f"{name}_cpu_ms={ms:.1f}" for name, ms in self.cpu_ms.items())
        return f"{times} {cpu} container={self.container_id[:12]}"


class _Pool(Protocol):
    size: int

    @property
    def ready(self) -> int: ...


class _PoolCollector(Collector):
    """Size and started-and-idle containers of every live warm pool, read at scrape time."""

    def __init__(self) -> None:
        self.pools: weakref.WeakKeyDictionary[_Pool, str] = weakref.WeakKeyDictionary()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        size = GaugeMetricFamily(
            "arena_sandbox_pool_size", "Containers a warm pool keeps started", labels=["pool"]
        )
        available = GaugeMetricFamily(
            "arena_sandbox_pool_available",
            "Started containers waiting for a submission",
            labels=["pool"],
        )
        totals: dict[str, list[int]] = {}
        for pool, kind in list(self.pools.items()):
            entry = totals.setdefault(kind, [0, 0])
            entry[0] += pool.size
            entry[1] += pool.ready
        for kind, (kept, ready) in sorted(totals.items()):
            size.add_metric([kind], kept)
            available.add_metric([kind], ready)
        yield size
        yield available


_pools = _PoolCollector()
REGISTRY.register(_pools)


def track_pool(pool: _Pool, kind: str) -> None:
    _pools.pools[pool] = kind


def serve(port: int) -> None:
    """Expose this process's metrics over HTTP (a daemon thread)."""
    start_http_server(port)
