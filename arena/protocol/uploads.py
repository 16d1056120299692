"""Admins' problem package uploads: staged by a worker, published on request."""

from __future__ import annotations

import msgspec


class ProblemUpload(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    status: str  # queued, checking, ready, failed, published
    problem_id: int | None
    version: int | None  # the staged version (live only once published)
    test_count: int | None
    error: str | None  # why the package was refused (file, line, field when known)
    created_at: str
    published_at: str | None


class ProblemUploads(msgspec.Struct, frozen=True):
    uploads: list[ProblemUpload]


class ProblemUploadChanged(msgspec.Struct, frozen=True, tag="problem_upload"):
    """Pushed on the admins' sockets (/ws/admin) when an upload changes status."""

    upload: ProblemUpload
