"""Fair verdicts under attack: what a contestant could do to buy time or reach beyond the
sandbox's limits, each tried from C, C++ and Python where it applies (see issue 12)."""

from __future__ import annotations

import os
from pathlib import Path

import docker
import msgspec
import pytest
from support import make_problem

from arena.judge.budget import time_budget_s
from arena.judge.grader import wall_limit_ms
from arena.judge.pool import WarmPool, judging_cores
from arena.protocol import ProcessLimits, Verdict
from arena.settings import Settings

pytestmark = pytest.mark.sandbox

ONE_TEST = {"secret/1": ("", "ok\n")}


def problem(root: Path, tests: dict[str, tuple[str, str]], time_limit_s: float = 1.0) -> Path:
    yaml = "name: fairness\nlimits:\n  memory: 256\n  output: 1\n"
    return make_problem(root, tests, yaml, time_limit_s=time_limit_s)


# Sleeps 2.6 s with a 1 s time limit: under the old wall limit (2 x CPU + 1 s = 3 s), so it used to
# get the verdict of its output; past the wall limit of CPU + max(1 s, CPU / 2) = 2 s.
SLEEPERS = [
    pytest.param("c", '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n'
                 '    usleep(2600000);\n    puts("ok");\n}\n', id="c"),
    pytest.param("cpp", '#include <chrono>\n#include <iostream>\n#include <thread>\n'
                 'int main() {\n    std::this_thread::sleep_for(std::chrono::milliseconds(2600));\n'
                 '    std::cout << "ok" << std::endl;\n}\n', id="cpp"),
    pytest.param("python3", "import time\ntime.sleep(2.6)\nprint('ok')\n", id="python3"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "source"), SLEEPERS)
async def test_sleeping_past_the_cpu_limit_plus_a_second_is_tle(
    judge, tmp_path, lang: str, source: str
) -> None:
    r = await judge(problem(tmp_path, ONE_TEST), source, lang)
    assert r.verdict == Verdict.TLE, r
    assert r.tests[0].wall_ms < 2600, r


# DOMjudge's test-suspend-ppid.c: a program that stops its parent (the runner's launcher) to
# stop the clock, then sleeps well past the limit. It must not gain anything.
C_SUSPEND_PARENT = """\
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    kill(getppid(), SIGSTOP);
    sleep(10);
    puts("ok");
}
"""


async def test_stopping_the_parent_does_not_stop_the_clock(judge, tmp_path) -> None:
    r = await judge(problem(tmp_path, ONE_TEST, time_limit_s=5.0), C_SUSPEND_PARENT, "c")
    assert r.verdict == Verdict.TLE, r


def test_the_wall_limit_stays_close_to_the_cpu_limit() -> None:
    assert wall_limit_ms(1000) == 2000
    assert wall_limit_ms(5000) == 7500
    assert wall_limit_ms(200) == 1200


# --- calls no submission needs, refused by the seccomp profile inside gVisor --------------------

# Each probe makes one call with harmless arguments and prints "refused" when it fails with EPERM
# (the profile's answer), or what happened instead.
C_PROBE = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static int child(void *arg) { (void)arg; return 0; }
static char stack[65536];
int main(void) {
    long r = %s;
    if (r == -1 && errno == EPERM) puts("refused");
    else printf("ALLOWED r=%%ld errno=%%s\n", r, strerror(errno));
    return 0;
}
"""
C_CALLS = {
    "unshare": "unshare(CLONE_NEWUSER)",
    "unshare-mount": "unshare(CLONE_NEWNS)",
    "clone-newuser": "clone(child, stack + sizeof stack, CLONE_NEWUSER | SIGCHLD, 0)",
    "setns": "syscall(SYS_setns, 0, 0)",
    "mount": 'syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, 0)',
    "umount2": 'syscall(SYS_umount2, "/tmp", 0)',
    "pivot_root": 'syscall(SYS_pivot_root, "/tmp", "/tmp")',
    "chroot": 'syscall(SYS_chroot, "/tmp")',
    "ptrace": "syscall(SYS_ptrace, 0, 0, 0, 0)",
    "bpf": "syscall(SYS_bpf, 0, 0, 0)",
    "keyctl": "syscall(SYS_keyctl, 0, 0, 0, 0, 0)",
    "add_key": 'syscall(SYS_add_key, "user", "k", "v", 1, -2)',
    "request_key": 'syscall(SYS_request_key, "user", "k", 0, 0)',
    "perf_event_open": "syscall(SYS_perf_event_open, 0, 0, -1, -1, 0)",
    "personality": "syscall(SYS_personality, 0x0040000)",  # ADDR_NO_RANDOMIZE
    "kexec_load": "syscall(SYS_kexec_load, 0, 0, 0, 0)",
    "kexec_file_load": "syscall(SYS_kexec_file_load, -1, -1, 0, 0, 0)",
    "userfaultfd": "syscall(SYS_userfaultfd, 0)",
    "process_vm_readv": "syscall(SYS_process_vm_readv, 1, 0, 0, 0, 0, 0)",
}


@pytest.mark.parametrize("call", sorted(C_CALLS))
async def test_c_calls_refused(judge, tmp_path, call: str) -> None:
    source = C_PROBE % C_CALLS[call]
    r = await judge(problem(tmp_path, {"secret/1": ("", "refused\n")}), source, "c")
    assert r.verdict == Verdict.AC, r


CPP_UNSHARE_CHROOT = r"""
#include <cerrno>
#include <iostream>
#include <sched.h>
#include <unistd.h>
int main() {
    // The issue's escape: a user namespace, then chroot inside it.
    if (unshare(CLONE_NEWUSER) == 0 && chroot("/tmp") == 0) { std::cout << "ESCAPED\n"; return 0; }
    std::cout << (errno == EPERM ? "refused" : "other") << "\n";
}
"""


async def test_cpp_user_namespace_then_chroot_refused(judge, tmp_path) -> None:
    p = problem(tmp_path, {"secret/1": ("", "refused\n")})
    r = await judge(p, CPP_UNSHARE_CHROOT, "cpp")
    assert r.verdict == Verdict.AC, r


PY_PROBE = r"""
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
libc.personality.argtypes = [ctypes.c_ulong]
def refused(result):
    return result == -1 and ctypes.get_errno() == errno.EPERM
checks = {
    "unshare": lambda: refused(libc.unshare(0x10000000)),
    "chroot": lambda: refused(libc.chroot(b"/tmp")),
    "mount": lambda: refused(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
    "setns": lambda: refused(libc.setns(0, 0)),
    "ptrace": lambda: refused(libc.ptrace(0, 0, None, None)),
    "personality": lambda: refused(libc.personality(0x0040000)),
}
bad = [name for name, check in checks.items() if not check()]
# Reading the persona is no change: not refused by the profile (gVisor itself may answer EINVAL).
if refused(libc.personality(0xFFFFFFFF)):
    bad.append("personality-query")
print("refused" if not bad else "ALLOWED-" + "-".join(bad))
"""


async def test_python_calls_refused(judge, tmp_path) -> None:
    r = await judge(problem(tmp_path, {"secret/1": ("", "refused\n")}), PY_PROBE, "python3")
    assert r.verdict == Verdict.AC, r


def test_the_time_budget_covers_every_test_at_its_cpu_limit_not_at_its_wall_limit() -> None:
    limits = ProcessLimits(
        cpu_time_ms=1000,
        wall_time_ms=wall_limit_ms(1000),
        memory_kib=1,
        output_kib=1,
        file_size_kib=1,
    )
    budget = time_budget_s(limits, 20, cap_s=300)
    assert 20 * 1.0 < budget < 20 * wall_limit_ms(1000) / 1000
    assert time_budget_s(limits, 1000, cap_s=300) == 300


# --- each judging slot on a core of its own ------------------------------------------------------


async def test_concurrent_judgings_are_pinned_to_different_cores(settings: Settings) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: nothing to pin apart")
    pinned = msgspec.structs.replace(settings, judge_cpus="auto")
    client = docker.from_env()
    pool = WarmPool(client, pinned, size=2, helper_size=0)
    await pool.start()
    try:
        async with pool.session() as first, pool.session() as second:
            cpusets = {
                client.api.inspect_container(s.container_id)["HostConfig"]["CpusetCpus"]
                for s in (first, second)
            }
        assert len(cpusets) == 2 and "" not in cpusets, cpusets
        # The next judging takes a core that is free again, not a busy one.
        async with pool.session() as third:
            info = client.api.inspect_container(third.container_id)
            assert info["HostConfig"]["CpusetCpus"] in cpusets
    finally:
        await pool.close()
        client.close()


def test_slots_cores_setting() -> None:
    assert judging_cores("", 2) == []
    assert judging_cores("2, 3", 2) == ["2", "3"]
    cores = len(os.sched_getaffinity(0))
    auto = judging_cores("auto", cores)
    assert sorted(int(core) for core in auto) == sorted(os.sched_getaffinity(0))
    assert judging_cores("auto", cores + 1) == []
    # Fewer slots than cores: the rest may be another worker's, so nothing is pinned (two
    # one-slot workers both on the first core would share it).
    if cores > 1:
        assert judging_cores("auto", cores - 1) == []
