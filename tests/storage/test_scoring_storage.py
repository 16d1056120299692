"""Scoring problems and statements through Postgres: what import stores, what a worker reads
back, and the score a finished submission keeps."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from support import code_stubs

from arena.judge.plans import PlanCache
from arena.problems.package import load_package
from arena.problems.scoring import score_submission, scoring_plan
from arena.problems.statement import render_statements
from arena.protocol import JudgeResult, TestResult, Verdict
from arena.storage import submissions
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

REPO = Path(__file__).resolve().parents[2]
SUBTASKSUM = REPO / "examples" / "problems" / "subtasksum"


async def import_example(conn: Any, blobs: DiskBlobStore) -> int:
    slug = f"sum-{uuid.uuid4().hex[:8]}"
    imported = await import_problem(conn, blobs, SUBTASKSUM, slug=slug, code_stubs=code_stubs())
    problem_id: int = imported.problem_id
    return problem_id


async def test_import_stores_scoring_rules_statements_and_stubs(
    db: Any, conn: Any, blobs: DiskBlobStore
) -> None:
    problem_id = await import_example(conn, blobs)
    package = load_package(SUBTASKSUM)

    row = await conn.fetchrow(
        "SELECT statement_html, statements, code_stubs FROM problems WHERE id = $1", problem_id
    )
    expected = render_statements(package)
    stored = json.loads(row["statements"])
    assert stored == {lang: {"title": s.title, "html": s.html} for lang, s in expected.items()}
    assert list(stored) == ["en", "sv"]
    assert row["statement_html"] == expected["en"].html
    stubs = json.loads(row["code_stubs"])
    assert {"c", "cpp", "java", "javascript", "python3", "typescript"} <= stubs.keys()
    assert "sys.stdin" in stubs["python3"]

    # A worker's plan comes from the database alone, and scores exactly like `arena judge`.
    plan = await PlanCache(db, blobs).get(problem_id, 1)
    assert plan.scoring == scoring_plan(package)
    assert plan.scoring is not None
    assert plan.scoring.max_score == 100
    assert not plan.stop_at_first_failure


async def test_pass_fail_versions_store_no_scoring(conn: Any, blobs: DiskBlobStore) -> None:
    imported = await import_problem(
        conn, blobs, REPO / "examples/problems/aplusb", slug=f"ab-{uuid.uuid4().hex[:8]}"
    )
    scoring = await conn.fetchval(
        "SELECT scoring FROM problem_versions WHERE problem_id = $1", imported.problem_id
    )
    assert scoring is None


async def test_finish_stores_the_score_and_group_scores(
    db: Any, conn: Any, blobs: DiskBlobStore
) -> None:
    problem_id = await import_example(conn, blobs)
    plan = await PlanCache(db, blobs).get(problem_id, 1)
    assert plan.scoring is not None
    user_id = await conn.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
        f"u-{uuid.uuid4().hex[:8]}",
    )
    submission_id = await submissions.create_submission(
        conn, user_id=user_id, problem_id=problem_id, language="python3", source=b"print(0)\n"
    )
    claim = await submissions.claim(conn, submission_id, 1, "test")
    assert claim is not None
    # The large subtask fails: 30 of 100.
    names = [t.name for t in plan.tests]
    tests = [TestResult(n, Verdict.WA if "large" in n else Verdict.AC, 5, 100) for n in names]
    outcome = score_submission(plan.scoring, names, tests)
    result = JudgeResult(
        verdict=outcome.verdict,
        time_ms=5,
        memory_kib=100,
        tests=tests,
        compile_output="",
        score=outcome.score,
        groups=outcome.groups,
    )
    assert await submissions.finish(conn, claim, result)

    row = await conn.fetchrow(
        "SELECT verdict, score, group_scores FROM submissions WHERE id = $1", submission_id
    )
    assert (row["verdict"], row["score"]) == ("WA", 30)
    assert json.loads(row["group_scores"]) == [
        {"name": "secret", "score": 30, "max_score": 100, "verdict": "WA"},
        {"name": "secret/1-small", "score": 30, "max_score": 30, "verdict": "AC"},
        {"name": "secret/2-large", "score": 0, "max_score": 70, "verdict": "WA"},
    ]

    # A rejudge starts from nothing: no stale score while the new attempt is judged.
    await submissions.new_attempt(conn, [submission_id])
    row = await conn.fetchrow(
        "SELECT score, group_scores FROM submissions WHERE id = $1", submission_id
    )
    assert (row["score"], row["group_scores"]) == (None, None)
