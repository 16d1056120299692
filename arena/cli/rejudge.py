"""``arena rejudge``: a new attempt for one submission, a problem's or a contest's submissions."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from arena.cli.common import UsageError, connect_db, connect_queue
from arena.settings import Settings
from arena.storage import bank, queue


def register(commands: Any) -> None:
    parser = commands.add_parser("rejudge", help="judge submissions again (a new attempt each)")
    parser.add_argument("--submission", type=int, help="submission id")
    parser.add_argument("--problem", help="problem slug: all its submissions")
    parser.add_argument("--contest", type=int, help="contest id: all its submissions")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.submission is None and args.problem is None and args.contest is None:
        raise UsageError("name --submission, --problem or --contest")
    count = asyncio.run(_rejudge(Settings.from_env(), args))
    print(f"queued {count} submissions for rejudging")
    return 0


async def _rejudge(settings: Settings, args: argparse.Namespace) -> int:
    conn = await connect_db(settings.database_url)
    redis = await connect_queue(settings.redis_url)
    try:
        problem_id = None
        if args.problem is not None:
            problem_id = await bank.problem_id(conn, args.problem)
            if problem_id is None:
                raise UsageError(f"no problem with the slug {args.problem!r}")
        queued = await queue.rejudge(
            _OneConnection(conn),
            redis,
            actor_id=None,
            submission_id=args.submission,
            problem_id=problem_id,
            contest_id=args.contest,
        )
        return len(queued)
    finally:
        await redis.aclose()
        await conn.close()


class _OneConnection:
    """The pool interface the rejudge service takes, over the CLI's single connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        yield self._conn
