"""Submit → verdict latency through the warm pool, against the same work run bare on the host.

A+B with 10 tests, in python3 and cpp. "Sandboxed" is the full path a worker takes: take a warm
gVisor container, compile, run every test, check the output, destroy the container. "Bare" is the
same compile + runs + checks as plain subprocesses on the host, with no isolation at all.

    .venv/bin/python bench/judge_latency.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import docker

from arena.judge.grader import grade, plan_for
from arena.judge.pool import WarmPool
from arena.languages import Language, LanguageTable
from arena.problems.checker import check_output
from arena.problems.package import ProblemPackage, load_package
from arena.protocol import JudgingFinished, Verdict
from arena.settings import Settings

# Debian's own binaries, as in the image (not a version manager's shims on the host's PATH).
BARE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
SOURCES = {
    "python3": "a, b = map(int, input().split())\nprint(a + b)\n",
    "cpp": '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);'
    'printf("%lld\\n",a+b);}\n',
}


def write_problem(root: Path) -> Path:
    rng = random.Random(7)
    root.mkdir(parents=True, exist_ok=True)
    (root / "problem.yaml").write_text("name: A plus B\n")
    (root / ".timelimit").write_text("1\n")
    for i in range(10):
        group = "sample" if i == 0 else "secret"
        a, b = rng.randint(-(10**9), 10**9), rng.randint(-(10**9), 10**9)
        path = root / "data" / group / f"{i:02d}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".in").write_text(f"{a} {b}\n")
        path.with_suffix(".ans").write_text(f"{a + b}\n")
    return root


async def sandboxed_once(pool: WarmPool, problem: ProblemPackage, language: Language) -> float:
    plan = plan_for(problem, 1.0)
    start = time.perf_counter()
    async with pool.session() as session:
        async for event in grade(session, language, SOURCES[language.id].encode(), plan):
            if isinstance(event, JudgingFinished):
                assert event.result.verdict == Verdict.AC, event.result
    return time.perf_counter() - start


def bare_once(problem: ProblemPackage, language: Language) -> float:
    """The same compile, runs and checks as plain host processes (no sandbox)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / language.source_file).write_text(SOURCES[language.id])
        compile_argv = language.compile_argv(problem.limits.memory_mib)
        subprocess.run(compile_argv, cwd=work, env=BARE_ENV, check=True)
        argv = language.run_argv(problem.limits.memory_mib)
        for test in problem.tests:
            done = subprocess.run(
                argv,
                cwd=work,
                env=BARE_ENV,
                input=test.input_path.read_bytes(),
                capture_output=True,
                check=True,
            )
            verdict = check_output(
                done.stdout, test.answer_path.read_bytes(), problem.default_validator
            )
            assert verdict.accepted
    return time.perf_counter() - start


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings = Settings.from_env()
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    client = docker.from_env(timeout=120)
    pool = WarmPool(client, settings, size=2)
    await pool.start()
    with tempfile.TemporaryDirectory() as tmp:
        problem = load_package(write_problem(Path(tmp)))
        print(f"A+B, 10 tests, {args.runs} submissions per language, warm pool of {pool.size}")
        print(
            f"{'lang':<8} {'sandbox p50':>12} {'p95':>8} {'bare p50':>10} {'p95':>8} {'ratio':>7}"
        )
        for lang_id in SOURCES:
            language = languages.get(lang_id)
            await sandboxed_once(pool, problem, language)  # warm caches and the pool once
            sandboxed = []
            for _ in range(args.runs):
                # Let the pool refill first: a worker at steady state takes warm containers.
                await pool.wait_until_full()
                sandboxed.append(await sandboxed_once(pool, problem, language))
            bare = [bare_once(problem, language) for _ in range(args.runs)]
            s50, s95 = summary(sandboxed)
            b50, b95 = summary(bare)
            print(
                f"{lang_id:<8} {s50 * 1000:>9.0f} ms {s95 * 1000:>5.0f} ms {b50 * 1000:>7.0f} ms"
                f" {b95 * 1000:>5.0f} ms {s50 / b50:>6.2f}x"
            )
    await pool.close()
    client.close()


if __name__ == "__main__":
    asyncio.run(main())
