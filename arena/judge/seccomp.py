"""The seccomp profile of sandbox containers, enforced inside gVisor (runsc ``--oci-seccomp``).

gVisor already keeps these calls away from the host kernel; refusing them outright, as DMOJ and
isolate do, also keeps a submission from building namespaces, mounts or tracers inside the
sandbox: no judged program needs them. The runner's own calls (setuid, setgid, setgroups, prlimit,
kill, wait) stay allowed. Everything not listed is allowed: gVisor is the boundary, the profile
only narrows what a submission may do inside it.
"""

from __future__ import annotations

import errno
import json
from typing import Any

REFUSED = (
    # Namespaces and filesystem views.
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "open_by_handle_at",
    "name_to_handle_at",
    # Tracing and other processes' memory.
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "perf_event_open",
    "bpf",
    "userfaultfd",
    # Kernel keyrings.
    "keyctl",
    "add_key",
    "request_key",
    # The machine itself.
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "vhangup",
)
# clone() flags that make a new namespace: clone() refuses them like unshare(). clone3() passes its
# flags in memory, out of a filter's reach, and cannot be refused as a whole: glibc falls back to
# clone() only on ENOSYS, and runsc answers every refusal with EPERM (it ignores errnoRet), so
# posix_spawn and pthread_create would fail. A namespace made by clone3() is useless anyway: mount,
# umount2, pivot_root, chroot and setns stay refused inside it.
CLONE_NAMESPACE_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)
# personality(0xffffffff) only reads the persona; anything else would change it.
PERSONALITY_QUERY = 0xFFFFFFFF


def _refuse(names: list[str], args: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    # EPERM: what runsc answers anyway (see above); runc honours errnoRet too.
    rule: dict[str, Any] = {"names": names, "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM}
    if args:
        rule["args"] = args
    return rule


def profile() -> dict[str, Any]:
    """The profile in Docker's format (``security_opt=["seccomp=<json>"]``)."""
    rules = [_refuse(list(REFUSED))]
    for flag in CLONE_NAMESPACE_FLAGS:
        rules.append(
            _refuse(
                ["clone"],
                [{"index": 0, "value": flag, "valueTwo": flag, "op": "SCMP_CMP_MASKED_EQ"}],
            )
        )
    rules.append(
        _refuse(["personality"], [{"index": 0, "value": PERSONALITY_QUERY, "op": "SCMP_CMP_NE"}])
    )
    return {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules}


def security_opt() -> str:
    return "seccomp=" + json.dumps(profile(), separators=(",", ":"))
