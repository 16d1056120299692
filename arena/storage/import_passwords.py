"""The passwords of a Contest Package's ``accounts.yaml`` against those already stored.

argon2 salts every hash afresh, so a package's password hashed again never equals the stored
hash: only verifying the stored hash tells whether the password really changed. Re-importing an
unchanged package mid-contest must not log every team out, so an account is written (and its
sessions ended) only when its password differs. Hashing and verifying are slow on purpose: all
of a package's are done in one worker thread, before the import's transaction takes its locks.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import asyncpg
import msgspec
from argon2.exceptions import InvalidHashError, VerificationError

from arena.storage.errors import ImportFailure
from arena.storage.package_teams import TeamPackage


class Hasher(Protocol):
    """What argon2's ``PasswordHasher`` offers (``verify`` raises on a mismatch)."""

    def hash(self, password: str) -> str: ...

    def verify(self, hash: str, password: str) -> bool: ...


class Password(msgspec.Struct, frozen=True):
    """An account's password in the package: ``kept`` is the stored hash it was verified
    against (nothing to write while that hash is still the stored one), else ``new`` is its
    hash to store."""

    password: str
    kept: str | None = None
    new: str | None = None


def matches(hasher: Hasher, stored: str | None, password: str) -> bool:
    if stored is None:
        return False
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):  # a mismatch, or not an argon2 hash at all
        return False


def _plan(
    hasher: Hasher, wanted: dict[str, str], stored: dict[str, str | None]
) -> dict[str, Password]:
    plan: dict[str, Password] = {}
    for name, password in wanted.items():
        current = stored.get(name)
        if matches(hasher, current, password):
            plan[name] = Password(password, kept=current)
        else:
            plan[name] = Password(password, new=hasher.hash(password))
    return plan


async def plan_passwords(
    conn: asyncpg.Connection, package: TeamPackage | None, hasher: Hasher | None
) -> dict[str, Password]:
    """Each account's password (by lower-cased username), checked against the stored hash."""
    if package is None:
        return {}
    wanted = {
        a.username.lower(): a.password for a in package.accounts.items if a.password is not None
    }
    if not wanted:
        return {}
    if hasher is None:
        raise ImportFailure(package.accounts.file, None, "has passwords, and no hasher")
    rows = await conn.fetch(
        "SELECT lower(username) AS name, password_hash FROM users"
        " WHERE lower(username) = ANY($1::text[])",
        list(wanted),
    )
    stored = {r["name"]: r["password_hash"] for r in rows}
    return await asyncio.to_thread(_plan, hasher, wanted, stored)


async def hash_to_store(hasher: Hasher | None, entry: Password, current: str | None) -> str | None:
    """The hash to write for ``entry`` given the stored ``current`` one; None: unchanged. The
    stored hash may have changed since the plan was made (a password reset meanwhile): then it
    is checked again."""
    if entry.kept is not None and entry.kept == current:
        return None
    if entry.new is not None:
        return entry.new
    assert hasher is not None  # a plan with passwords was made with one
    if await asyncio.to_thread(matches, hasher, current, entry.password):
        return None
    return await asyncio.to_thread(hasher.hash, entry.password)
