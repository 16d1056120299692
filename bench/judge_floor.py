"""Where the floor of a judging is: A+B (10 tests) profiled by phase, and the irreducible parts
of the sandbox measured directly, against half of DMOJ's time measured in the same run.

1. The process-start floor (bench/floor_probe.py) as PID 1 of a pool-configured gVisor container
   vs the same probe as a plain host process: N x fork+exec+wait of a static ``true``, the same
   with vfork, a dynamic binary, a fresh interpreter, a fork of a warm interpreter running A+B
   (what sandbox/zygote.py does per test), the C++ A+B binary, one g++ compile of A+B. Wall and
   host CPU (the container's cgroup; the probe's rusage bare) per unit.
2. The runner in a fresh pool container: N round trips of the smallest request (host -> Docker's
   attach stream -> the runner -> back), N runs of a static ``true`` and N python3 A+B runs
   through the runner (limits, cgroup, zygote), wall and container CPU each.
3. One judging per language through the warm pool (grade(), as the worker does): container
   handout, compile, each test (wall; the container's host CPU; the program's own time as
   judged), output checks included.
4. The container's own cost, create + start + remove (bench/container_floor.py), with ``sleep``
   as PID 1 (gVisor alone) and as the pool starts it.
5. With ``--dmoj VENV``, DMOJ's bench in the same run; the sum of the irreducible parts against
   0.5x DMOJ, and the throughput ceiling from the per-submission host CPU.

``--runtimes runsc,runsc-floor-ovnone,...`` repeats part 1 and 4 in each Docker runtime (runsc
flags are dockerd's runtime configuration: register each variant in /etc/docker/daemon.json).

    .venv/bin/python bench/judge_floor.py [--n 10] [--dmoj VENV] [--runtimes runsc,...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker
import msgspec
from container_floor import cycle
from floor_pipeline import pipeline_profile
from judge_latency import DEFAULT_DMOJ_PEER, TIME_LIMIT_S, run_dmoj, unique_source, write_problem

from arena.judge.containers import create_container
from arena.judge.grader import grade, plan_for
from arena.judge.host_clock import container_cpu_ms
from arena.judge.pool import WarmPool
from arena.judge.sandbox import SandboxSession
from arena.languages import LanguageTable
from arena.problems.package import load_package
from arena.protocol import CompileFinished, ProcessLimits, TestFinished
from arena.settings import Settings

PROBE = Path(__file__).with_name("floor_probe.py")
PHASES = [
    "1000 x getppid (a bare system call)",
    "1000 x stat of a file in /usr",
    "fork+exec+wait, static true",
    "vfork+exec+wait, static true",
    "vfork+exec+wait, dynamic /bin/true",
    "python3 -I -S -c pass (fresh interpreter)",
    "python3 main.py A+B (fresh interpreter)",
    "A+B in a fork of a warm interpreter",
    "g++ A+B (the cpp row's flags), 1 compile",
    "C++ A+B binary (dynamic, libstdc++)",
]
_FRAME = struct.Struct(">BxxxL")
LIMITS = ProcessLimits(
    cpu_time_ms=10_000,
    wall_time_ms=30_000,
    memory_kib=262_144,
    output_kib=1024,
    file_size_kib=65_536,
)
Row = tuple[float, float]  # wall ms, host CPU ms per unit


class AttachedLines:
    """Lines of a container's stdout over Docker's multiplexed attach stream."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer = sock, bytearray()
        sock.settimeout(300)

    def _exact(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise EOFError("the probe's container closed its stream")
            data += chunk
        return bytes(data)

    def line(self) -> str:
        while b"\n" not in self.buffer:
            kind, size = _FRAME.unpack(self._exact(_FRAME.size))
            data = self._exact(size)
            if kind == 1:
                self.buffer += data
            else:
                sys.stderr.write(data.decode(errors="replace"))
        text, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        return text.decode()


def probe_sandboxed(settings: Settings, n: int) -> dict[str, Row]:
    client = docker.from_env(timeout=300)
    argv = ["python3", "-I", "-S", "-c", PROBE.read_text(), "/work", str(n)]
    container = create_container(client, settings, command=argv)
    try:
        sock = client.api.attach_socket(
            container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )._sock
        lines = AttachedLines(sock)
        sock.sendall(b"start\n")
        assert lines.line() == "ready"
        rows: dict[str, Row] = {}
        for name in PHASES:
            before = container_cpu_ms(container.id) or 0.0
            sock.sendall(f"go {name}\n".encode())
            _, wall, _charged = lines.line().split()
            host = (container_cpu_ms(container.id) or 0.0) - before
            units = 1 if name.endswith("1 compile") else n
            rows[name] = (float(wall) / units, host / units)
        sock.sendall(b"go exit\n")
        return rows
    finally:
        container.remove(force=True)
        client.close()


def probe_bare(n: int) -> dict[str, Row]:
    with tempfile.TemporaryDirectory() as work:
        proc = subprocess.Popen(
            ["/usr/bin/python3", "-I", "-S", str(PROBE), work, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("start\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ready"
        rows: dict[str, Row] = {}
        for name in PHASES:
            proc.stdin.write(f"go {name}\n")
            proc.stdin.flush()
            _, wall, cpu = proc.stdout.readline().split()
            units = 1 if name.endswith("1 compile") else n
            rows[name] = (float(wall) / units, float(cpu) / units)
        proc.stdin.write("go exit\n")
        proc.stdin.close()
        proc.wait()
    return rows


def timed(container_id: str, action: object) -> tuple[float, float, object]:
    before_cpu, started = container_cpu_ms(container_id) or 0.0, time.perf_counter()
    result = action()  # type: ignore[operator]
    wall = (time.perf_counter() - started) * 1000
    return wall, (container_cpu_ms(container_id) or 0.0) - before_cpu, result


def runner_floor(settings: Settings, n: int) -> dict[str, Row]:
    """Round trips and runs through sandbox/runner.py in one fresh pool container."""
    client = docker.from_env(timeout=300)
    session = SandboxSession(client, create_container(client, settings))
    cid = session.container_id
    rows: dict[str, Row] = {}
    try:
        time.sleep(1.0)  # the runner and its zygote finish starting
        session.compile(
            "t.c",
            b"int main(void) { return 0; }\n",
            ["gcc", "-O2", "-static", "-o", "true", "t.c"],
            LIMITS,
        )
        steps = {
            "runner round trip (list an empty box)": lambda: session.get_files("box", 1024),
            "runner: run a static true": lambda: session.run(["./true"], b"", LIMITS),
        }
        for name, action in steps.items():
            samples = [timed(cid, action)[:2] for _ in range(n)]
            rows[name] = (
                statistics.median(s[0] for s in samples),
                statistics.median(s[1] for s in samples),
            )
        ab = b"a, b = map(int, input().split())\nprint(a + b)\n"
        wall, cpu, _ = timed(
            cid,
            lambda: session.compile(
                "main.py", ab, ["python3", "-m", "py_compile", "main.py"], LIMITS
            ),
        )
        rows["runner: py_compile A+B (zygote fork)"] = (wall, cpu)
        samples = [
            timed(cid, lambda: session.run(["python3", "main.py"], b"1 2\n", LIMITS))[:2]
            for _ in range(n)
        ]
        rows["runner: python3 A+B run (zygote fork)"] = (
            statistics.median(s[0] for s in samples),
            statistics.median(s[1] for s in samples),
        )
    finally:
        session.close()
        client.close()
    return rows


async def judging_profile(settings: Settings, lang_id: str, runs: int) -> dict[str, Row]:
    """grade() through the warm pool: handout, compile, each test; p50 over ``runs``."""
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    language = languages.get(lang_id)
    client = docker.from_env(timeout=300)
    pool = WarmPool(client, settings, size=1)
    await pool.start()
    table: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        problem = load_package(write_problem(Path(tmp)))
        plan = plan_for(problem, TIME_LIMIT_S)
        for serial in range(runs + 1):  # the first one warms the host's caches: not counted
            await pool.wait_until_full()
            source = unique_source(lang_id, serial).encode()
            marks: list[tuple[str, float, float, float]] = []
            start = time.perf_counter()
            async with pool.session() as session:
                cid = session.container_id
                marks.append(("handout", time.perf_counter(), container_cpu_ms(cid) or 0, 0))
                async for event in grade(session, language, source, plan):
                    now, cpu = time.perf_counter(), container_cpu_ms(cid) or 0
                    if isinstance(event, CompileFinished):
                        marks.append(("compile", now, cpu, 0))
                    elif isinstance(event, TestFinished):
                        marks.append((f"test {len(marks) - 1}", now, cpu, event.result.time_ms))
            if serial == 0:
                continue
            previous_t, previous_cpu = start, marks[0][2]
            for name, at, cpu, _ in marks:
                wall = (at - previous_t) * 1000
                table.setdefault(name, []).append(
                    (wall, cpu - previous_cpu if name != "handout" else 0.0)
                )
                previous_t, previous_cpu = at, cpu
            table.setdefault("total (submit to last verdict)", []).append(
                ((marks[-1][1] - start) * 1000, marks[-1][2] - marks[0][2])
            )
            table.setdefault("  judged time of the 10 programs", []).append(
                (float(sum(m[3] for m in marks)), 0.0)
            )
    await pool.close()
    client.close()
    return {
        name: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v))
        for name, v in table.items()
    }


def median_rows(rounds: list[dict[str, Row]]) -> dict[str, Row]:
    return {
        name: (
            statistics.median(r[name][0] for r in rounds),
            statistics.median(r[name][1] for r in rounds),
        )
        for name in rounds[0]
    }


def show(title: str, columns: list[str], tables: list[dict[str, Row]]) -> None:
    print(f"\n{title}")
    head = "".join(f" {c:>22}" for c in columns)
    print(f"  {'per unit, p50':<44}{head}")
    for name in tables[0]:
        cells = "".join(
            f" {t[name][0]:8.1f} ms {t[name][1]:7.1f} cpu" if name in t else f" {'-':>22}"
            for t in tables
        )
        print(f"  {name:<44}{cells}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10, help="repetitions of each unit")
    parser.add_argument("--runs", type=int, default=5, help="judgings per language profiled")
    parser.add_argument("--containers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of part 1, rotated")
    parser.add_argument("--runtimes", default="runsc", help="Docker runtimes to compare")
    parser.add_argument("--dmoj-runs", type=int, default=8)
    parser.add_argument("--probe-only", action="store_true", help="part 1 only")
    parser.add_argument(
        "--pipeline",
        type=int,
        default=0,
        metavar="N",
        help="also N submissions per language one at a time through a worker",
    )
    parser.add_argument(
        "--redis-port", type=int, default=int(os.environ.get("ARENA_TEST_REDIS_PORT", "6396"))
    )
    parser.add_argument("--dmoj", type=Path, metavar="VENV", help="DMOJ 4.1.0's virtualenv")
    parser.add_argument("--dmoj-peer", type=Path, default=DEFAULT_DMOJ_PEER, metavar="DIR")
    args = parser.parse_args()
    base = msgspec.structs.replace(Settings.from_env(), judge_cpus="")
    runtimes = args.runtimes.split(",")
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, load average {os.getloadavg()}")
    dmoj: dict[str, float] = {}
    if args.dmoj is not None:
        print(f"\n== DMOJ ({args.dmoj_peer}/bench.py -n {args.dmoj_runs}) ==")
        dmoj = run_dmoj(args.dmoj, args.dmoj_peer, args.dmoj_runs)
    print(
        f"\n== 1. process starts, {args.n} of each, {args.rounds} rounds (load "
        f"{os.getloadavg()}) =="
    )
    # Rounds rotate the order, so a burst of another load does not land on one runtime only.
    samples: dict[str, list[dict[str, Row]]] = {}
    columns = ["bare", *runtimes]
    for round_no in range(args.rounds):
        for column in columns[round_no % len(columns) :] + columns[: round_no % len(columns)]:
            samples.setdefault(column, []).append(
                probe_bare(args.n)
                if column == "bare"
                else probe_sandboxed(msgspec.structs.replace(base, sandbox_runtime=column), args.n)
            )
    probes = [median_rows(samples[column]) for column in columns]
    show(
        "wall ms and host CPU ms per unit (median of the rounds)", ["bare host", *runtimes], probes
    )
    if args.probe_only:  # an A/B of runtimes: part 1 alone, more rounds in the same time
        return
    print(f"\n== 2. through the runner (load {os.getloadavg()}) ==")
    runner = runner_floor(base, args.n)
    show("wall ms and the container's host CPU ms, p50", [base.sandbox_runtime], [runner])
    print(f"\n== 3. one judging per language, p50 of {args.runs} (load {os.getloadavg()}) ==")
    profiles = {lang: await judging_profile(base, lang, args.runs) for lang in ("python3", "cpp")}
    for lang, profile in profiles.items():
        show(f"{lang}: wall ms and the container's host CPU ms", [lang], [profile])
    print(
        f"\n== 4. a container's own cost, {args.containers} per round (load {os.getloadavg()}) =="
    )
    # Printed in full for the first runtime; then rounds rotated over the runtimes, medians.
    containers: dict[str, list[tuple[float, float]]] = {}
    for round_no in range(args.rounds):
        shift = round_no % len(runtimes)
        for rt in runtimes[shift:] + runtimes[:shift]:
            settings = msgspec.structs.replace(base, sandbox_runtime=rt)
            quiet = round_no > 0
            containers.setdefault(rt, []).append(
                (
                    cycle(settings, args.containers, sleep=True, quiet=quiet),
                    cycle(settings, args.containers, sleep=False, quiet=quiet),
                )
            )
    medians = {
        rt: (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
        for rt, values in containers.items()
    }
    print("host CPU per container, all kinds, median of the rounds:")
    for rt, (alone, pool) in medians.items():
        print(
            f"  {rt:<28} gVisor alone (sleep) {alone:6.1f} ms   the pool's container {pool:6.1f} ms"
        )
    if args.pipeline:
        print(f"\n== 5. through a worker, one at a time (load {os.getloadavg()}) ==")
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            flows = await pipeline_profile(
                write_problem(work / "aplusb"),
                work,
                ["python3", "cpp"],
                args.pipeline,
                args.redis_port,
            )
        for lang, flow in flows.items():
            print(
                f"{lang}: p50 ms of {args.pipeline}: "
                + ", ".join(f"{name} {ms:.1f}" for name, ms in flow.items())
            )
    summarize(probes[1], runner, profiles, medians[runtimes[0]], dmoj)
    print(f"\nload average after: {os.getloadavg()}")


def summarize(
    inside: dict[str, Row],
    runner: dict[str, Row],
    profiles: dict[str, dict[str, Row]],
    container: tuple[float, float],
    dmoj: dict[str, float],
) -> None:
    """The irreducible sum per language: what one A+B judging must do in a fresh gVisor
    container even if the runner, the worker and the checks cost nothing."""
    trip = runner["runner round trip (list an empty box)"]
    fork_ab = inside["A+B in a fork of a warm interpreter"]
    floors = {
        # py_compile is itself a fork of the warm interpreter; 11 exchanges with the runner.
        "python3": [
            ("11 x runner round trip", trip, 11),
            ("11 x warm-interpreter fork running A+B (compile + 10 tests)", fork_ab, 11),
        ],
        "cpp": [
            ("11 x runner round trip", trip, 11),
            ("g++ A+B", inside["g++ A+B (the cpp row's flags), 1 compile"], 1),
            ("10 x C++ A+B binary", inside["C++ A+B binary (dynamic, libstdc++)"], 10),
        ],
    }
    dmoj_key = {"python3": "PY3", "cpp": "CPP17"}
    cores = os.cpu_count() or 1
    print("\n== the floor ==")
    for lang, parts in floors.items():
        wall = sum(row[0] * k for _, row, k in parts)
        cpu = sum(row[1] * k for _, row, k in parts)
        measured = profiles[lang]["total (submit to last verdict)"]
        print(
            f"{lang}: irreducible {wall:.0f} ms wall, {cpu:.0f} ms host CPU = "
            + " + ".join(f"{label} {row[0] * k:.0f}" for label, row, k in parts)
        )
        print(
            f"  measured judging {measured[0]:.0f} ms wall, {measured[1]:.0f} ms container CPU: "
            f"{measured[0] - wall:.0f} ms above the floor (the runner's work per request, the "
            "host's side, waiting for a core)"
        )
        d = dmoj.get(dmoj_key[lang])
        if d:
            goal = d * 500
            verdict = (
                f"leaves {goal - wall:.0f} ms for everything else"
                if wall <= goal
                else "NOT reachable by the floor alone"
            )
            print(
                f"  DMOJ p50 {d * 1000:.0f} ms -> goal 0.5x = {goal:.0f} ms: the floor alone is "
                f"{wall / (d * 1000):.2f}x DMOJ, goal {verdict}; the judging is "
                f"{measured[0] / (d * 1000):.2f}x"
            )
        per_sub = container[1] + measured[1]
        bare_floor = container[0] + cpu
        print(
            f"  host CPU per submission: pool container {container[1]:.0f} + judging "
            f"{measured[1]:.0f} = {per_sub:.0f} ms -> at most {cores * 1000 / per_sub:.2f} "
            f"judged/s on {cores} cores; irreducible: gVisor alone {container[0]:.0f} + "
            f"{cpu:.0f} = {bare_floor:.0f} ms -> at most {cores * 1000 / bare_floor:.2f}/s"
        )


if __name__ == "__main__":
    asyncio.run(main())
