"""Submit → verdict latency through the warm pool, against the same work bare on the host and,
with ``--dmoj VENV``, against DMOJ 4.1.0 judging the same A+B in the same run.

A+B with 10 tests, TL 2 s and 256 MiB (DMOJ's bench uses the same), in python3, cpp (<cstdio>),
cpp-bits (the same with <bits/stdc++.h>), java and javascript. Every submission's source is
unique (a trailing comment), so no cache can serve it.
"Sandboxed" is the full path a worker takes: take a warm gVisor container, compile, run every
test, check the output, destroy the container (in the background). "Bare" is the same compile +
runs + checks as plain subprocesses on the host, with no isolation at all.

The phase table shows where a submission's wall time and CPU go: the container's CPU (gVisor's
sentry and gofer, the runner, the compiler and the programs) from its host cgroup, the programs'
own CPU as judged, and the CPU a container costs before it is handed out (boot, runner, zygote).

    .venv/bin/python bench/judge_latency.py [--runs N] [--langs python3,cpp] [--dmoj VENV]
        [--baseline-image arena-sandbox:OLD]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker
import msgspec

from arena.judge.grader import grade, plan_for
from arena.judge.pool import WarmPool
from arena.languages import Language, LanguageTable
from arena.problems.checker import check_output
from arena.problems.package import ProblemPackage, load_package
from arena.protocol import CompileFinished, JudgingFinished, TestFinished, Verdict
from arena.settings import Settings

# Debian's own binaries, as in the image (not a version manager's shims on the host's PATH).
BARE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
TIME_LIMIT_S = 2
SOURCES = {
    "python3": "a, b = map(int, input().split())\nprint(a + b)\n",
    "cpp": '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);'
    'printf("%lld\\n",a+b);}\n',
    # The C++ stub's header (most contest C++ starts with it): the image's precompiled header.
    "cpp-bits": "#include <bits/stdc++.h>\nusing namespace std;\nint main(){long long a,b;"
    'cin>>a>>b;cout<<a+b<<"\\n";}\n',
    "java": "import java.util.*;\npublic class Main {\n  public static void main(String[] x) {\n"
    "    Scanner s = new Scanner(System.in);\n    long a = s.nextLong(), b = s.nextLong();\n"
    "    System.out.println(a + b);\n  }\n}\n",
    "javascript": 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/)'
    ".map(BigInt);\nconsole.log((a + b).toString());\n",
}
COMMENT = {"python3": "#", "cpp": "//", "cpp-bits": "//", "java": "//", "javascript": "//"}
LANGUAGE_OF = {"cpp-bits": "cpp"}  # rows that judge another source in a language
# ../shared/peers/dmoj beside the checkout (a worktree sits one level deeper).
DEFAULT_DMOJ_PEER = next(
    (p / "shared" / "peers" / "dmoj" for p in Path(__file__).resolve().parents[1:]
     if (p / "shared" / "peers" / "dmoj").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "peers" / "dmoj",
)  # fmt: skip
DMOJ_LANG = {"python3": "PY3", "cpp": "CPP17"}


def unique_source(lang_id: str, serial: int) -> str:
    return SOURCES[lang_id] + f"{COMMENT[lang_id]} submission {serial} {random.random()}\n"


def write_problem(root: Path) -> Path:
    rng = random.Random(7)
    root.mkdir(parents=True, exist_ok=True)
    (root / "problem.yaml").write_text("name: A plus B\nlimits:\n  memory: 256\n")
    (root / ".timelimit").write_text(f"{TIME_LIMIT_S}\n")
    for i in range(10):
        group = "sample" if i == 0 else "secret"
        a, b = rng.randint(-(10**9), 10**9), rng.randint(-(10**9), 10**9)
        path = root / "data" / group / f"{i:02d}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".in").write_text(f"{a} {b}\n")
        path.with_suffix(".ans").write_text(f"{a + b}\n")
    return root


def container_cpu_ms(container_id: str) -> float | None:
    """CPU of the container's processes on the host (runsc's sentry and gofer), from its cgroup."""
    for path in (
        f"/sys/fs/cgroup/cpuacct/docker/{container_id}/cpuacct.usage",
        f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope/cpu.stat",
    ):
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        if path.endswith("cpu.stat"):
            return int(text.split()[1]) / 1000  # usage_usec
        return int(text) / 1e6
    return None


@dataclass
class Phases:
    wall_ms: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)

    def add(self, table: dict[str, list[float]], name: str, value: float | None) -> None:
        if value is not None:
            table.setdefault(name, []).append(value)


async def sandboxed_once(
    pool: WarmPool, problem: ProblemPackage, language: Language, source: str, phases: Phases
) -> float:
    plan = plan_for(problem, TIME_LIMIT_S)
    start = time.perf_counter()
    async with pool.session() as session:
        acquired = time.perf_counter()
        booted = container_cpu_ms(session.container_id)
        compiled = acquired
        programs_ms = 0
        async for event in grade(session, language, source.encode(), plan):
            if isinstance(event, CompileFinished):
                compiled = time.perf_counter()
            elif isinstance(event, TestFinished):
                programs_ms += event.result.time_ms
            elif isinstance(event, JudgingFinished):
                assert event.result.verdict == Verdict.AC, event.result
        finished = container_cpu_ms(session.container_id)
    end = time.perf_counter()
    phases.add(phases.wall_ms, "take a warm container", (acquired - start) * 1000)
    phases.add(phases.wall_ms, "compile", (compiled - acquired) * 1000)
    phases.add(phases.wall_ms, "10 runs + checks", (end - compiled) * 1000)
    phases.add(phases.cpu_ms, "container before the submission (boot, runner, zygote)", booted)
    if booted is not None and finished is not None:
        phases.add(phases.cpu_ms, "container during judging (all of gVisor)", finished - booted)
        phases.add(phases.cpu_ms, "  of which the 10 runs' own CPU (as judged)", programs_ms)
        phases.add(
            phases.cpu_ms, "  = sandbox overhead + compiler", finished - booted - programs_ms
        )
    return end - start


def bare_once(problem: ProblemPackage, language: Language, source: str) -> float:
    """The same compile, runs and checks as plain host processes (no sandbox)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        language = language.for_source(source.encode())
        (Path(work) / language.source_file).write_text(source)
        compile_argv = language.compile_argv(problem.limits.memory_mib)
        if compile_argv:
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


def run_dmoj(venv: Path, peer: Path, runs: int) -> dict[str, float]:
    """DMOJ's own bench (a writable copy of its folder); its p50 per language, in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "dmoj"
        shutil.copytree(peer, copy)
        env = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin")
        done = subprocess.run(
            [str(venv / "bin" / "python"), str(copy / "bench.py"), "-n", str(runs), "-w", "2"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.exit(f"DMOJ's bench failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print(done.stdout.rstrip())
    p50: dict[str, float] = {}
    for line in done.stdout.splitlines():
        found = re.match(r"\s*(PY3|CPP17)\s+DMOJ p50\s+([\d.]+) ms", line)
        if found:
            p50.setdefault(found.group(1), float(found.group(2)) / 1000)
    return p50


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--langs", default=",".join(SOURCES))
    parser.add_argument("--dmoj", type=Path, metavar="VENV", help="DMOJ 4.1.0's virtualenv")
    parser.add_argument("--dmoj-peer", type=Path, default=DEFAULT_DMOJ_PEER, metavar="DIR")
    parser.add_argument(
        "--baseline-image",
        metavar="IMAGE",
        help="also judge every submission in this sandbox image, alternating with the current one"
        " (an A/B of two images under the same load)",
    )
    args = parser.parse_args()
    settings = Settings.from_env()
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, load average {os.getloadavg()}")
    dmoj: dict[str, float] = {}
    if args.dmoj is not None:
        print(f"\n== DMOJ ({args.dmoj_peer}/bench.py -n {args.runs}) ==")
        dmoj = run_dmoj(args.dmoj, args.dmoj_peer, args.runs)
        print(f"\n== Arena (load average now {os.getloadavg()}) ==")
    client = docker.from_env(timeout=120)
    pool = WarmPool(client, settings, size=2)
    await pool.start()
    baseline_pool = None
    if args.baseline_image:
        baseline_settings = msgspec.structs.replace(settings, sandbox_image=args.baseline_image)
        baseline_pool = WarmPool(client, baseline_settings, size=2)
        await baseline_pool.start()
    rows, phase_rows = [], []
    baseline_rows: dict[str, tuple[float, float]] = {}
    serial = 0
    with tempfile.TemporaryDirectory() as tmp:
        problem = load_package(write_problem(Path(tmp)))
        for lang_id in args.langs.split(","):
            language = languages.get(LANGUAGE_OF.get(lang_id, lang_id))
            phases = Phases()
            serial += 1
            await sandboxed_once(pool, problem, language, unique_source(lang_id, serial), Phases())
            sandboxed, bare, baseline = [], [], []
            for _ in range(args.runs):
                # Let the pool refill first: a worker at steady state takes warm containers.
                await pool.wait_until_full()
                serial += 1
                source = unique_source(lang_id, serial)
                sandboxed.append(await sandboxed_once(pool, problem, language, source, phases))
                bare.append(bare_once(problem, language, source))
                if baseline_pool is not None:
                    await baseline_pool.wait_until_full()
                    baseline.append(
                        await sandboxed_once(baseline_pool, problem, language, source, Phases())
                    )
            rows.append((lang_id, summary(sandboxed), summary(bare)))
            if baseline:
                baseline_rows[lang_id] = summary(baseline)
            phase_rows.append((lang_id, phases))
    await pool.close()
    if baseline_pool is not None:
        await baseline_pool.close()
    client.close()
    print(f"\nA+B, 10 tests, TL {TIME_LIMIT_S} s, 256 MiB, {args.runs} unique submissions per "
          f"language, warm pool of {pool.size}")  # fmt: skip
    print(f"{'lang':<11} {'sandbox p50':>11} {'p95':>8} {'bare p50':>9} {'p95':>8} {'/bare':>7}"
          f" {'DMOJ p50':>9} {'/DMOJ':>6}")  # fmt: skip
    for lang_id, (s50, s95), (b50, b95) in rows:
        d50 = dmoj.get(DMOJ_LANG.get(lang_id, ""))
        versus = f" {d50 * 1000:>6.0f} ms {s50 / d50:>5.2f}x" if d50 else ""
        print(f"{lang_id:<11} {s50 * 1000:>8.0f} ms {s95 * 1000:>5.0f} ms {b50 * 1000:>6.0f} ms"
              f" {b95 * 1000:>5.0f} ms {s50 / b50:>6.2f}x{versus}")  # fmt: skip
    if baseline_rows:
        print(f"\nThe same submissions, alternating, in {args.baseline_image} (baseline) and"
              f" {settings.sandbox_image}:")  # fmt: skip
        for lang_id, (s50, _), _ in rows:
            o50, o95 = baseline_rows[lang_id]
            print(f"{lang_id:<11} baseline p50 {o50 * 1000:>6.0f} ms (p95 {o95 * 1000:.0f}),"
                  f" this image {s50 * 1000:.0f} ms: {s50 / o50:.2f}x")  # fmt: skip
    print("\nPer submission, p50 (ms)")
    for lang_id, phases in phase_rows:
        walls = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in phases.wall_ms.items())
        print(f"{lang_id:<11} wall: {walls}")
        for name, values in phases.cpu_ms.items():
            print(f"{'':<11} CPU {name}: {statistics.median(values):.0f}")


if __name__ == "__main__":
    asyncio.run(main())
