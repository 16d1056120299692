"""The process-start floor, measured from inside: run as PID 1 of a sandbox container
(``python3 -I -S``, standard library only) or as a plain host process, by bench/judge_floor.py.

Each phase repeats one unit of a judging's work N times: process starts (fork and exec of a static
binary, the same with vfork, a dynamic one, a fresh interpreter, a fork of a warm interpreter that
runs A+B the way sandbox/zygote.py does) and the C++ compile of A+B. The host says ``start`` once
it has attached, then ``go NAME`` per phase, and reads the host CPU of the container's cgroup
around each; this side answers ``done WALL_MS RUSAGE_MS`` (rusage as the kernel charges it:
inside gVisor, gVisor's own sampled accounting, which is why the host reads the cgroup too).

    python3 -I -S floor_probe.py WORKDIR N
"""

import os
import resource
import sys
import time

AB_PY = "a, b = map(int, input().split())\nprint(a + b)\n"
AB_CPP = (
    '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
)
TRUE_C = "int main(void) { return 0; }\n"
# The cpp row of sandbox/languages.toml.
CPP_FLAGS = ["-O2", "-std=gnu++20", "-pipe", "-fuse-ld=gold"]


def cpu_ms():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * 1000


def spawn_wait(argv, stdin_path=None, stdout_path=os.devnull):
    actions = [(os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_TRUNC, 0)]
    if stdin_path:
        actions.append((os.POSIX_SPAWN_OPEN, 0, stdin_path, os.O_RDONLY, 0))
    pid = os.posix_spawn(argv[0], argv, {"PATH": "/usr/bin:/bin"}, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed: {status}")


def fork_exec_wait(path):
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(path, [path])
        finally:
            os._exit(127)
    os.waitpid(pid, 0)


def zygote_run(code, stdin_path, stdout_path):
    """What a zygote child does: a fresh __main__ in a fork, its stdio the test's files."""
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(stdin_path, os.O_RDONLY), 0)
            os.dup2(os.open(stdout_path, os.O_WRONLY | os.O_TRUNC), 1)
            sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the child's own stdio
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
            sys.stdout.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def main():
    work, n = sys.argv[1], int(sys.argv[2])
    # Nothing is written before the host has attached (a container's stdout is not kept).
    sys.stdin.readline()
    path = {
        name: os.path.join(work, name)  # noqa: PTH118 - as the runner does, no pathlib
        for name in ("t.c", "true", "main.cpp", "main", "main.py", "in", "out")
    }
    for name, text in (
        ("t.c", TRUE_C),
        ("main.cpp", AB_CPP),
        ("main.py", AB_PY),
        ("in", "123456789 987654321\n"),
    ):
        with open(path[name], "w") as f:  # noqa: PTH123
            f.write(text)
    spawn_wait(["/usr/bin/gcc", "-O2", "-static", "-o", path["true"], path["t.c"]])
    code = compile(AB_PY, path["main.py"], "exec")
    python = "/usr/bin/python3"
    phases = {
        "1000 x getppid (a bare system call)": lambda: [os.getppid() for _ in range(1000)],
        "1000 x stat of a file in /usr": lambda: [os.stat(python) for _ in range(1000)],  # noqa: PTH116
        "fork+exec+wait, static true": lambda: fork_exec_wait(path["true"]),
        "vfork+exec+wait, static true": lambda: spawn_wait([path["true"]]),
        "vfork+exec+wait, dynamic /bin/true": lambda: spawn_wait(["/bin/true"]),
        "C++ A+B binary (dynamic, libstdc++)": lambda: spawn_wait([path["main"]], path["in"]),
        "python3 -I -S -c pass (fresh interpreter)": lambda: spawn_wait(
            [python, "-I", "-S", "-c", "pass"]
        ),
        "python3 main.py A+B (fresh interpreter)": lambda: spawn_wait(
            [python, path["main.py"]], path["in"]
        ),
        "A+B in a fork of a warm interpreter": lambda: zygote_run(code, path["in"], path["out"]),
        "g++ A+B (the cpp row's flags), 1 compile": lambda: spawn_wait(
            ["/usr/bin/g++", *CPP_FLAGS, "-o", path["main"], path["main.cpp"]]
        ),
    }
    print("ready", flush=True)
    for line in sys.stdin:
        name = line.strip().removeprefix("go ")
        if name == "exit":
            break
        repeat = 1 if name.endswith("1 compile") else n
        started_cpu, started = cpu_ms(), time.perf_counter()
        for _ in range(repeat):
            phases[name]()
        wall = (time.perf_counter() - started) * 1000
        print(f"done {wall:.2f} {cpu_ms() - started_cpu:.2f}", flush=True)


if __name__ == "__main__":
    main()
