"""``arena problem check``: input validators on every test input, in the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import make_problem

pytestmark = pytest.mark.sandbox

# Valid input: one integer in [1, MAX] on one line; MAX from the flags (default 100).
RANGE_VALIDATOR = """\
import sys
limit = 100
for arg in sys.argv[1:]:
    if arg.startswith("max="):
        limit = int(arg[4:])
text = sys.stdin.read()
if not text.endswith("\\n") or not text[:-1].isdigit() or not 1 <= int(text) <= limit:
    print(f"not an integer in [1, {limit}]: {text!r}")
    sys.exit(43)
sys.exit(42)
"""


def package(root: Path, tests: dict[str, tuple[str, str]]) -> Path:
    make_problem(root, tests)
    (root / "input_validators").mkdir()
    (root / "input_validators" / "range.py").write_text(RANGE_VALIDATOR)
    (root / "submissions" / "accepted").mkdir(parents=True)
    (root / "submissions" / "accepted" / "echo.py").write_text("print(input())\n")
    return root


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arena", "problem", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_valid_inputs_pass(tmp_path: Path) -> None:
    root = package(tmp_path / "p", {"sample/1": ("5\n", "5\n"), "secret/1": ("100\n", "100\n")})
    done = check(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 inputs, 1 input validators: 0 rejected" in done.stdout


def test_rejected_inputs_are_listed_and_fail_the_check(tmp_path: Path) -> None:
    tests = {
        "sample/1": ("5\n", "5\n"),
        "secret/big/1": ("50\n", "50\n"),
        "secret/big/2": ("x\n", "x\n"),
    }
    root = package(tmp_path / "p", tests)
    # Group flags: secret/big allows at most 10, so 50 is rejected there.
    (root / "data" / "secret" / "big" / "testdata.yaml").write_text(
        "input_validator_flags: max=10\n"
    )
    done = check(root)
    assert done.returncode == 1, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("input:range.py")]
    assert len(rows) == 2
    assert "secret/big/1" in rows[0] and "REJECTED" in rows[0]
    assert "not an integer in [1, 10]: '50\\n'" in rows[0]
    assert "secret/big/2" in rows[1]
    assert "3 inputs, 1 input validators: 2 rejected" in done.stdout
    # The submissions are still judged.
    assert "accepted               echo.py" in done.stdout
