"""Every example package (the demo's problem bank) loads, and its accepted python3 submissions
are accepted in the sandbox. ``arena problem check DIR`` checks all their submissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arena.problems.package import load_package
from arena.problems.statement import render_statements

PROBLEMS = Path(__file__).resolve().parents[2] / "examples" / "problems"
EXAMPLES = sorted(p.name for p in PROBLEMS.iterdir() if p.is_dir())


def _python_accepted(name: str) -> list[Path]:
    return [p for p in load_package(PROBLEMS / name).accepted_submissions if p.suffix == ".py"]


def test_there_are_enough_examples_for_the_demo_bank() -> None:
    assert len(EXAMPLES) >= 25


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_loads_with_statement_tests_and_solutions(name: str) -> None:
    package = load_package(PROBLEMS / name)
    statements = render_statements(package)
    assert "en" in statements and statements["en"].html.strip()
    assert any(t.is_sample for t in package.tests)
    assert any(not t.is_sample for t in package.tests)
    assert _python_accepted(name)
    # Without one, the import assumes 1 s instead of inferring it from the accepted runs.
    assert package.limits.time_limit_s is not None


@pytest.mark.sandbox
@pytest.mark.parametrize("name", EXAMPLES)
async def test_accepted_python_submissions_are_accepted(name: str, judge: Any) -> None:
    package = load_package(PROBLEMS / name)
    for source in _python_accepted(name):
        result = await judge(PROBLEMS / name, source.read_bytes(), "python3")
        assert result.verdict == "AC", (source, result.message, result.tests)
        if package.type == "scoring":
            assert result.groups and all(g.score == g.max_score for g in result.groups)
            assert result.score is not None and result.score > 0
