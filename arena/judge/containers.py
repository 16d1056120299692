"""Sandbox containers through the Docker Engine API: the gVisor check, the locked-down container
a runner lives in, and the removal of containers whose owning process died."""

from __future__ import annotations

import os
import socket
from typing import Any

import docker
import docker.errors
from docker.types import LogConfig

from arena.judge import seccomp
from arena.judge.sandbox_errors import UnsafeRuntimeError
from arena.settings import Settings

SANDBOX_LABEL = "arena.sandbox"
OWNER_LABEL = "arena.owner"
RUNNER_PATH = "/opt/arena/runner.py"


def docker_client(settings: Settings) -> docker.DockerClient:
    if settings.docker_url:
        client = docker.DockerClient(base_url=settings.docker_url, timeout=120)
    else:
        client = docker.from_env(timeout=120)
    # requests would read the proxy variables on every API call, iterating os.environ from the
    # pool's threads: a variable removed meanwhile raised KeyError there (pytest's, in a test
    # run). The Docker API needs no proxy; TLS comes from the client's own settings.
    client.api.trust_env = False
    return client


def check_runtime(settings: Settings) -> None:
    """Refuse to run untrusted code outside gVisor unless explicitly, loudly allowed."""
    # Named variants of gVisor ("runsc-debug", another flag set) are gVisor too.
    gvisor = settings.sandbox_runtime.startswith("runsc")
    if not gvisor and not settings.unsafe_allow_runc_for_untrusted_code:
        raise UnsafeRuntimeError(
            f"sandbox runtime {settings.sandbox_runtime!r} is not gVisor (runsc); set "
            "ARENA_UNSAFE_ALLOW_RUNC_FOR_UNTRUSTED_CODE=true to run untrusted code without it"
        )


def _process_start_ticks(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:  # noqa: PTH123 - a /proc read, not a path op
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return "?"


def owner_tag() -> str:
    """Identifies this process across pid reuse: host, pid and the process's start time."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start_ticks(pid)}"


def _owner_alive(tag: str) -> bool:
    host, _, rest = tag.partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname():
        return True  # another host's containers are that host's business
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return _process_start_ticks(pid) == start


def remove_orphans(client: docker.DockerClient) -> int:
    """Remove sandbox containers whose owning process is gone (it crashed or was killed).

    Reads the plain list (labels included) rather than inspecting each container: several workers
    may start at once and remove the same orphans, so a container can vanish at any moment.
    """
    removed = 0
    for entry in client.api.containers(all=True, filters={"label": SANDBOX_LABEL}):
        if _owner_alive((entry.get("Labels") or {}).get(OWNER_LABEL, "")):
            continue
        try:
            client.api.remove_container(entry["Id"], force=True)
            removed += 1
        except docker.errors.APIError:  # gone already, or being removed by another process
            continue
    return removed


def create_container(
    client: docker.DockerClient,
    settings: Settings,
    cpuset: str | None = None,
    command: list[str] | None = None,
) -> Any:
    """Create and start one locked-down sandbox container, its runner waiting on stdin; with
    ``cpuset``, pinned to those cores (a judging slot's own core); ``command`` replaces the runner
    as PID 1 in the same locked-down container (bench/judge_floor.py's probe)."""
    check_runtime(settings)
    total_mib = settings.sandbox_memory_mib + settings.sandbox_work_mib + settings.sandbox_tmp_mib
    total_mib += settings.sandbox_overhead_mib
    container = client.containers.create(
        settings.sandbox_image,
        command=command or ["python3", "-I", "-S", RUNNER_PATH],
        runtime=settings.sandbox_runtime,
        network_mode="none",
        network_disabled=True,
        read_only=True,
        tmpfs={
            "/work": f"size={settings.sandbox_work_mib}m,mode=755,exec,nosuid,nodev",
            "/tmp": f"size={settings.sandbox_tmp_mib}m,mode=1777,noexec,nosuid,nodev",
        },
        mem_limit=f"{total_mib}m",
        memswap_limit=f"{total_mib}m",
        pids_limit=settings.sandbox_pids,
        nano_cpus=int(settings.sandbox_cpus * 1e9),
        cpuset_cpus=cpuset,
        # The runner keeps only what it needs to drop to the unprivileged uid for user code.
        cap_drop=["ALL"],
        cap_add=["SETUID", "SETGID"],
        # Enforced inside gVisor by runsc --oci-seccomp (scripts/setup.sh configures it).
        security_opt=["no-new-privileges", seccomp.security_opt()],
        # stdout is the runner's channel (test outputs, validator builds): never kept on disk.
        log_config=LogConfig(type=LogConfig.types.NONE),
        user="0:0",
        working_dir="/work",
        stdin_open=True,
        tty=False,
        detach=True,
        labels={SANDBOX_LABEL: "1", OWNER_LABEL: owner_tag()},
    )
    try:
        container.start()
    except Exception:
        container.remove(force=True)
        raise
    return container
