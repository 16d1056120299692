"""Buying time with children nobody waits for, and carrying state from one test to the next.

Each probe is written so that a contained program earns the expected verdict and a breach shows
up as another one (AC where TLE is due, "FOUND ..." or "HACKED" instead of "ok").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import make_problem

from arena.protocol import Verdict

pytestmark = pytest.mark.sandbox


def problem(root: Path, tests: dict[str, tuple[str, str]]) -> Path:
    return make_problem(root, tests, "name: state\ntype: scoring\nlimits:\n  memory: 256\n")


# --- CPU time of the whole process tree ---------------------------------------------------------
# The parent forks a child that burns seconds of CPU, reads the child's answer from a pipe and
# exits without wait(): with a 1 s limit that is TLE, however little the parent itself used. The
# child counts its work, not its clock(): that is gVisor's count, which runs ahead of the CPU the
# judge charges (the host's) when the host is busy.

C_UNWAITED_CHILD = r"""
#include <stdio.h>
#include <unistd.h>
int main(void) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    if (fork() == 0) {
        volatile unsigned long long x = 1;
        for (unsigned long long i = 0; i < 3000000000ULL; i++) x = x * 6364136223846793005ULL + 1;
        write(fds[1], "ok\n", 3);
        _exit(0);
    }
    char answer[3];
    if (read(fds[0], answer, 3) != 3) return 1;
    fwrite(answer, 1, 3, stdout);
    return 0;
}
"""

CPP_UNWAITED_CHILD = r"""
#include <iostream>
#include <unistd.h>
int main() {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    if (fork() == 0) {
        volatile unsigned long long x = 1;
        for (unsigned long long i = 0; i < 3000000000ULL; i++) x = x * 6364136223846793005ULL + 1;
        write(fds[1], "ok\n", 3);
        _exit(0);
    }
    char answer[3];
    if (read(fds[0], answer, 3) != 3) return 1;
    std::cout.write(answer, 3);
    return 0;
}
"""

PY_UNWAITED_CHILD = """\
import os
r, w = os.pipe()
if os.fork() == 0:
    for _ in range(100_000_000):
        pass
    os.write(w, b'ok\\n')
    os._exit(0)
print(os.read(r, 3).decode(), end='')
"""


@pytest.mark.parametrize(
    ("lang", "source"),
    [("c", C_UNWAITED_CHILD), ("cpp", CPP_UNWAITED_CHILD), ("python3", PY_UNWAITED_CHILD)],
    ids=["c", "cpp", "python3"],
)
async def test_cpu_of_a_child_never_waited_for_is_charged(judge, tmp_path, lang, source) -> None:
    r = await judge(problem(tmp_path, {"secret/1": ("", "ok\n")}), source, lang)
    assert r.verdict == Verdict.TLE, r
    # Stopped at the CPU limit; or, on a host too busy to give the child that much CPU, at the
    # wall limit (2 s) with the child's CPU charged (a test run under load: 587 ms in 2 737 ms),
    # which the parent, blocked in read, would never be charged alone (~30-50 ms).
    test = r.tests[0]
    assert test.time_ms > 1000 or (test.wall_ms >= 2000 and test.time_ms > 300), r


# --- nothing of one test is visible in the next ------------------------------------------------
# Input "write" leaves files in every writable place; input "find" reports any it sees.

PY_LEFTOVERS = """\
import os
places = ['/tmp/marker', '/dev/shm/marker', 'marker', '/tmp/dir/marker']
if input() == 'write':
    os.makedirs('/tmp/dir', mode=0o700)
    for path in places:
        with open(path, 'w') as f:
            f.write('cached answer')
    print('ok')
else:
    found = [path for path in places if os.path.exists(path)]
    print('FOUND ' + ' '.join(found) if found else 'ok')
"""

C_LEFTOVERS = r"""
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    const char *places[] = {"/tmp/marker", "/dev/shm/marker", "marker", "/tmp/dir/marker"};
    char mode[16] = "";
    if (scanf("%15s", mode) != 1) return 1;
    int found = 0;
    if (strcmp(mode, "write") == 0) mkdir("/tmp/dir", 0700);
    for (int i = 0; i < 4; i++) {
        if (strcmp(mode, "write") == 0) {
            FILE *f = fopen(places[i], "w");
            if (!f) return 2;
            fputs("cached answer", f);
            fclose(f);
        } else if (access(places[i], F_OK) == 0) {
            printf("%s %s", found++ ? "" : "FOUND", places[i]);
        }
    }
    puts(found ? "" : "ok");
    return 0;
}
"""


@pytest.mark.parametrize(
    ("lang", "source"),
    [("python3", PY_LEFTOVERS), ("c", C_LEFTOVERS), ("cpp", C_LEFTOVERS)],
    ids=["python3", "c", "cpp"],
)
async def test_files_do_not_survive_into_the_next_test(judge, tmp_path, lang, source) -> None:
    tests = {"secret/1": ("write\n", "ok\n"), "secret/2": ("find\n", "ok\n")}
    r = await judge(problem(tmp_path, tests), source, lang)
    assert [t.verdict for t in r.tests] == [Verdict.AC, Verdict.AC], r


# Input "attack" tries to change the program itself (write, chmod, unlink, rename, replace);
# input "check" runs the program again: a changed program prints "HACKED".

PY_SELF_MODIFY = """\
import os, sys
path = os.path.abspath(sys.argv[0])
if input() == 'attack':
    for attempt in (
        lambda: open(path, 'a').write('\\nprint("HACKED")\\n'),
        lambda: os.chmod(path, 0o777),
        lambda: os.rename(path, path + '.old'),
        lambda: os.unlink(path),
    ):
        try:
            attempt()
        except OSError:
            pass
    try:
        with open(path, 'w') as f:
            f.write('print("HACKED")\\n')
    except OSError:
        pass
print('ok')
"""

C_SELF_MODIFY = r"""
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    char mode[16] = "";
    if (scanf("%15s", mode) != 1) return 1;
    if (strcmp(mode, "attack") == 0) {
        FILE *f = fopen("main", "r+b");
        if (f) { fputs("HACKED", f); fclose(f); }
        chmod("main", 0777);
        if (rename("main", "main.old") != 0) unlink("main");
        f = fopen("main", "w");
        if (f) { fputs("#!/bin/sh\necho HACKED\n", f); fclose(f); chmod("main", 0755); }
    }
    puts("ok");
    return 0;
}
"""


@pytest.mark.parametrize(
    ("lang", "source"),
    [("python3", PY_SELF_MODIFY), ("c", C_SELF_MODIFY), ("cpp", C_SELF_MODIFY)],
    ids=["python3", "c", "cpp"],
)
async def test_the_program_cannot_change_itself_for_the_next_test(
    judge, tmp_path, lang, source
) -> None:
    tests = {"secret/1": ("attack\n", "ok\n"), "secret/2": ("check\n", "ok\n")}
    r = await judge(problem(tmp_path, tests), source, lang)
    assert [t.verdict for t in r.tests] == [Verdict.AC, Verdict.AC], r
