"""``arena hub``: serve the HTTP API and WebSockets (uvicorn; run several behind a balancer)."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from arena.hub.app import create_app
from arena.hub.serve import serve
from arena.logs import configure_logging
from arena.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("hub", help="serve the HTTP API and WebSockets")
    parser.add_argument("--host", help="address to bind (default: ARENA_HUB_HOST)")
    parser.add_argument("--port", type=int, help="port (default: ARENA_HUB_PORT)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    configure_logging(settings)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=args.host or settings.hub_host,
        port=args.port or settings.hub_port,
        # Compression would cost a zlib context per socket: 10k spectators are the common case.
        ws_per_message_deflate=False,
        ws_max_size=1024 * 1024,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        access_log=False,
        log_config=None,  # uvicorn's loggers propagate to ours (text or JSON)
        timeout_graceful_shutdown=settings.hub_grace_s,
        backlog=4096,
    )
    serve(app, config, settings.hub_drain_s)
    return 0
