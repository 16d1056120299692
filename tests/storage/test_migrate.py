import asyncpg

from arena.storage.migrate import migrate, migration_files


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
