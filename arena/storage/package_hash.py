"""A problem package's identity: the hash that tells an unchanged re-import from a new version."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from arena.storage.blobs import sha256_file

VALIDATOR_DIRS = ("output_validator", "output_validators")


def _data_files(directory: Path, rel: str, ancestors: frozenset[Path], out: list[Any]) -> None:
    real = directory.resolve()
    if real in ancestors:
        # A symlink loop: load_package rejects those among the tests; elsewhere they hold nothing.
        return
    for entry in directory.iterdir():
        name = f"{rel}/{entry.name}"
        if entry.is_dir():
            _data_files(entry, name, ancestors | {real}, out)
        elif entry.is_file():
            out.append((name, entry))


def package_hash(root: Path) -> str:
    """SHA-256 over the relative paths and contents of problem.yaml, .timelimit and data/**.

    Each file contributes its path's length, the path and its content's SHA-256, so no two
    different file sets can produce the same byte stream.
    """
    files: list[tuple[str, Path]] = [
        (name, root / name) for name in ("problem.yaml", ".timelimit") if (root / name).is_file()
    ]
    if (root / "data").is_dir():
        _data_files(root / "data", "data", frozenset(), files)
    # A changed validator changes how submissions are judged: a new version.
    for name in VALIDATOR_DIRS:
        if (root / name).is_dir():
            _data_files(root / name, name, frozenset(), files)
    digest = hashlib.sha256()
    for name, path in sorted(files, key=lambda item: item[0]):
        encoded = name.encode()
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
        digest.update(bytes.fromhex(sha256_file(path)))
    return digest.hexdigest()
