"""Helpers the tests import (``pythonpath`` puts tests/ on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

from arena.languages import CodeStubs, LanguageTable

REPO = Path(__file__).resolve().parents[1]

# Pub/sub channels ignore the database number, so test sessions that run side by side (several
# checkouts on one machine) each need their own Redis server, not only their own databases.
# pytest-xdist's workers (gw0, gw1, …) are such sessions too: the first keeps the base port, the
# others take their own beside it.
_BASE_REDIS_PORT = int(os.environ.get("ARENA_TEST_REDIS_PORT", "6379"))
_XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0")
REDIS_PORT = _BASE_REDIS_PORT + (1000 + _XDIST_WORKER if _XDIST_WORKER else 0)


def redis_url(db: int) -> str:
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"


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
