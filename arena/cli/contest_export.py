"""``arena contest export CONTEST DIR``: a contest as an ICPC contest package.

Writes ``contest.yaml`` and ``problems.yaml`` in the form ``arena contest import`` reads (problem
ids are Arena's slugs, so importing them back links the problems already in the database),
``teams.json``, ``organizations.json``, ``groups.json`` and ``accounts.yaml`` (no passwords), and
``event-feed.ndjson``: the Contest API event feed as the jury sees it (every team, submission,
judgement, run, clarification and the final scoreboard state), and the results:
``results.tsv`` and ``awards.json`` of the Contest Package (medals by the contest's own counts)
and ``results.csv``. Problem packages are not written:
Arena keeps their test data and validators, but not their original files.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import yaml

from arena.ccs import objects as ccs_objects
from arena.ccs.catalog import Inputs
from arena.ccs.feed import feed_objects
from arena.ccs.results import result_files
from arena.ccs.source import ContestSource, ProblemFacts, view_for
from arena.cli.common import UsageError, connect_db
from arena.cli.user import contest_id_for
from arena.contest import ContestInfo
from arena.languages import LanguageTable
from arena.protocol import json_encoder
from arena.protocol.ccs import CcsEvent
from arena.settings import Settings
from arena.storage.ccs_source import load_source
from arena.storage.contest_state import load_contest


def reltime(seconds: int) -> str:
    """Whole seconds as the Contest API's h:mm:ss."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def contest_yaml(info: ContestInfo) -> dict[str, Any]:
    """The contest as contest.yaml (an extension counts in the duration)."""
    clock = info.clock
    return {
        "id": info.external_id or str(info.id),
        "name": info.name,
        "start_time": clock.start.astimezone(UTC).isoformat(),
        "duration": reltime(clock.duration_s + clock.extra_s),
        "scoreboard_freeze_duration": reltime(clock.freeze_duration_s),
        "penalty_time": info.penalty_minutes,
        "scoreboard_type": str(info.scoring),
    }


def problems_yaml(problems: list[ProblemFacts]) -> list[dict[str, Any]]:
    entries = []
    for p in problems:
        entry: dict[str, Any] = {"id": p.slug, "label": p.label, "ordinal": p.ordinal}
        entry.update({k: v for k, v in (("color", p.color), ("rgb", p.rgb)) if v is not None})
        entry["points"] = p.points
        entries.append(entry)
    return entries


def team_files(source: ContestSource) -> dict[str, bytes]:
    """The Contest Package's ``teams.json``, ``organizations.json``, ``groups.json`` (the
    Contest API's objects) and ``accounts.yaml`` (without passwords: Arena keeps only hashes)."""
    accounts = [
        {k: v for k, v in msgspec.to_builtins(a).items() if k != "person_id"}
        for a in ccs_objects.accounts(source)
    ]
    return {
        "teams.json": json_encoder.encode(ccs_objects.teams(source)) + b"\n",
        "organizations.json": json_encoder.encode(ccs_objects.organizations(source)) + b"\n",
        "groups.json": json_encoder.encode(ccs_objects.groups(source)) + b"\n",
        "accounts.yaml": _yaml(accounts).encode(),
    }


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


async def export_contest(
    conn: asyncpg.Connection, contest_id: int, languages: LanguageTable
) -> dict[str, bytes]:
    """The package's files by name."""
    info = await load_contest(conn, contest_id)
    if info is None:
        raise UsageError(f"no contest {contest_id}")
    view = view_for(info, jury=True, now=datetime.now(UTC))
    source = await load_source(conn, info, cutoff_ms=None, live=True, board=True)
    objects = feed_objects(Inputs(source, view, list(languages)))
    feed = b"".join(
        json_encoder.encode(
            CcsEvent(type=o.type, id=o.id, data=msgspec.Raw(o.data), token=str(token))
        )
        + b"\n"
        for token, o in enumerate(objects, start=1)
    )
    return {
        "contest.yaml": _yaml(contest_yaml(info)).encode(),
        "problems.yaml": _yaml(problems_yaml(source.problems)).encode(),
        **team_files(source),
        "event-feed.ndjson": feed,
        **result_files(Inputs(source, view, list(languages))),
    }


def add_export(actions: Any) -> None:
    exporter = actions.add_parser(
        "export",
        help="write a contest as contest.yaml, problems.yaml, teams.json, organizations.json,"
        " groups.json, accounts.yaml, event-feed.ndjson and its results"
        " (results.tsv, awards.json, results.csv)",
    )
    exporter.add_argument("contest", help="contest id or external id (contest.yaml's id)")
    exporter.add_argument("directory", type=Path, metavar="DIR", help="created if missing")
    exporter.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    if args.directory.exists() and not args.directory.is_dir():
        raise UsageError(f"{args.directory}: not a directory")

    async def job() -> dict[str, bytes]:
        conn = await connect_db(settings.database_url)
        try:
            contest_id = await contest_id_for(conn, args.contest)
            return await export_contest(conn, contest_id, languages)
        finally:
            await conn.close()

    files = asyncio.run(job())
    try:
        args.directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (args.directory / name).write_bytes(data)
    except OSError as exc:
        raise UsageError(f"{exc.filename or args.directory}: {exc.strerror or exc}") from exc
    events = files["event-feed.ndjson"].count(b"\n")
    print(
        f"exported contest {args.contest} to {args.directory}: {', '.join(files)}, {events} events"
    )
    return 0
