"""A run's CPU is charged from the container's host cgroup, between the runner's two marks (#12).

gVisor's own count runs ahead of the CPU a program really got whenever the host gives the core
to someone else; the host cgroup does not. These tests check where the charged figure comes from
and that the host clock, not gVisor's, stops a run at its CPU limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from arena.judge import host_clock
from arena.judge.containers import create_container, docker_client
from arena.judge.grader import compile_limits, wall_limit_ms
from arena.judge.interactive import RelayOutcome, relay
from arena.judge.pool import WarmPool
from arena.judge.sandbox import SandboxSession
from arena.languages import LanguageTable
from arena.protocol import ProcessLimits, StopReason
from arena.settings import Settings

BUSY_C = r"""
#include <stdio.h>
int main(void) {
    unsigned long long n, i, x = 1;
    if (scanf("%llu", &n) != 1) return 1;
    for (i = 0; i < n; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    puts(x == 42 ? "unlikely" : "ok");
    return 0;
}
"""

# Two children spin forever; the parent blocks on a pipe nobody writes to and never waits for
# them: only the tree's CPU can reach the limit.
SPINNING_CHILDREN_C = r"""
#include <unistd.h>
int main(void) {
    int fds[2];
    char c;
    if (pipe(fds) != 0) return 1;
    for (int i = 0; i < 2; i++)
        if (fork() == 0) { volatile unsigned long x = 0; for (;;) x++; }
    return (int)read(fds[0], &c, 1);
}
"""
SPINNING_C = "int main(void) { volatile unsigned long x = 0; for (;;) x++; }\n"

# Four threads spin on the container's one core: gVisor counts each thread's time in the
# program by the clock, waiting for the core included, so its count runs four times ahead.
SPINNING_THREADS_C = r"""
#include <pthread.h>
static void *spin(void *arg) { volatile unsigned long x = 0; for (;;) x++; return arg; }
int main(void) {
    pthread_t t;
    for (int i = 0; i < 3; i++) pthread_create(&t, 0, spin, 0);
    spin(0);
}
"""


def limits(cpu_ms: int, wall_ms: int) -> ProcessLimits:
    return ProcessLimits(
        cpu_time_ms=cpu_ms,
        wall_time_ms=wall_ms,
        memory_kib=256 * 1024,
        output_kib=1024,
        file_size_kib=1025,
    )


async def compiled(session: SandboxSession, languages: LanguageTable, source: str) -> list[str]:
    c = languages.get("c")
    report, output = await asyncio.to_thread(
        session.compile, c.source_file, source.encode(), c.compile_argv(256), compile_limits(c)
    )
    assert report.exit_code == 0, output
    return c.run_argv(256)


def test_the_cgroup_counters_of_both_cgroup_versions_are_read(tmp_path: Path) -> None:
    v1 = tmp_path / "cpuacct.usage"
    v1.write_text("1234567890\n")
    assert host_clock.read_cpu_ms(str(v1)) == pytest.approx(1234.56789)
    v2 = tmp_path / "cpu.stat"
    v2.write_text("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
    assert host_clock.read_cpu_ms(str(v2)) == 2500.0
    v2.write_text("user_usec 2000000\n")
    assert host_clock.read_cpu_ms(str(v2)) is None
    assert host_clock.read_cpu_ms(str(tmp_path / "gone")) is None


@pytest.mark.sandbox
async def test_a_run_is_charged_the_host_cpu_of_its_container_while_it_ran(
    pool: WarmPool, languages: LanguageTable
) -> None:
    async with pool.session() as session:
        cpu_file = session.host_cpu_file
        assert cpu_file is not None, "no host cgroup found for a sandbox container"
        argv = await compiled(session, languages, BUSY_C)
        before = host_clock.read_cpu_ms(cpu_file)
        report, output = await asyncio.to_thread(
            session.run, argv, b"100000000\n", limits(10_000, wall_limit_ms(10_000))
        )
        after = host_clock.read_cpu_ms(cpu_file)
    assert output == b"ok\n" and report.stopped == StopReason.NONE, report
    assert before is not None and after is not None
    # The charged window lies inside the exchange: preparing the run (writing the input) and
    # reading its output afterwards are the container's too, but not the program's.
    assert 0 < report.cpu_ms <= after - before + 1, (report, after - before)


@pytest.mark.sandbox
@pytest.mark.parametrize(
    "source", [SPINNING_C, SPINNING_CHILDREN_C], ids=["one-process", "unwaited-children"]
)
async def test_the_host_clock_stops_a_run_at_its_cpu_limit(
    pool: WarmPool, languages: LanguageTable, source: str
) -> None:
    # The wall limit is far away: gVisor's own count, which only ever runs ahead of the host's,
    # backs the host up only there. A run stopped for CPU time before it was stopped by the host.
    run_limits = limits(500, 60_000)
    async with pool.session() as session:
        argv = await compiled(session, languages, source)
        report, _ = await asyncio.to_thread(session.run, argv, b"", run_limits)
    assert report.stopped == StopReason.CPU_TIME, report
    assert report.wall_ms < run_limits.wall_time_ms, report
    assert report.cpu_ms > run_limits.cpu_time_ms, report


@contextlib.asynccontextmanager
async def one_core_session(settings: Settings) -> AsyncIterator[SandboxSession]:
    """A session in a container pinned to one core, where threads wait for each other."""
    client = docker_client(settings)
    core = str(min(os.sched_getaffinity(0)))
    container = await asyncio.to_thread(create_container, client, settings, core)
    session = SandboxSession(client, container)
    try:
        yield session
    finally:
        await asyncio.to_thread(session.close)
        client.close()


@pytest.mark.sandbox
async def test_threads_waiting_for_the_core_are_not_charged_for_the_wait(
    settings: Settings, languages: LanguageTable
) -> None:
    # gVisor's count would pass the 500 ms limit after ~125 ms of the core; the host stops the
    # run only once the container used 500 ms, and charges what it used.
    async with one_core_session(settings) as session:
        cpu_file = session.host_cpu_file
        assert cpu_file is not None
        argv = await compiled(session, languages, SPINNING_THREADS_C)
        before = host_clock.read_cpu_ms(cpu_file)
        report, _ = await asyncio.to_thread(session.run, argv, b"", limits(500, 60_000))
        after = host_clock.read_cpu_ms(cpu_file)
    assert before is not None and after is not None
    assert report.stopped == StopReason.CPU_TIME, report
    assert 500 < report.cpu_ms <= after - before + 1, (report, after - before)


@pytest.mark.sandbox
async def test_an_interactive_run_is_charged_by_the_host_clock_too(
    pool: WarmPool, settings: Settings, languages: LanguageTable
) -> None:
    # The same four threads as the submission of an interactive run, `cat` its interactor:
    # gVisor's count would stop it after ~125 ms of the core and charge it 500 ms. Under load,
    # that count let a submission spinning after its tenth wrong guess reach its limit before
    # the starved interactor said WA (CI, 2026-12-06).
    async with one_core_session(settings) as session, pool.session() as peer:
        cpu_file = session.host_cpu_file
        assert cpu_file is not None
        argv = await compiled(session, languages, SPINNING_THREADS_C)
        run_limits, peer_limits = limits(500, 60_000), limits(10_000, 60_000)
        clocks = (session.run_clock(500), peer.run_clock(10_000))

        def interact() -> RelayOutcome:
            peer.begin_interaction(["cat"], peer_limits, clocks[1])
            session.begin_interaction(argv, run_limits, clocks[0])
            return relay(session, peer, peer.wall_cap_ms(peer_limits) / 1000, clocks)

        before = host_clock.read_cpu_ms(cpu_file)
        outcome = await asyncio.to_thread(interact)
        after = host_clock.read_cpu_ms(cpu_file)
    assert before is not None and after is not None
    report = outcome.submission
    assert report.stopped == StopReason.CPU_TIME, report
    assert 500 < report.cpu_ms <= after - before + 1, (report, after - before)
    # The interactor ended when its stdin did, after the submission: it is not charged the wait.
    assert not outcome.validator_first and outcome.validator.exit_code == 0, outcome.validator
    assert outcome.validator.cpu_ms < 500, outcome.validator


ECHO_PY = "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line)\n    sys.stdout.flush()\n"
ASKS_PY = "for i in range(300):\n    print(i, flush=True)\n    assert int(input()) == i\n"


@pytest.mark.sandbox
async def test_an_interactive_run_is_not_charged_the_runners_relaying(pool: WarmPool) -> None:
    # Each exchange costs the container far more host CPU (the runner's relaying through gVisor)
    # than the program; gVisor's count, the lower figure here, is what the run is charged.
    run_limits = limits(20_000, 60_000)
    async with pool.session() as session, pool.session() as peer:
        cpu_file = session.host_cpu_file
        assert cpu_file is not None
        for box, name, source in ((session, "echo.py", ECHO_PY), (peer, "asks.py", ASKS_PY)):
            await asyncio.to_thread(box.compile, name, source.encode(), [], run_limits)
        clocks = (session.run_clock(20_000), peer.run_clock(20_000))

        def interact() -> RelayOutcome:
            peer.begin_interaction(["python3", "asks.py"], run_limits, clocks[1])
            session.begin_interaction(["python3", "echo.py"], run_limits, clocks[0])
            return relay(session, peer, peer.wall_cap_ms(run_limits) / 1000, clocks)

        before = host_clock.read_cpu_ms(cpu_file)
        outcome = await asyncio.to_thread(interact)
        after = host_clock.read_cpu_ms(cpu_file)
    assert before is not None and after is not None
    assert outcome.validator.exit_code == 0, outcome.validator
    report = outcome.submission
    assert report.exit_code == 0 and report.stopped == StopReason.NONE, report
    assert clocks[0] is not None and clocks[0].charged_ms is not None
    assert report.cpu_ms < clocks[0].charged_ms / 2, (report, clocks[0].charged_ms)
