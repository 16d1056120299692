"""Arena's Python fork server: an interpreter that has finished its start-up before the submission
arrives, and forks one fresh process per run of a ``python3`` command.

Started by the runner when the container starts, as root with only CAP_SETUID/CAP_SETGID (so the
unprivileged code it forks can neither signal nor trace it), with the environment a program gets.
It never runs user code itself and keeps nothing of a run: each request arrives on fd 3 (a
SOCK_SEQPACKET socket) as a JSON message with four descriptors (stdin, stdout, stderr, error
pipe); the zygote hands it to a child it forked before the request arrived (a fork of this
interpreter costs gVisor tens of milliseconds: done while the runner and the host finish the
previous run, and its copy-on-write work is never charged to a run), answers ``{"pid"}``, waits
for that child and answers ``{"status", "cpu_ms", "maxrss_kib"}``. A spare child holds nothing
of another run: it is forked from the zygote, never from another child, and serves one request.
The child joins the run's cgroup, applies the limits, drops to the unprivileged uid and runs the
program as ``python3 FILE ARGS`` or ``python3 -m MODULE ARGS`` would, in a new ``__main__``.
Start-up work done here is never charged to the program.
"""

import collections
import gc
import io
import json
import os
import resource
import select
import socket
import sys
import types

CONTROL_FD = 3
# Children forked ahead of their request: one, forked when a run ends, from the first request on
# (a container that never runs Python pays for no spare, and its boot, which overlaps the
# judging on the same core, stays as short).
SPARES = 1
LIMITS = {
    "cpu_s": resource.RLIMIT_CPU,
    "fsize": resource.RLIMIT_FSIZE,
    "nproc": resource.RLIMIT_NPROC,
    "stack": resource.RLIMIT_STACK,
    "address_space": resource.RLIMIT_AS,
}


def become_user(request, errfd):
    """Everything between the fork and user code; a failure is reported on ``errfd``."""
    os.setsid()
    for path in request["cgroups"]:
        with open(path, "w") as f:
            f.write(str(os.getpid()))
    for name, resource_id in LIMITS.items():
        value = int(request["limits"][name])
        if name == "address_space" and value == 0:
            continue
        hard = value + 1 if name == "cpu_s" else value
        resource.setrlimit(resource_id, (value, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    uid = int(request["uid"])
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.chdir(request["cwd"])


def fresh_stdio():
    """New std streams over fds 0-2, made as the interpreter makes them at start-up (the old
    objects were made for the zygote's /dev/null and cached its properties)."""
    encoding = sys.stdout.encoding

    def text(fd, mode, errors, line_buffering):
        binary = io.open(fd, mode, closefd=False)
        return io.TextIOWrapper(binary, encoding, errors, line_buffering=line_buffering)

    sys.stdin = sys.__stdin__ = text(0, "rb", "strict", False)
    sys.stdout = sys.__stdout__ = text(1, "wb", "strict", False)
    sys.stderr = sys.__stderr__ = text(2, "wb", "backslashreplace", True)


def run_program(argv):
    """``python3 FILE ARGS`` or ``python3 -m MODULE ARGS``, in a fresh ``__main__``."""
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    sys.orig_argv = list(argv)
    if argv[1] == "-m":
        import runpy

        sys.argv = ["-m", *argv[3:]]
        sys.path[0] = os.getcwd()
        runpy._run_module_as_main(argv[2])
        return
    path = os.path.abspath(argv[1])
    sys.argv = list(argv[1:])
    sys.path[0] = os.path.dirname(path)
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as exc:
        print(f"{argv[0]}: can't open file {path!r}: [Errno {exc.errno}] {exc.strerror}",
              file=sys.stderr)
        raise SystemExit(2) from None
    main.__dict__.update(__file__=path, __cached__=None, __builtins__=__builtins__)
    exec(compile(source, path, "exec"), main.__dict__)


def child(request, fds, own):
    stdin, stdout, stderr, errfd = fds
    try:
        become_user(request, errfd)
        for target, fd in enumerate((stdin, stdout, stderr)):
            os.dup2(fd, target)
        own.close()
        for fd in fds:
            if fd > 2 and fd != errfd:
                os.close(fd)
    except Exception as exc:  # noqa: BLE001 - reported to the runner as a start failure
        os.write(errfd, f"{type(exc).__name__}: {exc}".encode())
        os._exit(127)
    os.close(errfd)
    fresh_stdio()
    gc.enable()
    try:
        run_program(request["argv"])
        code = 0
    except SystemExit as exc:
        code = exit_code(exc)
    except BaseException as exc:  # noqa: BLE001 - printed as the interpreter would
        traceback = exc.__traceback__
        while traceback is not None and traceback.tb_frame.f_code.co_filename == __file__:
            traceback = traceback.tb_next
        exc.__traceback__ = traceback  # the hook prints the exception's own traceback
        sys.excepthook(type(exc), exc, traceback)
        code = 1
    os._exit(shutdown(code))


def exit_code(exc):
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def shutdown(code):
    """The part of the interpreter's exit a program can observe: non-daemon threads joined, atexit
    handlers run, output flushed. The rest (tearing every module down) would only write to the
    pages shared with the zygote, which gVisor copies one fault at a time."""
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - as at exit: a failed flush is an error exit
            code = code or 120
    return code


def spare(control, spares):
    """Fork a child that waits for its one request on a socket of its own."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        # Nothing that could reach the zygote or another spare stays open: user code in this
        # child must not be able to send a request (a uid, an argv) to a child still root.
        ours.close()
        control.close()
        for _, other in spares:
            other.close()
        message, fds, _, _ = socket.recv_fds(theirs, 1 << 16, 4)
        if not message:
            os._exit(0)
        child(json.loads(message), fds, theirs)  # never returns: ends in SystemExit
    theirs.close()
    spares.append((pid, ours))


def refill(control, spares):
    """Fork spares until there are enough, or until a request is waiting (it comes first)."""
    while len(spares) < SPARES:
        if spares and select.select([control], [], [], 0)[0]:
            return
        spare(control, spares)


def serve(control):
    # Collections in a child would write to every object shared with the zygote (copy-on-write
    # faults); the zygote's own objects are frozen out of them.
    gc.disable()
    gc.freeze()
    spares = collections.deque()
    served = False
    while True:
        if served:
            refill(control, spares)
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 4)
        if not message:
            return
        if not spares:
            spare(control, spares)
        pid, sock = spares.popleft()
        socket.send_fds(sock, [message], fds)
        sock.close()
        for fd in fds:
            os.close(fd)
        control.send(json.dumps({"pid": pid}).encode())
        _, status, usage = os.wait4(pid, 0)
        control.send(json.dumps({
            "status": status,
            "cpu_ms": int((usage.ru_utime + usage.ru_stime) * 1000),
            "maxrss_kib": usage.ru_maxrss,
        }).encode())
        served = True


if __name__ == "__main__":
    serve(socket.socket(fileno=CONTROL_FD))
