"""After a contest: virtual participation and upsolving, kept apart from the official results.

Virtual and upsolve submissions have no ``contest_id``: the ranking cache, the final results,
the ratings, the Contest API and the statistics (everything that reads a contest's submissions)
never see them. They name their participation (``virtual_id``) or their contest
(``upsolve_contest_id``) instead, and their boards are computed here from Postgres on demand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from arena.contest import ContestInfo
from arena.ranking import RankedSubmission, Row, contestant_row, pack, ranks
from arena.storage.ranking_cache import RankedRow, ranked_submission


class VirtualParticipation(msgspec.Struct, frozen=True):
    id: int
    contest_id: int
    user_id: int
    started_at: datetime


class AlreadyStarted(ValueError):
    """One virtual participation per user and contest."""


async def over_for_everyone(conn: asyncpg.Connection, contest_id: int) -> bool:
    """Ended for every contestant, their own extensions included (Postgres's clock)."""
    over: bool | None = await conn.fetchval(
        "SELECT c.start_time + make_interval(secs => c.duration_s + c.extra_s + ("
        "   SELECT coalesce(max(r.extra_s), 0) FROM registrations r"
        "   WHERE r.contest_id = c.id)) <= now()"
        " FROM contests c WHERE c.id = $1",
        contest_id,
    )
    return bool(over)


async def took_part(conn: asyncpg.Connection, contest_id: int, user_id: int) -> bool:
    """Submitted in the contest itself: such a user has seen its problems live."""
    found: bool | None = await conn.fetchval(
        "SELECT true FROM submissions WHERE contest_id = $1 AND user_id = $2 LIMIT 1",
        contest_id,
        user_id,
    )
    return bool(found)


async def start_virtual(
    conn: asyncpg.Connection, contest_id: int, user_id: int
) -> VirtualParticipation:
    row = await conn.fetchrow(
        "INSERT INTO virtual_participations (contest_id, user_id) VALUES ($1, $2)"
        " ON CONFLICT (contest_id, user_id) DO NOTHING"
        " RETURNING id, contest_id, user_id, started_at",
        contest_id,
        user_id,
    )
    if row is None:
        raise AlreadyStarted(f"you already took contest {contest_id} virtually")
    return VirtualParticipation(**dict(row))


async def virtual_of(
    conn: asyncpg.Connection, contest_id: int, user_id: int
) -> VirtualParticipation | None:
    row = await conn.fetchrow(
        "SELECT id, contest_id, user_id, started_at FROM virtual_participations"
        " WHERE contest_id = $1 AND user_id = $2",
        contest_id,
        user_id,
    )
    return None if row is None else VirtualParticipation(**dict(row))


async def now(conn: asyncpg.Connection) -> datetime:
    """Postgres's clock: the one submissions are stamped with."""
    at: datetime = await conn.fetchval("SELECT now()")
    return at


_VERDICT = (
    "CASE WHEN s.status = 'done' THEN s.verdict WHEN s.status = 'failed' THEN 'JE' END AS verdict"
)
_COLUMNS = f"s.user_id, s.problem_id, s.submitted_at, s.score, s.group_scores, {_VERDICT}"


async def _contestants(conn: asyncpg.Connection, contest_id: int) -> dict[int, str]:
    rows = await conn.fetch(
        "SELECT r.user_id, u.username FROM registrations r JOIN users u ON u.id = r.user_id"
        " WHERE r.contest_id = $1 AND NOT r.disqualified",
        contest_id,
    )
    return {r["user_id"]: r["username"] for r in rows}


def _ranked_rows(
    info: ContestInfo,
    names: dict[int, str],
    subs: dict[int, list[RankedSubmission]],
    cutoff_ms: int | None,
) -> list[RankedRow]:
    rules = info.rules(cutoff_ms)
    return _rerank(info, {u: contestant_row(subs.get(u, []), rules) for u in names}, names)


def _group(info: ContestInfo, records: Iterable[Any]) -> dict[int, list[RankedSubmission]]:
    out: dict[int, list[RankedSubmission]] = {}
    for record in records:
        out.setdefault(record["user_id"], []).append(ranked_submission(info, record))
    return out


async def virtual_board(
    conn: asyncpg.Connection, info: ContestInfo, virtual: VirtualParticipation, elapsed_ms: int
) -> list[RankedRow]:
    """The real contestants as they stood ``elapsed_ms`` into the contest, with the virtual
    contestant's row (their virtual submissions, timed from their own start) among them.

    Nothing submitted at or after that moment of the contest is read, so the board cannot show
    the future. Past the contest's freeze the real rows show as they did then (pending).
    """
    names = await _contestants(conn, info.id)
    names.pop(virtual.user_id, None)
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM submissions s JOIN registrations r"
        " ON r.contest_id = s.contest_id AND r.user_id = s.user_id AND NOT r.disqualified"
        " WHERE s.contest_id = $1 AND s.submitted_at < $2",
        info.id,
        info.clock.start + timedelta(milliseconds=elapsed_ms),
    )
    subs = _group(info, records)
    freeze = info.clock.freeze_time()
    freeze_ms = None if freeze is None else max(0, info.clock.contest_ms(freeze))
    cutoff_ms = freeze_ms if freeze_ms is not None and elapsed_ms > freeze_ms else None
    official = _ranked_rows(info, names, subs, cutoff_ms)
    own_clock = msgspec.structs.replace(info.clock, start=virtual.started_at)
    own_info = msgspec.structs.replace(info, clock=own_clock)
    own_records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM submissions s WHERE s.virtual_id = $1", virtual.id
    )
    own = [ranked_submission(own_info, r) for r in own_records]
    own_name = await conn.fetchval("SELECT username FROM users WHERE id = $1", virtual.user_id)
    # The virtual row is ranked among the real ones without changing any of their rows.
    merged = {row.user_id: row.row for row in official}
    merged[virtual.user_id] = contestant_row(own, info.rules(None))
    all_names = {**names, virtual.user_id: own_name}
    return _rerank(info, merged, all_names)


def _rerank(info: ContestInfo, rows: dict[int, Row], names: dict[int, str]) -> list[RankedRow]:
    ordered = sorted(rows.items(), key=lambda item: (-pack(item[1], info.scoring), names[item[0]]))
    keys = [pack(row, info.scoring) for _, row in ordered]
    return [
        RankedRow(user, rank, key, names[user], row)
        for (user, row), rank, key in zip(ordered, ranks(keys, 0, 1), keys, strict=True)
    ]


async def upsolve_board(conn: asyncpg.Connection, info: ContestInfo) -> list[RankedRow]:
    """Everyone's official submissions plus their upsolve ones (timed from the contest's start,
    so after its end): the contestants and everyone who upsolved."""
    names = await _contestants(conn, info.id)
    upsolvers = await conn.fetch(
        "SELECT DISTINCT u.id, u.username FROM submissions s JOIN users u ON u.id = s.user_id"
        " WHERE s.upsolve_contest_id = $1",
        info.id,
    )
    for r in upsolvers:
        names.setdefault(r["id"], r["username"])
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM submissions s LEFT JOIN registrations r"
        " ON r.contest_id = $1 AND r.user_id = s.user_id"
        " WHERE (s.contest_id = $1 AND r.user_id IS NOT NULL AND NOT r.disqualified)"
        " OR s.upsolve_contest_id = $1",
        info.id,
    )
    return _ranked_rows(info, names, _group(info, records), None)
