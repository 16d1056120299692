"""Moderators' actions on a contest; each one is written to the audit log in its transaction."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from arena.storage import ratings, teams


class ModerationError(ValueError):
    """An action that cannot be carried out as asked; the message says why."""


async def audit(
    conn: asyncpg.Connection,
    actor_id: int | None,
    action: str,
    contest_id: int | None,
    details: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (actor_id, action, contest_id, details) VALUES ($1, $2, $3, $4)",
        actor_id,
        action,
        contest_id,
        json.dumps(details),
    )


async def _contest_exists(conn: asyncpg.Connection, contest_id: int) -> None:
    if not await conn.fetchval("SELECT true FROM contests WHERE id = $1", contest_id):
        raise ModerationError(f"contest {contest_id} does not exist")


async def announce(conn: asyncpg.Connection, actor_id: int, contest_id: int, body: str) -> Any:
    await _contest_exists(conn, contest_id)
    async with conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO announcements (contest_id, author_id, body) VALUES ($1, $2, $3)"
            " RETURNING id, body, created_at",
            contest_id,
            actor_id,
            body,
        )
        await audit(conn, actor_id, "announce", contest_id, {"announcement": row["id"]})
    return row


async def answer(
    conn: asyncpg.Connection, actor_id: int, clarification_id: int, text: str, public: bool
) -> int:
    """Returns the contest of the clarification."""
    async with conn.transaction():
        contest_id = await conn.fetchval(
            "UPDATE clarifications SET answer = $2, public = $3, answered_by = $4,"
            " answered_at = now() WHERE id = $1 RETURNING contest_id",
            clarification_id,
            text,
            public,
            actor_id,
        )
        if contest_id is None:
            raise ModerationError(f"clarification {clarification_id} does not exist")
        await audit(
            conn,
            actor_id,
            "answer",
            contest_id,
            {"clarification": clarification_id, "public": public},
        )
    return int(contest_id)


async def set_disqualified(
    conn: asyncpg.Connection,
    actor_id: int,
    contest_id: int,
    user_id: int,
    disqualified: bool,
    reason: str = "",
) -> None:
    async with conn.transaction():
        found = await conn.fetchval(
            "UPDATE registrations SET disqualified = $3 WHERE contest_id = $1 AND user_id = $2"
            " RETURNING true",
            contest_id,
            user_id,
            disqualified,
        )
        if not found:
            raise ModerationError(f"user {user_id} is not registered for contest {contest_id}")
        await reopen_results(conn, contest_id)
        action = "disqualify" if disqualified else "reinstate"
        details: dict[str, Any] = {"user": user_id}
        if reason:
            details["reason"] = reason
        await audit(conn, actor_id, action, contest_id, details)


async def extend(conn: asyncpg.Connection, actor_id: int, contest_id: int, seconds: int) -> None:
    if not 0 < seconds <= 7 * 24 * 3600:
        raise ModerationError("an extension is between 1 second and 7 days")
    await _contest_exists(conn, contest_id)
    async with conn.transaction():
        await reopen_results(conn, contest_id)
        await conn.execute(
            "UPDATE contests SET extra_s = extra_s + $2 WHERE id = $1", contest_id, seconds
        )
        await audit(conn, actor_id, "extend", contest_id, {"seconds": seconds})


MAX_PERSONAL_EXTRA_S = 7 * 24 * 3600


async def extend_contestant(
    conn: asyncpg.Connection, actor_id: int, contest_id: int, user_id: int, seconds: int
) -> tuple[int, int]:
    """Set a contestant's own time past the end (0 takes it back). The time is the team's:
    ``user_id`` may be any member, and every member submits until the team's own end. Returns
    the team's registration and the time it had before."""
    if not 0 <= seconds <= MAX_PERSONAL_EXTRA_S:
        raise ModerationError("a contestant's extra time is between 0 seconds and 7 days")
    async with conn.transaction():
        # The contest's lock first (reopen_results): a finalize in progress must not write
        # standings that miss the time given here.
        await reopen_results(conn, contest_id)
        team_user = await teams.contestant_of(conn, contest_id, user_id)
        before = (
            None
            if team_user is None
            else await conn.fetchval(
                "SELECT extra_s FROM registrations WHERE contest_id = $1 AND user_id = $2"
                " FOR UPDATE",
                contest_id,
                team_user,
            )
        )
        if team_user is None or before is None:
            raise ModerationError(f"user {user_id} is not registered for contest {contest_id}")
        await conn.execute(
            "UPDATE registrations SET extra_s = $3 WHERE contest_id = $1 AND user_id = $2",
            contest_id,
            team_user,
            seconds,
        )
        details = {"user": user_id, "team": team_user, "seconds": seconds, "before": before}
        await audit(conn, actor_id, "extend_contestant", contest_id, details)
    return team_user, int(before)


async def freeze(conn: asyncpg.Connection, actor_id: int, contest_id: int, frozen: bool) -> None:
    """Freeze now, or unfreeze (reveal) now."""
    await _contest_exists(conn, contest_id)
    column = "frozen_at" if frozen else "unfrozen_at"
    async with conn.transaction():
        await conn.execute(f"UPDATE contests SET {column} = now() WHERE id = $1", contest_id)
        await audit(conn, actor_id, "freeze" if frozen else "unfreeze", contest_id, {})


async def set_registration(
    conn: asyncpg.Connection, actor_id: int, contest_id: int, is_open: bool
) -> None:
    await _contest_exists(conn, contest_id)
    async with conn.transaction():
        await conn.execute(
            "UPDATE contests SET registration_open = $2 WHERE id = $1", contest_id, is_open
        )
        await audit(conn, actor_id, "registration", contest_id, {"open": is_open})


async def reopen_results(conn: asyncpg.Connection, contest_id: int) -> None:
    """A rejudge, an extension or a disqualification may change the final standings: finalize
    again later. Call inside the transaction that makes the change: the contest's lock (the one
    ``finalize`` takes) keeps a finalize in progress from writing the standings of before."""
    await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
    was_final = await conn.fetchval(
        "UPDATE contests c SET finalized_at = NULL FROM contests old"
        " WHERE c.id = $1 AND old.id = c.id RETURNING old.finalized_at IS NOT NULL",
        contest_id,
    )
    if was_final and await ratings.affects_ratings(conn, contest_id):
        # Its ratings go until it is final again; later contests are rated without it meanwhile.
        await ratings.recompute_from(conn, contest_id)


MAX_MEDALS = 1000


async def set_medals(
    conn: asyncpg.Connection, actor_id: int, contest_id: int, gold: int, silver: int, bronze: int
) -> None:
    """The medal counts of the awards and the results export."""
    if not all(0 <= count <= MAX_MEDALS for count in (gold, silver, bronze)):
        raise ModerationError(f"a medal count is between 0 and {MAX_MEDALS}")
    await _contest_exists(conn, contest_id)
    async with conn.transaction():
        await conn.execute(
            "UPDATE contests SET gold_medals = $2, silver_medals = $3, bronze_medals = $4"
            " WHERE id = $1",
            contest_id,
            gold,
            silver,
            bronze,
        )
        details = {"gold": gold, "silver": silver, "bronze": bronze}
        await audit(conn, actor_id, "medals", contest_id, details)
