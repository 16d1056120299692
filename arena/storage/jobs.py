"""How judging jobs are stored in Redis: msgpack (msgspec), never pickle.

arq pickles jobs by default, so anyone who can write to Redis could make a worker (which holds
the Docker socket) run code while unpickling. Jobs are plain data here: ids, names, bytes, and
lists; a payload that is anything else (a pickle) is refused before a single byte of it runs.
Every enqueuing side (hub, CLI, tests, benches) and every worker uses this pair.
"""

from __future__ import annotations

from typing import Any

import msgspec
from arq.connections import ArqRedis, RedisSettings, create_pool

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
