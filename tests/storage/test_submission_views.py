"""A submission's page: which of its tests were samples comes from the package's test list
(the flag the worker ran the samples by), never from the test's name."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from support import make_problem

from arena.storage import submission_views, submissions, users
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem


async def test_tests_carry_the_packages_sample_flag(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    root = make_problem(tmp_path / "p", tests)
    imported = await import_problem(conn, blobs, root, slug=f"sv-{uuid.uuid4().hex[:8]}")
    name = f"u{uuid.uuid4().hex[:10]}"
    user = await users.create_user(conn, name, "x", f"{name}@example.invalid", "contestant")
    submission_id = await submissions.create_submission(
        conn, user_id=user.id, problem_id=imported.problem_id, language="python3", source=b"x"
    )
    # What a worker's final write stores, including a name no package test has.
    for ordinal, test in enumerate(("sample/1", "secret/01", "sample/ghost")):
        await conn.execute(
            "INSERT INTO test_results (submission_id, attempt, ordinal, name, verdict, time_ms,"
            " wall_ms, memory_kib, message) VALUES ($1, 1, $2, $3, 'WA', 1, 1, 1, 'expected 3')",
            submission_id,
            ordinal,
            test,
        )
    rows = await submission_views.test_results(conn, submission_id, 1)
    assert [(r.result.name, r.is_sample) for r in rows] == [
        ("sample/1", True),
        ("secret/01", False),
        ("sample/ghost", False),
    ]
    assert all(r.result.message == "expected 3" for r in rows)
