"""``arena judge`` as a problem setter runs it: exit codes, messages, the --json object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APLUSB = REPO / "examples" / "problems" / "aplusb"


def arena_judge(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arena", "judge", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.mark.sandbox
def test_json_result_and_progress() -> None:
    done = arena_judge(str(APLUSB), str(APLUSB / "submissions/wrong_answer/diff.py"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # exactly one JSON object on stdout
    assert result["verdict"] == "WA"
    assert {"verdict", "time_ms", "memory_kib", "tests", "compile_output"} <= result.keys()
    first = result["tests"][0]
    assert {"name", "verdict", "time_ms", "memory_kib"} <= first.keys()
    assert (first["name"], first["verdict"]) == ("sample/1", "WA")
    assert "[1/10] sample/1" in done.stderr  # live progress goes to stderr


@pytest.mark.sandbox
def test_plain_output_for_an_accepted_cpp_source() -> None:
    done = arena_judge(str(APLUSB), str(APLUSB / "submissions/accepted/sum.cpp"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("AC  time ")
    assert "tests 10/10" in done.stdout


def test_a_missing_package_is_named(tmp_path: Path) -> None:
    done = arena_judge(str(tmp_path / "nope"), str(APLUSB / "submissions/accepted/sum.py"))
    assert done.returncode == 2
    assert f"{tmp_path / 'nope'}: not a problem package directory" in done.stderr


def test_bad_problem_yaml_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "data" / "sample").mkdir(parents=True)
    (tmp_path / "problem.yaml").write_text("name: x\nlimits:\n  memory: [1, 2\n")
    done = arena_judge(str(tmp_path), str(APLUSB / "submissions/accepted/sum.py"))
    assert done.returncode == 2
    assert "problem.yaml:" in done.stderr


def test_unknown_language_and_extension() -> None:
    source = str(APLUSB / "submissions/accepted/sum.py")
    done = arena_judge(str(APLUSB), source, "--lang", "cobol")
    assert done.returncode == 2
    assert "unknown language 'cobol'" in done.stderr
    readme = str(REPO / "README.md")
    done = arena_judge(str(APLUSB), readme)
    assert done.returncode == 2
    assert f"{readme}: cannot tell the language from the extension '.md'" in done.stderr


def test_unreadable_source_is_named(tmp_path: Path) -> None:
    done = arena_judge(str(APLUSB), str(tmp_path / "missing.py"))
    assert done.returncode == 2
    assert f"{tmp_path / 'missing.py'}: cannot read the source" in done.stderr


def test_no_docker_is_a_judging_error_not_a_traceback() -> None:
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent/docker.sock")
    done = arena_judge(str(APLUSB), str(APLUSB / "submissions/accepted/sum.py"), env=env)
    assert done.returncode == 3
    assert done.stderr.startswith("arena: judging error (sandbox):")
    assert "Traceback" not in done.stderr


@pytest.mark.sandbox
def test_time_limit_inferred_from_accepted_submissions(tmp_path: Path) -> None:
    # No time limit in a legacy package: the slowest accepted run times 5, in whole seconds.
    (tmp_path / "data" / "secret").mkdir(parents=True)
    (tmp_path / "data" / "secret" / "1.in").write_text("2 3\n")
    (tmp_path / "data" / "secret" / "1.ans").write_text("5\n")
    (tmp_path / "problem.yaml").write_text("name: inferred\n")
    accepted = tmp_path / "submissions" / "accepted"
    accepted.mkdir(parents=True)
    (accepted / "ok.py").write_text("a, b = map(int, input().split())\nprint(a + b)\n")
    done = arena_judge(str(tmp_path), str(accepted / "ok.py"), "--json")
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("time limit:"))
    limit_s = float(line.split()[2])
    slowest_ms = json.loads(done.stdout)["time_ms"]
    # The judged run is not the measuring run, so only the rule's bounds are checked.
    assert 1 <= limit_s <= 10
    assert limit_s == int(limit_s)
    assert line.endswith("(none given by the package; inferred)")
    assert slowest_ms < limit_s * 1000


@pytest.mark.sandbox
def test_problem_check_reports_a_mismatch(tmp_path: Path) -> None:
    (tmp_path / "data" / "secret").mkdir(parents=True)
    (tmp_path / "data" / "secret" / "1.in").write_text("2 3\n")
    (tmp_path / "data" / "secret" / "1.ans").write_text("5\n")
    (tmp_path / "problem.yaml").write_text("name: check me\n")
    (tmp_path / ".timelimit").write_text("1\n")
    for folder, source in {
        "accepted": "a, b = map(int, input().split())\nprint(a + b)\n",
        # Promised as a wrong answer, but it is right: the check must say so.
        "wrong_answer": "print(5)\n",
        "compile_error": "print(\n",
    }.items():
        (tmp_path / "submissions" / folder).mkdir(parents=True)
        (tmp_path / "submissions" / folder / "sol.py").write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "arena", "problem", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(x.startswith("wrong_answer") and x.endswith("MISMATCH") for x in lines), lines
    assert any(x.startswith("compile_error") and " CE " in x and x.endswith("ok") for x in lines)
    assert lines[-1] == "3 submissions: 2 as expected, 1 mismatched, 0 skipped"
