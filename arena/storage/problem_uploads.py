"""Problem packages uploaded in the browser: the hub stores the zip as a blob and records an
upload; a worker imports it as a staged version (``import_problem(publish=False)``), off every
hub's event loop; an admin's publish makes that version the live one. Until then the problem
(or its previous version) stays as it was."""

from __future__ import annotations

import datetime
from typing import Any

import asyncpg
import msgspec

from arena.languages import CodeStubs
from arena.problems.errors import PackageError
from arena.protocol import json_encoder
from arena.protocol.uploads import ProblemUpload, ProblemUploadChanged
from arena.storage import keys
from arena.storage.archives import ArchiveLimits
from arena.storage.blobs import BlobStore
from arena.storage.errors import ImportFailure
from arena.storage.problems import import_problem, publish_staged


class UploadRow(msgspec.Struct, frozen=True):
    id: int
    slug: str
    status: str  # queued, checking, ready, failed, published
    problem_id: int | None
    version: int | None
    report: dict[str, Any]
    error: str | None
    created_at: datetime.datetime
    published_at: datetime.datetime | None


def view(row: UploadRow) -> ProblemUpload:
    count = row.report.get("test_count")
    return ProblemUpload(
        id=row.id,
        slug=row.slug,
        status=row.status,
        problem_id=row.problem_id,
        version=row.version,
        test_count=count if isinstance(count, int) else None,
        error=row.error,
        created_at=_iso(row.created_at) or "",
        published_at=_iso(row.published_at),
    )


def _iso(when: datetime.datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


async def announce(redis: Any, row: UploadRow) -> None:
    """Tells the admins' sockets (every hub) the upload's new status."""
    frame = json_encoder.encode(ProblemUploadChanged(view(row)))
    await redis.publish(keys.PROBLEM_UPLOADS_CHANNEL, frame)


class PublishRefused(Exception):
    """Publishing an upload that is not ready (the message says what it is)."""


_COLUMNS = (
    "id, slug, status, problem_id, version, report::text AS report, error, created_at, published_at"
)


def _row(record: asyncpg.Record) -> UploadRow:
    fields = dict(record)
    fields["report"] = msgspec.json.decode(fields["report"])
    return UploadRow(**fields)


async def create(
    conn: asyncpg.Connection,
    slug: str,
    archive_hash: str,
    user_id: int,
    *,
    difficulty: str | None = None,
    tags: list[str] | None = None,
) -> int:
    """A queued upload; ``difficulty`` and ``tags`` (None: the package's, else the problem's)
    wait in its report until the job stages it."""
    asked = {"difficulty": difficulty, "tags": tags}
    upload_id: int = await conn.fetchval(
        "INSERT INTO problem_uploads (slug, archive_hash, uploaded_by, report)"
        " VALUES ($1, $2, $3, $4::jsonb) RETURNING id",
        slug,
        archive_hash,
        user_id,
        msgspec.json.encode({"asked": asked}).decode(),
    )
    return upload_id


async def get(conn: asyncpg.Connection, upload_id: int) -> UploadRow | None:
    record = await conn.fetchrow(f"SELECT {_COLUMNS} FROM problem_uploads WHERE id = $1", upload_id)
    return None if record is None else _row(record)


async def recent(conn: asyncpg.Connection, limit: int = 50) -> list[UploadRow]:
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM problem_uploads ORDER BY id DESC LIMIT $1", limit
    )
    return [_row(r) for r in records]


async def mark_failed(conn: asyncpg.Connection, upload_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE problem_uploads SET status = 'failed', error = $2 WHERE id = $1", upload_id, error
    )


async def stage(
    conn: asyncpg.Connection,
    blobs: BlobStore,
    upload_id: int,
    code_stubs: CodeStubs | None,
    limits: ArchiveLimits,
) -> UploadRow:
    """Imports the upload's archive as a staged version; a bad package fails the upload with
    the importer's message (file, line, field) and stores nothing."""
    claimed = await conn.fetchrow(
        "UPDATE problem_uploads SET status = 'checking' WHERE id = $1 AND status = 'queued'"
        " RETURNING slug, archive_hash, report::text AS report",
        upload_id,
    )
    if claimed is None:
        raise ValueError(f"problem upload {upload_id} is not waiting to be checked")
    archive = blobs.path_for(claimed["archive_hash"])
    asked = msgspec.json.decode(claimed["report"]).get("asked", {})
    try:
        if archive is None:
            raise ImportFailure("upload", None, "the uploaded archive is no longer stored")
        imported = await import_problem(
            conn,
            blobs,
            archive,
            slug=claimed["slug"],
            origin=f"{claimed['slug']}.zip",
            code_stubs=code_stubs,
            publish=False,
            difficulty=asked.get("difficulty"),
            tags=asked.get("tags"),
            archive_limits=limits,
        )
    except (ImportFailure, PackageError) as exc:
        await mark_failed(conn, upload_id, str(exc))
    else:
        report = {
            "test_count": imported.test_count,
            "package_hash": imported.package_hash,
            "asked": asked,
        }
        await conn.execute(
            "UPDATE problem_uploads SET status = 'ready', problem_id = $2, version = $3,"
            " report = $4::jsonb WHERE id = $1",
            upload_id,
            imported.problem_id,
            imported.version,
            msgspec.json.encode({**report, "pending": imported.pending}).decode(),
        )
    row = await get(conn, upload_id)
    assert row is not None
    return row


async def publish(conn: asyncpg.Connection, upload_id: int) -> UploadRow:
    """The staged version becomes the problem's live one; PublishRefused unless ready."""
    async with conn.transaction():
        record = await conn.fetchrow(
            f"SELECT {_COLUMNS} FROM problem_uploads WHERE id = $1 FOR UPDATE", upload_id
        )
        if record is None:
            raise LookupError(f"problem upload {upload_id}")
        row = _row(record)
        if row.status != "ready" or row.problem_id is None or row.version is None:
            raise PublishRefused(f"upload {upload_id} is {row.status}, not ready to publish")
        await publish_staged(conn, row.problem_id, row.version, row.report.get("pending"))
        await conn.execute(
            "UPDATE problem_uploads SET status = 'published', published_at = now() WHERE id = $1",
            upload_id,
        )
    published = await get(conn, upload_id)
    assert published is not None
    return published
