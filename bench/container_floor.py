"""The host CPU one fresh gVisor container costs, start to removal: the floor of judged/s.

Every submission gets its own container, so its create + start + removal bound the rate whatever
the judging costs. N containers are started and removed one after another, each as the warm pool
starts them (arena.judge.containers.create_container: runsc, the runner as PID 1, its zygote), and
for comparison with ``sleep`` as PID 1 (gVisor's own boot, no runner). The CPU is split by kind
of process (bench/host_cpu.py): the container's own cgroup (sentry, gofer, what runs inside) is
read just before removal; dockerd, containerd and the shim are sampled.

    .venv/bin/python bench/container_floor.py [--containers N]
"""

from __future__ import annotations

import argparse
import os
import time

import msgspec
from host_cpu import HostCpu

from arena.judge.containers import create_container, docker_client
from arena.judge.host_clock import container_cpu_ms
from arena.settings import Settings

SETTLE_S = 1.0  # the runner and its zygote finish starting before the CPU is read


def cycle(settings: Settings, count: int, sleep: bool, quiet: bool = False) -> float:
    """Prints the split; returns the host CPU ms per container, all kinds."""
    client = docker_client(settings)
    boot_ms: list[float] = []
    ids: set[str] = set()
    wall_ms = {"create + start": 0.0, "remove": 0.0}
    with HostCpu([]) as cpu:
        for _ in range(count):
            started = time.perf_counter()
            if sleep:
                container = client.containers.run(
                    settings.sandbox_image, ["sleep", "60"], runtime=settings.sandbox_runtime,
                    network_mode="none", detach=True, labels={"arena.bench": "floor"},
                )  # fmt: skip
            else:
                container = create_container(client, settings)
            wall_ms["create + start"] += (time.perf_counter() - started) * 1000
            ids.add(container.id[:12])
            time.sleep(SETTLE_S)
            booted = container_cpu_ms(container.id)
            if booted is not None:
                boot_ms.append(booted)
            started = time.perf_counter()
            container.remove(force=True)
            wall_ms["remove"] += (time.perf_counter() - started) * 1000
    client.close()
    kinds = cpu.by_kind(ids)
    outside = sum(kinds.get(k, 0.0) for k in ("runsc", "shim", "docker")) * 1000 / count
    in_container = max(sum(boot_ms), kinds.get("sandbox", 0.0) * 1000) / count
    if quiet:
        return in_container + outside
    label = "sleep as PID 1 (gVisor alone)" if sleep else "the pool's container (runner + zygote)"
    print(f"{label}, {count} containers one at a time")
    for name, total in wall_ms.items():
        print(f"  wall {name:<44} {total / count:7.1f} ms")
    # The cgroup's own count misses nothing; the sampler misses what ends between two samples.
    rows = {
        f"CPU in the container's cgroup after {SETTLE_S:.0f} s": sum(boot_ms) / count,
        "CPU sampled in the container (whole life)": kinds.get("sandbox", 0.0) * 1000 / count,
        "CPU of runsc commands (create, start, delete)": kinds.get("runsc", 0.0) * 1000 / count,
        "CPU of its containerd shim": kinds.get("shim", 0.0) * 1000 / count,
        "CPU of dockerd + containerd (shared)": kinds.get("docker", 0.0) * 1000 / count,
    }
    for text, value in rows.items():
        print(f"  {text:<49} {value:7.1f} ms")
    whole = in_container + outside
    cores = os.cpu_count() or 1
    print(f"  {'per container, all of the above':<49} {whole:7.1f} ms")
    print(f"  => at most {cores * 1000 / whole:5.2f} containers/s on {cores} cores, nothing judged")
    return whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--containers", type=int, default=10)
    args = parser.parse_args()
    settings = msgspec.structs.replace(Settings.from_env(), judge_cpus="")
    print(f"load average before: {os.getloadavg()}")
    cycle(settings, args.containers, sleep=True)
    cycle(settings, args.containers, sleep=False)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
