"""Programs a package brings along (output and input validators): where they are, which files.

A program is one file, or a directory whose files build one program (``validate.cc`` with its
``validate.h``). Only file names are collected here; the judge picks the language and builds it
in the sandbox (``arena.judge.validators``).
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from .errors import PackageError

__all__ = ["ProgramSource", "find_programs", "program_in"]

# Files no program is built from: editor backups, notes, build leftovers.
_IGNORED_SUFFIXES = frozenset({".md", ".txt", ".o", ".pyc", ".class", ".orig", ".swp"})
# More files than any validator needs: a directory this large is a mistake.
_MAX_FILES = 200


class ProgramSource(msgspec.Struct, frozen=True):
    """``files`` are relative to ``root`` (POSIX separators), sorted."""

    name: str
    root: Path
    files: list[str]

    def paths(self) -> list[tuple[str, Path]]:
        return [(name, self.root / name) for name in self.files]


def _collect(directory: Path, package_root: Path) -> list[str]:
    names: list[str] = []
    real_root = package_root.resolve()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix in _IGNORED_SUFFIXES or path.name.endswith("~"):
            continue
        if not path.resolve().is_relative_to(real_root):
            raise PackageError(path, "symbolic link points outside the package", root=package_root)
        names.append(relative.as_posix())
    if len(names) > _MAX_FILES:
        raise PackageError(
            directory, f"more than {_MAX_FILES} files in one program", root=package_root
        )
    return names


def program_in(directory: Path, package_root: Path) -> ProgramSource:
    """``directory`` itself is one program (2023-07 ``output_validator/``). A directory holding
    nothing but one subdirectory means that subdirectory (a common layout mistake, still clear)."""
    entries = [e for e in directory.iterdir() if not e.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        directory = entries[0]
    files = _collect(directory, package_root)
    if not files:
        raise PackageError(directory, "no program files in the directory", root=package_root)
    return ProgramSource(directory.name, directory, files)


def find_programs(directory: Path, package_root: Path) -> list[ProgramSource]:
    """Each entry of ``directory`` is a program: a file, or a subdirectory of files."""
    programs: list[ProgramSource] = []
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue
        if entry.is_dir():
            files = _collect(entry, package_root)
            if files:
                programs.append(ProgramSource(entry.name, entry, files))
        elif entry.is_file() and entry.suffix not in _IGNORED_SUFFIXES:
            if not entry.resolve().is_relative_to(package_root.resolve()):
                raise PackageError(
                    entry, "symbolic link points outside the package", root=package_root
                )
            programs.append(ProgramSource(entry.name, directory, [entry.name]))
    return programs
