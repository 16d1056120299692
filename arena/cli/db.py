"""``arena db migrate``: bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from arena.cli.common import connect_db
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
    conn = await connect_db(url)
    try:
        return await migrate(conn)
    finally:
        await conn.close()
