"""A live problem's metadata, read and edited in place (the package version stays): the edit,
its revision bump and its audit row commit together."""

from __future__ import annotations

import asyncpg

from arena.problems.metadata import ProblemMetadata, changes
from arena.protocol.organise import ProblemMeta
from arena.storage.moderation import audit

_COLUMNS = "slug, title, difficulty, tags, author, source, current_version, meta_rev"


class StaleEdit(RuntimeError):
    """The problem's metadata changed since the editor loaded it."""


def _meta(row: asyncpg.Record) -> ProblemMeta:
    return ProblemMeta(
        slug=row["slug"],
        title=row["title"],
        difficulty=row["difficulty"],
        tags=list(row["tags"]),
        author=row["author"],
        source=row["source"],
        version=row["current_version"],
        meta_rev=row["meta_rev"],
    )


def _fields(meta: ProblemMeta) -> ProblemMetadata:
    return ProblemMetadata(
        title=meta.title,
        difficulty=meta.difficulty,
        tags=meta.tags,
        author=meta.author,
        source=meta.source,
    )


async def live(conn: asyncpg.Connection) -> list[ProblemMeta]:
    """Every problem with a live version, by slug."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM problems WHERE current_version IS NOT NULL ORDER BY slug"
    )
    return [_meta(r) for r in rows]


async def get(conn: asyncpg.Connection, slug: str) -> ProblemMeta | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM problems WHERE slug = $1 AND current_version IS NOT NULL", slug
    )
    return None if row is None else _meta(row)


async def update(
    conn: asyncpg.Connection,
    actor_id: int,
    slug: str,
    meta: ProblemMetadata,
    *,
    expected_rev: int | None,
) -> tuple[int, ProblemMeta, list[int]] | None:
    """The problem's id, its metadata as saved and the contests it is in; None when there is no
    live problem by this slug.

    Nothing changed is no edit: no revision bump (statements stay cached), no audit row.
    """
    async with conn.transaction():
        row = await conn.fetchrow(
            f"SELECT id, {_COLUMNS} FROM problems"
            " WHERE slug = $1 AND current_version IS NOT NULL FOR UPDATE",
            slug,
        )
        if row is None:
            return None
        before = _meta(row)
        if expected_rev is not None and expected_rev != before.meta_rev:
            raise StaleEdit(
                f"someone else saved this problem's metadata (revision {before.meta_rev});"
                " reload it and edit again"
            )
        changed = changes(_fields(before), meta)
        contests = [
            r["contest_id"]
            for r in await conn.fetch(
                "SELECT cp.contest_id FROM contest_problems cp JOIN contests c"
                " ON c.id = cp.contest_id WHERE cp.problem_id = $1 AND c.deleted_at IS NULL",
                row["id"],
            )
        ]
        if not changed:
            return row["id"], before, contests
        after = await conn.fetchrow(
            "UPDATE problems SET title = $2, difficulty = $3, tags = $4, author = $5,"
            f" source = $6, meta_rev = meta_rev + 1 WHERE id = $1 RETURNING {_COLUMNS}",
            row["id"],
            meta.title,
            meta.difficulty,
            meta.tags,
            meta.author,
            meta.source,
        )
        await audit(conn, actor_id, "problem_meta", None, {"problem": slug, "changes": changed})
    return row["id"], _meta(after), contests
