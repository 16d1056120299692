"""The balancer's own rules, with deploy/haproxy.cfg in front of a real hub (loopback only)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hub_support import Hub, free_port

REPO = Path(__file__).resolve().parents[2]


def _loopback_config(hub: Hub, port: int, stats_port: int) -> str:
    """The deployed file with Docker's names swapped for this machine's hub and ports."""
    text = (REPO / "deploy" / "haproxy.cfg").read_text()
    text = re.sub(r"(?ms)^resolvers docker\n.*?(?=^\S)", "", text)
    hub_address = hub.url.removeprefix("http://")
    text = re.sub(r"(?m)^\s*server-template .*$", f"    server hub1 {hub_address}", text)
    text = text.replace("    maxconn 60000\n", "    maxconn 1000\n")  # this machine's fd limit
    text = text.replace("    bind :80\n", f"    bind 127.0.0.1:{port}\n")
    text = text.replace("    bind :8404\n", f"    bind 127.0.0.1:{stats_port}\n")
    assert f"127.0.0.1:{port}" in text and "server hub1" in text and "resolvers" not in text
    return text


@pytest.fixture(scope="module")
def balancer(hubs: list[Hub], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tool = shutil.which("haproxy")
    assert tool is not None, "haproxy is missing: scripts/setup.sh installs it"
    port = free_port()
    config = tmp_path_factory.mktemp("haproxy") / "haproxy.cfg"
    config.write_text(_loopback_config(hubs[0], port, free_port()))
    process = subprocess.Popen([tool, "-db", "-f", str(config)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "haproxy did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(
    "path", ["/metrics", "/%6detrics", "/%6D%65%74rics", "/metrics/", "/%2Fmetrics", "/metrics?x=1"]
)
def test_metrics_are_not_reachable_through_the_balancer(
    balancer: str, hubs: list[Hub], path: str
) -> None:
    direct = httpx.get(hubs[0].url + "/metrics")
    assert direct.status_code == 200 and "arena_" in direct.text  # the hub does serve them
    with httpx.Client(base_url=balancer, follow_redirects=True) as client:
        answer = client.send(client.build_request("GET", httpx.URL(balancer + path)))
    # Refused, or (a path the hub does not route to /metrics) the browser app's page.
    assert "# HELP" not in answer.text and "arena_" not in answer.text, (path, answer.status_code)
