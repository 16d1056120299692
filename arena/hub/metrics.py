"""The hub's Prometheus metrics, served on ``/metrics``.

Series: HTTP latency by route template and status, open sockets per channel, pub/sub lag (the
event's Redis TIME at publish to this hub's fanout), and the judging queue's depth (read from
Redis at scrape time, so every hub reports the same shared figure).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from arq.constants import default_queue_name
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

CHANNELS = ("contestant", "spectator", "admin")

HTTP_LATENCY = Histogram(
    "arena_http_request_duration_seconds",
    "HTTP request latency by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
SOCKETS = Gauge("arena_ws_sockets", "Open WebSockets of this hub by channel", ["channel"])
PUBSUB_LAG = Histogram(
    "arena_pubsub_lag_seconds",
    "Contest event publish (Redis TIME) to fanout dispatch on this hub",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)
QUEUE_DEPTH = Gauge("arena_judge_queue_depth", "Jobs waiting in the arq queue (arq:queue)")
for _channel in CHANNELS:
    SOCKETS.labels(_channel)


@contextlib.contextmanager
def open_socket(channel: str) -> Iterator[None]:
    """Counts an accepted socket of ``channel`` while the block runs."""
    gauge = SOCKETS.labels(channel)
    gauge.inc()
    try:
        yield
    finally:
        gauge.dec()


async def metrics(request: Request) -> Response:
    redis = request.app.state.hub.redis
    QUEUE_DEPTH.set(int(await redis.zcard(default_queue_name)))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
