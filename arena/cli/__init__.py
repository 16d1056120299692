"""The ``arena`` command: one sub-command per module in this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from arena.cli import contest, db, demo, hub, judge, leaderboard, problem, rejudge, user, worker
from arena.cli.common import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arena", description="Arena programming-contest platform")
    commands = parser.add_subparsers(dest="command", required=True)
    judge.register(commands)
    db.register(commands)
    worker.register(commands)
    hub.register(commands)
    user.register(commands)
    problem.register(commands)
    contest.register(commands)
    rejudge.register(commands)
    leaderboard.register(commands)
    demo.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except UsageError as exc:
        print(f"arena: error: {exc}", file=sys.stderr)
        return 2
    return status
