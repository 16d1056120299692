"""A content-addressed blob store: test inputs and answers are kept once, named by their SHA-256.

Only hashes go into Postgres; the bytes live here. ``DiskBlobStore`` keeps them in a local
directory. An S3-compatible store (MinIO, R2, S3 itself) can implement the same ``BlobStore``
protocol with one object per blob under the key ``<sha256>``: ``put`` is an idempotent PUT,
``exists`` a HEAD, ``get`` a GET and ``path_for`` returns None, so callers that want a local
file fall back to ``get``. Because names are hashes, a blob never changes once written and any
replica or cache of it is always valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from arena.settings import Settings

__all__ = [
    "DEFAULT_BLOB_DIR",
    "BlobNotFoundError",
    "BlobStore",
    "DiskBlobStore",
    "blob_store_from_env",
    "check_digest",
    "sha256_file",
]

DEFAULT_BLOB_DIR = Path("/var/lib/arena/blobs")
_CHUNK = 1 << 20
_DIGEST_RE = re.compile(r"[0-9a-f]{64}")


class BlobNotFoundError(LookupError):
    """No blob with this digest is stored."""


def check_digest(digest: str) -> str:
    """``digest`` if it is a lowercase SHA-256 hex digest; ValueError otherwise.

    Digests become file names, so this is also what keeps ``../`` out of the store's paths.
    """
    if not isinstance(digest, str) or _DIGEST_RE.fullmatch(digest) is None:
        raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
    return digest


def _copy_hashing(source: BinaryIO, target: BinaryIO | None) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks so that big test files never sit in memory."""
    with Path(path).open("rb") as source:
        return _copy_hashing(source, None)


@runtime_checkable
class BlobStore(Protocol):
    """Immutable blobs named by the SHA-256 (lowercase hex) of their content.

    Every method raises ValueError for a malformed digest; ``get`` raises ``BlobNotFoundError``
    for a missing blob.
    """

    def put(self, data: bytes) -> str:
        """Store ``data`` (a no-op when already stored); returns its digest."""
        ...

    def put_file(self, path: Path) -> str:
        """Store the content of the file at ``path`` without reading it all into memory."""
        ...

    def get(self, digest: str) -> bytes: ...

    def get_prefix(self, digest: str, limit: int) -> bytes:
        """At most the first ``limit`` bytes (blocking: call it in a thread from async code)."""
        ...

    def path_for(self, digest: str) -> Path | None:
        """A local file holding the blob, or None when it is absent or the store is remote."""
        ...

    def exists(self, digest: str) -> bool: ...


class DiskBlobStore:
    """Blobs as files ``root/ab/cd/<sha256>``.

    Two levels of 256 directories keep each directory small even with millions of blobs. Every
    write goes to a temporary file in the blob's own directory, is flushed to disk and then
    renamed into place, so a reader (or a crash) never sees a partial blob under a real name.
    """

    def __init__(self, root: Path) -> None:
        # Nothing is created here: a store that is only read must work on a read-only mount.
        self.root = Path(root)

    def _path(self, digest: str) -> Path:
        check_digest(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self._path(digest).is_file()

    def path_for(self, digest: str) -> Path | None:
        path = self._path(digest)
        return path if path.is_file() else None

    def get(self, digest: str) -> bytes:
        try:
            return self._path(digest).read_bytes()
        except FileNotFoundError:
            raise BlobNotFoundError(digest) from None

    def get_prefix(self, digest: str, limit: int) -> bytes:
        try:
            with self._path(digest).open("rb") as blob:
                return blob.read(limit)
        except FileNotFoundError:
            raise BlobNotFoundError(digest) from None

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self._write(digest, lambda out: out.write(data))
        return digest

    def put_file(self, path: Path) -> str:
        # Hashing first costs a second read for new blobs but writes nothing for blobs already
        # stored, which is most of them when a changed package is imported again.
        digest = sha256_file(path)
        if self.exists(digest):
            return digest

        def copy(out: BinaryIO) -> None:
            with Path(path).open("rb") as source:
                copied = _copy_hashing(source, out)
            if copied != digest:
                raise ValueError(f"{path} changed while it was being stored")

        self._write(digest, copy)
        return digest

    def _write(self, digest: str, fill: Callable[[BinaryIO], object]) -> None:
        final = self._path(digest)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
                out.flush()
                # Without the fsync a crash after the rename could leave an empty file under the
                # digest's name, which exists() would then vouch for forever.
                os.fsync(out.fileno())
                # mkstemp makes the file private; judge workers may read blobs as another user.
                os.fchmod(out.fileno(), 0o644)
            # Two processes storing the same blob both succeed: the content is the same.
            temp.replace(final)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise


def blob_store_from_env(environ: Mapping[str, str] | None = None) -> DiskBlobStore:
    """The store under the ``blob_dir`` setting (``ARENA_BLOB_DIR``)."""
    return DiskBlobStore(Settings.from_env(None if environ is None else dict(environ)).blob_dir)
