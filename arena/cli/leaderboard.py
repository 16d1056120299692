"""``arena leaderboard rebuild CONTEST``: recompute the live ranking cache from Postgres."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from redis.asyncio import Redis

from arena.cli.common import connect_db
from arena.settings import Settings
from arena.storage import ranking_cache


def register(commands: Any) -> None:
    parser = commands.add_parser("leaderboard", help="live ranking cache")
    actions = parser.add_subparsers(dest="action", required=True)
    rebuild = actions.add_parser("rebuild", help="recompute a contest's ranking from Postgres")
    rebuild.add_argument("contest", type=int, help="contest id")
    rebuild.set_defaults(handler=run_rebuild)


def run_rebuild(args: argparse.Namespace) -> int:
    rows = asyncio.run(_rebuild(Settings.from_env(), args.contest))
    print(f"rebuilt the ranking of contest {args.contest}: {rows} contestants")
    return 0


async def _rebuild(settings: Settings, contest_id: int) -> int:
    conn = await connect_db(settings.database_url)
    redis = Redis.from_url(settings.redis_url)
    try:
        return await ranking_cache.rebuild(conn, redis, contest_id)
    finally:
        await redis.aclose()
        await conn.close()
