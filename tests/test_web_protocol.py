"""The browser's wire types (web/src/protocol.ts) are exactly what the msgspec Structs give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from arena.protocol.web import RECEIVED, web_schema

WEB = Path(__file__).resolve().parents[1] / "web"


def generate(schema: dict[str, object], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", "scripts/protocol.mjs", *args],
        cwd=WEB,
        input=json.dumps(schema),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_committed_file_matches_the_structs() -> None:
    schema = subprocess.run(
        [sys.executable, "-m", "arena.protocol.web"], capture_output=True, text=True, check=True
    ).stdout
    checked = generate(json.loads(schema), "--check")
    assert checked.returncode == 0, checked.stderr


def test_a_changed_struct_fails_the_check() -> None:
    schema = web_schema()
    schema["$defs"]["Accepted"]["properties"]["extra"] = {"type": "string"}
    checked = generate(schema, "--check")
    assert checked.returncode == 1
    assert "make protocol" in checked.stderr


def test_received_fields_are_required_unless_the_struct_omits_defaults() -> None:
    defs = web_schema()["$defs"]
    assert "removed" in defs["LeaderboardDelta"]["required"]  # a default, always encoded
    assert "attempts" not in defs["BoardCell"].get("required", [])  # omit_defaults
    assert "public" not in defs["Answer"]["required"]  # sent by the browser: may be left out
    assert all(t.__name__ in defs for t in RECEIVED)
