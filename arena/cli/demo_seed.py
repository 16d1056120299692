"""``arena demo seed``: the example problems as a tagged bank, a contest running now, accounts.

Idempotent: problems are re-imported (an unchanged package keeps its version), the contest is
restarted (its start moves to a minute ago; earlier submissions become practice submissions, and
its freeze, extension, disqualifications and final results are cleared), and the demo accounts
get new passwords.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from argon2 import PasswordHasher

from arena.cli.demo_bank import Bank, contest_package
from arena.languages import CodeStubs
from arena.storage import account_events, demo, ranking_cache, users
from arena.storage.blobs import BlobStore
from arena.storage.contests import import_contest
from arena.storage.problems import import_problem

MODERATOR = "judge"
CONTESTANTS = ("alice", "bob")
STARTED_AGO = timedelta(minutes=1)


class Account(msgspec.Struct, frozen=True):
    username: str
    role: str
    password: str


class SeedResult(msgspec.Struct, frozen=True):
    problems: int
    new_versions: int
    contest_id: int
    contest: str
    contest_name: str
    start: str
    end: str
    labels: list[str]
    moved_submissions: int
    accounts: list[Account]


def new_password() -> str:
    # 16 URL-safe characters (96 bits): printed for the operator, never stored in clear.
    return secrets.token_urlsafe(12)


class NotADemoAccount(ValueError):
    """A real account has a demo account's name: the seed will not take it over."""


def demo_email(username: str) -> str:
    # The mark of an account the seed made (".invalid" can never be a real address).
    return f"{username}@demo.arena.invalid"


async def _account(
    conn: asyncpg.Connection, redis: Any, username: str, role: str, password_hash: str
) -> int:
    """Creates the account, or gives an existing demo one this role and password and logs it
    out. Accounts the seed did not make are left alone."""
    found = await users.find_user(conn, username)
    if found is None:
        made = await users.create_user(conn, username, password_hash, demo_email(username), role)
        return made.id
    user_id = found.info.id
    if await demo.email_of(conn, user_id) != demo_email(username):
        raise NotADemoAccount(
            f"user {username!r} exists and was not made by the demo seed; refusing to reset it"
            " (use a fresh database for the demo)"
        )
    async with conn.transaction():
        await users.set_password_hash(conn, user_id, password_hash)
        ended = await demo.reset_account(conn, user_id, role)
    # Hubs cache a session's user for a while: tombstones end the old sessions there too.
    await account_events.end_sessions(redis, ended)
    await account_events.account_changed(redis, user_id)
    return user_id


async def register_contestants(
    conn: asyncpg.Connection, contest_id: int, user_ids: list[int]
) -> None:
    await demo.register_all(conn, contest_id, user_ids)


async def seed(
    conn: asyncpg.Connection,
    redis: Any,
    blobs: BlobStore,
    bank: Bank,
    problems_dir: Path,
    hasher: PasswordHasher,
    now: datetime,
    *,
    code_stubs: CodeStubs,
) -> SeedResult:
    new_versions = 0
    for problem in bank.problems:
        imported = await import_problem(
            conn,
            blobs,
            problems_dir / problem.slug,
            slug=problem.slug,
            difficulty=problem.difficulty,
            tags=problem.tags,
            code_stubs=code_stubs,
        )
        new_versions += imported.created

    start = (now - STARTED_AGO).astimezone(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="arena-demo-") as scratch:
        package = Path(scratch) / bank.contest.id
        package.mkdir()
        for name, text in contest_package(bank.contest, start).items():
            (package / name).write_text(text, encoding="utf-8")
        contest = await import_contest(conn, blobs, package, code_stubs=code_stubs)
    moved = await demo.restart_contest(conn, contest.contest_id)

    moderator = Account(MODERATOR, "moderator", new_password())
    shared = new_password()
    accounts = [moderator, *(Account(name, "contestant", shared) for name in CONTESTANTS)]
    # argon2 is deliberately slow: hashed off the event loop, one hash per distinct password.
    hashes = {
        password: await asyncio.to_thread(hasher.hash, password)
        for password in {a.password for a in accounts}
    }
    ids = [await _account(conn, redis, a.username, a.role, hashes[a.password]) for a in accounts]
    await register_contestants(conn, contest.contest_id, ids[1:])
    await ranking_cache.rebuild(conn, redis, contest.contest_id)
    # The restart cleared disqualifications and own time, and the registrations are new: hubs
    # drop what they remember of who takes part (they would hold it for a few seconds).
    for user_id in await demo.registered(conn, contest.contest_id):
        await account_events.participation_changed(redis, contest.contest_id, user_id)

    end = start + timedelta(seconds=bank.contest.duration_s)
    return SeedResult(
        problems=len(bank.problems),
        new_versions=new_versions,
        contest_id=contest.contest_id,
        contest=contest.external_id,
        contest_name=contest.name,
        start=start.isoformat(),
        end=end.isoformat(),
        labels=[f"{p.label} {p.slug}" for p in contest.problems],
        moved_submissions=moved,
        accounts=accounts,
    )


def describe(result: SeedResult, problems_dir: Path) -> str:
    width = max(len(a.username) for a in result.accounts)
    lines = [
        f"problem bank: {result.problems} problems from {problems_dir}"
        f" ({result.new_versions} new versions)",
        f"contest {result.contest} (id {result.contest_id}) {result.contest_name!r}: "
        + ", ".join(result.labels),
        f"  running from {result.start} to {result.end}",
    ]
    if result.moved_submissions:
        lines.append(
            f"  {result.moved_submissions} submissions of the previous run moved to practice"
        )
    lines.append("accounts (new passwords on every run):")
    lines += [
        f"  {a.username:<{width}}  {a.role:<10}  password {a.password}" for a in result.accounts
    ]
    return "\n".join(lines)
