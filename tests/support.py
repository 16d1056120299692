"""Helpers the tests import (``pythonpath`` puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

from arena.languages import CodeStubs, LanguageTable

REPO = Path(__file__).resolve().parents[1]


def code_stubs() -> CodeStubs:
    """The stubs the CLI stores with an imported problem (the language table's)."""
    return LanguageTable.load(REPO / "sandbox" / "languages.toml").code_stubs()


def make_problem(
    root: Path,
    tests: dict[str, tuple[str, str]],
    problem_yaml: str = "name: test problem\n",
    time_limit_s: float | None = 1.0,
) -> Path:
    """Write a minimal legacy Kattis package: ``tests`` maps 'sample/1' → (input, answer)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "problem.yaml").write_text(problem_yaml)
    if time_limit_s is not None:
        (root / ".timelimit").write_text(f"{time_limit_s}\n")
    for name, (given, expected) in tests.items():
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".in").write_text(given)
        path.with_suffix(".ans").write_text(expected)
    return root
