"""``arena contest import PATH``: load an ICPC contest package and its problems."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import asyncpg

from arena.cli.common import UsageError, code_stubs
from arena.cli.contest_export import add_export
from arena.cli.contest_plagiarism import add_plagiarism
from arena.cli.problem import run_with_database
from arena.cli.user import register_contest_actions
from arena.settings import Settings
from arena.storage import ratings
from arena.storage.blobs import BlobStore
from arena.storage.contest_state import contest_by_ref
from arena.storage.contests import ImportedContest, import_contest


def register(commands: Any) -> None:
    parser = commands.add_parser("contest", help="contest administration")
    actions = parser.add_subparsers(dest="action", required=True)
    importer = actions.add_parser(
        "import",
        help="import an ICPC contest package (contest.yaml, problems.yaml, problem packages)",
        description="Importing a contest id again updates it. Blobs go to $ARENA_BLOB_DIR.",
    )
    importer.add_argument("path", type=Path, metavar="PATH", help="package directory or .zip")
    importer.set_defaults(handler=run_import)
    register_contest_actions(actions)
    add_export(actions)
    add_plagiarism(actions)
    rated = actions.add_parser(
        "rated",
        help="make a contest rated or unrated (a finalized one is rated or unrated at once)",
    )
    rated.add_argument("contest", help="contest id or external id (contest.yaml's id)")
    rated.add_argument("state", choices=("on", "off"))
    rated.set_defaults(handler=run_rated)


def run_rated(args: argparse.Namespace) -> int:
    async def job(conn: asyncpg.Connection, _blobs: BlobStore) -> str:
        contest_id = await contest_by_ref(conn, args.contest)
        if contest_id is None or not await ratings.set_rated(conn, contest_id, args.state == "on"):
            raise UsageError(f"no contest {args.contest!r}")
        return f"contest {args.contest}: rated {args.state}"

    print(run_with_database(job))
    return 0


def run_import(args: argparse.Namespace) -> int:
    async def job(conn: asyncpg.Connection, blobs: BlobStore) -> ImportedContest:
        stubs = code_stubs(Settings.from_env())
        return await import_contest(conn, blobs, args.path, code_stubs=stubs)

    print(describe(run_with_database(job)))
    return 0


def describe(result: ImportedContest) -> str:
    parts = []
    for link in result.problems:
        if link.imported is None:
            state = "linked"
        elif link.imported.created:
            state = f"v{link.imported.version}"
        else:
            state = f"v{link.imported.version} unchanged"
        parts.append(f"{link.label} {link.slug} ({state})")
    action = "created" if result.created else "updated"
    problems = ", ".join(parts) or "no problems"
    return f"{action} contest {result.external_id} {result.name!r}: {problems}"
