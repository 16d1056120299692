"""``arena judge`` on a scoring problem: the score and each group's, for 0, partial and full."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SUBTASKSUM = REPO / "examples" / "problems" / "subtasksum"


def arena_judge(source: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arena", "judge", str(SUBTASKSUM), str(SUBTASKSUM / source), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("source", "verdict", "score", "small", "large"),
    [
        ("submissions/wrong_answer/first.py", "WA", 0, 0, 0),
        ("submissions/partially_accepted/small_only.py", "WA", 30, 30, 0),
        ("submissions/accepted/sum.py", "AC", 100, 30, 70),
    ],
)
def test_json_score_and_groups(
    source: str, verdict: str, score: float, small: float, large: float
) -> None:
    done = arena_judge(source, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["verdict"], result["score"]) == (verdict, score)
    # Every group is judged: no stop at the first failure.
    assert len(result["tests"]) == 7
    groups = {g["name"]: (g["score"], g["max_score"]) for g in result["groups"]}
    assert groups == {
        "secret": (score, 100),
        "secret/1-small": (small, 30),
        "secret/2-large": (large, 70),
    }


@pytest.mark.sandbox
def test_plain_output_shows_the_score() -> None:
    done = arena_judge("submissions/partially_accepted/sum_int.cpp")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("WA  time ")
    assert lines[1] == "score 30"
    assert lines[2].split() == ["secret", "30/100", "WA"]


def test_inconsistent_scoring_package_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "data/secret/g").mkdir(parents=True)
    (tmp_path / "problem.yaml").write_text("problem_format_version: 2023-07\ntype: scoring\n")
    (tmp_path / "data/secret/g/test_group.yaml").write_text("max_score: 130\n")
    (tmp_path / "data/secret/g/1.in").write_text("1\n")
    (tmp_path / "data/secret/g/1.ans").write_text("1\n")
    source = SUBTASKSUM / "submissions/accepted/sum.py"
    done = subprocess.run(
        [sys.executable, "-m", "arena", "judge", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "data/secret/test_group.yaml: max_score: the groups in it claim 130 points" in (
        done.stderr
    )
