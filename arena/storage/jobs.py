"""How judging jobs are stored in Redis: msgpack (msgspec), never pickle.

arq pickles jobs by default, so anyone who can write to Redis could make a worker (which holds
the Docker socket) run code while unpickling. Jobs are plain data here: ids, names, bytes, and
lists; a payload that is anything else (a pickle) is refused before a single byte of it runs.
Every enqueuing side (hub, CLI, tests, benches) and every worker uses this pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import in_progress_key_prefix, job_key_prefix

_encoder = msgspec.msgpack.Encoder(enc_hook=lambda value: repr(value))
_decoder = msgspec.msgpack.Decoder(dict[str, Any])


def serialize(job: dict[str, Any]) -> bytes:
    """A job or a job's result; an exception result is kept as its repr (the hub only shows it)."""
    return _encoder.encode(job)


def deserialize(raw: bytes) -> dict[str, Any]:
    return _decoder.decode(raw)


async def connect(url: str, **options: Any) -> ArqRedis:
    """A Redis client that enqueues and reads jobs in this format."""
    redis: ArqRedis = await create_pool(
        RedisSettings.from_dsn(url),
        job_serializer=serialize,
        job_deserializer=deserialize,
        **options,
    )
    return redis


# A worker claims its row in Postgres milliseconds after arq marks the job in progress; a row
# still queued whose job was taken longer ago than this lost its taker before the claim.
UNCLAIMED_AFTER_S = 10.0


async def lost(redis: Any, job_ids: Sequence[str], in_progress_ttl_s: float) -> list[bool]:
    """For each job id: is the job gone from Redis (never put there, or Redis lost it), or taken
    by a worker that died before its claim? arq keeps such a job "in progress" for its longest
    function timeout (half an hour), and a new try must not wait for that. A job that is there
    and not taken only waits its turn in a long queue: a new try would not move it forward.
    ``in_progress_ttl_s``: the lifetime arq gives an in-progress mark (0: unknown, and then a
    taken job is never judged lost)."""
    if not job_ids:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.exists(job_key_prefix + job_id)
            pipe.pttl(in_progress_key_prefix + job_id)
        found = await pipe.execute()
    gone = []
    for job, left_ms in zip(found[::2], found[1::2], strict=True):
        taken_s = in_progress_ttl_s - left_ms / 1000 if left_ms >= 0 else 0.0
        gone.append(not job or bool(in_progress_ttl_s and taken_s > UNCLAIMED_AFTER_S))
    return gone
