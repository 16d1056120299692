"""The runner's hold on user processes and user files between runs. Part of ``runner.py``.

Every user process runs as one unprivileged uid. The runner is root without CAP_KILL or
CAP_DAC_OVERRIDE, so it acts on them by taking that uid for a moment, keeping 0 as its saved uid
to return. Meanwhile a user process could signal it: as PID 1 it gets only the signals it handles
(SIGCHLD, harmless; SIGINT is ignored), and tracing it needs the saved uid too.
"""

import os
import shutil
import signal
import time

USER_ID = 1000
WORK_DIR = "/work"
BOX_DIR = "/work/box"  # the user's cwd: the sealed program and anything the run writes
# Writable for the user besides the box: emptied before every run.
SCRATCH_DIRS = ("/tmp", "/dev/shm")


def as_user(uid, function, *args, **kwargs):
    # The real uid too: kill() permits a signal when the sender's real uid matches the target's,
    # and a real uid of 0 would reach the root zygote. The saved uid (0) is the way back.
    os.setresgid(uid, uid, 0)
    os.setresuid(uid, uid, 0)
    try:
        return function(*args, **kwargs)
    finally:
        os.setresuid(0, 0, 0)
        os.setresgid(0, 0, 0)


def _kill_all():
    try:
        # As the user, -1 means every process the user may signal: all of its processes, orphans
        # and escaped sessions included, never the runner (PID 1) or the root zygote.
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


def kill_user_processes(uid):
    as_user(uid, _kill_all)


def reap():
    """Reap orphans (the runner is init); the CPU time of those reaped, in ms."""
    cpu_ms = 0
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return cpu_ms
        if pid == 0:
            return cpu_ms
        cpu_ms += int((usage.ru_utime + usage.ru_stime) * 1000)


def _owner(pid):
    """The uid of a process (None once it is gone). The zygote's spare children are root's
    until their run: not the user's to clear."""
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def clear_user_processes(uid, own_pids, patience_s=5.0):
    """Kill and reap every process but ``own_pids``, so that nothing of one run is alive (or a
    zombie counted against the process limit) when the next starts. Returns how many were
    found and the CPU time of those reaped here."""
    deadline = time.monotonic() + patience_s
    found, cpu_ms = 0, 0
    while True:
        cpu_ms += reap()
        others = [e for e in os.listdir("/proc")
                  if e.isdigit() and int(e) not in own_pids and _owner(e) == uid]
        if not others or time.monotonic() > deadline:
            return found, cpu_ms
        found = max(found, len(others))
        kill_user_processes(uid)
        time.sleep(0.001)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def _empty(directory, keep=()):
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name not in keep:
            _remove(os.path.join(directory, name))


def sweep(uid, box, sealed):
    """Before a run: only the sealed program is left in the box, and the scratch dirs are empty.
    Done as the user, who owns every file there but the program's."""

    def clean():
        for directory in SCRATCH_DIRS:
            _empty(directory)
        if sealed is not None:
            _empty(box, sealed)

    as_user(uid, clean)


def regular_files(root, limit=None):
    """(relative path, data, executable) of every regular file under ``root``, in order; symbolic
    links are never followed. ``limit`` caps the bytes read of each file (one more than wanted
    tells a cut file apart)."""
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue  # a symbolic link or a vanished file
            with os.fdopen(fd, "rb") as f:
                mode = os.fstat(f.fileno()).st_mode
                if mode & 0o170000 == 0o100000:
                    data = f.read() if limit is None else f.read(limit() + 1)
                    yield os.path.relpath(path, root), data, bool(mode & 0o100)


def _collect(box):
    files = list(regular_files(box))
    _empty(box)
    return files


def seal(uid, box):
    """After a compile: rewrite what the compiler left in the box as root-owned, read-only files
    in the sticky box, so that no run can change the program for the next one. Returns the
    names at the top of the box that belong to the program."""
    files = as_user(uid, _collect, box)
    _empty(box)  # what the user could not remove (nothing, normally)
    for name, data, executable in files:
        path = os.path.join(box, name)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, 0o755 if executable else 0o644)
    os.chmod(box, 0o1777)
    return set(os.listdir(box))


def relative_parts(relative):
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"bad relative path {relative!r}")
    return parts


def work_path(relative):
    """``/work/<relative>`` for a host-given relative path; never the io dir, never outside."""
    parts = relative_parts(relative)
    if parts[0] == "io":
        raise ValueError(f"bad path {relative!r}")
    return os.path.join(WORK_DIR, *parts)


def put_files(header, payload):
    """Replace ``/work/<dir>`` with the files of the request; returns the reply and, for the
    box, the names now sealed in it (None otherwise)."""
    target = work_path(header["dir"])
    as_user(USER_ID, shutil.rmtree, target, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target, exist_ok=True)
    # The box stays writable (sticky: the program's own files are not the user's to remove),
    # unless it holds a validator, which may write its feedback directory and /tmp only.
    writable = target == BOX_DIR and not header.get("read_only", False)
    os.chmod(target, 0o1777 if writable else 0o755)
    offset = 0
    for entry in header["files"]:
        path = os.path.join(target, *relative_parts(entry["name"]))
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(payload[offset:offset + entry["size"]])
        offset += entry["size"]
        os.chmod(path, 0o755 if entry.get("executable") else 0o644)
    for name in header.get("writable_dirs", []):
        path = os.path.join(target, *relative_parts(name))
        os.makedirs(path, exist_ok=True)
        os.chmod(path, 0o777)
    sealed = set(os.listdir(BOX_DIR)) if target == BOX_DIR else None
    return {"kind": "files", "files": header["files"], "truncated": False}, sealed


def get_files(header):
    root = work_path(header["dir"])
    budget = [int(header["max_bytes"])]
    files, chunks, truncated = [], [], False
    for name, data, executable in regular_files(root, limit=lambda: budget[0]):
        truncated |= len(data) > budget[0]
        data = data[:budget[0]]
        budget[0] -= len(data)
        files.append({"name": name, "size": len(data), "executable": executable})
        chunks.append(data)
    return {"kind": "files", "files": files, "truncated": truncated}, b"".join(chunks)
