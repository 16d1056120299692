"""Hostile submissions: each must be contained and end with the verdict it deserves.

Most probes are written so that the *expected answer* is what a contained program prints
("contained", "blocked", "denied ...", "ok"), and anything that escapes prints something else
("LEAK", "WROTE", "SURVIVORS" ...); a breach is then a WA whose message points at it.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
from support import make_problem

from arena.protocol import Verdict

pytestmark = pytest.mark.sandbox

# Far above any legitimate judging here (wall limit 3 s for a 1 s problem, plus container and
# compile time, on a host that may be busy with other tests): only a sandbox that fails to stop the
# program or hangs on clean-up takes this long. How fast each run was stopped is asserted on the
# runner's own wall_ms instead.
QUICK_S = 60.0
# Submissions with many processes (fork bombs, 60 orphans) slow everything in their sandbox down,
# the runner included (see test_fork_bomb); this bound only catches a judging that hangs.
MANY_PROCESSES_S = 120.0


def problem(
    root: Path, tests: dict[str, tuple[str, str]], memory_mib: int = 64, time_limit_s: float = 1.0
) -> Path:
    yaml = f"name: attack\nlimits:\n  memory: {memory_mib}\n  output: 1\n"
    return make_problem(root, tests, yaml, time_limit_s=time_limit_s)


ONE_TEST = {"secret/1": ("", "ok\n")}


async def timed(judge, problem_dir: Path, source: str, lang: str, limit_s: float = QUICK_S):
    start = time.monotonic()
    r = await judge(problem_dir, source, lang)
    elapsed = time.monotonic() - start
    assert elapsed < limit_s, f"judging took {elapsed:.1f} s: {r}"
    return r


# --- resource exhaustion -------------------------------------------------------------------------

C_FORK_BOMB = """\
#include <unistd.h>
int main(void) {
    for (;;) fork();
}
"""

PY_FORK_BOMB = """\
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""


@pytest.mark.parametrize(
    ("lang", "source"), [("c", C_FORK_BOMB), ("python3", PY_FORK_BOMB)], ids=["c", "python3"]
)
async def test_fork_bomb(judge, tmp_path, lang: str, source: str) -> None:
    # The memory limit is generous because the runner sums the RSS of every process of the user,
    # and 16 copies of one program (the process limit) share most of their pages: with a small
    # limit the bomb would be cut as MLE, which is not what this test is about.
    p = problem(tmp_path, ONE_TEST, memory_mib=1024)
    r = await timed(judge, p, source, lang, limit_s=MANY_PROCESSES_S)
    # Two verdicts are legitimate: the process limit makes fork() fail, after which every copy
    # spins until the CPU or wall limit stops the tree (TLE); or the tree is stopped for reaching
    # the process limit, the main process dying by SIGKILL (RTE). Never AC, never a JE.
    assert r.verdict in (Verdict.TLE, Verdict.RTE), r
    # Busy forking copies slow every gVisor kernel operation the runner's own checks need, so
    # the runner may answer late; the host then stops the run from outside, 5 s after the wall
    # limit (2 x 1 s CPU limit + 1 s = 3 s). Either way it ends within 3 + 5 s (+1 s slack).
    assert r.tests[0].wall_ms <= 3000 + 5000 + 1000, r


async def test_sandbox_still_works_after_fork_bomb(judge, tmp_path) -> None:
    """A fork bomb in one test must not starve the next test of the same submission."""
    tests = {"secret/1": ("bomb\n", "ok\n"), "secret/2": ("calm\n", "ok\n")}
    p = make_problem(
        tmp_path, tests, "name: bomb\ntype: scoring\nlimits:\n  memory: 1024\n", time_limit_s=1.0
    )
    source = (
        "import os\n"
        "if input() == 'bomb':\n"
        + "".join("    " + line + "\n" for line in PY_FORK_BOMB.splitlines())
        + "print('ok')\n"
    )
    r = await timed(judge, p, source, "python3", limit_s=MANY_PROCESSES_S)
    assert [t.verdict for t in r.tests][1:] == [Verdict.AC], r
    assert r.tests[0].verdict in (Verdict.TLE, Verdict.RTE), r
    # Nothing of the bomb is left to slow the second test down.
    assert r.tests[1].wall_ms < 1000, r


CPP_MEMORY_BOMB = """\
#include <cstdlib>
#include <cstring>
int main() {
    for (;;) {
        char* p = static_cast<char*>(std::malloc(1 << 20));
        std::memset(p, 1, 1 << 20);
    }
}
"""

PY_MEMORY_BOMB = """\
blocks = []
while True:
    blocks.append([0] * 100_000)
"""


@pytest.mark.parametrize(
    ("lang", "source"),
    [("cpp", CPP_MEMORY_BOMB), ("python3", PY_MEMORY_BOMB)],
    ids=["cpp", "python3"],
)
async def test_memory_bomb(judge, tmp_path, lang: str, source: str) -> None:
    r = await timed(judge, problem(tmp_path, ONE_TEST), source, lang)
    if lang == "cpp":
        # Native code meets RLIMIT_AS: malloc returns NULL and the bomb crashes on it (RTE, as
        # on Kattis), unless the memory sampling saw it over the limit first (MLE).
        assert r.verdict in (Verdict.MLE, Verdict.RTE), r
        return
    assert r.verdict == Verdict.MLE, r
    assert r.memory_kib >= 64 * 1024, r


PY_ENDLESS_OUTPUT = "while True:\n    print('x' * 1000)\n"

# Ignores every write error: only the output limit itself (SIGXFSZ or the runner) can stop it.
C_ENDLESS_OUTPUT = """\
#include <stdio.h>
#include <string.h>
int main(void) {
    static char line[1001];
    memset(line, 'x', 1000);
    line[1000] = '\\n';
    for (;;) fwrite(line, 1, sizeof line, stdout);
}
"""


@pytest.mark.parametrize(
    ("lang", "source"),
    [
        pytest.param("python3", PY_ENDLESS_OUTPUT, id="python3"),
        pytest.param("c", C_ENDLESS_OUTPUT, id="c"),
    ],
)
async def test_endless_output(judge, tmp_path, lang: str, source: str) -> None:
    r = await timed(judge, problem(tmp_path, ONE_TEST), source, lang)
    assert r.verdict == Verdict.OLE, r


@pytest.mark.parametrize(
    ("lang", "source"),
    [
        pytest.param("python3", "import time\ntime.sleep(100)\nprint('ok')\n", id="python3"),
        pytest.param(
            "c",
            '#include <stdio.h>\n#include <unistd.h>\nint main(void) { sleep(100); puts("ok"); }\n',
            id="c",
        ),
    ],
)
async def test_sleeping_hits_the_wall_limit(judge, tmp_path, lang: str, source: str) -> None:
    r = await timed(judge, problem(tmp_path, ONE_TEST), source, lang)
    assert r.verdict == Verdict.TLE, r
    # Stopped by the wall limit (CPU limit + 1 s here), not after the full 100 s sleep, and having
    # used almost no CPU: the wall limit is what caught it.
    assert 1900 <= r.tests[0].wall_ms < 10_000, r
    assert r.time_ms < 500, r


# --- escaping the container ----------------------------------------------------------------------


@pytest.fixture
def host_secret():
    """A file on the host that no submission may ever see."""
    token = secrets.token_hex(16)
    path = Path(f"/tmp/arena-secret-{secrets.token_hex(8)}")
    path.write_text(f"{token}\n")
    path.chmod(0o644)  # world-readable on the host: only the container boundary protects it
    try:
        yield path, token
    finally:
        path.unlink()


PY_READ_FILES = """\
import os
paths = {paths!r}
leaks = []
for path in paths:
    try:
        with open(path, 'rb') as f:
            data = f.read(4096)
    except OSError:
        continue
    leaks.append(f'{{path}}={{data[:60]!r}}')
for path in ('/var/run/docker.sock', '/run/docker.sock'):
    if os.path.exists(path):
        leaks.append(path)
print('contained' if not leaks else 'LEAK ' + ' '.join(leaks))
"""


async def test_host_files_are_invisible(judge, tmp_path, host_secret) -> None:
    secret_path, token = host_secret
    paths = [
        str(secret_path),
        f"/proc/1/root{secret_path}",
        f"/proc/self/root{secret_path}",
        "/etc/shadow",
        "/etc/gshadow",
        "/root/.bash_history",
        "/root/.docker/config.json",
        "/proc/1/mem",
        "/proc/1/fd/0",  # the runner's end of the host conversation
        "/work/io/input",  # the runner's own copy of the test input
        "/work/io/stdout",
    ]
    source = PY_READ_FILES.format(paths=paths)
    r = await timed(judge, problem(tmp_path, {"secret/1": ("", "contained\n")}), source, "python3")
    assert r.verdict == Verdict.AC, r
    assert token not in r.message


async def test_host_files_are_invisible_to_the_compiler(judge, tmp_path, host_secret) -> None:
    secret_path, token = host_secret
    source = f'#include "{secret_path}"\nint main() {{ return 0; }}\n'
    r = await timed(judge, problem(tmp_path, ONE_TEST), source, "cpp")
    assert r.verdict == Verdict.CE, r
    assert "No such file" in r.compile_output, r
    assert token not in r.compile_output

    r = await timed(
        judge, problem(tmp_path, ONE_TEST), source.replace(str(secret_path), "/etc/shadow"), "cpp"
    )
    assert r.verdict == Verdict.CE, r
    assert "Permission denied" in r.compile_output, r


PY_RUNNER_ENVIRON = """\
try:
    with open('/proc/1/environ', 'rb') as f:
        names = sorted(v.split(b'=', 1)[0].decode() for v in f.read().split(b'\\0') if v)
except OSError:
    names = None
# Docker gives every container PATH, HOSTNAME and HOME; anything more would be configuration
# leaking.
extra = sorted(set(names or ()) - {'PATH', 'HOSTNAME', 'HOME'})
print('ok' if not extra else 'EXPOSED ' + ' '.join(extra))
"""


async def test_runner_environment_exposes_nothing(judge, tmp_path) -> None:
    # On Linux /proc/1/environ of a root process is unreadable for uid 1000. gVisor (this host's
    # runsc 20221219) serves it, and /proc/1/maps, auxv and fdinfo, world-readable, and
    # PR_SET_DUMPABLE does not change that. So the runner's environment must hold no secrets:
    # only Docker's PATH, HOSTNAME and HOME are tolerated.
    r = await timed(judge, problem(tmp_path, ONE_TEST), PY_RUNNER_ENVIRON, "python3")
    assert r.verdict == Verdict.AC, r


PY_NETWORK = """\
import socket
for port in (5432, 6379, 80):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=1).close()
        print(port, 'open')
    except OSError:
        print(port, 'blocked')
for path in ('/var/run/docker.sock', '/run/docker.sock'):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        print('docker open')
    except OSError:
        print('docker blocked')
    finally:
        s.close()
print('interfaces', *sorted(name for _, name in socket.if_nameindex()))
"""


async def test_network_is_blocked(judge, tmp_path) -> None:
    expected = (
        "5432 blocked\n6379 blocked\n80 blocked\ndocker blocked\ndocker blocked\ninterfaces lo\n"
    )
    p = problem(tmp_path, {"secret/1": ("", expected)})
    r = await timed(judge, p, PY_NETWORK, "python3")
    assert r.verdict == Verdict.AC, r


PY_WRITES = """\
import os
targets = [
    '/arena-x', '/etc/arena-x', '/usr/arena-x', '/usr/bin/arena-x', '/opt/arena/arena-x',
    '/work/arena-x', '/work/io/arena-x', '/root/arena-x', '/var/arena-x',
]
for path in targets:
    try:
        with open(path, 'w') as f:
            f.write('x')
        print('WROTE', path)
    except OSError:
        print('denied', path)
# Existing files: opened for writing without writing a byte, so a breach changes nothing.
for path in ('/opt/arena/runner.py', '/etc/passwd', '/usr/bin/python3', '/work/io/stdout',
             '/sys/fs/cgroup/memory/memory.limit_in_bytes', '/proc/sys/kernel/hostname'):
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        print('WRITABLE', path)
    except OSError:
        print('denied', path)
for path in ('/opt/arena/runner.py', '/work/io'):
    try:
        os.rename(path, path + '.moved')
        print('MOVED', path)
    except OSError:
        print('denied', path)
# The places a program may write, so the probe itself is known to work.
for path in ('/work/box/scratch', '/tmp/scratch'):
    with open(path, 'w') as f:
        f.write('x')
    print('ok', path)
"""


async def test_writes_outside_the_box_fail(judge, tmp_path) -> None:
    expected = "".join(
        f"denied {path}\n"
        for path in (
            "/arena-x",
            "/etc/arena-x",
            "/usr/arena-x",
            "/usr/bin/arena-x",
            "/opt/arena/arena-x",
            "/work/arena-x",
            "/work/io/arena-x",
            "/root/arena-x",
            "/var/arena-x",
            "/opt/arena/runner.py",
            "/etc/passwd",
            "/usr/bin/python3",
            "/work/io/stdout",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/proc/sys/kernel/hostname",
            "/opt/arena/runner.py",
            "/work/io",
        )
    )
    expected += "ok /work/box/scratch\nok /tmp/scratch\n"
    p = problem(tmp_path, {"secret/1": ("", expected)})
    r = await timed(judge, p, PY_WRITES, "python3")
    assert r.verdict == Verdict.AC, r


PY_IDENTITY = """\
import os
fields = {}
with open('/proc/self/status') as f:
    for line in f:
        key, _, value = line.partition(':')
        fields[key] = value.split()
print('uid', *fields['Uid'])
print('gid', *fields['Gid'])
print('groups', *fields['Groups'], '-')
for cap in ('CapInh', 'CapPrm', 'CapEff', 'CapAmb'):
    print(cap, int(fields.get(cap, ['0'])[0], 16))
try:
    os.setuid(0)
    print('setuid(0) worked')
except PermissionError:
    print('setuid denied')
print('fds', *sorted(int(fd) for fd in os.listdir('/proc/self/fd') if int(fd) > 2))
"""


async def test_user_code_is_unprivileged(judge, tmp_path) -> None:
    # Only fd 3 may show up beyond stdio: it is the one listdir('/proc/self/fd') itself opens.
    expected = (
        "uid 1000 1000 1000 1000\n"
        "gid 1000 1000 1000 1000\n"
        "groups -\n"
        "CapInh 0\nCapPrm 0\nCapEff 0\nCapAmb 0\n"
        "setuid denied\n"
        "fds 3\n"
    )
    p = problem(tmp_path, {"secret/1": ("", expected)})
    r = await timed(judge, p, PY_IDENTITY, "python3")
    assert r.verdict == Verdict.AC, r


# --- leaking state between runs ------------------------------------------------------------------

LEFTOVERS = ("/tmp/arena-leftover", "/dev/shm/arena-leftover", "/work/box/arena-leftover")

PY_LEAVE_FILES = f"""\
for path in {LEFTOVERS!r}:
    with open(path, 'w') as f:
        f.write('left behind')
print('ok')
"""

PY_FIND_FILES = f"""\
import os
found = [path for path in {LEFTOVERS!r} if os.path.exists(path)]
print('FOUND', *found) if found else print('absent')
"""


async def test_files_do_not_survive_into_the_next_submission(judge, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await timed(judge, problem(tmp_path / "a", ONE_TEST), PY_LEAVE_FILES, "python3")
    assert first.verdict == Verdict.AC, first
    second = await timed(
        judge, problem(tmp_path / "b", {"secret/1": ("", "absent\n")}), PY_FIND_FILES, "python3"
    )
    assert second.verdict == Verdict.AC, second


PY_ORPHAN = """\
import os, time
if input() == 'spawn':
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            # The grandchild outlives everyone: late output, then a busy loop.
            time.sleep(0.3)
            os.write(1, b'LEAKED\\n')
            while True:
                pass
        os._exit(0)
    os.waitpid(child, 0)
print('ok')
"""


async def test_orphan_does_not_affect_the_verdict(judge, tmp_path) -> None:
    tests = {"secret/1": ("spawn\n", "ok\n"), "secret/2": ("calm\n", "ok\n")}
    r = await timed(judge, problem(tmp_path, tests), PY_ORPHAN, "python3")
    # AC: the late "LEAKED" never reached the output of either test.
    assert r.verdict == Verdict.AC, r
    # The orphan was neither waited for nor charged: the first test ended with its parent, and
    # the busy loop did not eat the second test's CPU.
    assert r.tests[0].wall_ms < 1000, r
    assert r.tests[1].wall_ms < 1000, r


# Spawns 60 detached, sleeping grandchildren (input "spawn"), or lists every process of uid 1000
# other than itself (input "check").
C_ORPHANS = r"""
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    char mode[16] = "";
    if (scanf("%15s", mode) != 1) return 1;
    if (strcmp(mode, "spawn") == 0) {
        pid_t child = fork();
        if (child == 0) {
            setsid();
            for (int i = 0; i < 60; i++)
                if (fork() == 0) { pause(); _exit(0); }
            _exit(0);
        }
        waitpid(child, NULL, 0);
        puts("ok");
        return 0;
    }
    char me[32], path[300], line[256];
    int others = 0, zombies = 0;
    snprintf(me, sizeof me, "%d", (int)getpid());
    DIR *proc = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || strcmp(e->d_name, me) == 0) continue;
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        char state[64] = "?";
        int uid = -1;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "State:", 6) == 0) sscanf(line + 6, "%63s", state);
            if (strncmp(line, "Uid:", 4) == 0) uid = atoi(line + 4);
        }
        fclose(f);
        if (uid == 1000) { others++; zombies += state[0] == 'Z'; }
    }
    if (others) printf("SURVIVORS %d zombies %d\n", others, zombies);
    else puts("ok");
    return 0;
}
"""


async def test_no_process_survives_into_the_next_test(judge, tmp_path) -> None:
    # Killing 60 orphans is not instantaneous; the runner must wait for all of them (and reap
    # them: a zombie still counts against the user's process limit) before the next test.
    # Several rounds, because whether a zombie is left over depends on timing.
    tests = {}
    for round_ in range(6):
        tests[f"secret/{round_}a"] = ("spawn\n", "ok\n")
        tests[f"secret/{round_}b"] = ("check\n", "ok\n")
    # 61 small processes: the runner sums their RSS, shared libc pages included, and their CPU
    # time, which for 60 forks under gVisor can pass a second.
    p = problem(tmp_path, tests, memory_mib=512, time_limit_s=5.0)
    r = await timed(judge, p, C_ORPHANS, "c", limit_s=MANY_PROCESSES_S)
    # Without waiting, about a third of the rounds leave zombies ("SURVIVORS n zombies n").
    assert r.verdict == Verdict.AC, r


PY_ATTACK_RUNNER = """\
import os, signal
for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
    try:
        os.kill(1, sig)
        print(sig.name, 'delivered')
    except PermissionError:
        print(sig.name, 'EPERM')
for path in ('/proc/1/fd/1', '/proc/1/fd/0'):
    try:
        os.close(os.open(path, os.O_WRONLY))
        print('OPENED', path)
    except OSError:
        print('denied', path)
"""


async def test_the_runner_cannot_be_killed(judge, tmp_path) -> None:
    expected = (
        "SIGKILL EPERM\nSIGTERM EPERM\nSIGSTOP EPERM\ndenied /proc/1/fd/1\ndenied /proc/1/fd/0\n"
    )
    tests = {"secret/1": ("", expected), "secret/2": ("", expected)}
    r = await timed(judge, problem(tmp_path, tests), PY_ATTACK_RUNNER, "python3")
    # Both tests ran: the runner was still there to serve the second one.
    assert r.verdict == Verdict.AC, r
    assert len(r.tests) == 2


# --- and afterwards -----------------------------------------------------------------------------


async def test_zz_normal_submission_after_attacks(judge, tmp_path) -> None:
    """Runs last in this module (pytest keeps file order): the pool survived everything above."""
    p = make_problem(tmp_path, {"sample/1": ("1 2\n", "3\n"), "secret/1": ("5 6\n", "11\n")})
    r = await timed(judge, p, "a, b = map(int, input().split())\nprint(a + b)\n", "python3")
    assert r.verdict == Verdict.AC, r
