"""What every sub-command shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError

from arena.languages import CodeStubs, LanguageError, LanguageTable
from arena.settings import Settings
from arena.storage import jobs


class UsageError(Exception):
    """A user-facing error (bad file, unknown language…): one line on stderr, exit status 2."""


def code_stubs(settings: Settings) -> CodeStubs:
    """The language table's starting code, stored with every imported problem."""
    try:
        return LanguageTable.load(settings.sandbox_dir / "languages.toml").code_stubs()
    except LanguageError as exc:
        raise UsageError(str(exc)) from exc


async def connect_db(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise UsageError(f"cannot connect to the database ({url}): {exc}") from exc


async def redis_best_effort(
    settings: Settings, work: Callable[[Any], Awaitable[None]]
) -> Exception | None:
    """Runs ``work`` on a Redis connection of its own, after a command's change is in Postgres
    (the caches and the hubs are told): a Redis failure is returned, not raised, so the command
    can say what it left undone instead of failing after its change was made."""
    redis = Redis.from_url(settings.redis_url)
    try:
        await work(redis)
    except (RedisError, OSError) as exc:
        return exc
    finally:
        await redis.aclose()
    return None


async def connect_queue(url: str) -> ArqRedis:
    try:
        return await jobs.connect(url, retry=1)
    except (OSError, ConnectionError) as exc:
        raise UsageError(f"cannot connect to Redis ({url}): {exc}") from exc
