"""A rolling upgrade during a running contest: two hubs and two workers, each stopped in turn with
SIGTERM (as docker compose or Kubernetes do) and replaced, while a contestant submits and a
contestant socket and a spectator socket follow the contest.

Every submission gets its verdict, each socket receives every event of its audiences exactly once
(it resumes with ``?since=`` on another hub, never needing a fresh snapshot), every process exits
0 without a traceback and no sandbox container is left behind. The longest submit-to-verdict wait
is printed (``-s`` shows it); it is a figure, not an assertion.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from db_support import fresh_pool
from hub_support import Hub, bearer, new_contest, new_user, start_hub
from pipeline_support import start_worker
from redis.asyncio import Redis
from stop_support import (
    STOP_REDIS_DB,
    assert_clean_exit,
    lines_with,
    sandbox_containers,
    terminate,
)
from support import make_problem, redis_url

from arena.protocol.vocabulary import Audience, user_audience
from arena.storage import events
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

pytestmark = pytest.mark.sandbox

SOURCES = {
    "AC": "a, b = map(int, input().split())\nprint(a + b)\n",
    "WA": "a, b = map(int, input().split())\nprint(a - b + 1)\n",
}
FLOW_S = 4.0  # submissions flowing between two restarts
SUBMIT_EVERY_S = 1.0
CONTESTANTS = 3


class ResumingStream:
    """A contest socket kept open as the browser keeps it: on a close it reconnects to a hub that
    is up (the test plays the balancer) with ``?since=<last seq>``."""

    def __init__(self, path: str, up: list[Hub], token: str | None = None) -> None:
        self.path = path
        self.up = up
        self.headers = bearer(token) if token else None
        self.last_seq = -1
        self.snapshots: list[int] = []
        self.seqs: list[int] = []  # every envelope received, duplicates included
        self.bodies: list[dict[str, Any]] = []
        self.close_codes: list[int | None] = []
        self.stopped = False
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self.stopped:
            if not self.up:
                await asyncio.sleep(0.05)
                continue
            hub = random.choice(self.up)
            since = f"?since={self.last_seq}" if self.last_seq >= 0 else ""
            try:
                socket = await websockets.connect(
                    hub.ws_url + self.path + since,
                    additional_headers=self.headers,
                    compression=None,
                    open_timeout=5,
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                await asyncio.sleep(0.1)
                continue
            try:
                async for raw in socket:
                    self._receive(json.loads(raw))
            except websockets.ConnectionClosed:
                pass
            finally:
                await socket.close()
            self.close_codes.append(socket.close_code)

    def _receive(self, frame: dict[str, Any]) -> None:
        if frame.get("kind") == "snapshot":
            self.snapshots.append(frame["seq"])
            self.last_seq = frame["seq"]
        elif "seq" in frame and "body" in frame:
            self.seqs.append(frame["seq"])
            self.last_seq = max(self.last_seq, frame["seq"])
            self.bodies.append(frame["body"])

    async def stop(self) -> None:
        self.stopped = True
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


class Roll:
    """The processes of the test, as an orchestrator sees them."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.hubs: list[Hub] = []
        self.up: list[Hub] = []  # the hubs a balancer would send new clients to
        self.workers: list[subprocess.Popen[bytes]] = []
        self.worker_pids: list[int] = []
        self.log_of: dict[int, Path] = {}  # pid → its log
        self.count = 0

    def log(self, kind: str) -> Path:
        self.count += 1
        return self.logs / f"{kind}-{self.count}.log"

    def start_hub(self) -> Hub:
        log = self.log("hub")
        hub = start_hub(self.env, log)
        self.log_of[hub.process.pid] = log
        self.up.append(hub)
        return hub

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = self.log("worker")
        worker = start_worker(self.env, log)
        self.log_of[worker.pid] = log
        self.worker_pids.append(worker.pid)
        deadline = time.monotonic() + 90
        while not sandbox_containers([worker.pid]):  # its warm pool is up: it takes jobs
            assert worker.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker never warmed up"
            time.sleep(0.2)
        return worker

    async def restart_hub(self, index: int) -> None:
        old = self.hubs[index]
        self.up.remove(old)  # readiness fails: the balancer sends no one new
        status = await asyncio.to_thread(terminate, old.process)
        assert_clean_exit(status, self.log_of[old.process.pid])
        self.hubs[index] = await asyncio.to_thread(self.start_hub)

    async def restart_worker(self, index: int) -> None:
        old = self.workers[index]
        status = await asyncio.to_thread(terminate, old)
        assert_clean_exit(status, self.log_of[old.pid])
        assert sandbox_containers([old.pid]) == []
        self.workers[index] = await asyncio.to_thread(self.start_worker)

    async def stop_all(self) -> None:
        for process in [h.process for h in self.hubs] + self.workers:
            if process.poll() is None:
                status = await asyncio.to_thread(terminate, process)
                assert_clean_exit(status, self.log_of[process.pid])


async def submit_flow(
    up: list[Hub],
    contest_id: int,
    tokens: list[str],
    sent: dict[int, str],
    by: dict[int, int],
    stop: asyncio.Event,
) -> None:
    """Submissions at a steady pace, each through a hub that is up (retried on another one), by
    the contestants in turn (one contestant's judgings run one at a time: a fairness cap)."""
    kinds = ["AC", "WA"]
    async with httpx.AsyncClient(timeout=30) as http:
        while not stop.is_set():
            kind = kinds[len(sent) % 2]
            author = len(sent) % len(tokens)
            token = tokens[author]
            while True:
                hub = random.choice(up)
                try:
                    answer = await http.post(
                        f"{hub.url}/api/contests/{contest_id}/submissions",
                        json={"problem": "A", "language": "python3", "source": SOURCES[kind]},
                        headers=bearer(token),
                    )
                except httpx.ConnectError:  # stopped listening: the balancer tries another
                    await asyncio.sleep(0.05)
                    continue
                assert answer.status_code == 202, answer.text
                sent[answer.json()["id"]] = kind
                by[answer.json()["id"]] = author
                break
            await asyncio.sleep(SUBMIT_EVERY_S)


async def wait_until(
    probe: Any, what: str, timeout_s: float = 180, state: Any = lambda: ""
) -> None:
    deadline = time.monotonic() + timeout_s
    while not await probe():
        assert time.monotonic() < deadline, f"never: {what} {state()}"
        await asyncio.sleep(0.2)


def assert_every_event_once(
    stream: ResumingStream, history: list[Any], audiences: set[str], name: str
) -> None:
    assert stream.snapshots, f"{name}: no snapshot"
    # One snapshot: every reconnect resumed from its last seq instead of starting over.
    assert len(stream.snapshots) == 1, f"{name} needed new snapshots: {stream.snapshots}"
    first = stream.snapshots[0]
    expected = [e.seq for e in history if e.seq > first and e.audience in audiences]
    assert stream.seqs == expected, f"{name}: {len(stream.seqs)} events, {len(expected)} expected"


@pytest.fixture
async def own_database() -> AsyncIterator[tuple[str, Any]]:
    """A database of its own, and a pool on it. The session's hub worker sweeps the session
    database: a submission here that waits its contestant's turn has no job in that worker's
    Redis database, so it would be taken as lost and judged there, its events published to the
    wrong history (the test's sockets never saw that verdict)."""
    async with fresh_pool() as made:
        yield made


async def test_rolling_upgrade_during_a_contest(
    hub_env: dict[str, str],
    own_database: tuple[str, Any],
    stop_redis: Redis,
    tmp_path: Path,
) -> None:
    database_url, db = own_database
    env = {
        **hub_env,
        "ARENA_DATABASE_URL": database_url,
        "ARENA_REDIS_URL": redis_url(STOP_REDIS_DB),
        "ARENA_SUBMISSIONS_PER_WINDOW": "100000",
        "ARENA_HUB_DRAIN_S": "1",
        "ARENA_WORKER_GRACE_S": "1",  # short: a judging in flight is likely handed back
        "ARENA_JUDGE_SLOTS": "1",
        "ARENA_JUDGE_JOB_TIMEOUT_S": "60",
        "ARENA_JUDGE_REQUEUE_AFTER_S": "30",
    }
    tests = {"sample/1": ("1 2\n", "3\n"), "secret/01": ("5 6\n", "11\n")}
    # A generous limit: the verdicts must not depend on how loaded the machine is.
    make_problem(tmp_path / "problem", tests, time_limit_s=5.0)
    async with db.acquire() as conn:
        problem = await import_problem(
            conn, DiskBlobStore(Path(env["ARENA_BLOB_DIR"])), tmp_path / "problem",
            slug=f"roll-{uuid.uuid4().hex[:8]}",
        )  # fmt: skip
    # Redis pub/sub channels ignore the database number: other test sessions on this Redis
    # publish on arena:contest:1:events too. A contest id far from theirs keeps them apart.
    await db.execute(
        "SELECT setval(pg_get_serial_sequence('contests', 'id'), $1)",
        random.randrange(10**9, 2 * 10**9),
    )
    contest_id = await new_contest(db, problem.problem_id, duration_s=7200)

    roll = Roll(env, tmp_path)
    sent: dict[int, str] = {}
    by: dict[int, int] = {}  # submission → index of its contestant
    streams: list[ResumingStream] = []
    stop_submitting = asyncio.Event()
    flow: asyncio.Task[None] | None = None
    try:
        roll.hubs = [await asyncio.to_thread(roll.start_hub) for _ in range(2)]
        roll.workers = [await asyncio.to_thread(roll.start_worker) for _ in range(2)]
        users = [await new_user(roll.hubs[0], db) for _ in range(CONTESTANTS)]
        tokens = [token for _, _, token in users]
        async with httpx.AsyncClient(base_url=roll.hubs[0].url) as http:
            for token in tokens:
                made = await http.post(
                    f"/api/contests/{contest_id}/register", headers=bearer(token)
                )
                assert made.status_code in (200, 201), made.text
        user_id = users[0][0]  # the contestant whose socket is followed
        contestant = ResumingStream(f"/ws/contests/{contest_id}", roll.up, tokens[0])
        spectator = ResumingStream(f"/ws/contests/{contest_id}/spectate", roll.up)
        streams = [contestant, spectator]
        await wait_until(lambda: _all_have_snapshots(streams), "both sockets open")

        flow = asyncio.create_task(
            submit_flow(roll.up, contest_id, tokens, sent, by, stop_submitting)
        )
        for step in (
            lambda: roll.restart_hub(0),
            lambda: roll.restart_hub(1),
            lambda: roll.restart_worker(0),
            lambda: roll.restart_worker(1),
        ):
            await asyncio.sleep(FLOW_S)
            assert not flow.done(), flow.exception()
            await step()
        await asyncio.sleep(FLOW_S)
        stop_submitting.set()
        await flow

        ids = list(sent)
        await wait_until(lambda: _all_final(db, ids), "every submission final")
        rows = await db.fetch(
            "SELECT id, status, verdict, attempt,"
            " extract(epoch FROM judged_at - submitted_at) AS wait_s"
            " FROM submissions WHERE contest_id = $1",
            contest_id,
        )
        assert sorted(r["id"] for r in rows) == sorted(ids)  # acknowledged = stored, no more
        assert {r["id"]: r["verdict"] for r in rows} == sent
        judged = {b["submission_id"] for b in contestant.bodies if b["kind"] == "submission_judged"}
        own = {sid for sid in ids if by[sid] == 0}

        audiences = {
            "contestant": {Audience.PUBLIC, user_audience(user_id)},
            "spectator": {Audience.PUBLIC},
        }

        async def caught_up() -> bool:
            judged.update(
                b["submission_id"] for b in contestant.bodies if b["kind"] == "submission_judged"
            )
            history = await events.since(stop_redis, contest_id, 0) or []
            return judged >= own and all(
                stream.last_seq >= _last_for(history, audiences[name])
                for name, stream in (("contestant", contestant), ("spectator", spectator))
            )

        await wait_until(
            caught_up,
            "both sockets caught up",
            timeout_s=60,
            state=lambda: (
                f"judged {len(judged)}/{len(own)} (missing {sorted(own - judged)}), last seqs"
                f" {[s.last_seq for s in streams]}, closes {[s.close_codes for s in streams]}"
            ),
        )
        history = await events.since(stop_redis, contest_id, 0)
        assert history is not None
        assert_every_event_once(contestant, history, audiences["contestant"], "contestant")
        assert_every_event_once(spectator, history, audiences["spectator"], "spectator")
        for stream in streams:
            assert 1012 in stream.close_codes, stream.close_codes
        handed_back = sum(
            int(re.search(r"(\d+) handed back", line).group(1))  # type: ignore[union-attr]
            for log in roll.log_of.values()
            for line in lines_with(log, "worker stopped on")
        )
        longest = max(float(r["wait_s"]) for r in rows)
        print(
            f"\nrolling upgrade: {len(rows)} submissions by {CONTESTANTS} contestants, all judged;"
            f" {handed_back} handed back by a stopping worker;"
            f" longest submit-to-verdict wait {longest:.2f} s;"
            f" sockets reconnected {[len(s.close_codes) for s in streams]} times"
            f" (contestant, spectator), {len(contestant.seqs)} and {len(spectator.seqs)} events"
        )
    finally:
        stop_submitting.set()
        if flow is not None and not flow.done():
            flow.cancel()
        for stream in streams:
            await stream.stop()
        await roll.stop_all()
    assert sandbox_containers(roll.worker_pids) == []


def _last_for(history: list[Any], audiences: set[str]) -> int:
    return max((e.seq for e in history if e.audience in audiences), default=0)


async def _all_have_snapshots(streams: list[ResumingStream]) -> bool:
    return all(s.snapshots for s in streams)


async def _all_final(db: Any, ids: list[int]) -> bool:
    left = await db.fetchval(
        "SELECT count(*) FROM submissions WHERE id = ANY($1::bigint[]) AND status <> 'done'", ids
    )
    return bool(left == 0)
