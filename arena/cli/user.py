"""``arena user add`` and ``arena contest register``: accounts and registrations for operators."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import asyncpg
from redis.asyncio import Redis

from arena.cli import user_admin
from arena.cli.common import UsageError, connect_db, redis_best_effort
from arena.hub.auth import check_registration, password_hasher
from arena.hub.http import ApiError
from arena.settings import Settings
from arena.storage import account_events, contest_state, participation, ranking_cache, users

ROLES = user_admin.ROLES


def register(commands: Any) -> None:
    parser = commands.add_parser("user", help="user accounts")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add",
        help="create an account (or, with --reset-password, give an existing one a new password)",
        description="The password is read from the first line of standard input. An existing "
        "account is refused unless --reset-password is given: its password is replaced, every "
        "session of it ends, and its role changes only when --role is given.",
    )
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, help="default: contestant for a new account")
    add.add_argument("--email")
    add.add_argument(
        "--reset-password",
        action="store_true",
        help="the account exists: set this password and end its sessions",
    )
    add.set_defaults(handler=run_add)
    user_admin.register_actions(actions)


def register_contest_actions(actions: Any) -> None:
    signup = actions.add_parser("register", help="register users for a contest")
    signup.add_argument("contest", help="contest id or external id (contest.yaml's id)")
    signup.add_argument("usernames", nargs="+")
    signup.set_defaults(handler=run_register)


def run_add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    try:
        check_registration(args.username, password, args.email)
    except ApiError as exc:
        raise UsageError(exc.body.message) from None
    settings = Settings.from_env()
    hashed = password_hasher(settings).hash(password)

    async def job() -> str:
        conn = await connect_db(settings.database_url)
        try:
            found = await users.find_user(conn, args.username)
            if found is None:
                role = args.role or "contestant"
                made = await users.create_user(conn, args.username, hashed, args.email, role)
                return f"created {role} {made.username} (id {made.id})"
            if not args.reset_password:
                raise UsageError(
                    f"user {found.info.username!r} exists ({found.info.role}); nothing changed."
                    " --reset-password gives it a new password and ends its sessions;"
                    " `arena user role` changes its role"
                )
            ended = await users.reset_password(conn, found.info.id, hashed, args.role)
        except users.UsernameTaken as exc:
            raise UsageError(str(exc)) from None
        finally:
            await conn.close()
        await user_admin.notify_hubs(settings, found.info.id, ended)
        role = args.role or found.info.role
        return (
            f"new password for {role} {found.info.username} (id {found.info.id});"
            f" ended {len(ended)} sessions"
        )

    print(asyncio.run(job()))
    return 0


async def contest_id_for(conn: asyncpg.Connection, ref: str) -> int:
    found = await contest_state.contest_by_ref(conn, ref)
    if found is None:
        raise UsageError(f"no contest {ref!r}")
    return int(found)


def run_register(args: argparse.Namespace) -> int:
    settings = Settings.from_env()

    async def job() -> tuple[int, str | None]:
        conn = await connect_db(settings.database_url)
        try:
            contest_id = await contest_id_for(conn, args.contest)
            registered = []
            for name in args.usernames:
                found = await users.find_user(conn, name)
                if found is None:
                    raise UsageError(f"no user {name!r}")
                if await participation.register(conn, contest_id, found.info.id):
                    registered.append(found.info.id)
            return len(registered), await _tell_board_and_hubs(
                conn, settings, contest_id, registered
            )
        finally:
            await conn.close()

    count, warning = asyncio.run(job())
    print(f"registered {count} new contestants")
    if warning is not None:
        print(warning, file=sys.stderr)
    return 0


async def _tell_board_and_hubs(
    conn: asyncpg.Connection, settings: Settings, contest_id: int, user_ids: list[int]
) -> str | None:
    """The new rows on the live board (as a registration through the hub puts them), and the
    hubs told, which remember who takes part for a few seconds. Best effort: the registrations
    are in Postgres, which the board can always be rebuilt from."""

    async def tell(redis: Redis) -> None:
        for user_id in user_ids:
            await ranking_cache.refresh_user(conn, redis, contest_id, user_id)
            await account_events.participation_changed(redis, contest_id, user_id)

    failed = await redis_best_effort(settings, tell)
    if failed is None:
        return None
    return (
        f"warning: the live board does not show them yet ({failed});"
        f" run: arena leaderboard rebuild {contest_id}"
    )
