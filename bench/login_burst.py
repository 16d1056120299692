"""Contest-start burst: 15 000 users log in and open the contest and a problem within 60 s.

Two hub processes (``arena hub``, no balancer: users alternate ports) on a throwaway database
and Redis DB 6. Users are rows inserted straight into Postgres, all with one argon2id hash made
with the hub's own parameters (``auth.password_hasher``), so every login verifies a real hash.
Arrivals are spread uniformly at random over the window (a Poisson process conditioned on the
count); each user then does POST /api/auth/login, GET /api/contests/{id} and
GET /api/contests/{id}/problems/A with the bearer token; ``--concurrency`` workers (a new
httpx.AsyncClient per user) serve the arrivals, so at most that many users are in flight.
(GET /api/problems/{slug} would answer 404: a running contest's problems stay out of the public
bank; the contest route serves the same statement.)

Printed: HTTP latency per endpoint (request sent → response read), errors, the achieved rate,
and the time from each user's arrival to their problem on screen (which includes waiting for
a free slot: the honest figure when the hubs fall behind).

Baselines in the same run, same hubs and data: (1) the same three requests made one at a time
before the burst (no load): the ratio burst / idle at p99 shows what the load itself costs;
(2) GET /api/health probed 5 times a second during the burst: event-loop delay with no hashing;
(3) the cost of one argon2 verify measured in this process, and the login rate it allows on this
machine's cores, against the rate the burst asks for. The bench client runs on the same 2 cores.

    .venv/bin/python bench/login_burst.py [--users 15000] [--window-s 60] [--concurrency 256]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import ssl
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from hub_support import (
    claim_redis_db,
    cpu_s,
    free_port,
    fresh_database,
    hub_env,
    line,
    machine_busy_s,
    make_contest,
    raise_nofile,
    redis_port,
    redis_run_id,
    start_hub,
    stop,
    summary_ms,
    wait_healthy,
    warn_if_restarted,
)
from redis.asyncio import Redis

from arena.hub.auth import password_hasher
from arena.settings import Settings

REDIS_DB = 6
PASSWORD = "correct horse battery"
ENDPOINTS = ("login", "contest", "problem")


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        self.session: list[float] = []  # arrival → problem read
        self.errors: dict[str, int] = {}
        self.requests = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def timed(
    client: httpx.AsyncClient, stats: Stats, name: str, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        stats.error(f"{name}: {type(exc).__name__}")
        return None
    stats.latency[name].append(time.perf_counter() - started)
    stats.requests += 1
    if response.status_code != 200:
        code = response.text.split('"error":"', 1)[-1].split('"', 1)[0][:40]  # no request ids
        stats.error(f"{name}: HTTP {response.status_code} {code}")
        return None
    return response


async def user_session(
    client: httpx.AsyncClient, stats: Stats, base: str, username: str, contest_id: int
) -> bool:
    body = {"username": username, "password": PASSWORD}
    login = await timed(client, stats, "login", "POST", f"{base}/api/auth/login", json=body)
    if login is None:
        return False
    headers = {"authorization": f"Bearer {login.json()['token']}"}
    contest = f"{base}/api/contests/{contest_id}"
    if await timed(client, stats, "contest", "GET", contest, headers=headers) is None:
        return False
    problem = await timed(client, stats, "problem", "GET", f"{contest}/problems/A", headers=headers)
    return problem is not None


async def burst(
    args: argparse.Namespace, bases: list[str], names: list[str], contest_id: int
) -> tuple[Stats, float]:
    """Arrivals go to a queue served by ``concurrency`` workers; each user is a new browser.

    A fresh client (own connection) per user, not one shared pool: httpx's shared pool spends
    CPU per request that grows with the number of pooled connections, and a kept-alive
    connection reused after uvicorn's keep-alive timeout fails with a ReadError.
    """
    stats = Stats()
    rng = random.Random(5)
    arrivals = sorted(rng.uniform(0, args.window_s) for _ in names)
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    tls = ssl.create_default_context()  # unused on http://, but httpx builds one per client
    start = time.monotonic()

    async def worker() -> None:
        while (item := await queue.get()) is not None:
            index, arrival = item
            async with httpx.AsyncClient(timeout=300, verify=tls) as client:
                ok = await user_session(client, stats, bases[index % 2], names[index], contest_id)
            if ok:
                stats.session.append(time.monotonic() - start - arrival)

    workers = [asyncio.create_task(worker()) for _ in range(args.concurrency)]
    for index, arrival in enumerate(arrivals):
        await asyncio.sleep(max(0.0, start + arrival - time.monotonic()))
        queue.put_nowait((index, arrival))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return stats, time.monotonic() - start


async def probe_health(client: httpx.AsyncClient, bases: list[str], out: list[float]) -> None:
    index = 0
    while True:
        started = time.perf_counter()
        response = await client.get(f"{bases[index % 2]}/api/health")
        if response.status_code == 200:
            out.append(time.perf_counter() - started)
        index += 1
        await asyncio.sleep(max(0.0, 0.2 - (time.perf_counter() - started)))


def hash_cost_s(settings: Settings, samples: int = 20) -> float:
    hasher = password_hasher(settings)
    stored = hasher.hash(PASSWORD)
    started = time.perf_counter()
    for _ in range(samples):
        hasher.verify(stored, PASSWORD)
    return (time.perf_counter() - started) / samples


async def main(args: argparse.Namespace) -> None:
    raise_nofile()
    work = Path(tempfile.mkdtemp(prefix="arena-bench-login-"))
    redis = Redis(port=redis_port(), db=REDIS_DB)
    await claim_redis_db(redis, REDIS_DB)
    run_id = await redis_run_id(redis)
    hubs = []
    async with fresh_database("login") as url:
        env = hub_env(url, REDIS_DB, work / "blobs", ARENA_LOGIN_ATTEMPTS="100000000")
        settings = Settings.from_env(env)
        cost = hash_cost_s(settings)
        try:
            conn = await asyncpg.connect(url)
            try:
                stored = password_hasher(settings).hash(PASSWORD)
                total = args.users + args.idle_users
                contest_id, _, _ = await make_contest(conn, work / "blobs", total, stored)
                names = [f"bench{i}" for i in range(1, total + 1)]
            finally:
                await conn.close()
            ports = [free_port(), free_port()]
            hubs = [start_hub(env, p, work / f"hub-{p}.log") for p in ports]
            for port, hub in zip(ports, hubs, strict=True):
                await wait_healthy(port, hub, work / f"hub-{port}.log")
            bases = [f"http://127.0.0.1:{p}" for p in ports]
            async with httpx.AsyncClient(timeout=300) as client:
                idle = Stats()
                for index, name in enumerate(names[args.users :]):
                    await user_session(client, idle, bases[index % 2], name, contest_id)
                health: list[float] = []
                prober = asyncio.create_task(probe_health(client, bases, health))
                cpu_before = [cpu_s(h.pid) for h in hubs], time.process_time(), machine_busy_s()
                stats, elapsed = await burst(args, bases, names[: args.users], contest_id)
                prober.cancel()
                hub_cpu = sum(cpu_s(h.pid) for h in hubs) - sum(cpu_before[0])
                client_cpu = time.process_time() - cpu_before[1]
                machine_cpu = machine_busy_s() - cpu_before[2]
            for hub, port in zip(hubs, ports, strict=True):
                if hub.poll() is not None:
                    print(f"hub {port} exited with {hub.returncode}; see {work}/hub-{port}.log")
        finally:
            for hub in hubs:
                stop(hub)
            await redis.flushdb()
            run_id_after = await redis_run_id(redis)
            await redis.aclose()
    cores = os.cpu_count() or 1
    print(
        f"\nlogin burst: {args.users} users, arrivals uniform over {args.window_s:.0f} s,"
        f" {args.concurrency} in flight at most, 2 hubs, {cores} cores shared with the client"
    )
    for name in ENDPOINTS:
        print("  " + line(f"{name} (burst)", stats.latency[name]))
    print("  " + line("arrival → problem read", stats.session))
    print("  " + line("GET /api/health (probe)", health))
    print(f"  errors: {sum(stats.errors.values())}")
    for what, count in sorted(stats.errors.items()):
        print(f"    {count:6d} x {what}")
    logins = len(stats.latency["login"])
    print(
        f"  achieved: {stats.requests / elapsed:.0f} req/s, {logins / elapsed:.0f} logins/s;"
        f" the burst took {elapsed:.1f} s (window {args.window_s:.0f} s)"
    )
    print(
        f"  CPU during the burst, in cores: hubs {hub_cpu / elapsed:.2f}, bench client"
        f" {client_cpu / elapsed:.2f}, whole machine {machine_cpu / elapsed:.2f} of {cores}"
    )
    print(f"baseline, the same requests one at a time before the burst ({args.idle_users} users):")
    for name in ENDPOINTS:
        print("  " + line(f"{name} (idle)", idle.latency[name]))
    print("ratio burst / idle at p99:")
    for name in ENDPOINTS:
        ratio = summary_ms(stats.latency[name])[2] / summary_ms(idle.latency[name])[2]
        print(f"  {name:<8} {ratio:8.1f}x")
    wanted = args.users / args.window_s
    print(
        f"argon2id verify ({settings.password_time_cost} passes, {settings.password_memory_kib}"
        f" KiB): {cost * 1000:.1f} ms of one core → at most {cores / cost:.0f} logins/s on"
        f" {cores} cores; the burst asks for {wanted:.0f}/s (target p99 <= 200 ms, 0 errors)"
    )
    warn_if_restarted(run_id, run_id_after)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=15_000)
    parser.add_argument("--window-s", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--idle-users", type=int, default=100)
    asyncio.run(main(parser.parse_args()))
