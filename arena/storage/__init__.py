"""Storage: Postgres (asyncpg) as the source of truth, the blob store, Redis caches."""
