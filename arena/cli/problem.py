"""``arena problem import PATH``: load a problem package (directory or zip) into the database."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from arena.cli.common import UsageError, code_stubs, connect_db
from arena.cli.problem_check import add_check
from arena.problems.errors import PackageError
from arena.settings import Settings
from arena.storage.blobs import BlobStore, blob_store_from_env
from arena.storage.errors import ImportFailure
from arena.storage.migrate import MigrationNeedsStop, migrate
from arena.storage.problems import DIFFICULTIES, ImportedProblem, import_problem

T = TypeVar("T")


def register(commands: Any) -> None:
    parser = commands.add_parser("problem", help="problem administration")
    actions = parser.add_subparsers(dest="action", required=True)
    importer = actions.add_parser(
        "import",
        help="import a problem package; a changed package becomes a new version",
        description="Blobs go to $ARENA_BLOB_DIR (default /var/lib/arena/blobs).",
    )
    importer.add_argument("path", type=Path, metavar="PATH", help="package directory or .zip")
    importer.add_argument("--slug", help="default: the package directory's name, lowercased")
    importer.add_argument("--difficulty", choices=DIFFICULTIES)
    importer.add_argument("--tags", help="comma-separated, e.g. graphs,greedy")
    importer.set_defaults(handler=run_import)
    add_check(actions)


def run_import(args: argparse.Namespace) -> int:
    tags = None if args.tags is None else args.tags.split(",")

    async def job(conn: asyncpg.Connection, blobs: BlobStore) -> ImportedProblem:
        return await import_problem(
            conn,
            blobs,
            args.path,
            slug=args.slug,
            difficulty=args.difficulty,
            tags=tags,
            code_stubs=code_stubs(Settings.from_env()),
        )

    print(describe(run_with_database(job)))
    return 0


def describe(result: ImportedProblem) -> str:
    summary = f"{result.test_count} tests, package {result.package_hash[:12]}"
    if result.created:
        return f"imported {result.slug} as version {result.version} ({summary})"
    return f"{result.slug} is unchanged at version {result.version} ({summary})"


def _os_message(exc: OSError) -> str:
    return f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)


def run_with_database(job: Callable[[Any, BlobStore], Awaitable[T]]) -> T:
    """Run ``job(conn, blobs)`` on a migrated database; input errors become ``UsageError``."""
    try:
        url = Settings.from_env().database_url
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return asyncio.run(_with_database(url, blob_store_from_env(), job))


async def _with_database(
    url: str, blobs: BlobStore, job: Callable[[Any, BlobStore], Awaitable[T]]
) -> T:
    conn = await connect_db(url)
    try:
        # Importing into an older schema would fail halfway; bringing it up to date is safe.
        await migrate(conn)
        return await job(conn, blobs)
    except (PackageError, ImportFailure, MigrationNeedsStop) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        # An unreadable package file or an unwritable blob directory.
        raise UsageError(_os_message(exc)) from exc
    finally:
        await conn.close()
