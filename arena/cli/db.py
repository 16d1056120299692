"""``arena db migrate``: bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import asyncpg

from arena.cli.common import UsageError
from arena.settings import Settings
from arena.storage.migrate import migrate


def register(commands: Any) -> None:
    parser = commands.add_parser("db", help="database administration")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("migrate", help="apply pending schema migrations").set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    applied = asyncio.run(_migrate(settings.database_url))
    print(f"applied {', '.join(applied)}" if applied else "schema is up to date")
    return 0


async def _migrate(url: str) -> list[str]:
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise UsageError(f"cannot connect to the database ({url}): {exc}") from exc
    try:
        return await migrate(conn)
    finally:
        await conn.close()
