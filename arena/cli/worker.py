"""``arena worker``: run a judging worker (arq) with a warm sandbox pool."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from arena.judge.worker import run_worker
from arena.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("worker", help="run a judging worker")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_worker(Settings.from_env())
    return 0
