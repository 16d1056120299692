"""Stopping real hub and worker processes as an orchestrator does (SIGTERM), and what to check."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import docker

from arena.judge.containers import OWNER_LABEL, SANDBOX_LABEL

# Apart from every other test's database: the stop tests run their
# own workers and hubs, whose queue and ticker lease must not meet anyone else's.
STOP_REDIS_DB = int(os.environ.get("ARENA_TEST_STOP_REDIS_DB", "5"))


def sandbox_containers(pids: list[int]) -> list[str]:
    """Ids of the sandbox containers (running or not) owned by these processes."""
    prefixes = tuple(f"{socket.gethostname()}:{pid}:" for pid in pids)
    client = docker.from_env()
    try:
        found = client.api.containers(all=True, filters={"label": SANDBOX_LABEL})
    finally:
        client.close()
    return [
        c["Id"] for c in found if (c.get("Labels") or {}).get(OWNER_LABEL, "").startswith(prefixes)
    ]


def terminate(
    process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM, timeout_s: float = 90
) -> int:
    """SIGTERM to the process alone (not its group: the orchestrator signals PID 1), then its
    exit status; a process that does not stop in time is killed and fails the test."""
    process.send_signal(sig)
    try:
        return process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError(
            f"pid {process.pid} did not stop {timeout_s} s after SIGTERM"
        ) from None


def assert_clean_exit(status: int, log: Path) -> None:
    text = log.read_text(errors="replace")
    assert status == 0, f"exit status {status}: {text[-3000:]}"
    assert "Traceback" not in text, text[-3000:]
    assert "CancelledError" not in text, text[-3000:]


def lines_with(log: Path, needle: str) -> list[str]:
    return [line for line in log.read_text(errors="replace").splitlines() if needle in line]
