"""A live problem's metadata, read and edited in place (the package version stays): the edit,
its revision bump and its audit row commit together."""

from __future__ import annotations

import asyncpg
import msgspec

from arena.problems.metadata import (
    ProblemMetadata,
    changes,
    check_langs,
    offered_langs,
    package_order,
)
from arena.protocol.organise import ProblemMeta
from arena.storage.moderation import audit

_COLUMNS = (
    "slug, title, difficulty, tags, author, source, current_version, meta_rev,"
    " statement_langs, statement_lang,"
    " ARRAY(SELECT jsonb_object_keys(statements)) AS package_langs"
)


class StaleEdit(RuntimeError):
    """The problem's metadata changed since the editor loaded it."""


def _meta(row: asyncpg.Record) -> ProblemMeta:
    package = list(row["package_langs"])
    offered, default = offered_langs(package, list(row["statement_langs"]), row["statement_lang"])
    return ProblemMeta(
        slug=row["slug"],
        title=row["title"],
        difficulty=row["difficulty"],
        tags=list(row["tags"]),
        author=row["author"],
        source=row["source"],
        version=row["current_version"],
        meta_rev=row["meta_rev"],
        package_langs=package_order(package),
        statement_langs=offered,
        statement_lang=default,
    )


def _fields(meta: ProblemMeta) -> ProblemMetadata:
    return ProblemMetadata(
        title=meta.title,
        difficulty=meta.difficulty,
        tags=meta.tags,
        author=meta.author,
        source=meta.source,
        statement_langs=meta.statement_langs,
        statement_lang=meta.statement_lang,
    )


def _with_langs(before: ProblemMeta, meta: ProblemMetadata) -> ProblemMetadata:
    """The edit with its statement languages checked against the package; a field left out
    stays (a default no longer offered moves to the first offered)."""
    offered = before.statement_langs if meta.statement_langs is None else meta.statement_langs
    default = meta.statement_lang
    if default is None:
        default = before.statement_lang if before.statement_lang in offered else ""
        default = default or next((lang for lang in before.package_langs if lang in offered), "")
    offered, default = check_langs(before.package_langs, offered, default)
    return msgspec.structs.replace(meta, statement_langs=offered, statement_lang=default)


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
    Raises MetadataRefused for statement languages the package does not have.
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
        meta = _with_langs(before, meta)
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
            # The languages are stored once chosen (empty: all, new ones of a re-import too).
            " source = $6, statement_langs = CASE WHEN $9 THEN $7 ELSE statement_langs END,"
            " statement_lang = CASE WHEN $9 THEN $8 ELSE statement_lang END,"
            # The default's HTML is what search and the statement caches read.
            " statement_html = coalesce(statements -> $8 ->> 'html', statement_html),"
            f" meta_rev = meta_rev + 1 WHERE id = $1 RETURNING {_COLUMNS}",
            row["id"],
            meta.title,
            meta.difficulty,
            meta.tags,
            meta.author,
            meta.source,
            meta.statement_langs,
            meta.statement_lang,
            "statement_langs" in changed or "statement_lang" in changed,
        )
        await audit(conn, actor_id, "problem_meta", None, {"problem": slug, "changes": changed})
    return row["id"], _meta(after), contests
