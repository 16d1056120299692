"""Versioned, idempotent schema migrations: ``migrations/NNNN_name.sql`` applied in order, once.

Migrations run before a new version starts, while the previous one still serves (a rolling
upgrade): each must leave the schema usable by the previous version (add tables, columns with a
default, indexes; never drop, rename or retype what it reads). One that cannot says so with the
line ``-- arena: needs-stop`` at its top; ``migrate`` then refuses to run unless told that every
hub and worker is stopped (``arena db migrate --stopped``). docs/deployment.md has the procedure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources

import asyncpg

# Any constant works; it keeps two processes from migrating at the same moment.
_MIGRATION_LOCK = 0x4152454E41
NEEDS_STOP = "-- arena: needs-stop"
# Statements the previous version of the code cannot live with (what it reads changes or goes).
_BREAKING = [
    re.compile(r"\bDROP\s+(TABLE|COLUMN|TYPE|VIEW)\b", re.I),
    re.compile(r"\bRENAME\b", re.I),
    re.compile(r"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", re.I),
    re.compile(r"\bSET\s+NOT\s+NULL\b", re.I),
]
_ADD_COLUMN = re.compile(r"\bADD\s+COLUMN\b", re.I)
_NOT_NULL = re.compile(r"\bNOT\s+NULL\b", re.I)
_DEFAULT = re.compile(r"\bDEFAULT\b", re.I)


class MigrationNeedsStop(RuntimeError):
    """A pending migration breaks the running version: stop every hub and worker first."""


def needs_stop(sql: str) -> bool:
    """Declared by a line ``-- arena: needs-stop``, optionally followed by the reason."""
    return any(line.strip().startswith(NEEDS_STOP) for line in sql.splitlines())


def breaking_statements(sql: str) -> list[str]:
    """The statements of a migration that the previous version of the code cannot run against."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [" ".join(statement.split()) for statement in code.split(";") if _breaks(statement)]


def _breaks(statement: str) -> bool:
    if any(pattern.search(statement) for pattern in _BREAKING):
        return True
    # A new mandatory column without a default breaks the previous version's INSERTs.
    return bool(
        _ADD_COLUMN.search(statement)
        and _NOT_NULL.search(statement)
        and not _DEFAULT.search(statement)
    )


def migration_files() -> list[tuple[str, str]]:
    """(version, sql) for every migration shipped with the package, in order."""
    folder = resources.files("arena.storage") / "migrations"
    found = sorted(
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return found


async def migrate(
    conn: asyncpg.Connection,
    *,
    stopped: bool = False,
    files: Sequence[tuple[str, str]] | None = None,
) -> list[str]:
    """Apply what is missing; returns the versions applied now (empty when up to date).

    ``stopped``: the caller vouches that no hub or worker runs (needed by a needs-stop migration;
    implied for a new database, which nothing can be running against).
    """
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        pending = [(v, sql) for v, sql in (files or migration_files()) if v not in done]
        blocking = [v for v, sql in pending if needs_stop(sql)]
        if blocking and done and not stopped:
            raise MigrationNeedsStop(
                f"migration {', '.join(blocking)} cannot run while the current version serves: "
                "stop every hub and worker, then run `arena db migrate --stopped` "
                "(nothing was applied)"
            )
        for version, sql in pending:
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied_now.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied_now
