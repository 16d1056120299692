"""Helpers of the HTTP API tests: error bodies, fresh bank problems, waiting for a judging."""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from support import code_stubs, make_problem

from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

AC_SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"
JUDGE_TIMEOUT_S = 120.0


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """The answer is ``status`` with the JSON error body ``{"error": error, "message": ...}``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def meta_body(**changes: Any) -> dict[str, Any]:
    """A problem-metadata edit (PUT /api/organise/problems/{slug}) of the imported A+B."""
    return {"title": "Sum Two", "difficulty": "easy", "tags": ["math"], **changes}


async def import_aplusb(
    database_url: str,
    blob_dir: str,
    *,
    tags: list[str] | None = None,
    difficulty: str = "easy",
    statements: dict[str, str] | None = None,
) -> tuple[int, str]:
    """A fresh A+B (one sample, two secret tests) in the bank, in no contest: (id, slug).

    ``statements``: Markdown per language, written as ``problem.<lang>.md``."""
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    tests["secret/02"] = ("-4 10\n", "6\n")
    slug = unique("bank-")
    with tempfile.TemporaryDirectory() as tmp:
        root = make_problem(Path(tmp) / "aplusb", tests, time_limit_s=1.0)
        for lang, text in (statements or {}).items():
            path = root / "problem_statement" / f"problem.{lang}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
        conn = await asyncpg.connect(database_url)
        try:
            imported = await import_problem(
                conn,
                DiskBlobStore(Path(blob_dir)),
                root,
                slug=slug,
                tags=tags or [],
                difficulty=difficulty,
                code_stubs=code_stubs(),
            )
        finally:
            await conn.close()
    return imported.problem_id, slug


async def wait_judged(
    client: httpx.AsyncClient, submission_id: int, headers: dict[str, str]
) -> dict[str, Any]:
    """Poll the submission until it is done (or failed); its view then."""
    deadline = time.monotonic() + JUDGE_TIMEOUT_S
    while True:
        response = await client.get(f"/api/submissions/{submission_id}", headers=headers)
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        if view["status"] in ("done", "failed"):
            return view
        assert time.monotonic() < deadline, f"submission {submission_id} not judged: {view}"
        await asyncio.sleep(0.5)
