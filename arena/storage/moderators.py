"""Who moderates a contest: the one rule behind every moderator power.

An admin or a user with the global ``moderator`` role moderates every contest (that is what a
global role means). Any other user moderates exactly the contests that list them in
``contest_moderators`` (a per-contest moderator: a contest's creator, an imported ``judge``) and
no other. The moderators' socket commands, the jury board, the registrations and the results and
medals all ask this; editing a contest's settings is the organisers' power
(``contest_edit.may_edit``), not a moderator's.
"""

from __future__ import annotations

import asyncpg

GLOBAL_ROLES = ("moderator", "admin")


async def moderates(conn: asyncpg.Connection, contest_id: int, user_id: int, role: str) -> bool:
    if role in GLOBAL_ROLES:
        return True
    return bool(
        await conn.fetchval(
            "SELECT true FROM contest_moderators WHERE contest_id = $1 AND user_id = $2",
            contest_id,
            user_id,
        )
    )


async def listed_pairs(
    conn: asyncpg.Connection, asked: list[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Which of the (contest, user) pairs asked ``contest_moderators`` lists, in one query (the
    role is the caller's to look at)."""
    rows = await conn.fetch(
        "SELECT m.contest_id, m.user_id FROM contest_moderators m"
        " JOIN unnest($1::bigint[], $2::bigint[]) AS q (contest_id, user_id)"
        " ON m.contest_id = q.contest_id AND m.user_id = q.user_id",
        [contest for contest, _ in asked],
        [user for _, user in asked],
    )
    return {(int(r["contest_id"]), int(r["user_id"])) for r in rows}


async def moderates_any(conn: asyncpg.Connection, user_id: int, role: str) -> bool:
    """Whether the user moderates some contest: who may open the moderators' socket."""
    if role in GLOBAL_ROLES:
        return True
    return bool(
        await conn.fetchval(
            "SELECT true FROM contest_moderators WHERE user_id = $1 LIMIT 1", user_id
        )
    )


async def listed_contests(conn: asyncpg.Connection, user_id: int) -> list[int]:
    """The contests listing the user in ``contest_moderators`` (for a global role: any rows too,
    though the role already covers every contest)."""
    rows = await conn.fetch(
        "SELECT contest_id FROM contest_moderators WHERE user_id = $1 ORDER BY contest_id", user_id
    )
    return [int(r["contest_id"]) for r in rows]


async def clarification_contest(conn: asyncpg.Connection, clarification_id: int) -> int | None:
    contest_id = await conn.fetchval(
        "SELECT contest_id FROM clarifications WHERE id = $1", clarification_id
    )
    return None if contest_id is None else int(contest_id)
