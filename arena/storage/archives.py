"""Package archives: a directory as it is, or a zip extracted to a temporary directory with
every member checked first (no absolute paths, no ``..``: zip slip) and bounded in bytes and
files while it is written (a zip bomb). Problem and contest import both read through here."""

from __future__ import annotations

import asyncio
import contextlib
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO

import msgspec

from arena.storage.errors import ImportFailure

# Finder and Explorer add these to archives; they are never part of the package.
_ARCHIVE_JUNK = ("__MACOSX",)
_WINDOWS_DRIVE_RE = re.compile(r"[A-Za-z]:")


class ArchiveLimits(msgspec.Struct, frozen=True):
    """What one zip may unpack to: a few kilobytes must not fill the disk (a zip bomb) or the
    inode table. Generous for real packages: ICPC World Finals problems stay under 1 GiB."""

    max_bytes: int = 4 << 30
    max_files: int = 50_000


_ARCHIVE_LIMITS = ArchiveLimits()


def _member_parts(archive: Path, name: str) -> list[str]:
    """The path components of a zip member; ImportFailure for a member that would land outside
    the extraction directory (zip slip)."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _WINDOWS_DRIVE_RE.match(posix):
        raise ImportFailure(archive.name, None, f"unsafe member {name!r}: absolute path")
    parts = [part for part in PurePosixPath(posix).parts if part != "."]
    if ".." in parts:
        raise ImportFailure(archive.name, None, f"unsafe member {name!r}: goes up with '..'")
    return parts


def _too_large(archive: Path, limits: ArchiveLimits) -> ImportFailure:
    size = f"{limits.max_bytes} bytes"
    if limits.max_bytes >= 1 << 20:
        size = f"{limits.max_bytes >> 20} MiB"
    return ImportFailure(archive.name, None, f"unpacks to more than {size}")


def _copy_bounded(source: IO[bytes], out: IO[bytes], budget: int) -> int:
    """Copies at most ``budget`` bytes and returns how many it copied; more than ``budget``
    means the member holds more (its header's size is not trusted)."""
    copied = 0
    while chunk := source.read(min(1 << 20, budget - copied + 1)):
        copied += len(chunk)
        if copied > budget:
            return copied
        out.write(chunk)
    return copied


def _extract(archive: Path, dest: Path, limits: ArchiveLimits) -> None:
    try:
        opened = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailure(str(archive), None, f"cannot read zip file: {exc}") from exc
    with opened:
        members = opened.infolist()
        # Every name and the declared sizes are checked before anything is written: a rejected
        # archive leaves nothing. The sizes actually written are counted too.
        checked = [(info, _member_parts(archive, info.filename)) for info in members]
        for info in members:
            # zipfile writes a link as a file holding its target; refused rather than guessed at.
            if stat.S_ISLNK(info.external_attr >> 16):
                message = f"unsafe member {info.filename!r}: a symbolic link"
                raise ImportFailure(archive.name, None, message)
        if len(checked) > limits.max_files:
            message = f"holds more than {limits.max_files} files"
            raise ImportFailure(archive.name, None, message)
        if sum(info.file_size for info in members) > limits.max_bytes:
            raise _too_large(archive, limits)
        budget = limits.max_bytes
        for info, parts in checked:
            if not parts or parts[0] in _ARCHIVE_JUNK:
                continue
            target = dest.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with opened.open(info) as source, target.open("wb") as out:
                    budget -= _copy_bounded(source, out, budget)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                message = f"corrupt member {info.filename!r}: {exc}"
                raise ImportFailure(archive.name, None, message) from exc
            except (NotImplementedError, RuntimeError) as exc:  # compression method, encryption
                message = f"cannot unpack member {info.filename!r}: {exc}"
                raise ImportFailure(archive.name, None, message) from exc
            if budget < 0:
                raise _too_large(archive, limits)


def _unpack(path: Path, scratch: Path, markers: Sequence[str], limits: ArchiveLimits) -> Path:
    if not path.exists():
        raise ImportFailure(str(path), None, "no such file or directory")
    if not zipfile.is_zipfile(path):
        raise ImportFailure(str(path), None, "not a directory or a zip file")
    # Extracting into a directory named like the archive gives a flat zip the name a directory
    # would have had: the default slug or contest id.
    root = scratch / path.stem
    root.mkdir()
    _extract(path, root, limits)
    entries = [e for e in root.iterdir() if not e.name.startswith(".")]
    at_top = any((root / marker).exists() for marker in markers)
    if not at_top and len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root


@contextlib.asynccontextmanager
async def unpacked(
    path: Path, markers: Sequence[str], limits: ArchiveLimits = _ARCHIVE_LIMITS
) -> AsyncIterator[Path]:
    """The package directory for ``path``: the directory itself, or a zip extracted to a
    temporary directory (removed afterwards). A zip whose content sits in one top-level folder
    without any of ``markers`` at its top yields that folder. A zip that unpacks to more than
    ``limits`` allow is an ImportFailure naming it."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="arena-import-") as scratch:
        yield await asyncio.to_thread(_unpack, path, Path(scratch), markers, limits)
