"""Problem packages uploaded in the browser: the hub stores the zip as a blob and records an
upload; a worker claims it under a lease, imports it as a staged version
(``import_problem(publish=False)``) off every hub's event loop, and checks it (input validators,
the package's own submissions); an admin's publish makes that version the live one. Until then
the problem (or its previous version) stays as it was. A worker that dies mid-check leaves a
lease that expires: arena/storage/upload_recovery.py takes the upload back."""

from __future__ import annotations

import datetime
from typing import Any

import asyncpg
import msgspec

from arena.languages import CodeStubs
from arena.problems.errors import PackageError
from arena.problems.expectations import publish_blocker, summary
from arena.protocol import json_encoder
from arena.protocol.uploads import (
    PackageCheck,
    ProblemUpload,
    ProblemUploadChanged,
    ProblemUploadChecked,
)
from arena.storage import keys, moderation
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
    attempt: int = 0
    notice: str | None = None

    @property
    def check(self) -> PackageCheck | None:
        found = self.report.get("check")
        return None if found is None else msgspec.convert(found, PackageCheck)


class Claimed(msgspec.Struct, frozen=True):
    """An upload a worker's job took for checking (under a lease), as it was then."""

    id: int
    attempt: int
    slug: str
    archive_hash: str
    report: dict[str, Any]
    problem_id: int | None  # staged by an earlier attempt: not imported again
    version: int | None


def view(row: UploadRow) -> ProblemUpload:
    count = row.report.get("test_count")
    check = row.check
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
        check=None if check is None else summary(check),
        notice=row.notice,
    )


def _iso(when: datetime.datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


async def announce(redis: Any, row: UploadRow) -> None:
    """Tells the admins' sockets (every hub) the upload's new status."""
    frame = json_encoder.encode(ProblemUploadChanged(view(row)))
    await redis.publish(keys.PROBLEM_UPLOADS_CHANNEL, frame)


async def announce_row(redis: Any, frame: ProblemUploadChecked) -> None:
    """One check row for the admins' sockets, as soon as it is known."""
    await redis.publish(keys.PROBLEM_UPLOADS_CHANNEL, json_encoder.encode(frame))


class PublishRefused(Exception):
    """Publishing an upload that is not ready (the message says what it is)."""


class CheckNotPassed(PublishRefused):
    """Publishing a version whose check failed (or could not finish) without confirming it."""


_COLUMNS = (
    "id, slug, status, problem_id, version, report::text AS report, error, created_at,"
    " published_at, attempt, notice"
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


async def mark_failed(
    conn: asyncpg.Connection, upload_id: int, error: str, attempt: int | None = None
) -> bool:
    """False when ``attempt`` is given and no longer the upload's (the sweeper took it back)."""
    done = await conn.execute(
        "UPDATE problem_uploads SET status = 'failed', error = $2, lease_expires_at = NULL"
        " WHERE id = $1 AND ($3::int IS NULL OR (attempt = $3 AND status = 'checking'))",
        upload_id,
        error,
        attempt,
    )
    return str(done) != "UPDATE 0"


async def claim(
    conn: asyncpg.Connection, upload_id: int, attempt: int, lease_s: float
) -> Claimed | None:
    """The queued upload for this attempt's job, under a lease; None for a stale job (the
    upload was taken back and queued under a later attempt, or is settled)."""
    record = await conn.fetchrow(
        "UPDATE problem_uploads SET status = 'checking',"
        " lease_expires_at = now() + make_interval(secs => $3)"
        " WHERE id = $1 AND status = 'queued' AND attempt = $2"
        " RETURNING id, attempt, slug, archive_hash, report::text AS report, problem_id, version",
        upload_id,
        attempt,
        lease_s,
    )
    if record is None:
        return None
    fields = dict(record)
    fields["report"] = msgspec.json.decode(fields["report"])
    return Claimed(**fields)


async def renew(conn: asyncpg.Connection, claimed: Claimed, lease_s: float) -> bool:
    """The job's heartbeat; False once the upload is no longer this attempt's."""
    done = await conn.execute(
        "UPDATE problem_uploads SET lease_expires_at = now() + make_interval(secs => $3)"
        " WHERE id = $1 AND attempt = $2 AND status = 'checking'",
        claimed.id,
        claimed.attempt,
        lease_s,
    )
    return str(done) != "UPDATE 0"


class _TakenBack(Exception):
    """The upload is no longer the staging attempt's: its import is rolled back."""


async def stage(
    conn: asyncpg.Connection,
    blobs: BlobStore,
    claimed: Claimed,
    code_stubs: CodeStubs | None,
    limits: ArchiveLimits,
) -> UploadRow:
    """Imports the upload's archive as a staged version (status stays 'checking': the check
    follows); a bad package fails the upload with the importer's message (file, line, field)
    and stores nothing, as does an attempt that is no longer the upload's. An earlier attempt's
    staged version is kept, not imported again."""
    if claimed.version is None:
        archive = blobs.path_for(claimed.archive_hash)
        asked = claimed.report.get("asked", {})
        try:
            if archive is None:
                raise ImportFailure("upload", None, "the uploaded archive is no longer stored")
            # One transaction (import_problem's own is a savepoint in it): an attempt taken
            # back meanwhile leaves no staged version behind for the next one to import again.
            async with conn.transaction():
                imported = await import_problem(
                    conn,
                    blobs,
                    archive,
                    slug=claimed.slug,
                    origin=f"{claimed.slug}.zip",
                    code_stubs=code_stubs,
                    publish=False,
                    difficulty=asked.get("difficulty"),
                    tags=asked.get("tags"),
                    archive_limits=limits,
                )
                report = {
                    "test_count": imported.test_count,
                    "package_hash": imported.package_hash,
                    "asked": asked,
                    "pending": imported.pending,
                }
                done = await conn.execute(
                    "UPDATE problem_uploads SET problem_id = $3, version = $4, report = $5::jsonb"
                    " WHERE id = $1 AND attempt = $2 AND status = 'checking'",
                    claimed.id,
                    claimed.attempt,
                    imported.problem_id,
                    imported.version,
                    msgspec.json.encode(report).decode(),
                )
                if str(done) == "UPDATE 0":
                    raise _TakenBack
        except _TakenBack:
            pass  # the row says what it is now
        except (ImportFailure, PackageError) as exc:
            await mark_failed(conn, claimed.id, str(exc), claimed.attempt)
    row = await get(conn, claimed.id)
    assert row is not None
    return row


async def save_check(
    conn: asyncpg.Connection, claimed: Claimed, check: PackageCheck, *, done: bool = False
) -> UploadRow | None:
    """The check so far (the page shows it as it grows); ``done`` makes the upload ready. None
    when the upload is no longer this attempt's."""
    record = await conn.fetchrow(
        "UPDATE problem_uploads SET report = jsonb_set(report, '{check}', $3::jsonb),"
        " status = CASE WHEN $4 THEN 'ready' ELSE status END,"
        " lease_expires_at = CASE WHEN $4 THEN NULL ELSE lease_expires_at END"
        f" WHERE id = $1 AND attempt = $2 AND status = 'checking' RETURNING {_COLUMNS}",
        claimed.id,
        claimed.attempt,
        json_encoder.encode(check).decode(),
        done,
    )
    return None if record is None else _row(record)


async def publish(
    conn: asyncpg.Connection, upload_id: int, actor_id: int, *, confirmed: bool = False
) -> UploadRow:
    """The staged version becomes the problem's live one; PublishRefused unless ready, and
    CheckNotPassed when its check failed or could not finish unless ``confirmed``.

    Why a confirmation rather than a refusal: a check can fail for reasons only the setter can
    judge (a time_limit_exceeded submission that this machine runs just under the limit, an
    input validator stricter than the statement); refusing outright would leave an organiser
    mid-contest with no way to ship a fix. But nothing broken goes live by a stray click: the
    API says why and wants ``confirm``, and a confirmed publish is audited with the reason."""
    async with conn.transaction():
        record = await conn.fetchrow(
            f"SELECT {_COLUMNS} FROM problem_uploads WHERE id = $1 FOR UPDATE", upload_id
        )
        if record is None:
            raise LookupError(f"problem upload {upload_id}")
        row = _row(record)
        if row.status != "ready" or row.problem_id is None or row.version is None:
            raise PublishRefused(f"upload {upload_id} is {row.status}, not ready to publish")
        blocker = publish_blocker(row.check)
        if blocker is not None and not confirmed:
            raise CheckNotPassed(
                f"upload {upload_id}: {blocker}; publish with confirm=true to publish it anyway"
            )
        await publish_staged(conn, row.problem_id, row.version, row.report.get("pending"))
        await conn.execute(
            "UPDATE problem_uploads SET status = 'published', published_at = now() WHERE id = $1",
            upload_id,
        )
        if blocker is not None:
            details = {"upload": upload_id, "slug": row.slug, "version": row.version}
            await moderation.audit(
                conn, actor_id, "problem_published_unchecked", None, {**details, "why": blocker}
            )
    published = await get(conn, upload_id)
    assert published is not None
    return published
