"""Importing ICPC contest packages (a directory or a zip of one).

The package holds ``contest.yaml`` (or ``contest.json``), the problem list in ``problems.yaml``
(CCS Contest Package: a list of problems) or ``problemset.yaml`` (older CDP: a ``problems:``
mapping), and one problem package per problem, named by its id, next to them. A Contest Data
Package keeps all of that in a ``config/`` folder, which is looked in too. Both the current key
names (``start_time``, ``label``) and the older dashed ones (``start-time``, ``letter``,
``short-name``) are read.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from arena.languages import CodeStubs
from arena.problems.errors import PackageError
from arena.protocol.vocabulary import Scoring
from arena.storage.archives import unpacked
from arena.storage.blobs import BlobStore
from arena.storage.errors import ImportFailure
from arena.storage.import_passwords import Hasher, plan_passwords
from arena.storage.package_files import load_file as _load
from arena.storage.package_teams import read_team_package
from arena.storage.problems import SLUG_RE, ImportedProblem, import_problem
from arena.storage.team_import import (
    NO_TAKEOVER,
    AccountsPolicy,
    PasswordSource,
    TeamsImported,
    check_grants,
    write_team_package,
)

__all__ = ["ContestProblem", "ImportedContest", "import_contest"]

_CONTEST_FILES = ("contest.yaml", "contest.json")
_PROBLEM_FILES = ("problems.yaml", "problems.json", "problemset.yaml")
_MARKERS = (*_CONTEST_FILES, *_PROBLEM_FILES, "config")
# Contest API RELTIME: (-)?(h)*h:mm:ss(.uuu)?
_RELTIME_RE = re.compile(r"(-?)(\d+):([0-5]\d):([0-5]\d)(?:\.(\d+))?")
_INT_MAX = 2**31 - 1
_SCORING = tuple(Scoring)


class ContestProblem(msgspec.Struct, frozen=True):
    label: str
    slug: str
    problem_id: int
    ordinal: int
    # None when the package had no directory for it and it was linked to the existing problem.
    imported: ImportedProblem | None


class ImportedContest(msgspec.Struct, frozen=True):
    contest_id: int
    external_id: str
    name: str
    # False when a contest with this id existed and was updated.
    created: bool
    problems: list[ContestProblem]
    # The Contest Package's teams, organizations, groups and accounts, when it has them.
    teams: TeamsImported | None = None


class _Fields:
    """One mapping of a package file, for reading keys that may have several spellings."""

    def __init__(self, file: str, data: dict[Any, Any], prefix: str = "") -> None:
        self.file = file
        self.data = data
        self.prefix = prefix

    def pick(self, *keys: str) -> tuple[str, object]:
        """(key, value) for the first of ``keys`` that is set; (first key, None) if none is."""
        for key in keys:
            if self.data.get(key) is not None:
                return key, self.data[key]
        return keys[0], None

    def fail(self, key: str, message: str) -> ImportFailure:
        return ImportFailure(self.file, self.prefix + key, message)

    def text(self, *keys: str, required: bool = False) -> str | None:
        key, value = self.pick(*keys)
        if value is None:
            if required:
                raise self.fail(key, "missing")
            return None
        if isinstance(value, bool | dict | list) or not str(value).strip():
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        return str(value).strip()

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _INT_MAX:
            raise self.fail(key, f"expected a non-negative integer, got {value!r}")
        return value

    def seconds(self, key: str, value: object) -> int:
        """A Contest API RELTIME (h:mm:ss or h:mm:ss.uuu) as whole, non-negative seconds."""
        match = _RELTIME_RE.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise self.fail(key, f"expected h:mm:ss, got {value!r}")
        sign, hours, minutes, seconds, fraction = match.groups()
        total = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        if sign and (total or (fraction and int(fraction))):
            raise self.fail(key, f"must not be negative, got {value!r}")
        if fraction and int(fraction):
            raise self.fail(key, f"Arena keeps whole seconds, got {value!r}")
        if total > _INT_MAX:
            raise self.fail(key, f"too long, got {value!r}")
        return total


class _ContestSpec(msgspec.Struct, frozen=True):
    external_id: str
    name: str
    start_time: datetime
    duration_s: int
    freeze_duration_s: int
    penalty_minutes: int
    scoring: str


class _Entry(msgspec.Struct, frozen=True):
    """One problem of the problem list; ``field`` names it in error messages."""

    id: str
    slug: str
    label: str
    ordinal: int
    color: str | None
    rgb: str | None
    points: int
    field: str


def _read_contest(data: object, file: str, default_id: str) -> _ContestSpec:
    if not isinstance(data, dict):
        raise ImportFailure(file, None, "expected a mapping of keys to values")
    fields = _Fields(file, data)
    external_id = fields.text("id") or default_id
    name = fields.text("name", "formal_name", required=True)
    assert name is not None

    key, value = fields.pick("start_time", "start-time")
    if value is None:
        raise fields.fail(key, "missing; Arena needs a start time")
    try:
        start_time = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        start_time = None
    if start_time is None:
        raise fields.fail(key, f"expected an ISO 8601 date and time, got {value!r}")
    if start_time.utcoffset() is None:
        raise fields.fail(key, f"needs a UTC offset (like +02:00 or Z), got {value!r}")

    key, value = fields.pick("duration")
    if value is None:
        raise fields.fail(key, "missing")
    duration_s = fields.seconds(key, value)
    if duration_s == 0:
        raise fields.fail(key, "must be longer than 0:00:00")

    key, value = fields.pick(
        "scoreboard_freeze_duration", "scoreboard-freeze-duration", "scoreboard-freeze-length"
    )
    freeze_s = 0 if value is None else fields.seconds(key, value)
    if freeze_s > duration_s:
        raise fields.fail(key, f"longer than the contest ({value!r} > {data['duration']!r})")

    key, value = fields.pick("penalty_time", "penalty-time")
    if isinstance(value, str):
        # Newer specs write the penalty as a RELTIME too.
        penalty_s = fields.seconds(key, value)
        if penalty_s % 60:
            raise fields.fail(key, f"Arena counts penalty in whole minutes, got {value!r}")
        penalty = penalty_s // 60
    else:
        penalty = fields.integer(key, 20)

    key, value = fields.pick("scoreboard_type", "scoring", "scoreboard-type")
    scoring = Scoring.PASS_FAIL if value is None else value
    if scoring not in _SCORING:
        raise fields.fail(key, f"expected pass-fail or score, got {value!r}")
    return _ContestSpec(external_id, name, start_time, duration_s, freeze_s, penalty, str(scoring))


def _entry(fields: _Fields, index: int) -> _Entry:
    key, _ = fields.pick("id", "short-name", "short_name")
    problem_id = fields.text(key, required=True)
    assert problem_id is not None
    if SLUG_RE.fullmatch(problem_id.lower()) is None:
        raise fields.fail(
            key, f"{problem_id!r} cannot name a problem: use letters, digits, '_' and '-'"
        )
    # Labels default to A, B, C… in list order, as the problem set is usually written.
    default_label = chr(ord("A") + index) if index < 26 else None
    label = fields.text("label", "letter", required=default_label is None) or default_label
    assert label is not None
    return _Entry(
        id=problem_id,
        slug=problem_id.lower(),
        label=label,
        ordinal=fields.integer("ordinal", index),
        color=fields.text("color"),
        rgb=fields.text("rgb"),
        points=fields.integer("points", 1),
        field=fields.prefix + key,
    )


def _read_problems(data: object, file: str, prefix: str) -> list[_Entry]:
    if isinstance(data, dict) and "problems" in data:
        data, prefix = data["problems"], "problems"
    if data is None:
        return []
    if not isinstance(data, list):
        raise ImportFailure(file, prefix or None, "expected a list of problems")
    entries: list[_Entry] = []
    seen_ids: dict[str, str] = {}
    seen_labels: dict[str, str] = {}
    for index, item in enumerate(data):
        where = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            raise ImportFailure(file, where, "expected a mapping with id and label")
        entry = _entry(_Fields(file, item, where + "."), index)
        checks = ((seen_ids, entry.slug, "id"), (seen_labels, entry.label, "label"))
        for seen, value, what in checks:
            if value in seen:
                raise ImportFailure(file, where, f"{what} {value!r} is also used by {seen[value]}")
            seen[value] = where
        entries.append(entry)
    return entries


def _find(directory: Path, names: tuple[str, ...]) -> Path | None:
    return next((directory / name for name in names if (directory / name).is_file()), None)


def _problem_source(config: Path, entry: _Entry) -> Path | None:
    for name in dict.fromkeys((entry.id, entry.slug)):
        if (config / name).is_dir():
            return config / name
        if (config / f"{name}.zip").is_file():
            return config / f"{name}.zip"
    return None


def _relocated(exc: PackageError, prefix: str) -> ImportFailure:
    """A problem's PackageError with the problem's place in the contest package in front."""
    shown = exc.display_path()
    location = prefix if Path(shown).is_absolute() else f"{prefix}/{shown}"
    if exc.line is not None:
        location += f":{exc.line}"
    return ImportFailure(location, exc.field, exc.message)


async def _problem(
    conn: asyncpg.Connection,
    blobs: BlobStore,
    config: Path,
    rel: str,
    file: str,
    entry: _Entry,
    code_stubs: CodeStubs | None,
) -> ContestProblem:
    source = _problem_source(config, entry)
    imported: ImportedProblem | None = None
    if source is not None:
        origin = rel + source.name
        try:
            imported = await import_problem(
                conn, blobs, source, slug=entry.slug, origin=origin, code_stubs=code_stubs
            )
        except PackageError as exc:
            raise _relocated(exc, origin) from exc
        problem_id = imported.problem_id
    else:
        problem_id = await conn.fetchval("SELECT id FROM problems WHERE slug = $1", entry.slug)
        if problem_id is None:
            raise ImportFailure(
                file,
                entry.field,
                f"no problem package {rel}{entry.id}/ (or {entry.id}.zip) and no problem "
                f"{entry.slug!r} in the database",
            )
    return ContestProblem(entry.label, entry.slug, problem_id, entry.ordinal, imported)


async def import_contest(
    conn: asyncpg.Connection,
    blobs: BlobStore,
    path: Path,
    *,
    code_stubs: CodeStubs | None = None,
    hasher: Hasher | None = None,
    policy: AccountsPolicy = NO_TAKEOVER,
) -> ImportedContest:
    """Import the contest package at ``path``, its problems and its teams (``teams.json``,
    ``organizations.json``, ``groups.json``, ``accounts.yaml``), all in one transaction.

    A contest whose id was imported before is updated, and its problem list replaced; problems
    whose package is unchanged keep their version. Bad input raises ``ImportFailure`` naming
    the file and the field. The problems get ``code_stubs`` as in ``import_problem``; the
    passwords of ``accounts.yaml`` are verified against the stored hashes and stored as
    ``hasher`` (argon2) makes them; ``policy`` says what may happen to existing accounts.
    """
    async with unpacked(Path(path), _MARKERS) as root:
        in_config = _find(root, _CONTEST_FILES) is None and (root / "config").is_dir()
        config = root / "config" if in_config else root
        rel = "config/" if in_config else ""
        contest_path = _find(config, _CONTEST_FILES)
        if contest_path is None:
            raise ImportFailure(str(path), None, "no contest.yaml in the contest package")
        contest_file = rel + contest_path.name
        contest_data = _load(contest_path, contest_file)
        spec = _read_contest(contest_data, contest_file, root.resolve().name)

        problems_path = _find(config, _PROBLEM_FILES)
        if problems_path is not None:
            problems_file = rel + problems_path.name
            entries = _read_problems(_load(problems_path, problems_file), problems_file, "")
        elif isinstance(contest_data, dict) and "problems" in contest_data:
            # DOMjudge's import merges problemset.yaml into contest.yaml.
            problems_file = contest_file
            entries = _read_problems(contest_data, contest_file, "")
        else:
            raise ImportFailure(rel + "problems.yaml", None, "missing (or problemset.yaml)")

        team_package = read_team_package(config, rel)
        if team_package is not None:
            check_grants(team_package, policy)
        passwords = PasswordSource(await plan_passwords(conn, team_package, hasher), hasher, policy)

        async with conn.transaction():
            links = [
                await _problem(conn, blobs, config, rel, problems_file, entry, code_stubs)
                for entry in entries
            ]
            row = await conn.fetchrow(
                "INSERT INTO contests (external_id, name, start_time, duration_s,"
                " freeze_duration_s, penalty_minutes, scoring)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (external_id) DO UPDATE SET name = EXCLUDED.name,"
                " start_time = EXCLUDED.start_time, duration_s = EXCLUDED.duration_s,"
                " freeze_duration_s = EXCLUDED.freeze_duration_s,"
                " penalty_minutes = EXCLUDED.penalty_minutes, scoring = EXCLUDED.scoring"
                # xmax is 0 only on a row this statement inserted.
                " RETURNING id, (xmax = 0) AS created",
                *msgspec.structs.astuple(spec),
            )
            contest_id: int = row["id"]
            # Replacing the whole list, rather than upserting, lets labels move between problems
            # without tripping UNIQUE (contest_id, label) halfway.
            await conn.execute("DELETE FROM contest_problems WHERE contest_id = $1", contest_id)
            await conn.executemany(
                "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal, color, rgb,"
                " points) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                [
                    (contest_id, link.problem_id, link.label, e.ordinal, e.color, e.rgb, e.points)
                    for link, e in zip(links, entries, strict=True)
                ],
            )
            teams = (
                None
                if team_package is None
                else await write_team_package(conn, contest_id, team_package, passwords)
            )
    return ImportedContest(contest_id, spec.external_id, spec.name, row["created"], links, teams)
