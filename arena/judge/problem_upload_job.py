"""An uploaded problem package's import as a worker job: unpacking, loading and hashing a
package up to the upload cap is no work for a hub's event loop."""

from __future__ import annotations

from typing import Any

from arena.languages import LanguageTable
from arena.storage import problem_uploads
from arena.storage.archives import ArchiveLimits
from arena.storage.blobs import DiskBlobStore


async def problem_upload(ctx: dict[str, Any], upload_id: int) -> str:
    state = ctx["arena"]
    languages: LanguageTable = state.languages
    blobs = DiskBlobStore(state.settings.blob_dir)
    limits = ArchiveLimits(max_bytes=state.settings.problem_upload_unpacked_max_bytes)
    async with state.db.acquire() as conn:
        row = await problem_uploads.stage(conn, blobs, upload_id, languages.code_stubs(), limits)
    await problem_uploads.announce(state.redis, row)
    return f"problem upload {upload_id}: {row.status} {row.error or ''}".rstrip()
