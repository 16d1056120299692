"""Contest start: 15 000 logged-in contestants open the contest, its statements and a socket.

Seed 000's spike: everyone is already logged in (sessions last ``ARENA_SESSION_TTL_S``, 14 days,
so nobody logs in at the start), and within ``--window-s`` (60 s) of the start each contestant
opens the contest page (GET /api/contests/{id}), every problem statement
(GET /api/contests/{id}/problems/{label}), reloads one statement with the ETag it got
(If-None-Match → 304), and opens its contest socket (/ws/contests/{id}) until the snapshot
arrives; the socket then stays open (drained) to the end. Arrivals are uniform at random over
the window; each contestant uses its own TCP connection (a browser).

The hubs: ``arena hub --processes N`` (SO_REUSEPORT, one port) on a throwaway database and Redis
DB 7 of ARENA_TEST_REDIS_PORT's server. Sessions are rows inserted straight into Postgres.
The clients are ``--client-procs`` processes (uvloop, a minimal HTTP/1.1 client) on the same 2
cores: their CPU is printed with the hubs'.

Baseline in the same run: the same steps by ``--idle-users`` contestants one at a time before
the burst (no load); the ratio burst / idle at p99 is what the load costs. Also printed: the
login throughput per core at the configured argon2id parameters (one verify timed here).

The goal's figure (15 000 contestants in 60 s, 2 hub processes, 2 client processes; about
3 minutes in all with the setup of the users and sessions), against a running ``redis-server``
whose port is ARENA_TEST_REDIS_PORT (its DB 7 is emptied) and Postgres on 127.0.0.1:5432 (a
throwaway database is made and dropped):

    ARENA_TEST_REDIS_PORT=6379 .venv/bin/python bench/contest_start.py --users 15000 --window-s 60

(the defaults: --processes 2 --client-procs 2 --problems 5 --hold-s 10).

Smaller steps: ``--users 1000 --window-s 10``, ``--users 5000 --window-s 30``. The hubs' CPU
per contestant (all its requests and its socket) is printed: on a loaded machine the latencies
measure the other work, the CPU does not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import random
import secrets
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import asyncpg
from hub_support import (
    APLUSB,
    bench_redis,
    claim_redis_db,
    cpu_s,
    free_port,
    fresh_database,
    hub_env,
    hub_pids,
    line,
    machine_busy_s,
    make_contest,
    raise_nofile,
    redis_run_id,
    rss_kib,
    start_hub,
    stop,
    summary_ms,
    wait_healthy,
    warn_if_restarted,
)
from websockets.asyncio.client import connect

from arena.hub.auth import password_hasher
from arena.settings import Settings
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem
from arena.storage.users import token_hash

REDIS_DB = 7
STEPS = ("new connection", "contest", "statement", "statement 304", "socket")
HTTP_STEPS = STEPS[1:4]
User = tuple[str, float]  # (session token, arrival offset in s)


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {name: [] for name in STEPS}
        self.ready: list[float] = []  # arrival → everything shown (the snapshot read)
        self.errors: dict[str, int] = {}

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def plain(self) -> tuple[dict[str, list[float]], list[float], dict[str, int]]:
        return self.latency, self.ready, self.errors

    def add(self, other: tuple[dict[str, list[float]], list[float], dict[str, int]]) -> None:
        for name, samples in other[0].items():
            self.latency[name] += samples
        self.ready += other[1]
        for what, count in other[2].items():
            self.errors[what] = self.errors.get(what, 0) + count


async def http_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, token: str,
    etag: str | None = None,
) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    """One GET on a kept-alive connection: (status, lower-cased headers, body)."""
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"{extra}\r\n".encode()
    )
    status = int((await reader.readline()).split()[1])
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = header.decode().partition(":")
        headers[name.lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def timed_get(
    stats: Stats, step: str, conn: tuple[Any, Any], path: str, token: str, etag: str | None = None
) -> dict[str, str] | None:
    started = time.perf_counter()
    status, headers, body = await http_get(conn[0], conn[1], path, token, etag)
    stats.latency[step].append(time.perf_counter() - started)
    if status != (304 if etag else 200):
        code = body.decode(errors="replace").split('"error":"', 1)[-1].split('"', 1)[0][:40]
        stats.error(f"{step}: HTTP {status} {code}")
        return None
    return headers


async def drain(ws: Any) -> None:
    with contextlib.suppress(Exception):
        async for _ in ws:
            pass


async def contestant(
    port: int, contest_id: int, labels: list[str], token: str, stats: Stats, held: list[Any]
) -> None:
    """One contestant's steps; the socket is kept open (and drained) in ``held``."""
    arrived = time.perf_counter()
    base = f"/api/contests/{contest_id}"
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            conn = (reader, writer)
            # The liveness probe first: how long a new connection waits to be served at all.
            if await timed_get(stats, "new connection", conn, "/api/live", token) is None:
                return
            if await timed_get(stats, "contest", conn, base, token) is None:
                return
            etag = None
            for label in labels:
                headers = await timed_get(
                    stats, "statement", conn, f"{base}/problems/{label}", token
                )
                if headers is None:
                    return
                etag = etag or headers.get("etag")
            if etag is None:
                stats.error("statement: no ETag")
                return
            path = f"{base}/problems/{labels[0]}"
            if await timed_get(stats, "statement 304", conn, path, token, etag) is None:
                return
        finally:
            writer.close()
        started = time.perf_counter()
        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/contests/{contest_id}",
            additional_headers={"Authorization": f"Bearer {token}"},
            compression=None, open_timeout=120, ping_interval=None, proxy=None,
        )  # fmt: skip
        first = await asyncio.wait_for(ws.recv(decode=False), 120)
        now = time.perf_counter()
        if b'"kind":"snapshot"' not in first[:40]:
            stats.error("socket: no snapshot first")
            await ws.close()
            return
        stats.latency["socket"].append(now - started)
        stats.ready.append(now - arrived)
        held.append((ws, asyncio.create_task(drain(ws))))
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        stats.error(f"{type(exc).__name__}")
    except Exception as exc:  # websockets' handshake and close errors
        stats.error(f"{type(exc).__name__}: {str(exc)[:60]}")


async def _clients(
    port: int, contest_id: int, labels: list[str], users: list[User], start_at: float,
    pipe: Connection,
) -> None:  # fmt: skip
    stats = Stats()
    held: list[Any] = []
    loop = asyncio.get_running_loop()
    tasks = []
    for token, offset in users:
        await asyncio.sleep(max(0.0, start_at + offset - time.time()))
        tasks.append(asyncio.create_task(contestant(port, contest_id, labels, token, stats, held)))
    await asyncio.gather(*tasks)
    pipe.send(("done", len(held)))
    await loop.run_in_executor(None, pipe.recv)  # "report", after the hold
    still_open = sum(1 for ws, task in held if not task.done())
    closed = [ws.close_code for ws, task in held if task.done()]
    pipe.send(("report", stats.plain(), still_open, closed[:5], len(closed)))
    for ws, task in held:
        task.cancel()
        with contextlib.suppress(Exception):
            await ws.close()


def client_process(
    port: int, contest_id: int, labels: list[str], users: list[User], start_at: float,
    pipe: Connection,
) -> None:  # fmt: skip
    raise_nofile()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_clients(port, contest_id, labels, users, start_at, pipe))


async def make_world(
    url: str, work: Path, users: int, problems: int
) -> tuple[int, list[str], list[str]]:
    """The contest (running from 1 s before the burst), its problems, and a session each."""
    conn = await asyncpg.connect(url)
    try:
        contest_id, _, user_ids = await make_contest(conn, work / "blobs", users)
        store = DiskBlobStore(work / "blobs")
        labels = ["A"]
        for index in range(1, problems):
            label = chr(ord("A") + index)
            made = await import_problem(conn, store, APLUSB, slug=f"aplusb-{label.lower()}")
            await conn.execute(
                "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
                " VALUES ($1, $2, $3, $4)",
                contest_id, made.problem_id, label, index + 1,
            )  # fmt: skip
            labels.append(label)
        tokens = [secrets.token_urlsafe(32) for _ in user_ids]
        await conn.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at)"
            " SELECT unnest($1::bytea[]), unnest($2::bigint[]), now() + interval '14 days'",
            [token_hash(t) for t in tokens], user_ids,
        )  # fmt: skip
    finally:
        await conn.close()
    return contest_id, labels, tokens


async def start_contest_now(url: str, contest_id: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE contests SET start_time = now() - interval '1 second' WHERE id = $1",
            contest_id,
        )
    finally:
        await conn.close()


def login_cost_s(settings: Settings, samples: int = 10) -> tuple[float, float]:
    """One argon2id verify with the hub's parameters: (CPU seconds, wall seconds). The CPU
    time is what a core spends; the wall time also shows how busy the machine is."""
    hasher = password_hasher(settings)
    stored = hasher.hash("correct horse battery")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(samples):
        hasher.verify(stored, "correct horse battery")
    return (time.process_time() - cpu) / samples, (time.perf_counter() - started) / samples


async def main(args: argparse.Namespace) -> None:
    raise_nofile()
    work = Path(tempfile.mkdtemp(prefix="arena-bench-start-"))
    redis = bench_redis(REDIS_DB)
    await claim_redis_db(redis, REDIS_DB)
    run_id = await redis_run_id(redis)
    load_before = os.getloadavg()
    hub = None
    spawn = mp.get_context("spawn")
    children: list[Any] = []
    async with fresh_database("start") as url:
        env = hub_env(url, REDIS_DB, work / "blobs")
        cost = login_cost_s(Settings.from_env(env))
        try:
            contest_id, labels, tokens = await make_world(
                url, work, args.users + args.idle_users, args.problems
            )
            port = free_port()
            log = work / "hub.log"
            hub = start_hub(env, port, log, processes=args.processes)
            await wait_healthy(port, hub, log)
            await asyncio.sleep(1.0)  # every process up, not only the first to answer
            await start_contest_now(url, contest_id)
            await asyncio.sleep(1.5)  # the hubs' one-second contest cache sees the start
            idle = Stats()
            for token in tokens[args.users :]:
                held: list[Any] = []
                await contestant(port, contest_id, labels, token, idle, held)
                for ws, task in held:
                    task.cancel()
                    await ws.close()
            rng = random.Random(14)
            burst = [(t, rng.uniform(0, args.window_s)) for t in tokens[: args.users]]
            # In arrival order: each client process starts its users one after another, so an
            # unsorted list would hold everyone behind the latest arrival seen so far and start
            # them together (most of them at the end of the window), not uniformly.
            burst.sort(key=lambda user: user[1])
            start_at = time.time() + 3.0  # the client processes' imports
            pipes = []
            for index in range(args.client_procs):
                mine, theirs = spawn.Pipe()
                share = burst[index :: args.client_procs]
                child = spawn.Process(
                    target=client_process,
                    args=(port, contest_id, labels, share, start_at, theirs),
                )
                child.start()
                pipes.append(mine)
                children.append(child)
            pids = hub_pids(hub)
            await asyncio.sleep(max(0.0, start_at - time.time()))
            cpu0 = (sum(cpu_s(p) for p in pids), sum(cpu_s(c.pid) for c in children),
                    machine_busy_s(), time.monotonic())  # fmt: skip
            loop = asyncio.get_running_loop()
            opened = [(await loop.run_in_executor(None, p.recv))[1] for p in pipes]
            elapsed = time.monotonic() - cpu0[3]
            cpu = (
                sum(cpu_s(p) for p in pids) - cpu0[0],
                sum(cpu_s(c.pid) for c in children) - cpu0[1],
                machine_busy_s() - cpu0[2],
            )
            load_peak = os.getloadavg()
            rss = sum(rss_kib(p) for p in pids)
            await asyncio.sleep(args.hold_s)  # sockets held open: do they stay?
            for p in pipes:
                p.send("report")
            stats = Stats()
            still_open = closed = 0
            closed_codes: list[Any] = []
            for p in pipes:
                _, plain, alive, codes, gone = await loop.run_in_executor(None, p.recv)
                stats.add(plain)
                still_open += alive
                closed += gone
                closed_codes += codes
            if hub.poll() is not None:
                print(f"hub exited with {hub.returncode}; see {log}")
        finally:
            for child in children:
                child.join(timeout=30)
                if child.is_alive():
                    child.kill()
            if hub is not None:
                stop(hub)
            await redis.flushdb()
            run_id_after = await redis_run_id(redis)
            await redis.aclose()
    cores = os.cpu_count() or 1
    print(
        f"\ncontest start: {args.users} logged-in contestants, arrivals uniform over"
        f" {args.window_s:.0f} s, {len(labels)} problems, {args.processes} hub processes on one"
        f" port, {args.client_procs} client processes, {cores} cores shared by all"
    )
    for name in STEPS:
        print("  " + line(f"{name} (burst)", stats.latency[name]))
    print("  " + line("arrival → snapshot shown", stats.ready))
    print(f"  all arrivals served in {elapsed:.1f} s (window {args.window_s:.0f} s)")
    print(
        f"  sockets: {sum(opened)} opened of {args.users}; {still_open} still open after"
        f" {args.hold_s:.0f} s more ({closed} closed, codes {closed_codes})"
    )
    print(f"  errors: {sum(stats.errors.values())}")
    for what, count in sorted(stats.errors.items()):
        print(f"    {count:6d} x {what}")
    print(
        f"  CPU during the burst, in cores: hubs {cpu[0] / elapsed:.2f}, client processes"
        f" {cpu[1] / elapsed:.2f}, whole machine {cpu[2] / elapsed:.2f} of {cores};"
        f" hubs' RSS with the sockets open {rss / 1024:.0f} MiB"
    )
    per_user = 1000 * cpu[0] / max(1, args.users)
    print(
        f"  hubs' CPU per contestant (contest page, {len(labels)} statements, a 304, a socket):"
        f" {per_user:.2f} ms → {1000 / per_user:.0f} contestants/s per core"
    )
    print(
        f"  load average before {load_before[0]:.1f}, at the end of the burst {load_peak[0]:.1f}"
        " (other people's work shares this machine)"
    )
    print(
        f"baseline, the same steps one contestant at a time before the burst ({args.idle_users}):"
    )
    for name in STEPS:
        print("  " + line(f"{name} (idle)", idle.latency[name]))
    http = [s for name in HTTP_STEPS for s in stats.latency[name]]
    http_idle = [s for name in HTTP_STEPS for s in idle.latency[name]]
    p99, p99_idle = summary_ms(http)[2], summary_ms(http_idle)[2]
    print(
        f"GOAL HTTP p99 {p99:.1f} ms (<= 500 ms; idle {p99_idle:.1f} ms, {p99 / p99_idle:.1f}x),"
        f" sockets {sum(opened)}/{args.users} open, {sum(stats.errors.values())} errors (goal 0)"
    )
    settings = Settings.from_env(env)
    print(
        f"login (not part of this burst): argon2id {settings.password_time_cost} passes,"
        f" {settings.password_memory_kib} KiB: {cost[0] * 1000:.1f} ms of CPU per login →"
        f" {1 / cost[0]:.0f} logins/s per core ({cost[1] * 1000:.0f} ms wall on this machine now)"
    )
    warn_if_restarted(run_id, run_id_after)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=15_000)
    parser.add_argument("--window-s", type=float, default=60.0)
    parser.add_argument("--problems", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2, help="hub processes (SO_REUSEPORT)")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--idle-users", type=int, default=20)
    parser.add_argument("--hold-s", type=float, default=10.0)
    asyncio.run(main(parser.parse_args()))
