"""``arena db migrate``: bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from arena.cli.common import UsageError, connect_db
from arena.settings import Settings
from arena.storage.migrate import MigrationNeedsStop, migrate


def register(commands: Any) -> None:
    parser = commands.add_parser("db", help="database administration")
    actions = parser.add_subparsers(dest="action", required=True)
    migrate_parser = actions.add_parser("migrate", help="apply pending schema migrations")
    migrate_parser.add_argument(
        "--stopped",
        action="store_true",
        help="every hub and worker is stopped: also apply migrations that need a stop",
    )
    migrate_parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        applied = asyncio.run(_migrate(settings.database_url, stopped=args.stopped))
    except MigrationNeedsStop as exc:
        raise UsageError(str(exc)) from exc
    print(f"applied {', '.join(applied)}" if applied else "schema is up to date")
    return 0


async def _migrate(url: str, *, stopped: bool) -> list[str]:
    conn = await connect_db(url)
    try:
        return await migrate(conn, stopped=stopped)
    finally:
        await conn.close()
