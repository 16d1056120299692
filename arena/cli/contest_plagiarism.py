"""``arena contest plagiarism CONTEST``: check a contest's submissions for copies, here and now
(the moderators' button has a worker do the same)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from arena.cli.common import UsageError
from arena.cli.problem import run_with_database
from arena.plagiarism.compare import Pair, Settings, check_group
from arena.storage import plagiarism
from arena.storage.blobs import BlobStore
from arena.storage.contest_state import contest_by_ref


def add_plagiarism(actions: Any) -> None:
    parser = actions.add_parser(
        "plagiarism",
        help="compare a contest's accepted (or all) submissions per problem and language",
        description="Winnowed fingerprints of normalized tokens (MOSS's method); pairs above"
        " the threshold are stored for the moderators' console and printed.",
    )
    parser.add_argument("contest", help="contest id or external id (contest.yaml's id)")
    parser.add_argument("--all", action="store_true", help="every submission, not only accepted")
    parser.add_argument(
        "--threshold", type=float, default=0.6, help="share of fingerprints (default 0.6)"
    )
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    parser.set_defaults(handler=run_plagiarism)


async def _compare(
    sources: Sequence[tuple[int, str, str]], stubs: dict[str, str], settings: Settings
) -> list[Pair]:
    return await asyncio.to_thread(check_group, list(sources), stubs, settings)


def run_plagiarism(args: argparse.Namespace) -> int:
    if not 0 < args.threshold <= 1:
        raise UsageError("--threshold is a share above 0 and at most 1")

    async def job(
        conn: asyncpg.Connection, _blobs: BlobStore
    ) -> tuple[plagiarism.RunRow, list[plagiarism.PairRow]]:
        contest_id = await contest_by_ref(conn, args.contest)
        if contest_id is None:
            raise UsageError(f"no contest {args.contest!r}")
        run_id = await plagiarism.create_run(
            conn, contest_id, None, all_submissions=args.all, threshold=args.threshold
        )
        done = await plagiarism.execute(conn, run_id, _compare)
        return done, await plagiarism.report(conn, run_id)

    done, pairs = run_with_database(job)
    if args.json:
        print(msgspec.json.encode({"run": done, "pairs": pairs}).decode())
        return 0
    print(
        f"plagiarism check {done.id} of contest {args.contest}: {done.compared} submissions,"
        f" {len(pairs)} pairs at or above {done.threshold:.2f}"
    )
    for p in pairs:
        print(
            f"  {p.label}  {p.language:<10} {p.similarity:.2f}  {p.a.username} #{p.a.submission_id}"
            f"  ~  {p.b.username} #{p.b.submission_id}"
        )
    return 0
