"""The worker's heartbeat: its status (host, slots, judgings in flight) written to Redis every
``worker_heartbeat_s``, for the judging status page. Losing Redis for a while only makes the
worker look stale there; judging goes on."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from arena.storage import workers

log = logging.getLogger(__name__)


def worker_status(
    name: str, slots: int, busy: int, queues: list[str], started_at: float
) -> workers.WorkerBeat:
    return workers.WorkerBeat(
        name=name,
        host=socket.gethostname(),
        pid=os.getpid(),
        slots=slots,
        busy=busy,
        queues=queues,
        started_at=started_at,
        beat_at=time.time(),
    )


async def beat_forever(redis: Any, every_s: float, make: Callable[[], workers.WorkerBeat]) -> None:
    """Until cancelled; a stale mark after three silent intervals."""
    while True:
        try:
            await workers.beat(redis, make(), ttl_s=3 * every_s)
        except (OSError, RedisError) as exc:
            log.warning("heartbeat not written: %s", exc)
        await asyncio.sleep(every_s)
