"""Judging workers as the status page sees them: each worker's heartbeat in Redis (host, slots,
how many are busy), and the depth of every arq queue."""

from __future__ import annotations

import time
from typing import Any

import msgspec

from arena.storage import keys

# arq keeps each queue as a sorted set under this prefix (arq.constants.default_queue_name is
# "arq:queue"; other lanes are "arq:queue:<name>" or any name given to a worker).
ARQ_QUEUE_PATTERN = "arq:queue*"
# A worker silent this long is dropped from the list altogether.
FORGET_AFTER_S = 3600.0


class WorkerBeat(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # host:pid
    host: str
    pid: int
    slots: int
    busy: int
    queues: list[str]
    started_at: float  # Unix seconds
    beat_at: float


class QueueDepth(msgspec.Struct, frozen=True):
    name: str
    ready: int  # due now
    deferred: int  # waiting for their time (a retry's back-off, a busy contestant)


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(WorkerBeat)


async def beat(redis: Any, status: WorkerBeat, ttl_s: float) -> None:
    """Record one heartbeat; the status expires after ``ttl_s`` without another."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(keys.worker_status(status.name), _encoder.encode(status), px=int(ttl_s * 1000))
        pipe.zadd(keys.WORKERS, {status.name: status.beat_at})
        await pipe.execute()


async def gone(redis: Any, name: str) -> None:
    """A worker that stopped cleanly leaves the list at once."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(keys.worker_status(name))
        pipe.zrem(keys.WORKERS, name)
        await pipe.execute()


async def workers(redis: Any, now: float | None = None) -> list[tuple[WorkerBeat, bool]]:
    """Every worker heard from in the last hour, with whether its status is still fresh (its
    key has not expired); a stale one is shown with the last status it wrote, if any."""
    now = time.time() if now is None else now
    await redis.zremrangebyscore(keys.WORKERS, "-inf", now - FORGET_AFTER_S)
    named = await redis.zrange(keys.WORKERS, 0, -1, withscores=True)
    if not named:
        return []
    names = [n.decode() if isinstance(n, bytes) else str(n) for n, _ in named]
    raw = await redis.mget([keys.worker_status(n) for n in names])
    out: list[tuple[WorkerBeat, bool]] = []
    for name, (_, beat_at), doc in zip(names, named, raw, strict=True):
        if doc is not None:
            out.append((_decoder.decode(doc), True))
            continue
        host, _, pid = name.rpartition(":")
        silent = WorkerBeat(
            name=name, host=host, pid=int(pid) if pid.isdigit() else 0, slots=0, busy=0,
            queues=[], started_at=float(beat_at), beat_at=float(beat_at),
        )  # fmt: skip
        out.append((silent, False))
    return out


async def queue_depths(redis: Any, now: float | None = None) -> list[QueueDepth]:
    """Jobs waiting in every arq queue: ready now, and deferred to later."""
    now_ms = int((time.time() if now is None else now) * 1000)
    out = []
    async for key in redis.scan_iter(match=ARQ_QUEUE_PATTERN, count=100, _type="zset"):
        name = key.decode() if isinstance(key, bytes) else str(key)
        ready = int(await redis.zcount(name, "-inf", now_ms))
        total = int(await redis.zcard(name))
        out.append(QueueDepth(name, ready, total - ready))
    return sorted(out, key=lambda q: q.name)
