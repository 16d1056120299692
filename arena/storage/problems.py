"""Importing problem packages (directories or zips) into Postgres and the blob store.

Every import that changes the package makes a new version; submissions keep the version they
were judged against. Test data goes to the blob store before any row points at it, so a failed
import leaves at most unreferenced blobs behind, never rows without data.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from arena.languages import CodeStubs
from arena.problems.errors import YamlDoc
from arena.problems.metadata import offered_langs
from arena.problems.package import ProblemPackage, TestCase, load_package
from arena.problems.scoring import ScoringPlan, scoring_plan
from arena.problems.statement import Statement, render_statements
from arena.storage.archives import ArchiveLimits, unpacked
from arena.storage.blobs import BlobStore
from arena.storage.errors import ImportFailure
from arena.storage.package_hash import package_hash

__all__ = [
    "DIFFICULTIES",
    "PROBLEM_MARKERS",
    "SLUG_RE",
    "ImportedProblem",
    "check_slug",
    "import_problem",
]

# The CHECK constraints of the problems table, repeated so that users get a sentence, not a
# constraint violation.
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DIFFICULTIES = ("easy", "medium", "hard")
# A package that sets no time limit gets this one for now.
DEFAULT_TIME_LIMIT_S = 1.0

# What marks a problem package's top directory inside a zip.
PROBLEM_MARKERS = ("problem.yaml", "data")


class ImportedProblem(msgspec.Struct, frozen=True):
    slug: str
    problem_id: int
    version: int
    test_count: int
    package_hash: str
    # False when the package was already there unchanged and ``version`` is the existing one.
    created: bool
    # A staged import (``publish=False``): what publishing puts on the problem row then.
    pending: dict[str, Any] | None = None


# --- package contents ----------------------------------------------------------------------


def check_slug(slug: str, origin: str) -> str:
    if SLUG_RE.fullmatch(slug) is None:
        raise ImportFailure(
            origin,
            "slug",
            f"{slug!r} is not a valid slug: 1 to 64 characters, lowercase letters, digits, '_' "
            "and '-', starting with a letter or digit",
        )
    return slug


def _words(doc: YamlDoc, key: str) -> list[str] | None:
    value = doc.get((key,))
    if value is None:
        return None
    if isinstance(value, str):
        # Legacy ``keywords: graphs greedy`` is one space-separated string.
        return value.split()
    if isinstance(value, list) and all(
        isinstance(word, str | int | float) and not isinstance(word, bool) for word in value
    ):
        return [str(word) for word in value]
    raise doc.error((key,), "expected a list of words or a space-separated string")


def _clean_tags(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))


def _metadata(
    root: Path, origin: str, difficulty: str | None, tags: list[str] | None
) -> tuple[str | None, list[str] | None]:
    """(difficulty, tags) from the arguments, else from problem.yaml; None where neither says."""
    yaml_path = root / "problem.yaml"
    doc = YamlDoc.load(yaml_path, root) if yaml_path.is_file() else YamlDoc.empty(yaml_path, root)
    if difficulty is None:
        difficulty = doc.string(("difficulty",))
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise doc.error(("difficulty",), f"expected easy, medium or hard, got {difficulty!r}")
    elif difficulty not in DIFFICULTIES:
        message = f"expected easy, medium or hard, got {difficulty!r}"
        raise ImportFailure(origin, "difficulty", message)
    if tags is None:
        tags = _words(doc, "tags")
        if tags is None:
            tags = _words(doc, "keywords")
    return difficulty, None if tags is None else _clean_tags(tags)


def _store_tests(blobs: BlobStore, tests: Sequence[TestCase]) -> list[tuple[str, str]]:
    return [(blobs.put_file(t.input_path), blobs.put_file(t.answer_path)) for t in tests]


def _store_validator(blobs: BlobStore, package: ProblemPackage) -> dict[str, Any] | None:
    """The custom output validator's source files in the blob store, as the jsonb describes
    them: ``{"name", "files": [{"name", "hash"}]}``."""
    program = package.output_validator
    if program is None:
        return None
    files = [{"name": name, "hash": blobs.put_file(path)} for name, path in program.paths()]
    return {"name": program.name, "files": files}


def _validator_json(package: ProblemPackage, program: dict[str, Any] | None = None) -> str:
    """The ``problem_versions.validator`` jsonb: the default validator's flags, plus the raw
    flags (a custom validator gets them), whether the package brings its own validator, and if
    so its program (sources by blob hash), whether it is interactive, its limits and the test
    groups' ``output_validator_flags``."""
    doc = msgspec.structs.asdict(package.default_validator)
    doc["validator_flags"] = list(package.validator_flags)
    doc["custom_validator"] = package.custom_validator
    doc["interactive"] = package.interactive
    doc["program"] = program
    doc["group_flags"] = {
        g.name: g.settings.output_validator_flags
        for g in package.groups
        if g.settings.output_validator_flags
    }
    limits = package.limits
    doc["validation_limits"] = {
        "time_s": limits.validation_time_s,
        "memory_mib": limits.validation_memory_mib,
        "output_mib": limits.validation_output_mib,
    }
    return msgspec.json.encode(doc).decode()


# --- import --------------------------------------------------------------------------------


async def import_problem(
    conn: asyncpg.Connection,
    blobs: BlobStore,
    package_dir: Path,
    *,
    slug: str | None = None,
    difficulty: str | None = None,
    tags: list[str] | None = None,
    origin: str | None = None,
    code_stubs: CodeStubs | None = None,
    publish: bool = True,
    archive_limits: ArchiveLimits | None = None,
) -> ImportedProblem:
    """Import the package at ``package_dir`` (a directory or a zip) in one transaction.

    The slug defaults to the package directory's name, lowercased. Importing a package whose
    hash equals the current version's creates nothing and returns that version with
    ``created=False``. Difficulty and tags come from the arguments, else from problem.yaml
    (``difficulty``, ``tags``, legacy ``keywords``); when neither gives them, a new problem gets
    the defaults and an existing one keeps what it has. Raises ``PackageError`` for a broken
    package and ``ImportFailure`` for anything else about the input; ``origin`` is how those
    name the package (default: ``package_dir``). Statements are rendered and stored with the
    problem on every import, with ``code_stubs`` (a package brings no starting code; the callers
    take them from the language table: a function problem's have its signature).
    With ``publish=False`` the new version is stored but the live problem is left as it is
    (row and current version); ``pending`` then holds what ``publish_staged`` applies.
    """
    origin = str(package_dir) if origin is None else origin
    bounds = ArchiveLimits() if archive_limits is None else archive_limits
    async with unpacked(Path(package_dir), PROBLEM_MARKERS, bounds) as root:
        # Loading and hashing read every test file: kept off the event loop.
        package = await asyncio.to_thread(load_package, root)
        scoring = scoring_plan(package)
        statements = await asyncio.to_thread(render_statements, package)
        stubs = {} if code_stubs is None else code_stubs.for_problem(package.function)
        slug = check_slug(package.short_name.lower() if slug is None else slug, origin)
        difficulty, tags = await asyncio.to_thread(_metadata, root, origin, difficulty, tags)
        digest = await asyncio.to_thread(package_hash, root)
        async with conn.transaction():
            # Serializes imports of one slug, including its first, when there is no row to lock.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('arena.problem:' || $1, 0))", slug
            )
            current = await conn.fetchrow(
                "SELECT p.id, p.current_version, v.package_hash FROM problems p"
                " LEFT JOIN problem_versions v"
                " ON v.problem_id = p.id AND v.version = p.current_version"
                " WHERE p.slug = $1",
                slug,
            )
            pending = None
            if current is not None and not publish:
                problem_id: int = current["id"]
                pending = _pending(package.name, statements, stubs, difficulty, tags)
            elif current is not None:
                problem_id = current["id"]
                await conn.execute(
                    "UPDATE problems SET title = $2, difficulty = coalesce($3, difficulty),"
                    " tags = coalesce($4, tags) WHERE id = $1",
                    problem_id,
                    package.name,
                    difficulty,
                    tags,
                )
                await _store_statements(conn, problem_id, statements, stubs)
                if current["package_hash"] == digest:
                    version: int = current["current_version"]
                    count = await conn.fetchval(
                        "SELECT count(*) FROM problem_tests WHERE problem_id = $1 AND version = $2",
                        problem_id,
                        version,
                    )
                    return ImportedProblem(slug, problem_id, version, count, digest, created=False)
            else:
                problem_id = await conn.fetchval(
                    "INSERT INTO problems (slug, title, difficulty, tags)"
                    " VALUES ($1, $2, coalesce($3, 'medium'), coalesce($4, '{}'::text[]))"
                    " RETURNING id",
                    slug,
                    package.name,
                    difficulty,
                    tags,
                )
                await _store_statements(conn, problem_id, statements, stubs)
            hashes = await asyncio.to_thread(_store_tests, blobs, package.tests)
            program = await asyncio.to_thread(_store_validator, blobs, package)
            version = await _insert_version(
                conn, problem_id, package, digest, hashes, program, publish=publish
            )
            await _store_scoring(conn, problem_id, version, scoring)
    count = len(package.tests)
    return ImportedProblem(slug, problem_id, version, count, digest, created=True, pending=pending)


def _pending(
    title: str,
    statements: dict[str, Statement],
    stubs: dict[str, str],
    difficulty: str | None,
    tags: list[str] | None,
) -> dict[str, Any]:
    # No default statement here: publish_staged picks it under the languages chosen by then.
    return {
        "title": title,
        "statements": msgspec.to_builtins(statements),
        "code_stubs": stubs,
        "difficulty": difficulty,
        "tags": tags,
    }


async def publish_staged(
    conn: asyncpg.Connection, problem_id: int, version: int, pending: dict[str, Any] | None
) -> None:
    """Makes a staged version the live one (with the row's metadata it brought)."""
    if pending is not None:
        await conn.execute(
            "UPDATE problems SET title = $2, statement_html = $3, statements = $4::jsonb,"
            " code_stubs = $5::jsonb, difficulty = coalesce($6, difficulty),"
            " tags = coalesce($7, tags) WHERE id = $1",
            problem_id,
            pending["title"],
            await _default_html(
                conn, problem_id, {k: v["html"] for k, v in pending["statements"].items()}
            ),
            msgspec.json.encode(pending["statements"]).decode(),
            msgspec.json.encode(pending["code_stubs"]).decode(),
            pending["difficulty"],
            pending["tags"],
        )
    await conn.execute(
        "UPDATE problems SET current_version = $2 WHERE id = $1", problem_id, version
    )


async def _default_html(conn: asyncpg.Connection, problem_id: int, html: dict[str, str]) -> str:
    """The default statement's HTML under the organiser's choice of languages (kept across
    imports while the package still has them)."""
    row = await conn.fetchrow(
        "SELECT statement_langs, statement_lang FROM problems WHERE id = $1", problem_id
    )
    _, default = offered_langs(list(html), list(row["statement_langs"]), row["statement_lang"])
    return html.get(default, "")


async def _store_statements(
    conn: asyncpg.Connection,
    problem_id: int,
    statements: dict[str, Statement],
    stubs: dict[str, str],
) -> None:
    html = await _default_html(conn, problem_id, {k: v.html for k, v in statements.items()})
    await conn.execute(
        "UPDATE problems SET statement_html = $2, statements = $3::jsonb, code_stubs = $4::jsonb"
        " WHERE id = $1",
        problem_id,
        html,
        msgspec.json.encode(statements).decode(),
        msgspec.json.encode(stubs).decode(),
    )


async def _store_scoring(
    conn: asyncpg.Connection, problem_id: int, version: int, scoring: ScoringPlan | None
) -> None:
    if scoring is None:
        return
    await conn.execute(
        "UPDATE problem_versions SET scoring = $3::jsonb WHERE problem_id = $1 AND version = $2",
        problem_id,
        version,
        msgspec.json.encode(scoring).decode(),
    )


async def _insert_version(
    conn: asyncpg.Connection,
    problem_id: int,
    package: ProblemPackage,
    digest: str,
    hashes: list[tuple[str, str]],
    program: dict[str, Any] | None = None,
    *,
    publish: bool = True,
) -> int:
    version: int = await conn.fetchval(
        "SELECT coalesce(max(version), 0) + 1 FROM problem_versions WHERE problem_id = $1",
        problem_id,
    )
    # TODO: the CLI judge infers a missing time limit from the accepted submissions
    # (infer_time_limit); the import should run them and do the same instead of assuming 1 s.
    time_limit_s = package.limits.time_limit_s or DEFAULT_TIME_LIMIT_S
    await conn.execute(
        "INSERT INTO problem_versions (problem_id, version, problem_type, time_limit_ms,"
        " memory_mib, output_mib, validator, package_hash, function_signature)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb)",
        problem_id,
        version,
        package.type,
        max(1, round(time_limit_s * 1000)),
        package.limits.memory_mib,
        package.limits.output_mib,
        _validator_json(package, program),
        digest,
        None if package.function is None else json.dumps(package.function.to_dict()),
    )
    # Ordinals count from 0 like the grader's test indices; the package order (samples first,
    # then secret tests by name) is the order tests run in.
    await conn.executemany(
        "INSERT INTO problem_tests (problem_id, version, ordinal, name, is_sample, input_hash,"
        " answer_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (problem_id, version, ordinal, test.name, test.is_sample, input_hash, answer_hash)
            for ordinal, (test, (input_hash, answer_hash)) in enumerate(
                zip(package.tests, hashes, strict=True)
            )
        ],
    )
    if publish:
        await conn.execute(
            "UPDATE problems SET current_version = $2 WHERE id = $1", problem_id, version
        )
    return version
