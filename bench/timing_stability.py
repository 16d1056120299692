"""CPU-time stability of one judging slot while the other slot is busy (issue 12).

The same CPU-bound C program (about 0.6 x the 1 s time limit) is judged ``--runs`` times in one
slot while the other slot judges a program that burns CPU until its limit, over and over. Prints
the coefficient of variation (CV) of the measured program's CPU time and how often it flipped to
TLE, with each slot pinned to its own core (``ARENA_JUDGE_CPUS``, default ``auto``) and, as the
baseline measured in the same run, with no pinning (both slots float over every core). The CPU
time is what the judge charges: the container's host-cgroup usage while the program ran
(``arena/judge/host_clock.py``), or gVisor's own count where no host cgroup is readable. Each run
is printed as cpu/wall ms; a TLE whose CPU stayed under the limit was stopped by the wall clock.

    .venv/bin/python bench/timing_stability.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import docker
import msgspec

from arena.judge.grader import grade, plan_for
from arena.judge.pool import WarmPool
from arena.languages import LanguageTable
from arena.problems.package import load_package
from arena.protocol import JudgeResult, JudgingFinished, Verdict
from arena.settings import Settings

TIME_LIMIT_S = 1.0
TARGET = 0.6  # of the time limit
MEASURED = r"""
#include <stdio.h>
int main(void) {
    unsigned long long n, i, x = 1;
    if (scanf("%llu", &n) != 1) return 1;
    for (i = 0; i < n; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    puts(x == 42 ? "unlikely" : "ok");
    return 0;
}
"""
BURNER = "int main(void) { volatile unsigned long x = 0; for (;;) x++; }\n"


def write_problem(root: Path, iterations: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "problem.yaml").write_text("name: timing\n")
    (root / ".timelimit").write_text(f"{TIME_LIMIT_S}\n")
    data = root / "data" / "secret"
    data.mkdir(parents=True, exist_ok=True)
    (data / "1.in").write_text(f"{iterations}\n")
    (data / "1.ans").write_text("ok\n")
    return root


async def judge(pool: WarmPool, languages: LanguageTable, root: Path, source: str) -> JudgeResult:
    problem = load_package(root)
    plan = plan_for(problem, TIME_LIMIT_S, languages)
    async with pool.session() as session:
        async for event in grade(session, languages.get("c"), source.encode(), plan):
            if isinstance(event, JudgingFinished):
                return event.result
    raise RuntimeError("grading ended without a result")


async def burn(pool: WarmPool, languages: LanguageTable, root: Path, stop: asyncio.Event) -> int:
    rounds = 0
    while not stop.is_set():
        await judge(pool, languages, root, BURNER)
        rounds += 1
    return rounds


async def measure(
    settings: Settings, runs: int, work: Path, iterations: int | None
) -> tuple[list[JudgeResult], int]:
    """Judge the measured program ``runs`` times while the other slot burns CPU; with
    ``iterations`` None, first calibrate the loop to about TARGET x the limit under that load."""
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    client = docker.from_env(timeout=120)
    pool = WarmPool(client, settings, size=2)
    await pool.start()
    try:
        await pool.wait_until_full()
        stop = asyncio.Event()
        burner = asyncio.create_task(burn(pool, languages, work / "burner", stop))
        await asyncio.sleep(1.0)  # the other slot is busy before the first measured run
        if iterations is None:
            iterations = await calibrate(pool, languages, work)
        root = write_problem(work / f"measured-{iterations}", iterations)
        results = [await judge(pool, languages, root, MEASURED) for _ in range(runs)]
        stop.set()
        await burner
        return results, iterations
    finally:
        await pool.close()
        client.close()


async def calibrate(pool: WarmPool, languages: LanguageTable, work: Path) -> int:
    """Iterations for about TARGET x the time limit: three probes of a fixed count, median."""
    probe = 100_000_000
    root = write_problem(work / "probe", probe)
    took: list[int] = []
    for _ in range(3):
        result = await judge(pool, languages, root, MEASURED)
        if result.verdict == Verdict.AC:
            took.append(result.tests[0].time_ms)
    if not took:
        raise SystemExit("calibration failed: the probe never ran to its end")
    return int(probe * TARGET * TIME_LIMIT_S * 1000 / max(1, statistics.median(took)))


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(name: str, results: list[JudgeResult]) -> tuple[float, int]:
    times = [r.tests[0].time_ms for r in results if r.tests]
    mean = statistics.fmean(times)
    cv = statistics.pstdev(times) / mean if mean else 0.0
    tle = sum(r.verdict == Verdict.TLE for r in results)
    # A TLE whose CPU stayed under the limit was stopped by the wall clock: the host starved it.
    wall = sum(r.verdict == Verdict.TLE and r.time_ms <= TIME_LIMIT_S * 1000 for r in results)
    other = [r.verdict.value for r in results if r.verdict not in (Verdict.AC, Verdict.TLE)]
    print(
        f"{name:>9}: cpu time mean {mean:.0f} ms, min {min(times)}, max {max(times)},"
        f" CV {cv * 100:.1f} %, TLE {tle}/{len(results)} ({wall} by the wall limit)"
        + (f", other {other}" if other else "")
        + f" ({load()})"
    )
    runs = (
        f"{r.tests[0].time_ms}{'' if r.verdict == Verdict.AC else r.verdict.value}"
        f"/{r.tests[0].wall_ms}"
        for r in results
        if r.tests
    )
    print(f"{'':>9}  cpu/wall ms per run: {' '.join(runs)}")
    return cv, tle


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    base = Settings.from_env()
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_problem(work / "burner", 1)
        pinned = msgspec.structs.replace(base, judge_cpus=base.judge_cpus or "auto")
        results, iterations = await measure(pinned, args.runs, work, None)
        print(f"program: {iterations} iterations, about {TARGET} x the {TIME_LIMIT_S} s limit")
        cv_pinned, tle_pinned = summary("pinned", results)
        floating = msgspec.structs.replace(base, judge_cpus="")
        cv_float, _ = summary("unpinned", (await measure(floating, args.runs, work, iterations))[0])
    ratio = cv_pinned / cv_float if cv_float else float("nan")
    goal = "met" if cv_pinned <= 0.05 and tle_pinned == 0 else "NOT met"
    print(f"pinned CV / unpinned CV = {ratio:.2f}; goal (CV <= 5 %, never TLE) {goal}")
    print(
        "(CPU time is the container's host-cgroup usage while the program ran; the wall limit"
        " leaves out the time gVisor counted beyond it, up to 3 x the wall limit)"
    )


if __name__ == "__main__":
    asyncio.run(main())
