"""How the runner starts user processes and measures them. Part of ``runner.py``.

``python3`` commands are forked from the warm interpreter of ``zygote.py``; anything else is
started through the C launcher. Either way the new process joins the run's cgroup before it drops
its privileges, so the cgroup's CPU counter charges the whole process tree, children that nobody
waited for included.
"""

import json
import os
import resource
import select
import signal
import socket

USER_ID = 1000
BOX_DIR = "/work/box"
LAUNCHER = "/opt/arena/launch"
ZYGOTE = "/opt/arena/zygote.py"
CGROUP = "/sys/fs/cgroup/cpuacct/arena"
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# gVisor maps a process's stack whole at exec (at most 128 MiB): the zygote's children keep its
# stack, so it starts with the largest one a launched program could get.
ZYGOTE_STACK_BYTES = 128 << 20
USER_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "LANG": "C.UTF-8"}
SIGNALS_RESET = (signal.SIGPIPE, signal.SIGXFSZ)  # Python ignores both; user code must not


def read_fd(fd):
    try:
        return os.pread(fd, 1 << 16, 0)
    except OSError:
        return b""


class Cgroup:
    """The cpuacct cgroup every process of a run joins: CPU of the whole tree, and its members."""

    def __init__(self):
        try:
            os.makedirs(CGROUP, exist_ok=True)
            self.usage = os.open(f"{CGROUP}/cpuacct.usage", os.O_RDONLY)
            self.procs = os.open(f"{CGROUP}/cgroup.procs", os.O_RDONLY)
            self.join = [f"{CGROUP}/cgroup.procs"]
        except OSError:  # no cgroupfs: the main process's own figures only
            self.usage = self.procs = None
            self.join = []

    def cpu_ms(self):
        return int(read_fd(self.usage) or 0) // 1_000_000 if self.usage is not None else 0

    def pids(self):
        return [int(p) for p in read_fd(self.procs).split()] if self.procs is not None else []


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def proc_cpu_ms(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return sum(int(x) for x in fields[11:15]) * 1000 // CLOCK_TICKS


def without_env(argv):
    """``env NAME=VALUE... PROGRAM ARGS`` as (those variables, ``PROGRAM ARGS``): the launcher
    passes them on itself, which spares gVisor an exec of env on every run."""
    extra, rest = {}, list(argv[1:])
    if not argv or argv[0] not in ("env", "/usr/bin/env"):
        return {}, argv
    while rest and "=" in rest[0] and not rest[0].startswith(("-", "=")):
        name, _, value = rest.pop(0).partition("=")
        extra[name] = value
    if not rest or rest[0].startswith("-"):
        return {}, argv  # options of env itself: left to env
    return extra, rest


class Launched:
    """A program started through the launcher; the runner is its parent."""

    def __init__(self, argv, limits, fds, wakeup_fd, cgroup):
        extra_env, argv = without_env(argv)
        actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(fds)]
        args = ["run", *(str(limits[k]) for k in ("cpu_s", "fsize", "nproc", "stack",
                                                   "address_space")),
                str(USER_ID), BOX_DIR, cgroup.join[0] if cgroup.join else "-", "--", *argv]
        env = {**USER_ENV, **extra_env}
        self.pid = os.posix_spawn(LAUNCHER, [LAUNCHER, *args], env, file_actions=actions,
                                  setsid=True, setsigdef=SIGNALS_RESET)
        self.fd = wakeup_fd

    def poll(self, block=False):
        while True:
            try:
                os.read(self.fd, 4096)  # drain SIGCHLD wake-ups
            except BlockingIOError:
                break
        pid, status, usage = os.wait4(self.pid, 0 if block else os.WNOHANG)
        if not pid:
            return None
        return status, int((usage.ru_utime + usage.ru_stime) * 1000), usage.ru_maxrss


class Zygote:
    """The warm Python interpreter of ``zygote.py``, forking one child per ``python3`` run."""

    def __init__(self):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        null = os.open(os.devnull, os.O_RDWR)
        actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                   (os.POSIX_SPAWN_DUP2, theirs.fileno(), 3)]
        saved = resource.getrlimit(resource.RLIMIT_STACK)
        try:
            resource.setrlimit(resource.RLIMIT_STACK, (ZYGOTE_STACK_BYTES, saved[1]))
        except (ValueError, OSError):
            pass
        self.pid = os.posix_spawn("/usr/bin/python3", ["python3", ZYGOTE], USER_ENV,
                                  file_actions=actions, setsigdef=SIGNALS_RESET)
        resource.setrlimit(resource.RLIMIT_STACK, saved)
        os.close(null)
        theirs.close()
        self.fd = self.sock.fileno()
        self.alive = True

    @staticmethod
    def serves(argv):
        return (len(argv) >= 2 and argv[0] in ("python3", "/usr/bin/python3")
                and (not argv[1].startswith("-") or argv[1] == "-m" and len(argv) >= 3))

    def start(self, argv, limits, fds, cgroup):
        request = {"argv": argv, "limits": limits, "uid": USER_ID, "cwd": BOX_DIR,
                   "cgroups": cgroup.join}
        socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
        self.sock.settimeout(10)
        try:
            self.pid_of_run = json.loads(self.sock.recv(4096))["pid"]
        finally:
            self.sock.settimeout(None)
        return self

    def poll(self, block=False):
        if not block and not select.select([self.sock], [], [], 0)[0]:
            return None
        message = self.sock.recv(4096)
        if not message:
            raise OSError("the zygote ended")
        reply = json.loads(message)
        return reply["status"], reply["cpu_ms"], reply["maxrss_kib"]
