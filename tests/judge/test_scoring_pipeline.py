"""A scoring submission through the worker's path: the plan from Postgres, grading in the real
sandbox, the score and group scores written by ``finish``."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from arena.judge.grader import grade
from arena.judge.plans import PlanCache
from arena.judge.pool import WarmPool
from arena.languages import LanguageTable
from arena.protocol import JudgingFinished
from arena.storage import submissions
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

REPO = Path(__file__).resolve().parents[2]
SUBTASKSUM = REPO / "examples" / "problems" / "subtasksum"


@pytest.mark.sandbox
async def test_worker_path_stores_the_score(
    db: Any, pool: WarmPool, languages: LanguageTable, tmp_path: Path
) -> None:
    blobs = DiskBlobStore(tmp_path / "blobs")
    async with db.acquire() as conn:
        imported = await import_problem(conn, blobs, SUBTASKSUM, slug=f"sum-{uuid.uuid4().hex[:8]}")
        user_id = await conn.fetchval(
            "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
            f"u-{uuid.uuid4().hex[:8]}",
        )
        source = (SUBTASKSUM / "submissions/partially_accepted/sum_int.cpp").read_bytes()
        submission_id = await submissions.create_submission(
            conn, user_id=user_id, problem_id=imported.problem_id, language="cpp", source=source
        )
        claim = await submissions.claim(conn, submission_id, 1, "test")
    assert claim is not None
    plan = await PlanCache(db, blobs, languages).get(claim.problem_id, claim.problem_version)
    async with pool.session() as session:
        async for event in grade(session, languages.get("cpp"), claim.source, plan, pool.helpers):
            if isinstance(event, JudgingFinished):
                result = event.result
    async with db.acquire() as conn:
        assert await submissions.finish(conn, claim, result)
        row = await conn.fetchrow(
            "SELECT status, verdict, score, group_scores FROM submissions WHERE id = $1",
            submission_id,
        )
    assert (row["status"], row["verdict"], row["score"]) == ("done", "WA", 30)
    groups = {g["name"]: (g["score"], g["verdict"]) for g in json.loads(row["group_scores"])}
    assert groups == {
        "secret": (30, "WA"),
        "secret/1-small": (30, "AC"),
        "secret/2-large": (0, "WA"),
    }
