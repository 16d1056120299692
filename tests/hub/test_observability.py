"""Metrics and logs: the hub's /metrics after real traffic, the worker's metrics port after a real
judging, the warm pools' gauges, and JSON log lines carrying the request id."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import httpx
import pytest
import websockets
from hub_support import Hub, bearer, free_port, new_contest, new_user, start_hub, stop_process
from pipeline_support import kill_worker, start_worker
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from support import REDIS_PORT, redis_url

from arena import logs
from arena.judge.pool import WarmPool
from arena.protocol import Announcement, AnnouncementMade
from arena.protocol.vocabulary import Audience
from arena.settings import Settings
from arena.storage import events

OBS_REDIS_DB = int(os.environ.get("ARENA_TEST_OBS_REDIS_DB", "14"))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, tuple(sorted(labels.items()))))


@pytest.fixture(scope="session")
def obs_env(hub_env: dict[str, str]) -> dict[str, str]:
    env = dict(hub_env)
    env.update(
        ARENA_REDIS_URL=redis_url(OBS_REDIS_DB),
        ARENA_LOG_FORMAT="json",
        ARENA_HUB_ACCESS_LOG="true",
    )
    Redis(port=REDIS_PORT, db=OBS_REDIS_DB).flushdb()
    return env


@pytest.fixture(scope="session")
def obs_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("obs") / "hub.log"


@pytest.fixture(scope="session")
def obs_hub(obs_env: dict[str, str], obs_log: Path) -> Iterator[Hub]:
    hub = start_hub(obs_env, obs_log)
    yield hub
    stop_process(hub.process)


async def test_hub_metrics_after_traffic(
    obs_hub: Hub, db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    async with httpx.AsyncClient(base_url=obs_hub.url) as client:
        assert (await client.get(f"/api/contests/{contest_id}")).status_code == 200
        assert (await client.get("/api/contests/999999999")).status_code == 404
        assert (await client.get("/api/no/such/route")).status_code == 404
        url = f"{obs_hub.ws_url}/ws/contests/{contest_id}/spectate"
        async with websockets.connect(url, compression=None) as spectator:
            json.loads(await spectator.recv())  # the snapshot: the socket is counted by now
            redis = AsyncRedis(port=REDIS_PORT, db=OBS_REDIS_DB)
            try:
                made = AnnouncementMade(Announcement(1, "metrics", "2026-01-01T00:00:00Z"))
                await events.publish(redis, contest_id, Audience.PUBLIC, made)
                await redis.zadd("arq:queue", {"obs-probe-job": time.time() * 1000})
                envelope = json.loads(await asyncio.wait_for(spectator.recv(), 10))
                assert envelope["seq"] >= 1 and isinstance(envelope["ts"], float)
                text = (await client.get("/metrics")).text
            finally:
                await redis.zrem("arq:queue", "obs-probe-job")
                await redis.aclose()
    route = "/api/contests/{contest_id}"
    assert value(text, "arena_http_request_duration_seconds_count", method="GET", route=route,
                 status="200") == 1.0  # fmt: skip
    assert value(text, "arena_http_request_duration_seconds_count", method="GET", route=route,
                 status="404") == 1.0  # fmt: skip
    assert value(text, "arena_http_request_duration_seconds_count", method="GET",
                 route="unmatched", status="404") == 1.0  # fmt: skip
    assert value(text, "arena_ws_sockets", channel="spectator") == 1.0
    assert value(text, "arena_ws_sockets", channel="contestant") == 0.0
    assert value(text, "arena_ws_sockets", channel="admin") == 0.0
    lag = value(text, "arena_pubsub_lag_seconds_count")
    assert lag is not None and lag >= 1.0
    assert value(text, "arena_judge_queue_depth") == 1.0


async def test_log_lines_are_json_with_the_request_id(obs_hub: Hub, obs_log: Path) -> None:
    async with httpx.AsyncClient(base_url=obs_hub.url) as client:
        answer = await client.get("/api/problems", headers={"X-Request-Id": "probe-42"})
        assert answer.headers["x-request-id"] == "probe-42"
        fresh = await client.get("/api/problems", headers={"X-Request-Id": "no spaces allowed"})
    made = fresh.headers["x-request-id"]
    assert made != "no spaces allowed" and len(made) == 32
    lines = []
    for _ in range(50):  # the handler writes after the answer is sent
        lines = [
            json.loads(line)
            for line in (await asyncio.to_thread(obs_log.read_text)).splitlines()
            if line
        ]
        if any(line.get("request_id") == made for line in lines):
            break
        await asyncio.sleep(0.1)
    ours = [line for line in lines if line.get("request_id") == "probe-42"]
    assert len(ours) == 1
    assert ours[0]["logger"] == "arena.hub.access" and ours[0]["level"] == "INFO"
    assert "GET /api/problems 200" in ours[0]["message"]
    assert {"ts", "level", "logger", "message"} <= set(ours[0])


def test_socket_connection_lines_are_left_out_without_the_access_log() -> None:
    """Two uvicorn lines per socket (15k at a contest start) are access-log lines."""
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    before = list(logger.filters)
    try:
        logs.quiet_connection_lines()
        logger.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5", "/ws/contests/1")
        logger.info("connection open")
        logger.info("Started server process [%d]", 7)
        logger.warning('%s - "WebSocket %s" 403', "127.0.0.1:5", "/ws/admin")
    finally:
        logger.filters[:] = before
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert seen == ["Started server process [7]", '127.0.0.1:5 - "WebSocket /ws/admin" 403']


def test_json_formatter_carries_the_context() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("arena.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        rid = logs.request_id.set("r-1")
        sid = logs.submission_id.set(77)
        try:
            logger.warning("judged %s", "it")
        finally:
            logs.submission_id.reset(sid)
            logs.request_id.reset(rid)
        logger.error("outside")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "judged it" and first["level"] == "WARNING"
    assert (first["request_id"], first["submission_id"]) == ("r-1", 77)
    assert "request_id" not in second and "submission_id" not in second


def test_warm_pool_gauges(settings: Settings) -> None:
    client = docker.from_env()
    try:
        pool = WarmPool(client, settings, size=3)  # not started: nothing is available yet
        text = generate_latest(REGISTRY).decode()
        assert value(text, "arena_sandbox_pool_size", pool="submission") is not None
        assert (value(text, "arena_sandbox_pool_size", pool="submission") or 0) >= 3
        assert (value(text, "arena_sandbox_pool_size", pool="helper") or 0) >= 1
        assert value(text, "arena_sandbox_pool_available", pool="submission") is not None
        del pool
    finally:
        client.close()


@pytest.mark.sandbox
async def test_worker_metrics_after_a_judging(
    obs_env: dict[str, str],
    obs_hub: Hub,
    db: Any,
    hub_problem: tuple[int, str],
    tmp_path: Path,
) -> None:
    port = free_port()
    worker = start_worker(dict(obs_env, ARENA_WORKER_METRICS_PORT=str(port)), tmp_path / "w.log")
    try:
        _, _, token = await new_user(obs_hub, db)
        async with httpx.AsyncClient(base_url=obs_hub.url, headers=bearer(token)) as client:
            # The problem belongs to running contests, so it is judged as a contest submission.
            contest_id = await new_contest(db, hub_problem[0])
            joined = await client.post(f"/api/contests/{contest_id}/register")
            assert joined.status_code == 201, joined.text
            made = await client.post(
                f"/api/contests/{contest_id}/submissions",
                json={
                    "problem": "A",
                    "language": "python3",
                    "source": "print(sum(map(int, input().split())))",
                },
            )
            assert made.status_code == 202, made.text
            status = ""
            for _ in range(600):
                view = (await client.get(f"/api/submissions/{made.json()['id']}")).json()
                status = view["status"]
                if status in ("done", "failed"):
                    break
                await asyncio.sleep(0.1)
            assert (status, view["verdict"]) == ("done", "AC")
            # The verdict is visible from its commit on; the worker observes it right after,
            # which a loaded host may delay past this read.
            for _ in range(100):
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                count = "arena_judge_latency_seconds_count"
                if value(text, count, language="python3", verdict="AC") is not None:
                    break
                await asyncio.sleep(0.1)
    finally:
        kill_worker(worker)
    latency = value(text, "arena_judge_latency_seconds_count", language="python3", verdict="AC")
    assert latency == 1.0
    assert value(text, "arena_judge_queue_wait_seconds_count") == 1.0
    # One judging slot (pipeline_support's worker environment) and the worker's spare container.
    assert value(text, "arena_sandbox_pool_size", pool="submission") == 2.0
