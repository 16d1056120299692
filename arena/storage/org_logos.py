"""Organization logos: the bytes in the blob store, their type and pixel size on the row."""

from __future__ import annotations

import asyncpg
import msgspec

from arena.images import ImageInfo
from arena.storage.moderation import audit


class Logo(msgspec.Struct, frozen=True):
    sha256: str
    mime: str
    width: int | None  # None for a logo stored before sizes were recorded
    height: int | None


async def get(conn: asyncpg.Connection, external_id: str) -> Logo | None:
    row = await conn.fetchrow(
        "SELECT logo_sha256, logo_mime, logo_width, logo_height FROM organizations"
        " WHERE external_id = $1 AND logo_sha256 IS NOT NULL AND logo_mime IS NOT NULL",
        external_id,
    )
    if row is None:
        return None
    return Logo(row["logo_sha256"], row["logo_mime"], row["logo_width"], row["logo_height"])


async def put(
    conn: asyncpg.Connection, actor_id: int, external_id: str, digest: str, image: ImageInfo
) -> bool:
    """Sets the organization's logo (audited); False when there is no such organization."""
    async with conn.transaction():
        found = await conn.fetchval(
            "UPDATE organizations SET logo_sha256 = $2, logo_mime = $3, logo_width = $4,"
            " logo_height = $5 WHERE external_id = $1 RETURNING id",
            external_id,
            digest,
            image.mime,
            image.width,
            image.height,
        )
        if found is None:
            return False
        details = {"id": external_id, "sha256": digest, "mime": image.mime}
        await audit(conn, actor_id, "organization_logo", None, details)
    return True
