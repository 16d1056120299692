"""``arena user role|disable|enable|list``: operators' account changes.

Hubs cache a session's user for a few minutes (``arena.hub.auth``): a change of role writes the
new role into those cache entries, and disabling an account ends its sessions and leaves a
tombstone in each entry, so either is seen on every hub at once; the account's open sockets are
closed to reconnect with what it may see now (``arena.storage.account_events``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import asyncpg
import msgspec
from redis.asyncio import Redis

from arena.cli.common import UsageError, connect_db, redis_best_effort
from arena.protocol import UserInfo, json_encoder
from arena.settings import Settings
from arena.storage import account_events, users
from arena.storage.account_events import SESSION_CACHE_S

ROLES = ("contestant", "moderator", "admin")


def register_actions(actions: Any) -> None:
    role = actions.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=run_role)
    for name, verb in (("disable", "disable an account (ends its sessions)"),
                       ("enable", "enable a disabled account")):  # fmt: skip
        action = actions.add_parser(name, help=verb)
        action.add_argument("username")
        action.set_defaults(handler=run_disable if name == "disable" else run_enable)
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--role", choices=ROLES, help="only accounts with this role")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(handler=run_list)


async def _user(conn: asyncpg.Connection, username: str) -> users.UserRecord:
    found = await users.find_user(conn, username)
    if found is None:
        raise UsageError(f"no user {username!r}")
    return found


async def notify_hubs(
    settings: Settings,
    user_id: int,
    ended: list[bytes],
    live: list[bytes] = [],  # noqa: B006 - never mutated
    user: UserInfo | None = None,
) -> None:
    """On every hub: ``ended`` sessions logged out, ``live`` ones given ``user`` (the new
    role), and the account's open sockets closed."""

    async def tell(redis: Redis) -> None:
        await account_events.end_sessions(redis, ended)
        if user is not None:
            await account_events.recache(redis, live, user)
        await account_events.account_changed(redis, user_id)

    failed = await redis_best_effort(settings, tell)
    if failed is not None:
        print(
            f"arena: warning: Redis unreachable ({failed}); hubs may use the old account data"
            f" for up to {SESSION_CACHE_S} s",
            file=sys.stderr,
        )


def run_role(args: argparse.Namespace) -> int:
    settings = Settings.from_env()

    async def job() -> str:
        conn = await connect_db(settings.database_url)
        try:
            found = await _user(conn, args.username)
            await users.set_role(conn, found.info.id, args.role)
            live = await users.session_hashes(conn, found.info.id)
        finally:
            await conn.close()
        changed = msgspec.structs.replace(found.info, role=args.role)
        await notify_hubs(settings, found.info.id, [], live, changed)
        return f"{found.info.username} (id {found.info.id}): {found.info.role} -> {args.role}"

    print(asyncio.run(job()))
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    settings = Settings.from_env()

    async def job() -> str:
        conn = await connect_db(settings.database_url)
        try:
            found = await _user(conn, args.username)
            ended = await users.set_disabled(conn, found.info.id, disabled)
        finally:
            await conn.close()
        await notify_hubs(settings, found.info.id, ended)
        if disabled:
            return (
                f"disabled {found.info.username} (id {found.info.id}); ended {len(ended)} sessions"
            )
        return f"enabled {found.info.username} (id {found.info.id})"

    print(asyncio.run(job()))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    return _set_disabled(args, True)


def run_enable(args: argparse.Namespace) -> int:
    return _set_disabled(args, False)


def run_list(args: argparse.Namespace) -> int:
    settings = Settings.from_env()

    async def job() -> list[users.UserListing]:
        conn = await connect_db(settings.database_url)
        try:
            return await users.list_users(conn, args.role)
        finally:
            await conn.close()

    found = asyncio.run(job())
    if args.json:
        sys.stdout.write(json_encoder.encode(found).decode() + "\n")
        return 0
    print(f"{'id':>6}  {'username':<32} {'role':<10} state")
    for user in found:
        state = "disabled" if user.disabled else "active"
        print(f"{user.id:>6}  {user.username:<32} {user.role:<10} {state}")
    return 0
