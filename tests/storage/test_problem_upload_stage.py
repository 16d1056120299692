"""Staging an uploaded package (real database): an attempt the sweeper took back meanwhile
leaves no staged version behind, so the next attempt's import is the only one."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

from support import make_problem

from arena.storage import problem_uploads
from arena.storage.archives import ArchiveLimits
from arena.storage.blobs import DiskBlobStore


def _zipped(root: Path) -> bytes:
    make_problem(root, {"sample/1": ("1 2\n", "3\n"), "secret/1": ("5 6\n", "11\n")})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"pkg/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


async def test_an_attempt_taken_back_while_staging_leaves_no_version(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    digest = blobs.put(_zipped(tmp_path / "pkg"))
    user_id = await conn.fetchval(
        "INSERT INTO users (username, password_hash, role) VALUES ($1, 'x', 'admin') RETURNING id",
        f"st-{uuid.uuid4().hex[:8]}",
    )
    slug = f"stage-{uuid.uuid4().hex[:8]}"
    upload_id = await problem_uploads.create(conn, slug, digest, user_id)
    stale = await problem_uploads.claim(conn, upload_id, 0, 30.0)
    assert stale is not None
    # The sweeper takes it back (the lease ran out) before the stale attempt stages it.
    await conn.execute(
        "UPDATE problem_uploads SET status = 'queued', attempt = 1, lease_expires_at = NULL"
        " WHERE id = $1",
        upload_id,
    )
    limits = ArchiveLimits()
    row = await problem_uploads.stage(conn, blobs, stale, None, limits)
    assert (row.status, row.attempt, row.version) == ("queued", 1, None)
    assert await conn.fetchval("SELECT count(*) FROM problems WHERE slug = $1", slug) == 0

    # The next attempt stages the package once: its version is the only one.
    current = await problem_uploads.claim(conn, upload_id, 1, 30.0)
    assert current is not None
    staged = await problem_uploads.stage(conn, blobs, current, None, limits)
    assert (staged.status, staged.version) == ("checking", 1), staged
    versions = await conn.fetchval(
        "SELECT count(*) FROM problem_versions v JOIN problems p ON p.id = v.problem_id"
        " WHERE p.slug = $1",
        slug,
    )
    assert versions == 1
    await conn.execute("UPDATE problem_uploads SET status = 'failed' WHERE id = $1", upload_id)
