"""The layers hold at run time too: a hub process never loads the judge or the Docker SDK."""

from __future__ import annotations

import subprocess
import sys

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
    assert "docker" in loaded_by("arena.judge.worker")
