"""``arena hub``: serve the HTTP API and WebSockets (uvicorn; run several behind a balancer).

``--processes N`` runs N hub processes on one port (``SO_REUSEPORT``: the kernel spreads new
connections over them), one event loop per core; each is a whole hub (the ticker lease in Redis
keeps one ticker at a time). The parent only starts them, passes SIGTERM / SIGINT on (each drains
as one hub would) and starts again one that died.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

import uvicorn

from arena.hub.app import create_app
from arena.hub.serve import serve
from arena.logs import configure_logging, quiet_connection_lines
from arena.settings import Settings

log = logging.getLogger(__name__)
_BACKLOG = 4096
_RESTART_PAUSE_S = 1.0


def register(commands: Any) -> None:
    parser = commands.add_parser("hub", help="serve the HTTP API and WebSockets")
    parser.add_argument("--host", help="address to bind (default: ARENA_HUB_HOST)")
    parser.add_argument("--port", type=int, help="port (default: ARENA_HUB_PORT)")
    parser.add_argument(
        "--processes",
        type=int,
        help="hub processes sharing the port with SO_REUSEPORT (default: ARENA_HUB_PROCESSES)",
    )
    parser.add_argument(
        "--reuse-port",
        action="store_true",
        help="bind with SO_REUSEPORT, so other hub processes may serve the same port",
    )
    parser.set_defaults(handler=run)


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(_BACKLOG)
    sock.set_inheritable(True)
    return sock


def _die_with_parent() -> None:
    # A supervisor killed outright must not leave hubs serving the port without it.
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _supervise(host: str, port: int, processes: int) -> int:
    command = [sys.executable, "-m", "arena", "hub", "--reuse-port", "--processes", "1"]
    command += ["--host", host, "--port", str(port)]
    stopping: list[int] = []

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, preexec_fn=_die_with_parent)

    children = [start() for _ in range(processes)]

    def forward(sig: int, frame: FrameType | None) -> None:
        stopping.append(sig)
        for child in children:
            if child.poll() is None:
                child.send_signal(sig)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    log.info("hub: %d processes on %s:%d (SO_REUSEPORT)", processes, host, port)
    while True:
        if stopping:
            return max(child.wait() for child in children)
        for i, child in enumerate(children):
            code = child.poll()
            if code is not None and not stopping:
                log.warning("hub process %d exited with %s: starting another", child.pid, code)
                time.sleep(_RESTART_PAUSE_S)
                children[i] = start()
        time.sleep(0.2)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    configure_logging(settings)
    if not settings.hub_access_log:
        quiet_connection_lines()
    host = args.host or settings.hub_host
    port = args.port or settings.hub_port
    processes = args.processes if args.processes is not None else settings.hub_processes
    if processes < 1:
        print("arena hub: --processes must be at least 1", file=sys.stderr)
        return 2
    if processes > 1:
        return _supervise(host, port, processes)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # Compression would cost a zlib context per socket: 10k spectators are the common case.
        ws_per_message_deflate=False,
        ws_max_size=1024 * 1024,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        access_log=False,
        log_config=None,  # uvicorn's loggers propagate to ours (text or JSON)
        timeout_graceful_shutdown=settings.hub_grace_s,
        backlog=_BACKLOG,
    )
    sockets = None
    if args.reuse_port or settings.hub_reuse_port:
        sockets = [_reuse_port_socket(host, port)]
    serve(app, config, settings.hub_drain_s, sockets)
    return 0
