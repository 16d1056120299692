"""The layers hold at run time too: a hub process never loads the judge or the Docker SDK."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import {module}
def judge_or_docker(name):
    return name.partition(".")[0] == "docker" or (name + ".").startswith("arena.judge.")
print(",".join(sorted(filter(judge_or_docker, sys.modules))))
"""


def loaded_by(module: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [m for m in out.split(",") if m]


def test_the_hub_app_loads_no_judge_and_no_docker() -> None:
    assert loaded_by("arena.hub.app") == []


def test_storage_and_the_contest_api_load_no_judge() -> None:
    assert loaded_by("arena.storage.ccs_events") == []
    assert loaded_by("arena.storage.queue") == []


def test_the_probe_sees_the_judge_when_it_is_loaded() -> None:
    assert "docker" in loaded_by("arena.judge.process")


SQL_CALLS = {"fetch", "fetchrow", "fetchval", "executemany", "copy_records_to_table"}


def sql_calls(path: Path) -> list[str]:
    """Calls that run SQL: asyncpg's query methods, or ``execute`` given a query string."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        query = node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp)
        if name in SQL_CALLS or (name == "execute" and query):
            found.append(f"{path.name}:{node.lineno} .{name}()")
    return found


def test_no_hub_module_runs_sql() -> None:
    hub = Path(__file__).resolve().parents[1] / "arena" / "hub"
    assert [call for path in sorted(hub.glob("*.py")) for call in sql_calls(path)] == []


def test_the_sql_probe_sees_a_query() -> None:
    storage = Path(__file__).resolve().parents[1] / "arena" / "storage" / "bank.py"
    assert sql_calls(storage)
