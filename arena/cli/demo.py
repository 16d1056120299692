"""``arena demo seed`` and ``arena demo simulate``: the demo behind ``make up``."""

from __future__ import annotations

import argparse
import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from arena.cli.common import UsageError, code_stubs
from arena.cli.demo_bank import Bank, parse_bank
from arena.cli.demo_seed import NotADemoAccount, SeedResult, describe, seed
from arena.cli.demo_sim import simulate
from arena.cli.problem import run_with_database
from arena.hub.auth import password_hasher
from arena.settings import Settings
from arena.storage.blobs import BlobStore
from arena.storage.errors import ImportFailure

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def register(commands: Any) -> None:
    parser = commands.add_parser("demo", help="the demo: example problems, contest, bots")
    actions = parser.add_subparsers(dest="action", required=True)
    seeder = actions.add_parser(
        "seed",
        help="import the example problems, (re)start the demo contest, reset the demo accounts",
        description="Every run restarts the contest (started a minute ago) and prints new "
        "passwords for the moderator judge and the contestants alice and bob.",
    )
    seeder.add_argument(
        "--bank",
        type=Path,
        default=EXAMPLES / "bank.toml",
        help="tags, difficulties and the contest (default: %(default)s); the problem "
        "packages are in problems/ next to it",
    )
    seeder.add_argument("--json", action="store_true", help="print the result as one JSON object")
    seeder.set_defaults(handler=run_seed)

    sim = actions.add_parser(
        "simulate",
        help="simulated contestants submitting real submissions until stopped",
    )
    sim.add_argument("--contest", default="demo", help="contest id or external id")
    sim.add_argument("--contestants", type=int, default=8, help="bots (default: %(default)s)")
    sim.add_argument(
        "--rate-s",
        type=float,
        default=5.0,
        help="mean seconds between two submissions, all bots together (default: %(default)s)",
    )
    sim.add_argument("--hub", help="hub URL (default: http://$ARENA_HUB_HOST:$ARENA_HUB_PORT)")
    sim.add_argument(
        "--examples",
        type=Path,
        default=EXAMPLES / "problems",
        help="problem packages whose submissions the bots send (default: %(default)s)",
    )
    sim.add_argument("--seed", type=int, help="random seed, for a repeatable run")
    sim.set_defaults(handler=run_simulate)


def load_bank(path: Path) -> Bank:
    problems_dir = path.parent / "problems"
    try:
        text = path.read_text(encoding="utf-8")
        packages = [p.name for p in problems_dir.iterdir() if p.is_dir()]
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from exc
    try:
        return parse_bank(text, str(path), packages)
    except ImportFailure as exc:
        raise UsageError(str(exc)) from exc


def run_seed(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank)
    problems_dir = args.bank.parent / "problems"
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise UsageError(str(exc)) from exc

    async def job(conn: asyncpg.Connection, blobs: BlobStore) -> SeedResult:
        redis = Redis.from_url(settings.redis_url)
        try:
            return await seed(
                conn,
                redis,
                blobs,
                bank,
                problems_dir,
                password_hasher(settings),
                datetime.now(UTC),
                code_stubs=code_stubs(settings),
            )
        except RedisError as exc:
            message = f"cannot update the ranking cache in Redis ({settings.redis_url}): {exc}"
            raise UsageError(message) from exc
        except NotADemoAccount as exc:
            raise UsageError(str(exc)) from exc
        finally:
            await redis.aclose()

    result = run_with_database(job)
    print(msgspec.json.encode(result).decode() if args.json else describe(result, problems_dir))
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    if args.contestants < 1 or not args.rate_s > 0:
        raise UsageError("--contestants must be at least 1 and --rate-s above 0")
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    hub = args.hub or f"http://{settings.hub_host}:{settings.hub_port}"
    run = simulate(
        settings,
        contest=args.contest,
        contestants=args.contestants,
        rate_s=args.rate_s,
        hub_url=hub,
        examples=args.examples,
        rng=random.Random(args.seed),
        say=lambda line: print(line, flush=True),
    )
    try:
        asyncio.run(run)
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("simulation stopped", flush=True)
    return 0
