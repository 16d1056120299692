"""``arena user add`` and ``arena contest register``: accounts and registrations for operators."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import asyncpg

from arena.cli import user_admin
from arena.cli.common import UsageError, connect_db
from arena.hub.auth import check_registration, password_hasher
from arena.hub.http import ApiError
from arena.settings import Settings
from arena.storage import contest_state, participation, users

ROLES = user_admin.ROLES


def register(commands: Any) -> None:
    parser = commands.add_parser("user", help="user accounts")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add",
        help="create an account, or reset its password and role when it exists",
        description="The password is read from the first line of standard input.",
    )
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="contestant")
    add.add_argument("--email")
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
                made = await users.create_user(conn, args.username, hashed, args.email, args.role)
                return f"created {args.role} {made.username} (id {made.id})"
            async with conn.transaction():
                await users.set_password_hash(conn, found.info.id, hashed)
                await users.set_role(conn, found.info.id, args.role)
            return f"updated {args.role} {found.info.username} (id {found.info.id})"
        except users.UsernameTaken as exc:
            raise UsageError(str(exc)) from None
        finally:
            await conn.close()

    print(asyncio.run(job()))
    return 0


async def contest_id_for(conn: asyncpg.Connection, ref: str) -> int:
    found = await contest_state.contest_by_ref(conn, ref)
    if found is None:
        raise UsageError(f"no contest {ref!r}")
    return int(found)


def run_register(args: argparse.Namespace) -> int:
    settings = Settings.from_env()

    async def job() -> int:
        conn = await connect_db(settings.database_url)
        try:
            contest_id = await contest_id_for(conn, args.contest)
            count = 0
            for name in args.usernames:
                found = await users.find_user(conn, name)
                if found is None:
                    raise UsageError(f"no user {name!r}")
                count += await participation.register(conn, contest_id, found.info.id)
            return count
        finally:
            await conn.close()

    print(f"registered {asyncio.run(job())} new contestants")
    return 0
