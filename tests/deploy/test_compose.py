"""docker-compose.yml, validated by Debian's docker-compose (``config`` only: no registry here)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


REDIS_PASSWORD = "0123456789abcdef-test-secret"


def _config(password: str | None) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("docker-compose")
    assert tool is not None, "docker-compose is missing: scripts/setup.sh installs it"
    env = {k: v for k, v in os.environ.items() if k != "ARENA_REDIS_PASSWORD"}
    if password is not None:
        env["ARENA_REDIS_PASSWORD"] = password
    return subprocess.run(
        [tool, "-f", str(REPO / "docker-compose.yml"), "config"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    done = _config(REDIS_PASSWORD)
    assert done.returncode == 0, done.stderr
    config: dict[str, Any] = yaml.safe_load(done.stdout)
    return config


def test_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "hub", "worker", "balancer"} <= set(services)
    assert services["migrate"]["command"] == ["arena", "db", "migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("hub", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
        assert services[name]["deploy"]["replicas"] >= 2


def test_worker_drives_the_host_docker_with_runsc(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    # docker-compose v1 prints short syntax with the mode: "source:target:rw".
    mounts = [":".join(str(v).split(":")[:2]) for v in worker["volumes"]]
    assert "/var/run/docker.sock:/var/run/docker.sock" in mounts
    assert worker["environment"]["ARENA_SANDBOX_RUNTIME"] == "runsc"
    hub_mounts = [str(v) for v in compose["services"]["hub"]["volumes"]]
    assert not any("docker.sock" in m for m in hub_mounts)
    # Hubs read samples from the blob store the workers judge from: one shared volume.
    assert any("/var/lib/arena/blobs" in m for m in mounts)
    assert any("/var/lib/arena/blobs" in m for m in hub_mounts)


def test_hubs_are_only_reachable_through_the_balancer(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "ports" not in services["hub"]  # scaled replicas: no host ports of their own
    assert "8000" in [str(p) for p in services["hub"]["expose"]]
    balancer = services["balancer"]
    assert "hub" in balancer["depends_on"]
    assert [p["target"] for p in balancer["ports"]] == [80]
    config_mount = next(v for v in balancer["volumes"] if "haproxy.cfg" in str(v))
    source = Path(str(config_mount).split(":")[0])
    text = source.read_text()
    assert "server-template hub" in text and "hub:8000" in text
    assert "timeout tunnel" in text  # upgraded WebSockets outlive the HTTP timeouts
    assert "deny" in text and "/metrics" in text


def test_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("postgres", "redis", "hub", "worker", "balancer"):
        check = services[name].get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "/api/health" in " ".join(services["hub"]["healthcheck"]["test"])
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"


def test_redis_requires_a_password(compose: dict[str, Any]) -> None:
    refused = _config(None)
    assert refused.returncode != 0 and "ARENA_REDIS_PASSWORD" in refused.stderr
    redis = compose["services"]["redis"]
    assert "--requirepass" in " ".join(redis["command"])
    assert redis["environment"]["ARENA_REDIS_PASSWORD"] == REDIS_PASSWORD
    assert redis["environment"]["REDISCLI_AUTH"] == REDIS_PASSWORD  # the healthcheck's
    for name in ("migrate", "hub", "worker"):
        url = compose["services"][name]["environment"]["ARENA_REDIS_URL"]
        assert url.startswith(f"redis://:{REDIS_PASSWORD}@redis:"), (name, url)


def test_stop_grace_periods_cover_the_graceful_stops(compose: dict[str, Any]) -> None:
    """docker compose SIGKILLs after stop_grace_period: it must outlast the processes' own."""
    from arena.judge.stopping import HAND_BACK_MARGIN_S

    services = compose["services"]

    def seconds(text: str) -> float:
        assert text.endswith("s"), text
        return float(text[:-1])

    hub, worker = services["hub"], services["worker"]
    hub_needs = float(hub["environment"].get("ARENA_HUB_DRAIN_S", 0))
    hub_needs += float(hub["environment"]["ARENA_HUB_GRACE_S"])
    assert seconds(hub["stop_grace_period"]) > hub_needs
    worker_needs = float(worker["environment"]["ARENA_WORKER_GRACE_S"]) + HAND_BACK_MARGIN_S
    assert seconds(worker["stop_grace_period"]) > worker_needs
