"""What an exchange of an interactive run costs: a submission echoing N short lines to an
interactor that checks each, all Python.

1. bare: the two as host processes joined by pipes (the baseline);
2. one sandbox: the two in one gVisor container, joined by pipes (gVisor's own cost);
3. Arena: each in its own pool-configured container, relayed by the host
   (arena/judge/interactive.py), with and without the host clock.

Per exchange: wall, and for Arena the host CPU of each container (runner, gVisor and program)
against the CPU the submission is charged (the lower of the two clocks when the host clock is on).

    .venv/bin/python bench/interactive_relay.py [--exchanges 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker

from arena.judge import host_clock
from arena.judge.interactive import relay
from arena.judge.sandbox import SandboxSession, open_session
from arena.protocol import ProcessLimits
from arena.settings import Settings

ECHO = "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line)\n    sys.stdout.flush()\n"
ASKS = "import sys\nfor i in range({n}):\n    print(i, flush=True)\n    assert int(input()) == i\n"
# Both programs in one box: the interactor forks the echo and talks to it through two pipes.
IN_ONE_BOX = """\
import os, subprocess, sys, time
started = time.perf_counter()
echo = subprocess.Popen([sys.executable, "echo.py"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, text=True)
for i in range({n}):
    echo.stdin.write(f"{{i}}\\n")
    echo.stdin.flush()
    assert int(echo.stdout.readline()) == i
echo.stdin.close()
echo.wait()
print(time.perf_counter() - started)
"""
LIMITS = ProcessLimits(
    cpu_time_ms=60_000, wall_time_ms=120_000, memory_kib=256 * 1024, output_kib=1024,
    file_size_kib=1025, processes=8,
)  # fmt: skip


def bare(n: int) -> float:
    with tempfile.TemporaryDirectory() as work:
        Path(work, "echo.py").write_text(ECHO)
        Path(work, "box.py").write_text(IN_ONE_BOX.format(n=n))
        out = subprocess.run(
            [sys.executable, "box.py"], cwd=work, capture_output=True, text=True, check=True
        )
    return float(out.stdout)


def one_sandbox(client: docker.DockerClient, settings: Settings, n: int) -> float:
    session = open_session(client, settings)
    try:
        session.compile("echo.py", ECHO.encode(), [], LIMITS)
        session.compile("box.py", IN_ONE_BOX.format(n=n).encode(), [], LIMITS)
        report, out = session.run(["python3", "box.py"], b"", LIMITS)
    finally:
        session.close()
    assert report.exit_code == 0, report
    return float(out)


def relayed(
    client: docker.DockerClient, settings: Settings, n: int, clocked: bool
) -> tuple[float, float, float, int]:
    """(wall s, submission container host CPU ms, interactor container's, charged ms)."""
    sessions: list[SandboxSession] = []
    try:
        sub, val = (open_session(client, settings) for _ in range(2))
        sessions += [sub, val]
        sub.compile("echo.py", ECHO.encode(), [], LIMITS)
        val.compile("asks.py", ASKS.format(n=n).encode(), [], LIMITS)
        clocks = (
            (sub.run_clock(LIMITS.cpu_time_ms), val.run_clock(LIMITS.cpu_time_ms))
            if clocked
            else (None, None)
        )
        files = [s.host_cpu_file for s in (sub, val)]
        before = [host_clock.read_cpu_ms(f) or 0.0 if f else 0.0 for f in files]
        started = time.monotonic()
        val.begin_interaction(["python3", "asks.py"], LIMITS, clocks[1])
        sub.begin_interaction(["python3", "echo.py"], LIMITS, clocks[0])
        outcome = relay(sub, val, val.wall_cap_ms(LIMITS) / 1000, clocks)
        wall_s = time.monotonic() - started
        after = [host_clock.read_cpu_ms(f) or 0.0 if f else 0.0 for f in files]
    finally:
        for session in sessions:
            session.close()
    assert outcome.submission.exit_code == 0 and outcome.validator.exit_code == 0, outcome
    return wall_s, after[0] - before[0], after[1] - before[1], outcome.submission.cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=1000)
    n = parser.parse_args().exchanges
    settings = Settings.from_env()
    client = docker.from_env(timeout=120)
    base_s = bare(n)
    print(f"{n} exchanges, per exchange:")
    print(f"  bare host, two processes and pipes    {base_s / n * 1000:8.3f} ms wall   1.0x")
    box_s = one_sandbox(client, settings, n)
    print(f"  one gVisor sandbox, pipes             {box_s / n * 1000:8.3f} ms wall"
          f" {box_s / base_s:5.1f}x")  # fmt: skip
    for clocked in (False, True):
        wall_s, sub_ms, val_ms, charged_ms = relayed(client, settings, n, clocked)
        clock = "host clock + gVisor" if clocked else "gVisor's count     "
        print(
            f"  Arena relay, {clock}   {wall_s / n * 1000:8.3f} ms wall {wall_s / base_s:5.1f}x;"
            f" host CPU {sub_ms / n:.2f} ms submission container, {val_ms / n:.2f} ms"
            f" interactor's; submission charged {charged_ms / n:.3f} ms"
        )
    client.close()


if __name__ == "__main__":
    main()
