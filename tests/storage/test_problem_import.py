"""Importing problem packages into Postgres and the blob store (real database)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support import make_problem

import arena.cli
from arena.cli import contest as contest_cli
from arena.cli import problem as problem_cli
from arena.problems.checker import DefaultValidatorFlags
from arena.problems.errors import PackageError
from arena.storage.archives import ArchiveLimits, unpacked
from arena.storage.blobs import DiskBlobStore
from arena.storage.errors import ImportFailure
from arena.storage.package_hash import package_hash
from arena.storage.problem_versions import load_problem_tests, problem_version
from arena.storage.problems import PROBLEM_MARKERS, import_problem

TESTS = {
    "secret/2": ("2\n", "4\n"),
    "sample/1": ("1\n", "2\n"),
    "secret/10": ("10\n", "20\n"),
}
# Samples first, then secret tests by name: "10" sorts before "2".
ORDER = ["sample/1", "secret/10", "secret/2"]


def unique(prefix: str = "p") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def package(tmp_path: Path, name: str | None = None, **kwargs: Any) -> Path:
    root = tmp_path / (name or unique())
    root.mkdir(parents=True)
    return make_problem(root, kwargs.pop("tests", TESTS), **kwargs)


def files_named(root: Path, name: str) -> list[Path]:
    return list(root.rglob(name))


def zip_dir(source: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(source).as_posix())
    return archive


async def test_import_stores_rows_and_blobs_in_package_order(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path, time_limit_s=1.5)
    slug = root.name
    result = await import_problem(conn, blobs, root)

    assert result.created
    assert (result.slug, result.version, result.test_count) == (slug, 1, 3)
    assert result.package_hash == package_hash(root)
    row = await conn.fetchrow("SELECT * FROM problems WHERE slug = $1", slug)
    assert row["id"] == result.problem_id
    assert row["title"] == "test problem"
    assert row["difficulty"] == "medium"
    assert row["tags"] == []
    assert row["current_version"] == 1

    stored = await problem_version(conn, result.problem_id, 1)
    assert stored.time_limit_ms == 1500
    assert stored.memory_mib == 1024
    assert stored.output_mib == 8
    assert stored.problem_type == "pass-fail"
    assert stored.validator == DefaultValidatorFlags()
    assert stored.package_hash == result.package_hash

    tests = await load_problem_tests(conn, result.problem_id, 1)
    assert [t.name for t in tests] == ORDER
    assert [t.ordinal for t in tests] == [0, 1, 2]
    assert [t.is_sample for t in tests] == [True, False, False]
    for test in tests:
        given, expected = TESTS[test.name]
        assert test.input_hash == hashlib.sha256(given.encode()).hexdigest()
        assert blobs.get(test.input_hash) == given.encode()
        assert blobs.get(test.answer_hash) == expected.encode()


async def test_reimport_unchanged_keeps_the_version(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path)
    first = await import_problem(conn, blobs, root)
    # A touched file with the same content is still the same package.
    os.utime(root / "data" / "sample" / "1.in", (0, 0))
    again = await import_problem(conn, blobs, root)

    assert not again.created
    assert (again.problem_id, again.version, again.test_count) == (first.problem_id, 1, 3)
    assert again.package_hash == first.package_hash
    versions = await conn.fetchval(
        "SELECT count(*) FROM problem_versions WHERE problem_id = $1", first.problem_id
    )
    assert versions == 1


async def test_changed_package_makes_a_new_version(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path)
    first = await import_problem(conn, blobs, root)
    (root / "data" / "secret" / "2.ans").write_text("four\n")
    (root / "data" / "secret" / "3.in").write_text("3\n")
    (root / "data" / "secret" / "3.ans").write_text("6\n")

    second = await import_problem(conn, blobs, root)
    assert second.created
    assert (second.problem_id, second.version, second.test_count) == (first.problem_id, 2, 4)
    assert second.package_hash != first.package_hash
    current = await conn.fetchval(
        "SELECT current_version FROM problems WHERE id = $1", first.problem_id
    )
    assert current == 2
    # Submissions judged against version 1 still find its tests.
    old = await load_problem_tests(conn, first.problem_id, 1)
    new = await load_problem_tests(conn, first.problem_id, 2)
    assert [t.name for t in old] == ORDER
    assert [t.name for t in new] == [*ORDER, "secret/3"]
    assert blobs.get(new[2].answer_hash) == b"four\n"
    assert blobs.get(old[2].answer_hash) == b"4\n"

    third = await import_problem(conn, blobs, root)
    assert (third.version, third.created) == (2, False)


async def test_renaming_a_test_changes_the_hash(tmp_path: Path) -> None:
    root = package(tmp_path)
    before = package_hash(root)
    (root / "data" / "secret" / "2.in").rename(root / "data" / "secret" / "02.in")
    (root / "data" / "secret" / "2.ans").rename(root / "data" / "secret" / "02.ans")
    assert package_hash(root) != before


async def test_metadata_from_problem_yaml_and_arguments(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    yaml_text = (
        "name: Adding Up\n"
        "keywords: graphs greedy graphs\n"
        "difficulty: hard\n"
        "validator_flags: float_tolerance 1e-6 case_sensitive\n"
    )
    root = package(tmp_path, problem_yaml=yaml_text, time_limit_s=None)
    result = await import_problem(conn, blobs, root)
    row = await conn.fetchrow("SELECT * FROM problems WHERE id = $1", result.problem_id)
    assert (row["title"], row["difficulty"], row["tags"]) == (
        "Adding Up",
        "hard",
        ["graphs", "greedy"],
    )

    stored = await problem_version(conn, result.problem_id, 1)
    # No time limit in the package: 1 s until limits are inferred from accepted submissions.
    assert stored.time_limit_ms == 1000
    assert stored.validator == DefaultValidatorFlags(True, False, 1e-6, 1e-6)
    assert stored.validator_flags == ["float_tolerance", "1e-6", "case_sensitive"]
    assert not stored.custom_validator
    raw = await conn.fetchval(
        "SELECT validator FROM problem_versions WHERE problem_id = $1", result.problem_id
    )
    assert json.loads(raw)["float_absolute_tolerance"] == 1e-6

    # Arguments win, and are applied even when the package itself is unchanged.
    again = await import_problem(conn, blobs, root, difficulty="easy", tags=["dp", " math ", ""])
    assert not again.created
    row = await conn.fetchrow("SELECT * FROM problems WHERE id = $1", result.problem_id)
    assert (row["difficulty"], row["tags"]) == ("easy", ["dp", "math"])


async def test_reimport_without_metadata_keeps_what_was_set(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path)
    result = await import_problem(conn, blobs, root, difficulty="hard", tags=["dp"])
    (root / "data" / "secret" / "2.ans").write_text("5\n")
    changed = await import_problem(conn, blobs, root)
    assert changed.version == 2
    row = await conn.fetchrow("SELECT * FROM problems WHERE id = $1", result.problem_id)
    assert (row["difficulty"], row["tags"]) == ("hard", ["dp"])


async def test_explicit_and_uppercase_slugs(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    name = unique("Hello")
    root = package(tmp_path, name)
    assert (await import_problem(conn, blobs, root)).slug == name.lower()
    other = unique("other")
    result = await import_problem(conn, blobs, root, slug=other)
    assert (result.slug, result.version, result.created) == (other, 1, True)


async def test_invalid_slug_is_a_clear_error(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path, "has space")
    with pytest.raises(ImportFailure) as info:
        await import_problem(conn, blobs, root)
    assert str(info.value).startswith(f"{root}: slug: 'has space' is not a valid slug")
    with pytest.raises(ImportFailure, match="slug: '-x' is not a valid slug"):
        await import_problem(conn, blobs, root, slug="-x")
    with pytest.raises(ImportFailure, match="difficulty: expected easy, medium or hard"):
        await import_problem(conn, blobs, root, slug=unique(), difficulty="extreme")


async def test_bad_package_error_names_the_file_and_writes_nothing(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = package(tmp_path, problem_yaml="name: x\nlimits:\n  time_multiplier: fast\n")
    with pytest.raises(PackageError) as info:
        await import_problem(conn, blobs, root)
    assert str(info.value) == "problem.yaml:3: limits.time_multiplier: expected a number"

    root = package(tmp_path, problem_yaml="difficulty: impossible\n")
    with pytest.raises(PackageError, match=r"^problem.yaml:1: difficulty: expected easy"):
        await import_problem(conn, blobs, root)

    root = package(tmp_path)
    (root / "data" / "secret" / "2.ans").unlink()
    with pytest.raises(PackageError, match=r"^data/secret/2.in: no answer file 2.ans"):
        await import_problem(conn, blobs, root)
    assert await conn.fetchval("SELECT count(*) FROM problems WHERE slug = $1", root.name) == 0
    assert not (tmp_path / "blobs").exists()


async def test_failure_midway_rolls_everything_back(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = package(tmp_path)

    def full_disk(path: Path) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(blobs, "put_file", full_disk)
    with pytest.raises(OSError, match="No space"):
        await import_problem(conn, blobs, root)
    # The problem row was inserted before the blobs were stored; it must be gone too.
    assert await conn.fetchval("SELECT count(*) FROM problems WHERE slug = $1", root.name) == 0


@pytest.mark.parametrize("nested", [False, True])
async def test_zip_import(conn: Any, blobs: DiskBlobStore, tmp_path: Path, nested: bool) -> None:
    slug = unique("zipped")
    source = package(tmp_path / "src", slug)
    archive_name = unique("upload") if nested else slug
    archive = zip_dir(source, tmp_path / f"{archive_name}.zip", f"{slug}/" if nested else "")

    result = await import_problem(conn, blobs, archive)
    # Nested: named by its folder, not by the archive.
    assert (result.slug, result.version, result.test_count) == (slug, 1, 3)
    assert result.package_hash == package_hash(source)
    tests = await load_problem_tests(conn, result.problem_id, 1)
    assert [t.name for t in tests] == ORDER
    assert blobs.get(tests[0].answer_hash) == b"2\n"

    # The same package as a directory is the same version.
    again = await import_problem(conn, blobs, source)
    assert (again.version, again.created) == (1, False)


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "goes up with '..'"),
        ("data/../../evil.txt", "goes up with '..'"),
        ("/tmp/evil.txt", "absolute path"),
        ("C:/evil.txt", "absolute path"),
        ("..\\evil.txt", "goes up with '..'"),
    ],
)
async def test_zip_slip_is_rejected(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path, member: str, reason: str
) -> None:
    source = package(tmp_path / "src")
    (tmp_path / "work").mkdir()
    archive = zip_dir(source, tmp_path / "work" / "bad.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(zipfile.ZipInfo(member), "pwned")
    with pytest.raises(ImportFailure) as info:
        await import_problem(conn, blobs, archive)
    assert str(info.value) == f"bad.zip: unsafe member {member!r}: {reason}"
    assert not files_named(tmp_path, "evil.txt")


async def test_not_a_package(conn: Any, blobs: DiskBlobStore, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="no such file or directory"):
        await import_problem(conn, blobs, tmp_path / "missing")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ImportFailure, match="not a directory or a zip file"):
        await import_problem(conn, blobs, text)


async def test_missing_version_is_a_lookup_error(conn: Any) -> None:
    with pytest.raises(LookupError):
        await problem_version(conn, -1, 1)
    assert await load_problem_tests(conn, -1, 1) == []


def use_import_commands(monkeypatch: pytest.MonkeyPatch, database_url: str, blobs: Path) -> None:
    """``arena.cli.main`` with the import commands, whether or not they are wired in yet, on the
    test database and a blob store in ``blobs``."""

    def build_parser() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="arena")
        commands = parser.add_subparsers(dest="command", required=True)
        problem_cli.register(commands)
        contest_cli.register(commands)
        return parser

    monkeypatch.setattr(arena.cli, "build_parser", build_parser)
    monkeypatch.setenv("ARENA_DATABASE_URL", database_url)
    monkeypatch.setenv("ARENA_BLOB_DIR", str(blobs))


def test_cli_import(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    use_import_commands(monkeypatch, database_url, tmp_path / "blobs")
    main = arena.cli.main
    root = package(tmp_path)
    assert main(["problem", "import", str(root), "--tags", "a,b", "--difficulty", "easy"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"imported {root.name} as version 1 (3 tests, package ")
    assert len(files_named(tmp_path / "blobs", "*")) > 3
    assert main(["problem", "import", str(root)]) == 0
    assert capsys.readouterr().out.startswith(f"{root.name} is unchanged at version 1")

    assert main(["problem", "import", str(tmp_path / "nope")]) == 2
    assert (
        capsys.readouterr().err == f"arena: error: {tmp_path / 'nope'}: no such file or directory\n"
    )
    (root / "data" / "sample" / "1.ans").unlink()
    assert main(["problem", "import", str(root)]) == 2
    assert "data/sample/1.in: no answer file 1.ans" in capsys.readouterr().err


# --- zip bombs (issue 18) ------------------------------------------------------------------------


def bomb(archive: Path, size: int) -> Path:
    """A package whose one extra member is ``size`` zero bytes (a thousandth of that packed)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/secret/1.in", "1\n")
        zf.writestr("data/secret/1.ans", "1\n")
        zf.writestr("data/secret/zeros.bin", bytes(size))
    return archive


async def test_zip_unpacking_to_too_many_bytes_is_refused(tmp_path: Path) -> None:
    archive = bomb(tmp_path / "bomb.zip", 1 << 20)
    assert archive.stat().st_size < 10_000
    limits = ArchiveLimits(max_bytes=512 << 10)
    with pytest.raises(ImportFailure) as info:
        async with unpacked(archive, PROBLEM_MARKERS, limits=limits):
            pass
    assert str(info.value) == "bomb.zip: unpacks to more than 524288 bytes"
    async with unpacked(archive, PROBLEM_MARKERS, limits=ArchiveLimits(max_bytes=2 << 20)) as root:
        assert (root / "data/secret/zeros.bin").stat().st_size == 1 << 20


async def test_zip_header_lying_about_its_size_is_caught(tmp_path: Path) -> None:
    # The sizes in the zip's directory are the attacker's to write: claim 16 bytes for a
    # member that inflates to a mebibyte. Nothing beyond the claimed size may be written.
    archive = bomb(tmp_path / "liar.zip", 1 << 20)
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("data/secret/zeros.bin")
        central = zf.start_dir  # type: ignore[attr-defined]
    claimed = (16).to_bytes(4, "little")
    raw[info.header_offset + 22 : info.header_offset + 26] = claimed  # the local header
    while raw[central : central + 4] == b"PK\x01\x02":  # the central directory's entries
        name_len, extra_len, comment_len = (
            int.from_bytes(raw[central + at : central + at + 2], "little") for at in (28, 30, 32)
        )
        if raw[central + 46 : central + 46 + name_len] == b"data/secret/zeros.bin":
            raw[central + 24 : central + 28] = claimed
        central += 46 + name_len + extra_len + comment_len
    archive.write_bytes(bytes(raw))
    with zipfile.ZipFile(archive) as zf:
        assert zf.getinfo("data/secret/zeros.bin").file_size == 16
    with pytest.raises(ImportFailure, match=r"liar.zip: corrupt member 'data/secret/zeros.bin'"):
        async with unpacked(archive, PROBLEM_MARKERS, limits=ArchiveLimits(max_bytes=64 << 10)):
            pass


async def test_zip_with_too_many_files_is_refused(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/secret/1.in", "1\n")
        zf.writestr("data/secret/1.ans", "1\n")
        for index in range(ArchiveLimits().max_files):
            zf.writestr(f"data/extra/{index}", "")
    with pytest.raises(ImportFailure) as info:
        await import_problem(conn, blobs, archive)
    assert str(info.value) == f"many.zip: holds more than {ArchiveLimits().max_files} files"
    assert not files_named(tmp_path, "1.in")
