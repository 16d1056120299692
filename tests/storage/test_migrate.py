import asyncpg
import pytest

from arena.storage.migrate import (
    NEEDS_STOP,
    MigrationNeedsStop,
    breaking_statements,
    migrate,
    migration_files,
    needs_stop,
)


async def test_migrations_are_applied_once(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        # The fixture migrated already: a second run applies nothing and changes nothing.
        assert await migrate(conn) == []
        versions = [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")]
        assert versions == [v for v, _ in migration_files()]
        tables = {
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        }
        assert {"users", "problems", "submissions", "test_results", "audit_log"} <= tables
    finally:
        await conn.close()


def test_every_migration_keeps_the_previous_version_working_or_says_it_needs_a_stop() -> None:
    """The rolling-upgrade rule (docs/deployment.md), checked on every shipped migration."""
    for version, sql in migration_files():
        breaking = breaking_statements(sql)
        assert not breaking or needs_stop(sql), (
            f"{version} breaks the running version ({breaking[0]!r}) without "
            f"'{NEEDS_STOP}': make it additive, or mark it"
        )


def test_what_counts_as_breaking() -> None:
    additive = """
        -- a comment that says DROP COLUMN is not a statement
        CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);
        ALTER TABLE submissions ADD COLUMN counted boolean NOT NULL DEFAULT false;
        ALTER TABLE submissions ADD COLUMN note text;
        CREATE INDEX t_name ON t (name);
        DROP INDEX IF EXISTS t_old;
    """
    assert breaking_statements(additive) == []
    for statement in (
        "ALTER TABLE contests DROP COLUMN frozen_override",
        "DROP TABLE likes",
        "ALTER TABLE users RENAME COLUMN name TO username",
        "ALTER TABLE users ALTER COLUMN id TYPE bigint",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
        "ALTER TABLE users ADD COLUMN email text NOT NULL",
    ):
        assert breaking_statements(additive + statement + ";") == [statement], statement


async def test_a_migration_that_needs_a_stop_is_refused_while_the_schema_is_in_use() -> None:
    from db_support import fresh_database

    stop_me = ("9999_breaking", f"{NEEDS_STOP}: test\nALTER TABLE sessions RENAME TO sessions_old;")
    async with fresh_database() as url:
        conn = await asyncpg.connect(url)
        try:
            files = [*migration_files(), stop_me]
            with pytest.raises(MigrationNeedsStop, match=r"9999_breaking.*--stopped"):
                await migrate(conn, files=files)
            assert not await conn.fetchval(
                "SELECT count(*) FROM schema_migrations WHERE version = '9999_breaking'"
            )
            assert await migrate(conn, files=files, stopped=True) == ["9999_breaking"]
            assert await conn.fetchval("SELECT to_regclass('sessions_old') IS NOT NULL")
        finally:
            await conn.close()


async def test_a_new_database_takes_every_migration_at_once() -> None:
    """Nothing can run against a database without a schema: no stop to ask for (0002 needs one)."""
    from db_support import fresh_database

    assert needs_stop(dict(migration_files())["0002_hub"])
    async with fresh_database() as url:  # migrated without `stopped`
        conn = await asyncpg.connect(url)
        try:
            assert await migrate(conn) == []
        finally:
            await conn.close()
