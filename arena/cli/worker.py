"""``arena worker``: run a judging worker (arq) with a warm sandbox pool."""

from __future__ import annotations

import argparse
from typing import Any

from arena.judge.process import run_worker
from arena.logs import configure_logging
from arena.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("worker", help="run a judging worker")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    configure_logging(settings)
    run_worker(settings)
    return 0
