"""Importing ICPC contest packages (real database)."""

from __future__ import annotations

import argparse
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import make_problem, redis_url

import arena.cli
from arena.cli import contest as contest_cli
from arena.cli import problem as problem_cli
from arena.storage.blobs import DiskBlobStore
from arena.storage.contests import import_contest
from arena.storage.errors import ImportFailure
from arena.storage.problems import import_problem


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


CONTEST_YAML = """\
id: {id}
name: Spring Regional
formal_name: The Spring Regional Programming Contest
start_time: 2030-04-01T10:00:00+02:00
duration: 5:00:00
scoreboard_freeze_duration: 1:00:00
penalty_time: 20
"""


def write_contest(
    root: Path, ids: list[str], contest_yaml: str | None = None, contest_id: str | None = None
) -> Path:
    """A contest package: contest.yaml, problems.yaml and one problem package per id."""
    root.mkdir(parents=True)
    contest_id = contest_id or unique("contest")
    (root / "contest.yaml").write_text((contest_yaml or CONTEST_YAML).format(id=contest_id))
    colors = [("red", "#ff0000"), ("green", "#00ff00"), ("blue", "#0000ff")]
    entries = [
        f"- id: {pid}\n  label: {chr(65 + i)}\n  color: {colors[i % 3][0]}\n"
        f"  rgb: '{colors[i % 3][1]}'\n  points: {i + 1}\n"
        for i, pid in enumerate(ids)
    ]
    (root / "problems.yaml").write_text("".join(entries))
    for index, pid in enumerate(ids):
        make_problem(
            root / pid,
            {"sample/1": (f"{index}\n", f"{index}\n"), "secret/1": ("x\n", "y\n")},
            problem_yaml=f"name: Problem {pid}\n",
        )
    return root


async def contest_row(conn: Any, contest_id: int) -> Any:
    return await conn.fetchrow("SELECT * FROM contests WHERE id = $1", contest_id)


async def links(conn: Any, contest_id: int) -> list[tuple[Any, ...]]:
    rows = await conn.fetch(
        "SELECT cp.label, p.slug, cp.ordinal, cp.color, cp.rgb, cp.points"
        " FROM contest_problems cp JOIN problems p ON p.id = cp.problem_id"
        " WHERE cp.contest_id = $1 ORDER BY cp.ordinal",
        contest_id,
    )
    return [tuple(row) for row in rows]


async def test_import_contest_with_three_problems(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    ids = [unique("alpha"), unique("beta"), unique("gamma")]
    root = write_contest(tmp_path / "spring", ids, contest_id="spring-" + ids[0])
    result = await import_contest(conn, blobs, root)

    assert result.created
    assert result.external_id == "spring-" + ids[0]
    assert result.name == "Spring Regional"
    assert [(p.label, p.slug) for p in result.problems] == list(zip("ABC", ids, strict=True))
    assert all(p.imported is not None and p.imported.created for p in result.problems)

    row = await contest_row(conn, result.contest_id)
    assert row["name"] == "Spring Regional"
    assert row["start_time"] == datetime(2030, 4, 1, 8, 0, tzinfo=UTC)
    assert row["duration_s"] == 5 * 3600
    assert row["freeze_duration_s"] == 3600
    assert row["penalty_minutes"] == 20
    assert row["scoring"] == "pass-fail"
    assert await links(conn, result.contest_id) == [
        ("A", ids[0], 0, "red", "#ff0000", 1),
        ("B", ids[1], 1, "green", "#00ff00", 2),
        ("C", ids[2], 2, "blue", "#0000ff", 3),
    ]
    titles = await conn.fetch("SELECT title FROM problems WHERE slug = ANY($1::text[])", ids)
    assert sorted(r["title"] for r in titles) == sorted(f"Problem {pid}" for pid in ids)


async def test_reimport_updates_the_contest_and_its_problem_list(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    ids = [unique("one"), unique("two"), unique("three")]
    contest_id = unique("rerun")
    root = write_contest(tmp_path / "rerun", ids, contest_id=contest_id)
    first = await import_contest(conn, blobs, root)

    # Swap the labels of the first two problems, drop the third, change one package.
    (root / "contest.yaml").write_text(
        CONTEST_YAML.format(id=contest_id)
        .replace("Spring Regional", "Spring Regional (rerun)")
        .replace("scoreboard_freeze_duration: 1:00:00", "scoreboard_freeze_duration: 0:45:00.000")
        .replace("penalty_time: 20", "penalty_time: 0:15:00\nscoreboard_type: score")
    )
    (root / "problems.yaml").write_text(
        f"- id: {ids[1]}\n  label: A\n- id: {ids[0]}\n  label: B\n  ordinal: 7\n"
    )
    (root / ids[0] / "data" / "secret" / "1.ans").write_text("changed\n")
    second = await import_contest(conn, blobs, root)

    assert not second.created
    assert second.contest_id == first.contest_id
    assert second.name == "Spring Regional (rerun)"
    row = await contest_row(conn, first.contest_id)
    assert (row["freeze_duration_s"], row["penalty_minutes"]) == (45 * 60, 15)
    assert row["scoring"] == "score"
    assert await links(conn, first.contest_id) == [
        ("A", ids[1], 0, None, None, 1),
        ("B", ids[0], 7, None, None, 1),
    ]
    imported = {p.slug: p.imported for p in second.problems}
    assert imported[ids[0]] is not None and imported[ids[0]].version == 2
    assert imported[ids[1]] is not None and not imported[ids[1]].created
    count = await conn.fetchval(
        "SELECT count(*) FROM contests WHERE external_id = $1", second.external_id
    )
    assert count == 1


async def test_bad_duration_names_file_and_field_and_writes_nothing(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    pid = unique("never")
    contest_id = unique("bad")
    yaml_text = CONTEST_YAML.replace("duration: 5:00:00", "duration: 5 hours")
    root = write_contest(tmp_path / "bad", [pid], yaml_text, contest_id=contest_id)
    with pytest.raises(ImportFailure) as info:
        await import_contest(conn, blobs, root)
    assert str(info.value) == "contest.yaml: duration: expected h:mm:ss, got '5 hours'"
    assert (
        await conn.fetchval("SELECT count(*) FROM contests WHERE external_id = $1", contest_id) == 0
    )
    assert await conn.fetchval("SELECT count(*) FROM problems WHERE slug = $1", pid) == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("duration: 5:00:00", "duration: 300", "duration: expected h:mm:ss, got 300"),
        ("duration: 5:00:00", "duration: 0:00:00", "duration: must be longer than 0:00:00"),
        ("duration: 5:00:00", "duration: 5:00:00.5", "duration: Arena keeps whole seconds"),
        ("duration: 5:00:00", "duration: 5:61:00", "duration: expected h:mm:ss, got '5:61:00'"),
        ("duration: 5:00:00\n", "", "duration: missing"),
        (
            "scoreboard_freeze_duration: 1:00:00",
            "scoreboard_freeze_duration: 6:00:00",
            "scoreboard_freeze_duration: longer than the contest",
        ),
        (
            "scoreboard_freeze_duration: 1:00:00",
            "scoreboard_freeze_duration: -1:00:00",
            "scoreboard_freeze_duration: must not be negative",
        ),
        (
            "start_time: 2030-04-01T10:00:00+02:00",
            "start_time: 2030-04-01T10:00:00",
            "start_time: needs a UTC offset",
        ),
        (
            "start_time: 2030-04-01T10:00:00+02:00",
            "start_time: next monday",
            "start_time: expected an ISO 8601 date and time, got 'next monday'",
        ),
        (
            "penalty_time: 20",
            "penalty_time: 0:20:30",
            "penalty_time: Arena counts penalty in whole",
        ),
        ("penalty_time: 20", "penalty_time: -5", "penalty_time: expected a non-negative integer"),
        (
            "penalty_time: 20",
            "scoreboard_type: golf",
            "scoreboard_type: expected pass-fail or score",
        ),
        (
            "name: Spring Regional\nformal_name: The Spring Regional Programming Contest\n",
            "",
            "name: missing",
        ),
    ],
)
async def test_contest_yaml_errors(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CONTEST_YAML
    root = write_contest(tmp_path / "c", [unique("p")], CONTEST_YAML.replace(old, new))
    with pytest.raises(ImportFailure) as info:
        await import_contest(conn, blobs, root)
    assert str(info.value).startswith(f"contest.yaml: {message}")


async def test_old_cdp_layout_with_problemset_yaml_and_linked_problem(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    existing = unique("existing")
    make_problem(tmp_path / "elsewhere" / existing, {"secret/1": ("1\n", "1\n")})
    await import_problem(conn, blobs, tmp_path / "elsewhere" / existing)
    fresh = unique("Fresh")

    config = tmp_path / "wf" / "config"
    config.mkdir(parents=True)
    contest_id = unique("wf")
    (config / "contest.yaml").write_text(
        f"short-name: {contest_id}\nname: World Finals\nstart-time: 2031-02-04T01:23:00Z\n"
        "duration: 5:00:00\nscoreboard-freeze-length: 1:00:00\npenalty-time: 25\n"
    )
    (config / "problemset.yaml").write_text(
        "problems:\n"
        f"  - letter: A\n    short-name: {fresh}\n    color: yellow\n    rgb: '#ffff00'\n"
        f"  - letter: B\n    short-name: {existing}\n"
    )
    make_problem(config / fresh, {"secret/1": ("2\n", "2\n")})
    result = await import_contest(conn, blobs, tmp_path / "wf")

    # The old short-name is a display name, not an id: the id is the package directory's name.
    assert result.external_id == "wf"
    assert [(p.label, p.slug) for p in result.problems] == [("A", fresh.lower()), ("B", existing)]
    assert result.problems[0].imported is not None
    assert result.problems[1].imported is None
    row = await contest_row(conn, result.contest_id)
    assert (row["start_time"], row["freeze_duration_s"], row["penalty_minutes"]) == (
        datetime(2031, 2, 4, 1, 23, tzinfo=UTC),
        3600,
        25,
    )


async def test_zipped_contest_package(conn: Any, blobs: DiskBlobStore, tmp_path: Path) -> None:
    ids = [unique("z1"), unique("z2"), unique("z3")]
    contest_id = unique("zipped")
    root = write_contest(tmp_path / "src" / "contest", ids, contest_id=contest_id)
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, "contest/" + path.relative_to(root).as_posix())
    result = await import_contest(conn, blobs, archive)
    assert result.external_id == contest_id
    assert [p.slug for p in result.problems] == ids
    again = await import_contest(conn, blobs, root)
    assert again.contest_id == result.contest_id
    assert all(p.imported is not None and not p.imported.created for p in again.problems)


async def test_problem_list_errors(conn: Any, blobs: DiskBlobStore, tmp_path: Path) -> None:
    missing = unique("missing")
    root = write_contest(tmp_path / "a", [unique("p")])
    (root / "problems.yaml").write_text(f"- id: {missing}\n  label: A\n")
    with pytest.raises(ImportFailure) as info:
        await import_contest(conn, blobs, root)
    assert str(info.value) == (
        f"problems.yaml: [0].id: no problem package {missing}/ (or {missing}.zip) and no problem "
        f"'{missing}' in the database"
    )

    pid = unique("dup")
    (root / "problems.yaml").write_text(f"- id: {pid}\n  label: A\n- id: {pid}x\n  label: A\n")
    with pytest.raises(
        ImportFailure, match=r"^problems.yaml: \[1\]: label 'A' is also used by \[0\]$"
    ):
        await import_contest(conn, blobs, root)

    (root / "problems.yaml").write_text("- label: A\n")
    with pytest.raises(ImportFailure, match=r"^problems.yaml: \[0\].id: missing$"):
        await import_contest(conn, blobs, root)

    (root / "problems.yaml").unlink()
    with pytest.raises(ImportFailure, match=r"^problems\.yaml: missing \(or problemset\.yaml\)$"):
        await import_contest(conn, blobs, root)


async def test_broken_problem_in_contest_names_its_file(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    pid = unique("broken")
    contest_id = unique("withbroken")
    root = write_contest(tmp_path / "c", [unique("fine"), pid], contest_id=contest_id)
    (root / pid / "problem.yaml").write_text("name: x\nlimits:\n  memory: lots\n")
    with pytest.raises(ImportFailure) as info:
        await import_contest(conn, blobs, root)
    assert str(info.value) == f"{pid}/problem.yaml:3: limits.memory: expected an integer"
    # The problem imported before the broken one is rolled back with the rest.
    assert (
        await conn.fetchval("SELECT count(*) FROM contests WHERE external_id = $1", contest_id) == 0
    )
    fine = next(root.glob("fine-*")).name
    assert await conn.fetchval("SELECT count(*) FROM problems WHERE slug = $1", fine) == 0


def test_cli_contest_import(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    def build_parser() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="arena")
        commands = parser.add_subparsers(dest="command", required=True)
        problem_cli.register(commands)
        contest_cli.register(commands)
        return parser

    monkeypatch.setattr(arena.cli, "build_parser", build_parser)
    monkeypatch.setenv("ARENA_DATABASE_URL", database_url)
    monkeypatch.setenv("ARENA_BLOB_DIR", str(tmp_path / "b"))
    monkeypatch.setenv("ARENA_REDIS_URL", redis_url(0))
    ids = [unique("c1"), unique("c2")]
    contest_id = unique("cli")
    root = write_contest(tmp_path / "cli", ids, contest_id=contest_id)

    assert arena.cli.main(["contest", "import", str(root)]) == 0
    assert capsys.readouterr().out == (
        f"created contest {contest_id} 'Spring Regional': A {ids[0]} (v1), B {ids[1]} (v1)\n"
        "ranking rebuilt: 0 contestants\n"  # the board a re-import changes is built again
    )
    assert arena.cli.main(["contest", "import", str(root)]) == 0
    assert capsys.readouterr().out == (
        f"updated contest {contest_id} 'Spring Regional': "
        f"A {ids[0]} (v1 unchanged), B {ids[1]} (v1 unchanged)\n"
        "ranking rebuilt: 0 contestants\n"
    )
    (root / "contest.yaml").write_text(CONTEST_YAML.format(id=contest_id).replace("5:00:00", "5h"))
    assert arena.cli.main(["contest", "import", str(root)]) == 2
    assert capsys.readouterr().err == (
        "arena: error: contest.yaml: duration: expected h:mm:ss, got '5h'\n"
    )


async def test_contest_yaml_alias_bomb_is_refused(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    # "Billion laughs": nine lines of nested aliases expanding to a billion strings.
    laughs = ["lol0: &l0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)
    ]
    root = write_contest(tmp_path / "c", [unique("p")], CONTEST_YAML + "\n".join(laughs) + "\n")
    with pytest.raises(ImportFailure) as info:
        await import_contest(conn, blobs, root)
    assert (
        str(info.value)
        == "contest.yaml: line 1: expands to more than 100000 values through aliases"
    )
