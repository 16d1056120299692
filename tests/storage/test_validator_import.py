"""A package's own validator through import: sources in the blob store, the plan from Postgres."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from validator_support import GUESS_BINARY_SEARCH_PY, GUESS_LINEAR_PY, make_guess_problem

from arena.judge.grader import grade, plan_for
from arena.judge.plans import PlanCache
from arena.judge.pool import WarmPool
from arena.languages import LanguageTable
from arena.problems.package import load_package
from arena.protocol import JudgingFinished, Verdict
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem


def unique() -> str:
    return f"v{uuid.uuid4().hex[:10]}"


async def test_validator_sources_and_type_are_stored(
    conn: Any, db: Any, blobs: DiskBlobStore, languages: LanguageTable, tmp_path: Path
) -> None:
    root = make_guess_problem(tmp_path / "guess")
    (root / "data" / "secret" / "testdata.yaml").write_text("output_validator_flags: '12'\n")
    slug = unique()
    imported = await import_problem(conn, blobs, root, slug=slug)
    stored = await PlanCache(db, blobs, languages).get(imported.problem_id, imported.version)
    direct = plan_for(load_package(root), 1.0, languages)
    assert stored.validator is not None and direct.validator is not None
    assert stored.validator.interactive
    program = stored.validator.program
    assert (program.language.id, program.entry) == ("python3", "interactor.py")
    assert [f.name for f in program.files] == ["interactor.py"]
    # The worker reads the source from the blob store, not from the package directory.
    assert program.files[0].path.is_relative_to(tmp_path / "blobs")
    source = root / "output_validator" / "interactor.py"
    assert program.files[0].path.read_bytes() == source.read_bytes()
    assert stored.validator.group_flags == direct.validator.group_flags == {"secret": ["12"]}
    assert (stored.validator.time_s, stored.validator.memory_mib) == (60, 2048)

    # A changed validator judges differently: a new version.
    source.write_text(source.read_text() + "# v2\n")
    again = await import_problem(conn, blobs, root, slug=slug)
    assert again.created and again.version == imported.version + 1


@pytest.mark.sandbox
async def test_a_stored_interactive_problem_is_judged(
    conn: Any,
    db: Any,
    blobs: DiskBlobStore,
    languages: LanguageTable,
    pool: WarmPool,
    tmp_path: Path,
) -> None:
    root = make_guess_problem(tmp_path / "guess")
    imported = await import_problem(conn, blobs, root, slug=unique())
    plan = await PlanCache(db, blobs, languages).get(imported.problem_id, imported.version)
    verdicts = []
    for source in (GUESS_BINARY_SEARCH_PY, GUESS_LINEAR_PY):
        async with pool.session() as session:
            events = grade(session, languages.get("python3"), source.encode(), plan, pool.helpers)
            async for event in events:
                if isinstance(event, JudgingFinished):
                    verdicts.append(event.result.verdict)
    assert verdicts == [Verdict.AC, Verdict.WA]
