"""The warm pool and orphan removal, against the real Docker + runsc."""

from __future__ import annotations

import asyncio
import socket

import docker
import pytest

from arena.judge.containers import (
    OWNER_LABEL,
    SANDBOX_LABEL,
    check_runtime,
    create_container,
    owner_tag,
    remove_orphans,
)
from arena.judge.pool import WarmPool
from arena.judge.sandbox_errors import UnsafeRuntimeError
from arena.settings import Settings

pytestmark = pytest.mark.sandbox


def test_containers_of_dead_owners_are_removed(settings: Settings) -> None:
    client = docker.from_env()
    try:
        mine = create_container(client, settings)
        # Same host, a pid that cannot exist: the owner crashed.
        dead_owner = f"{socket.gethostname()}:999999999:1"
        orphan = client.containers.create(
            settings.sandbox_image,
            command=["true"],
            runtime=settings.sandbox_runtime,
            network_mode="none",
            labels={SANDBOX_LABEL: "1", OWNER_LABEL: dead_owner},
        )
        assert mine.labels[OWNER_LABEL] == owner_tag()
        assert remove_orphans(client) >= 1
        # The plain list: other workers' containers may vanish while docker-py inspects each.
        ids = {c["Id"] for c in client.api.containers(all=True, filters={"label": SANDBOX_LABEL})}
        assert orphan.id not in ids
        assert mine.id in ids  # its owner, this process, is alive
        mine.remove(force=True)
    finally:
        client.close()


def test_runc_needs_the_loud_setting() -> None:
    with pytest.raises(UnsafeRuntimeError, match="ARENA_UNSAFE_ALLOW_RUNC_FOR_UNTRUSTED_CODE"):
        check_runtime(Settings(sandbox_runtime="runc"))
    check_runtime(Settings(sandbox_runtime="runc", unsafe_allow_runc_for_untrusted_code=True))


async def test_each_submission_gets_a_fresh_container_and_the_pool_refills(
    settings: Settings,
) -> None:
    client = docker.from_env()
    pool = WarmPool(client, settings, size=2)
    await pool.start()
    try:
        await pool.wait_until_full()
        seen = []
        for _ in range(3):
            async with pool.session() as session:
                seen.append(session.container_id)
        assert len(set(seen)) == 3  # never reused
        await pool.wait_until_full()
        assert pool.ready == 2
        # Used containers are removed in the background, after the verdict.
        for _ in range(100):
            alive = {c.id for c in client.containers.list(all=True, ignore_removed=True)}
            if not alive & set(seen):
                break
            await asyncio.sleep(0.1)
        assert not alive & set(seen)
    finally:
        await pool.close()
        client.close()


# Run as PID 1 in place of the runner: exits 0 only if every way out is closed.
_ESCAPES = """
import os, socket, sys
def refused(action):
    try:
        action()
    except OSError:
        return True
    return False
checks = [
    refused(lambda: open("/etc/escaped", "w")),  # the root is read-only
    refused(lambda: socket.create_connection(("127.0.0.1", 5432), timeout=2)),  # no network
    refused(lambda: os.chown("/work", 12345, 12345)),  # CAP_CHOWN dropped
]
sys.exit(0 if all(checks) else 10 + checks.index(False))
"""


@pytest.mark.parametrize(("code", "status"), [(_ESCAPES, 0), ("raise SystemExit(3)", 3)])
def test_a_replaced_command_runs_in_the_same_locked_down_container(
    settings: Settings, code: str, status: int
) -> None:
    """The bench's probe (bench/judge_floor.py) replaces the runner: the container stays as
    locked down (the second case shows the command really ran)."""
    client = docker.from_env()
    try:
        container = create_container(client, settings, command=["python3", "-I", "-S", "-c", code])
        try:
            assert container.wait(timeout=120)["StatusCode"] == status
        finally:
            container.remove(force=True)
    finally:
        client.close()
