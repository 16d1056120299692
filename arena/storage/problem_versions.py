"""A stored problem version read back: its limits, validator settings and tests."""

from __future__ import annotations

import asyncpg
import msgspec

from arena.problems.checker import DefaultValidatorFlags


class StoredTest(msgspec.Struct, frozen=True):
    ordinal: int
    name: str
    is_sample: bool
    input_hash: str
    answer_hash: str


class StoredProblemVersion(msgspec.Struct, frozen=True):
    problem_id: int
    version: int
    problem_type: str
    time_limit_ms: int
    memory_mib: int
    output_mib: int
    validator: DefaultValidatorFlags
    validator_flags: list[str]
    custom_validator: bool
    package_hash: str


async def load_problem_tests(
    conn: asyncpg.Connection, problem_id: int, version: int
) -> list[StoredTest]:
    """The tests of one version in the order they run."""
    rows = await conn.fetch(
        "SELECT ordinal, name, is_sample, input_hash, answer_hash FROM problem_tests"
        " WHERE problem_id = $1 AND version = $2 ORDER BY ordinal",
        problem_id,
        version,
    )
    return [StoredTest(**dict(row)) for row in rows]


async def problem_version(
    conn: asyncpg.Connection, problem_id: int, version: int
) -> StoredProblemVersion:
    """Limits and validator settings of one version; LookupError when there is no such one."""
    row = await conn.fetchrow(
        "SELECT problem_type, time_limit_ms, memory_mib, output_mib, validator, package_hash"
        " FROM problem_versions WHERE problem_id = $1 AND version = $2",
        problem_id,
        version,
    )
    if row is None:
        raise LookupError(f"problem {problem_id} has no version {version}")
    doc = msgspec.json.decode(row["validator"])
    return StoredProblemVersion(
        problem_id=problem_id,
        version=version,
        problem_type=row["problem_type"],
        time_limit_ms=row["time_limit_ms"],
        memory_mib=row["memory_mib"],
        output_mib=row["output_mib"],
        # convert() skips the keys that are not flags of the default validator.
        validator=msgspec.convert(doc, DefaultValidatorFlags),
        validator_flags=doc.get("validator_flags", []),
        custom_validator=doc.get("custom_validator", False),
        package_hash=row["package_hash"],
    )
