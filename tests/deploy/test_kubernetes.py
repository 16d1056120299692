"""deploy/kubernetes/: valid against the Kubernetes API schemas (kubernetes-validate, offline),
and in agreement with the settings and endpoints they name. Never applied to a cluster here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from arena.hub.app import create_app
from arena.judge.stopping import HAND_BACK_MARGIN_S
from arena.settings import Settings

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((REPO / "deploy" / "kubernetes").glob("*.yaml"))
KUBERNETES_VERSION = "1.30.0"


def documents() -> list[dict[str, Any]]:
    found = []
    for path in MANIFESTS:
        found.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return found


def one(kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, (kind, name)
    return matches[0]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", [])}


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_manifest_is_valid(doc: dict[str, Any]) -> None:
    # Strict: an unknown or misspelt field is an error, not silently dropped.
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    broken = one("Deployment", "arena-hub")
    broken = {**broken, "spec": {**broken["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_pieces_are_all_there() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in documents()}
    assert {
        ("Deployment", "arena-hub"),
        ("Service", "arena-hub"),
        ("DaemonSet", "arena-worker"),
        ("RuntimeClass", "gvisor"),
        ("Job", "arena-migrate"),
        ("Service", "arena-postgres"),
        ("Service", "arena-redis"),
    } <= kinds
    for name in ("arena-postgres", "arena-redis"):
        assert one("Service", name)["spec"]["type"] == "ExternalName"
    assert one("Job", "arena-migrate")["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "arena",
        "db",
        "migrate",
    ]


def test_hub_probes_and_grace_match_the_hub() -> None:
    spec = one("Deployment", "arena-hub")["spec"]["template"]["spec"]
    hub = spec["containers"][0]
    routes = {getattr(r, "path", None) for r in create_app(Settings()).routes}
    ready, live = hub["readinessProbe"]["httpGet"], hub["livenessProbe"]["httpGet"]
    assert ready["path"] == "/api/ready" and live["path"] == "/api/live"
    assert {ready["path"], live["path"]} <= routes
    ports = {p["name"]: p["containerPort"] for p in hub["ports"]}
    assert ready["port"] in ports and "8000" in hub["args"]
    env = env_of(hub)
    needed = float(env["ARENA_HUB_DRAIN_S"]) + float(env["ARENA_HUB_GRACE_S"])
    assert spec["terminationGracePeriodSeconds"] > needed
    service = one("Service", "arena-hub")["spec"]
    assert service["selector"] == one("Deployment", "arena-hub")["spec"]["selector"]["matchLabels"]
    assert "sessionAffinity" not in service  # sockets resume on any hub


def test_workers_run_on_the_gvisor_nodes_and_outlast_their_grace() -> None:
    runtime = one("RuntimeClass", "gvisor")
    assert runtime["handler"] == "runsc"
    spec = one("DaemonSet", "arena-worker")["spec"]["template"]["spec"]
    assert spec["nodeSelector"] == runtime["scheduling"]["nodeSelector"]
    worker = spec["containers"][0]
    env = env_of(worker)
    assert env["ARENA_SANDBOX_RUNTIME"] == runtime["handler"]
    needed = float(env["ARENA_WORKER_GRACE_S"]) + HAND_BACK_MARGIN_S
    assert spec["terminationGracePeriodSeconds"] > needed
    metrics_port = {p["name"]: p["containerPort"] for p in worker["ports"]}["metrics"]
    assert metrics_port == int(env["ARENA_WORKER_METRICS_PORT"])
    for probe in ("readinessProbe", "livenessProbe"):
        assert worker[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}
    mounts = {m["mountPath"] for m in worker["volumeMounts"]}
    assert "/var/run/docker.sock" in mounts
