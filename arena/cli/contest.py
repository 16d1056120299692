"""``arena contest import PATH``: load an ICPC contest package, its problems and its teams."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

import asyncpg
from redis.asyncio import Redis

from arena.cli.common import UsageError, code_stubs, redis_best_effort
from arena.cli.contest_export import add_export
from arena.cli.contest_plagiarism import add_plagiarism
from arena.cli.problem import run_with_database
from arena.cli.user import register_contest_actions
from arena.hub.auth import password_hasher
from arena.settings import Settings
from arena.storage import account_events, ranking_cache, ratings
from arena.storage.blobs import BlobStore
from arena.storage.contest_state import contest_by_ref
from arena.storage.contests import ImportedContest, import_contest
from arena.storage.team_import import (
    GRANT_ADMIN_FLAG,
    UPDATE_ACCOUNTS_FLAG,
    AccountsPolicy,
    TeamsImported,
)


def register(commands: Any) -> None:
    parser = commands.add_parser("contest", help="contest administration")
    actions = parser.add_subparsers(dest="action", required=True)
    importer = actions.add_parser(
        "import",
        help="import an ICPC contest package (contest.yaml, problems.yaml, problem packages,"
        " teams.json, organizations.json, groups.json, accounts.yaml)",
        description="Importing a contest id again updates it. Blobs go to $ARENA_BLOB_DIR."
        " Accounts' passwords are stored as argon2 hashes; an account without one cannot log"
        " in until one is set (arena user add --reset-password). A judge account moderates"
        " this contest only. The import refuses admin accounts and changes to existing"
        " accounts unless told otherwise.",
    )
    importer.add_argument("path", type=Path, metavar="PATH", help="package directory or .zip")
    importer.add_argument(
        GRANT_ADMIN_FLAG,
        action="store_true",
        help="make the accounts of type admin site admins (refused otherwise)",
    )
    importer.add_argument(
        UPDATE_ACCOUNTS_FLAG,
        action="store_true",
        help="let the package change the password or raise the role of existing accounts, and"
        " list existing moderators and admins (refused otherwise)",
    )
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
    settings = Settings.from_env()

    policy = AccountsPolicy(grant_admin=args.grant_admin, update_accounts=args.update_accounts)

    async def job(conn: asyncpg.Connection, blobs: BlobStore) -> tuple[ImportedContest, str]:
        result = await import_contest(
            conn,
            blobs,
            args.path,
            code_stubs=code_stubs(settings),
            hasher=password_hasher(settings),
            policy=policy,
        )
        return result, await _refresh_board(settings, conn, result)

    result, board = run_with_database(job)
    print(describe(result))
    print(board)
    if result.teams is not None:
        print(asyncio.run(_tell_hubs(settings, result.contest_id, result.teams)))
    return 0


async def _refresh_board(
    settings: Settings, conn: asyncpg.Connection, result: ImportedContest
) -> str:
    """The ranking cache, once built, holds no row for a new team without submissions and the
    old name of a renamed one: it is rebuilt now (best effort: the import is done)."""
    teams = [] if result.teams is None else result.teams.registrations
    rows = 0

    async def rebuild(redis: Redis) -> None:
        nonlocal rows
        rows = await ranking_cache.rebuild_for_teams(conn, redis, result.contest_id, teams)

    failed = await redis_best_effort(settings, rebuild)
    if failed is not None:
        return (
            f"warning: could not rebuild the ranking ({failed});"
            f" run arena leaderboard rebuild {result.contest_id}"
        )
    return f"ranking rebuilt: {rows} contestants"


async def _tell_hubs(settings: Settings, contest_id: int, teams: TeamsImported) -> str:
    """Hubs cache sessions and who takes part: a changed password or role ends the sessions
    there too, and the teams written are read again (best effort: the import is done; without
    Redis the caches let them go within minutes)."""

    async def tell(redis: Redis) -> None:
        await account_events.end_sessions(redis, teams.ended_sessions)
        for user_id in teams.changed_users:
            await account_events.account_changed(redis, user_id)
        for user_id in teams.participants:
            await account_events.participation_changed(redis, contest_id, user_id)

    failed = await redis_best_effort(settings, tell)
    if failed is not None:
        changed = len(teams.changed_users)
        return f"warning: could not tell the hubs that {changed} accounts changed: {failed}"
    return (
        f"hubs told: {len(teams.changed_users)} accounts changed (their sessions ended),"
        f" {len(teams.participants)} contestants to read again"
    )


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
    line = f"{action} contest {result.external_id} {result.name!r}: {problems}"
    teams = result.teams
    if teams is not None:
        line += (
            f"; {teams.teams} teams, {teams.organizations} organizations, {teams.groups} groups,"
            f" accounts: {teams.accounts_created} created, {teams.accounts_updated} updated"
        )
    return line
