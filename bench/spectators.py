"""10 000 spectator sockets on one hub: memory per idle socket, verdict → delivery latency, loss.

``--processes N`` hub processes (``arena hub --processes N``: one port, SO_REUSEPORT; 1 by
default) on a throwaway database and Redis DB 15 of ARENA_TEST_REDIS_PORT's server, a running
public contest. Spectators (``/ws/contests/{id}/spectate``) are spread over client processes
(uvloop, as the reference's swarm), each from its own loopback address (127.0.0.2, …: one address
has ~28k ports). The hubs' RSS (VmRSS, summed) is read before and after the sockets are open
and idle → KiB per idle socket.

Then verdicts arrive at ``--rate`` per second (2: about one delta each, like the reference's 2
messages/s) through the real path: a judged submission is committed to Postgres and
``ranking_cache.refresh_user`` runs, as the worker does; the hub's ticker publishes coalesced
``leaderboard_delta`` events (every ``leaderboard_tick_s``, 0.25 s by default, so up to one tick of
the latency is coalescing by design). ``--warmup-s`` of verdicts go first and are not measured.
Every verdict goes to a different contestant, so each public delta names the verdicts it carries:
the bench's own raw Redis subscriber maps seq → users.
Each socket records (seq, time.time()) per envelope; latency = receive time - commit time of each
verdict in that envelope, same clock. Lost = public seqs in the contest's history after a
socket's snapshot that the socket never received (resync snapshots are counted separately).

Baselines in the same run: the same measurement with 1 socket, the raw Redis subscriber's own
commit → pub/sub latency, and the reference: ``websockets.broadcast()`` (``--reference-dir``,
../shared/peers/ws-fanout: its server and its swarm of as many sockets over as many client
processes, 2 messages/s). The goal compares Arena's raw Redis subscriber → socket p99 with the
reference's send → socket p99 (≤ 1.2x) and the memory per idle socket (≤ 20 KiB).
The machine has 2 cores: the client processes compete with the hub for CPU, which inflates the
10k-socket latency; the output shows the CPU each used and the load average of each phase.

    .venv/bin/python bench/spectators.py [--sockets 10000] [--seconds 20] [--client-procs 3]
    .venv/bin/python bench/spectators.py --sockets 50000 --processes 5 --client-procs 5 \
        --no-reference                     # 50k spectators over 5 hub processes
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from hub_support import (
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
    redis_port,
    redis_run_id,
    rss_kib,
    start_hub,
    stop,
    summary_ms,
    wait_healthy,
    warn_if_restarted,
)
from redis.asyncio import Redis
from websockets.asyncio.client import connect

from arena.storage import keys, ranking_cache

REDIS_DB = 15  # --redis-db


class Delta(msgspec.Struct):
    kind: str
    rows: list[dict[str, Any]] = []


class Env(msgspec.Struct):
    seq: int
    audience: str
    body: Delta


class Snap(msgspec.Struct):
    seq: int


class Socket:
    """What one spectator saw: its snapshot's seq, then (seq, receive time) per envelope."""

    def __init__(self, snapshot_seq: int) -> None:
        self.snapshot_seq = snapshot_seq
        self.seqs: list[int] = []
        self.times: list[float] = []
        self.resyncs = 0

    def plain(self) -> Record:
        return (self.snapshot_seq, self.seqs, self.times, self.resyncs)


Record = tuple[int, list[int], list[float], int]  # pickled back to the parent as plain data


async def _spectate(url: str, sockets: list[Socket], gate: asyncio.Semaphore, source: str) -> None:
    async with gate:
        ws = await connect(
            url, compression=None, proxy=None, open_timeout=120, ping_interval=None,
            local_addr=(source, 0),
        )  # fmt: skip
        seen = Socket(msgspec.json.decode(await ws.recv(decode=False), type=Snap).seq)
    sockets.append(seen)
    try:
        async for data in ws:
            now = time.time()
            raw = data if isinstance(data, bytes) else data.encode()
            if raw.startswith(b'{"seq":'):  # an envelope: only its seq is read
                seen.seqs.append(int(raw[7 : raw.index(b",", 7)]))
                seen.times.append(now)
            elif b'"kind":"snapshot"' in raw[:40]:
                seen.resyncs += 1
    finally:
        await ws.close()


async def _clients(port: int, contest_id: int, count: int, source: str, pipe: Connection) -> None:
    url = f"ws://127.0.0.1:{port}/ws/contests/{contest_id}/spectate"
    sockets: list[Socket] = []
    gate = asyncio.Semaphore(64)  # handshakes in flight per client process
    tasks = [asyncio.create_task(_spectate(url, sockets, gate, source)) for _ in range(count)]
    while len(sockets) + sum(t.done() for t in tasks) < count:
        await asyncio.sleep(0.2)
    errors = [repr(t.exception()) for t in tasks if t.done() and t.exception() is not None]
    pipe.send(("connected", len(sockets), errors[:5], len(errors)))
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # "report"
    pipe.send(("records", [s.plain() for s in sockets]))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def client_process(port: int, contest_id: int, count: int, source: str, pipe: Connection) -> None:
    raise_nofile()
    with contextlib.suppress(ImportError):  # as the reference's swarm does
        import uvloop

        uvloop.install()
    asyncio.run(_clients(port, contest_id, count, source, pipe))


class Phase(msgspec.Struct):
    verdicts: dict[int, float] = {}  # user → commit time
    seq_users: dict[int, list[int]] = {}  # public seq → users in that delta
    seq_time: dict[int, float] = {}  # public seq → when the bench's own subscriber got it
    raw_latency: list[float] = []


async def listen(redis: Redis, contest_id: int, phase: Phase, stop_at: list[float]) -> None:
    """The bench's own subscriber: which users each public delta carries, and when it arrived."""
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(keys.contest_channel(contest_id))
        while not stop_at or time.time() < stop_at[0]:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message is None:
                continue
            now = time.time()
            env = msgspec.json.decode(message["data"], type=Env)
            if env.audience != "public" or env.body.kind != "leaderboard_delta":
                continue
            users = [int(r["user_id"]) for r in env.body.rows]
            phase.seq_users[env.seq] = users
            phase.seq_time[env.seq] = now
            phase.raw_latency += [now - phase.verdicts[u] for u in users if u in phase.verdicts]


async def drive(db: Any, redis: Redis, info: tuple[int, int, int], users: list[int],
                seconds: float, phase: Phase, rate: float) -> None:  # fmt: skip
    """Commit one judged submission and refresh its contestant's row, ``rate`` times a second."""
    contest_id, problem_id, version = info
    started = time.monotonic()
    for index, user in enumerate(users[: int(seconds * rate)]):
        await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
        async with db.acquire() as conn:
            await conn.execute(
                "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version,"
                " language, source, status, verdict, score, judged_at)"
                " VALUES ($1, $2, $3, $4, 'python3', '\\x00', 'done', 'AC', 1, now())",
                user, contest_id, problem_id, version,
            )  # fmt: skip
            phase.verdicts[user] = time.time()
            await ranking_cache.refresh_user(conn, redis, contest_id, user)


async def run_phase(args: argparse.Namespace, ctx: dict[str, Any], sockets: int, procs: int,
                    users: list[int], seconds: float) -> dict[str, Any]:  # fmt: skip
    hub, db, redis, contest_id = ctx["hub"], ctx["db"], ctx["redis"], ctx["info"][0]
    spawn = mp.get_context("spawn")
    pipes, children = [], []
    hubs = hub_pids(hub)
    rss_before = sum(rss_kib(pid) for pid in hubs)
    started = time.monotonic()
    try:
        for index in range(procs):
            mine, theirs = spawn.Pipe()
            share = sockets // procs + (1 if index < sockets % procs else 0)
            # A source address per client process: more sockets than one address has ports.
            source = f"127.0.0.{2 + index}"
            child = spawn.Process(
                target=client_process, args=(ctx["port"], contest_id, share, source, theirs)
            )
            child.start()
            pipes.append(mine)
            children.append(child)
        loop = asyncio.get_running_loop()
        opened = [await loop.run_in_executor(None, p.recv) for p in pipes]
        connect_s = time.monotonic() - started
        print(f"{sum(o[1] for o in opened)} sockets open in {connect_s:.1f} s", flush=True)
        if hub.poll() is not None:
            raise RuntimeError(f"the hub exited with {hub.returncode}; see {ctx['log']}")
        await asyncio.sleep(args.idle_s)
        rss_after = sum(rss_kib(pid) for pid in hubs)
        # Warm-up: the first deltas to a new crowd of sockets pay for first-touch allocations.
        warm = int(args.warmup_s * args.rate)
        await drive(db, redis, ctx["info"], users[:warm], args.warmup_s, Phase(), args.rate)
        users = users[warm:]
        await asyncio.sleep(1.0)
        phase, stop_at = Phase(), list[float]()
        listener = asyncio.create_task(listen(redis, contest_id, phase, stop_at))
        await asyncio.sleep(0.5)
        pids = [c.pid for c in children if c.pid is not None]
        cpu = {"hub": sum(cpu_s(pid) for pid in hubs), "clients": sum(cpu_s(pid) for pid in pids),
               "machine": machine_busy_s()}  # fmt: skip
        load = [os.getloadavg()[0]]
        t0 = time.monotonic()
        await drive(db, redis, ctx["info"], users, seconds, phase, args.rate)
        await asyncio.sleep(args.drain_s)
        wall = time.monotonic() - t0
        load.append(os.getloadavg()[0])
        cpu = {"hub": sum(cpu_s(pid) for pid in hubs) - cpu["hub"],
               "clients": sum(cpu_s(pid) for pid in pids) - cpu["clients"],
               "machine": machine_busy_s() - cpu["machine"]}  # fmt: skip
        stop_at.append(time.time())
        await listener
        for p in pipes:
            p.send("report")
        records: list[Record] = []
        for p in pipes:
            records += (await loop.run_in_executor(None, p.recv))[1]
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
    history = await redis.xrange(keys.contest_history(contest_id), min="-", max="+")
    public = sorted(int(k.split(b"-")[0]) for k, f in history if b'"audience":"public"' in f[b"e"])
    latency: list[float] = []
    fanout: list[float] = []
    lost = resyncs = 0
    for snap_seq, seqs, times, resynced in records:
        resyncs += resynced
        got = set(seqs)
        lost += sum(1 for s in public if s > snap_seq and s not in got)
        for seq, at in zip(seqs, times, strict=True):
            if seq in phase.seq_time:
                fanout.append(at - phase.seq_time[seq])
            for user in phase.seq_users.get(seq, ()):
                if user in phase.verdicts:
                    latency.append(at - phase.verdicts[user])
    return {
        "opened": sum(o[1] for o in opened), "errors": sum(o[3] for o in opened),
        "error_samples": [e for o in opened for e in o[2]], "connect_s": connect_s,
        "rss_before": rss_before, "rss_after": rss_after, "latency": latency,
        "raw": phase.raw_latency, "lost": lost, "resyncs": resyncs, "wall": wall, "cpu": cpu,
        "deltas": len(phase.seq_users), "verdicts": len(phase.verdicts), "fanout": fanout,
        "load": load, "hubs": len(hubs),
    }  # fmt: skip


def report(label: str, result: dict[str, Any]) -> None:
    print(f"\n{label}: {result['opened']} sockets open ({result['errors']} failed) "
          f"in {result['connect_s']:.1f} s; {result['verdicts']} verdicts → "
          f"{result['deltas']} public deltas")  # fmt: skip
    for sample in result["error_samples"]:
        print(f"  connect error: {sample}")
    print("  " + line("verdict → socket", result["latency"]))
    print("  " + line("verdict → raw Redis sub", result["raw"]))
    print("  " + line("raw Redis sub → socket", result["fanout"]))
    print(f"  lost messages: {result['lost']}   resync snapshots: {result['resyncs']}")
    wall = result["wall"]
    cpu = {name: used / wall for name, used in result["cpu"].items()}
    print(
        f"  CPU over the {wall:.1f} s delivery phase, in cores: {result['hubs']} hub process(es)"
        f" {cpu['hub']:.2f}, client processes {cpu['clients']:.2f}, whole machine"
        f" {cpu['machine']:.2f} of {os.cpu_count()}; load average {result['load'][0]:.1f} →"
        f" {result['load'][1]:.1f}"
    )


def _reference_dir(given: str | None) -> Path | None:
    here = Path(__file__).resolve().parents[1]
    candidates = [Path(given)] if given else [
        here.parent / "shared/peers/ws-fanout", here.parent.parent / "shared/peers/ws-fanout"
    ]  # fmt: skip
    return next((c for c in candidates if (c / "server_websockets.py").exists()), None)


def run_reference(args: argparse.Namespace, work: Path) -> dict[str, Any] | None:
    """The reference server and its swarm with as many sockets, now, on this machine."""
    where = _reference_dir(args.reference_dir)
    if where is None:
        print("reference not found (--reference-dir): no ratio", flush=True)
        return None
    port = free_port()
    # As long a ramp as Arena's sockets may need on a busy machine (the swarm's default: 180 s).
    ramp_s = max(180.0, args.sockets / 20)
    lifetime = ramp_s + args.seconds + 120
    server = subprocess.Popen(
        [sys.executable, str(where / "server_websockets.py"), "--port", str(port), "--rate", "2",
         "--max-seconds", str(lifetime)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    out = work / "reference.json"
    try:
        time.sleep(1.0)
        subprocess.run(
            [sys.executable, str(where / "swarm.py"), f"ws://127.0.0.1:{port}/", "--clients",
             str(args.sockets), "--procs", str(args.client_procs), "--duration", str(args.seconds),
             "--server-pid", str(server.pid), "--json-out", str(out), "--ramp-timeout",
             str(ramp_s)],
            check=True, timeout=lifetime + 120,
        )  # fmt: skip
    finally:
        server.kill()
        server.wait()
    summary: dict[str, Any] = msgspec.json.decode(out.read_bytes())["summary"]
    return summary


async def main(args: argparse.Namespace) -> None:
    raise_nofile()
    work = Path(tempfile.mkdtemp(prefix="arena-bench-spec-"))
    redis = Redis(port=redis_port(), db=args.redis_db)
    await claim_redis_db(redis, args.redis_db)
    run_id = await redis_run_id(redis)
    hub = None
    async with fresh_database("spec") as url:
        db = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            verdicts = int((args.baseline_seconds + args.seconds + 2 * args.warmup_s) * args.rate)
            async with db.acquire() as conn:
                contest_id, slug, users = await make_contest(conn, work / "blobs", verdicts + 10)
                problem_id, version = await conn.fetchrow(
                    "SELECT id, current_version FROM problems WHERE slug = $1", slug
                )
                await ranking_cache.rebuild(conn, redis, contest_id)
            port = free_port()
            log = work / "hub.log"
            # Every client comes from 127.0.0.1: no cap on anonymous sockets per address.
            env = hub_env(url, args.redis_db, work / "blobs")
            env["ARENA_SPECTATOR_SOCKETS_PER_ADDRESS"] = str(10 * args.sockets)
            hub = start_hub(env, port, log, processes=args.processes)
            await wait_healthy(port, hub, log)
            ctx = {"hub": hub, "db": db, "redis": redis, "port": port,
                   "info": (contest_id, problem_id, version), "log": log}  # fmt: skip
            split = int((args.baseline_seconds + args.warmup_s) * args.rate)
            base = await run_phase(args, ctx, 1, 1, users[:split], args.baseline_seconds)
            big = await run_phase(args, ctx, args.sockets, args.client_procs, users[split:],
                                  args.seconds)  # fmt: skip
            if hub.poll() is not None:
                print(f"hub exited with {hub.returncode}:\n{log.read_text()[-3000:]}")
        finally:
            if hub is not None:
                stop(hub)
            await db.close()
            await redis.flushdb()
            run_id_after = await redis_run_id(redis)
            await redis.aclose()
    load_before_reference = os.getloadavg()[0]
    reference = run_reference(args, work) if args.reference else None
    load_after_reference = os.getloadavg()[0]
    report("baseline, 1 socket", base)
    report(f"{args.sockets} sockets over {args.client_procs} client processes", big)
    per_socket = (big["rss_after"] - big["rss_before"]) / max(1, big["opened"])
    print(f"\nhub RSS (all {big['hubs']} processes) {big['rss_before']} KiB →"
          f" {big['rss_after']} KiB idle with {big['opened']}"
          f" sockets: {per_socket:.1f} KiB per idle socket (goal <= 20 KiB)")  # fmt: skip
    ratio = summary_ms(big["latency"])[2] / summary_ms(base["latency"])[2]
    print(f"p99 verdict → delivery: {summary_ms(big['latency'])[2]:.1f} ms vs "
          f"{summary_ms(base['latency'])[2]:.1f} ms with 1 socket ({ratio:.2f}x; target <= 300 ms,"
          f" 0 lost); includes up to one {0.25:.2f} s ticker coalescing interval")  # fmt: skip
    if reference is not None:
        ref_p99 = reference["latency"]["p99"] * 1e3
        ref_kib = reference["server"]["bytes_per_conn"] / 1024
        arena_p99 = summary_ms(big["fanout"])[2]
        print(
            f"\nreference websockets.broadcast(), same run: {reference['opened']} sockets, "
            f"{reference['failed']} failed, send → socket p99 {ref_p99:.1f} ms, "
            f"{ref_kib:.1f} KiB per socket, server CPU {reference['server']['cpu_pct']:.0f}%;"
            f" load average {load_before_reference:.1f} → {load_after_reference:.1f}"
        )
        if reference["opened"] < big["opened"]:
            print(f"WARNING: the reference opened {reference['opened']} sockets, Arena"
                  f" {big['opened']}: the ratio below compares unequal crowds")  # fmt: skip
        print(f"RATIO raw Redis sub → socket p99: Arena {arena_p99:.1f} ms / reference "
              f"{ref_p99:.1f} ms = {arena_p99 / ref_p99:.2f}x (goal <= 1.2x); memory per idle "
              f"socket Arena {per_socket:.1f} KiB vs reference {ref_kib:.1f} KiB "
              "(goal <= 20 KiB)")  # fmt: skip
    print(f"hub log: {log}")
    warn_if_restarted(run_id, run_id_after)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--client-procs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1, help="hub processes on one port")
    parser.add_argument(
        "--rate", type=float, default=2.0,
        help="verdicts per second (2: about one delta each, as the reference's 2 messages/s)",
    )  # fmt: skip
    parser.add_argument("--warmup-s", type=float, default=3.0, help="deltas not measured")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--idle-s", type=float, default=5.0, help="idle wait before reading RSS")
    parser.add_argument("--drain-s", type=float, default=3.0, help="wait after the last verdict")
    parser.add_argument("--reference-dir", help="../shared/peers/ws-fanout (found by default)")
    parser.add_argument("--no-reference", dest="reference", action="store_false")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="flushed: a free one")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parser.parse_args()))
