"""The content-addressed disk blob store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from arena.storage import blobs as blobs_module
from arena.storage.blobs import (
    DEFAULT_BLOB_DIR,
    BlobNotFoundError,
    BlobStore,
    DiskBlobStore,
    blob_store_from_env,
)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_get_and_layout(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path / "blobs")
    data = b"hello\n"
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.get(digest) == data
    assert store.exists(digest)
    expected = tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert store.path_for(digest) == expected
    assert expected.read_bytes() == data
    assert files_under(tmp_path / "blobs") == [expected]
    # Workers may run as another user; the blob must not stay private to the importer.
    assert expected.stat().st_mode & 0o777 == 0o644


def test_put_is_idempotent_and_does_not_rewrite(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path)
    digest = store.put(b"same")
    path = store.path_for(digest)
    assert path is not None
    inode = path.stat().st_ino
    assert store.put(b"same") == digest
    source = tmp_path / "source.bin"
    source.write_bytes(b"same")
    assert store.put_file(source) == digest
    assert path.stat().st_ino == inode
    assert files_under(tmp_path) == sorted([path, source])


def test_empty_blob(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path)
    digest = store.put(b"")
    assert digest == hashlib.sha256(b"").hexdigest()
    assert store.get(digest) == b""


def test_put_file_streams_big_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "big.in"
    data = os.urandom(3 * (1 << 20) + 12345)
    source.write_bytes(data)
    # A full read of the source would go through read_bytes(); put_file must not use it.
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    store = DiskBlobStore(tmp_path / "blobs")
    digest = store.put_file(source)
    assert digest == hashlib.sha256(data).hexdigest()
    monkeypatch.undo()
    assert store.get(digest) == data


@pytest.mark.parametrize(
    "digest",
    [
        "../../etc/passwd",
        "",
        "abc",
        "A" * 64,
        "g" * 64,
        "0" * 63,
        "0" * 65,
        "0" * 64 + "\n",
    ],
)
def test_malformed_digests_are_rejected(tmp_path: Path, digest: str) -> None:
    store = DiskBlobStore(tmp_path)
    for method in (store.get, store.exists, store.path_for):
        with pytest.raises(ValueError, match="SHA-256"):
            method(digest)


def test_missing_blob(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path / "never-created")
    digest = hashlib.sha256(b"absent").hexdigest()
    assert not store.exists(digest)
    assert store.path_for(digest) is None
    with pytest.raises(BlobNotFoundError):
        store.get(digest)
    # Reading must not create the store's directory (read-only mounts).
    assert not (tmp_path / "never-created").exists()


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DiskBlobStore(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(blobs_module.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        store.put(b"data")
    monkeypatch.undo()
    assert files_under(tmp_path) == []
    assert not store.exists(hashlib.sha256(b"data").hexdigest())


def test_file_changing_while_stored_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "moving.in"
    source.write_bytes(b"after")
    # As if the file said "before" when it was hashed and "after" when it was copied.
    stale = hashlib.sha256(b"before").hexdigest()
    monkeypatch.setattr(blobs_module, "sha256_file", lambda path: stale)
    store = DiskBlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError, match="changed"):
        store.put_file(source)
    assert not store.exists(stale)
    assert files_under(tmp_path / "blobs") == []


def test_store_from_env(tmp_path: Path) -> None:
    assert blob_store_from_env({}).root == DEFAULT_BLOB_DIR == Path("/var/lib/arena/blobs")
    assert blob_store_from_env({"ARENA_BLOB_DIR": str(tmp_path)}).root == tmp_path
    store: BlobStore = blob_store_from_env({"ARENA_BLOB_DIR": str(tmp_path)})
    assert isinstance(store, BlobStore)
