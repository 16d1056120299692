"""What every sub-command shares."""

from __future__ import annotations

from typing import Any

import asyncpg
from arq.connections import ArqRedis, RedisSettings, create_pool


class UsageError(Exception):
    """A user-facing error (bad file, unknown language…): one line on stderr, exit status 2."""


async def connect_db(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise UsageError(f"cannot connect to the database ({url}): {exc}") from exc


async def connect_queue(url: str) -> ArqRedis:
    try:
        redis: Any = await create_pool(RedisSettings.from_dsn(url), retry=1)
    except (OSError, ConnectionError) as exc:
        raise UsageError(f"cannot connect to Redis ({url}): {exc}") from exc
    return redis  # type: ignore[no-any-return]
