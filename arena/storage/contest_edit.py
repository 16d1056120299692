"""Creating, editing, cloning and deleting contests (the organisers' editor), each change audited in
its transaction; who may see a contest that is not public."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from arena.contest_edit import (
    ContestSettings,
    EditProblem,
    EditRefused,
    check,
    history_refusal,
)
from arena.protocol.vocabulary import Scoring
from arena.storage.moderation import audit, reopen_results


class EditableContest(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    settings: ContestSettings
    invite_code: str | None
    submissions: int


_SETTINGS = (
    "SELECT id, name, start_time, duration_s, freeze_duration_s, penalty_minutes,"
    " scoring::text AS scoring, visibility, registration_start, registration_end,"
    " max_team_size, invite_code FROM contests WHERE id = $1 AND deleted_at IS NULL"
)


async def load(conn: asyncpg.Connection, contest_id: int) -> EditableContest | None:
    row = await conn.fetchrow(_SETTINGS, contest_id)
    if row is None:
        return None
    problems = await conn.fetch(
        "SELECT p.slug, cp.label, cp.rgb, cp.points FROM contest_problems cp"
        " JOIN problems p ON p.id = cp.problem_id WHERE cp.contest_id = $1 ORDER BY cp.ordinal",
        contest_id,
    )
    count = await conn.fetchval(
        "SELECT count(*) FROM submissions WHERE contest_id = $1", contest_id
    )
    settings = ContestSettings(
        name=row["name"],
        start=row["start_time"],
        duration_s=row["duration_s"],
        freeze_duration_s=row["freeze_duration_s"],
        penalty_minutes=row["penalty_minutes"],
        scoring=Scoring(row["scoring"]),
        visibility=row["visibility"],
        registration_start=row["registration_start"],
        registration_end=row["registration_end"],
        max_team_size=row["max_team_size"],
        problems=[
            EditProblem(slug=p["slug"], label=p["label"], color=p["rgb"], points=p["points"])
            for p in problems
        ],
    )
    return EditableContest(
        id=row["id"], settings=settings, invite_code=row["invite_code"], submissions=count
    )


def _invite(visibility: str, current: str | None) -> str | None:
    if visibility != "invite":
        return current  # kept, so switching back to invite-only revives the same link
    return current or secrets.token_urlsafe(12)


async def _problem_ids(conn: asyncpg.Connection, settings: ContestSettings) -> list[int]:
    slugs = [p.slug for p in settings.problems]
    rows = await conn.fetch("SELECT slug, id FROM problems WHERE slug = ANY($1::text[])", slugs)
    found = {r["slug"]: r["id"] for r in rows}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise EditRefused(f"no such problem: {', '.join(missing)}")
    return [found[s] for s in slugs]


async def _write_problems(
    conn: asyncpg.Connection, contest_id: int, settings: ContestSettings
) -> None:
    ids = await _problem_ids(conn, settings)
    await conn.execute(
        "DELETE FROM contest_problems WHERE contest_id = $1 AND NOT problem_id = ANY($2::bigint[])",
        contest_id,
        ids,
    )
    # Labels swap between rows: move the kept ones aside first (UNIQUE (contest_id, label)).
    await conn.execute(
        "UPDATE contest_problems SET label = '~' || problem_id WHERE contest_id = $1", contest_id
    )
    await conn.executemany(
        "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal, rgb, color, points)"
        " VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (contest_id, problem_id) DO UPDATE SET"
        " label = excluded.label, ordinal = excluded.ordinal, rgb = excluded.rgb,"
        " color = excluded.color, points = excluded.points",
        [
            (contest_id, pid, p.label, i, p.color, p.points)
            for i, (pid, p) in enumerate(zip(ids, settings.problems, strict=True))
        ],
    )


def _details(settings: ContestSettings) -> dict[str, Any]:
    return msgspec.to_builtins(settings)  # type: ignore[no-any-return]


async def create(
    conn: asyncpg.Connection, actor_id: int, settings: ContestSettings
) -> EditableContest:
    check(settings)
    async with conn.transaction():
        contest_id: int = await conn.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, freeze_duration_s,"
            " penalty_minutes, scoring, visibility, public, invite_code, registration_start,"
            " registration_end, max_team_size, created_by) VALUES ($1, $2, $3, $4, $5,"
            " $6::contest_scoring, $7, $7 = 'public', $8, $9, $10, $11, $12) RETURNING id",
            settings.name.strip(),
            settings.start,
            settings.duration_s,
            settings.freeze_duration_s,
            settings.penalty_minutes,
            settings.scoring.value,
            settings.visibility,
            _invite(settings.visibility, None),
            settings.registration_start,
            settings.registration_end,
            settings.max_team_size,
            actor_id,
        )
        await conn.execute(
            "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)",
            contest_id,
            actor_id,
        )
        await _write_problems(conn, contest_id, settings)
        await audit(conn, actor_id, "contest_create", contest_id, _details(settings))
    made = await load(conn, contest_id)
    assert made is not None
    return made


async def update(
    conn: asyncpg.Connection,
    actor_id: int,
    contest_id: int,
    settings: ContestSettings,
    *,
    now: datetime,
) -> EditableContest:
    """Replaces the settings; refused (nothing changes) when it would rewrite history."""
    check(settings)
    async with conn.transaction():
        # Submissions take this lock's row too (FOR UPDATE): none slips in between the check
        # and the write.
        await conn.execute("SELECT id FROM contests WHERE id = $1 FOR UPDATE", contest_id)
        current = await load(conn, contest_id)
        if current is None:
            raise EditRefused(f"contest {contest_id} does not exist")
        last = await conn.fetchval(
            "SELECT max(submitted_at) FROM submissions WHERE contest_id = $1", contest_id
        )
        submitted = {
            r["slug"]
            for r in await conn.fetch(
                "SELECT DISTINCT p.slug FROM submissions s JOIN problems p ON p.id = s.problem_id"
                " WHERE s.contest_id = $1",
                contest_id,
            )
        }
        refusal = history_refusal(
            current.settings, settings, submitted=submitted, last_submission=last, now=now
        )
        if refusal is not None:
            raise EditRefused(refusal)
        await conn.execute(
            "UPDATE contests SET name = $2, start_time = $3, duration_s = $4,"
            " freeze_duration_s = $5, penalty_minutes = $6, scoring = $7::contest_scoring,"
            " visibility = $8, public = $8 = 'public', invite_code = $9,"
            " registration_start = $10, registration_end = $11, max_team_size = $12"
            " WHERE id = $1",
            contest_id,
            settings.name.strip(),
            settings.start,
            settings.duration_s,
            settings.freeze_duration_s,
            settings.penalty_minutes,
            settings.scoring.value,
            settings.visibility,
            _invite(settings.visibility, current.invite_code),
            settings.registration_start,
            settings.registration_end,
            settings.max_team_size,
        )
        await _write_problems(conn, contest_id, settings)
        if last is not None:
            await reopen_results(conn, contest_id)
        await audit(conn, actor_id, "contest_edit", contest_id, _details(settings))
    edited = await load(conn, contest_id)
    assert edited is not None
    return edited


async def new_invite(conn: asyncpg.Connection, actor_id: int, contest_id: int) -> str:
    """A fresh invite code; the old link stops working."""
    code = secrets.token_urlsafe(12)
    async with conn.transaction():
        await conn.execute("UPDATE contests SET invite_code = $2 WHERE id = $1", contest_id, code)
        await audit(conn, actor_id, "contest_invite_reset", contest_id, {})
    return code


async def clone(
    conn: asyncpg.Connection, actor_id: int, contest_id: int, start: datetime, name: str
) -> EditableContest:
    """A new contest with the settings and problems of this one, starting at ``start``."""
    source = await load(conn, contest_id)
    if source is None:
        raise EditRefused(f"contest {contest_id} does not exist")
    old = source.settings
    shift = start - old.start

    def moved(when: datetime | None) -> datetime | None:
        return None if when is None else when + shift

    settings = msgspec.structs.replace(
        old,
        name=name,
        start=start,
        registration_start=moved(old.registration_start),
        registration_end=moved(old.registration_end),
    )
    made = await create(conn, actor_id, settings)
    await audit(conn, actor_id, "contest_clone", made.id, {"from": contest_id})
    return made


async def delete(conn: asyncpg.Connection, actor_id: int, contest_id: int) -> None:
    """Hides a contest that has no submissions (its row stays for the audit log)."""
    async with conn.transaction():
        await conn.execute("SELECT id FROM contests WHERE id = $1 FOR UPDATE", contest_id)
        if await conn.fetchval(
            "SELECT true FROM submissions WHERE contest_id = $1 LIMIT 1", contest_id
        ):
            raise EditRefused("the contest has submissions: it cannot be deleted")
        name = await conn.fetchval(
            "UPDATE contests SET deleted_at = now(), external_id = NULL, invite_code = NULL,"
            " public = false, visibility = 'private' WHERE id = $1 AND deleted_at IS NULL"
            " RETURNING name",
            contest_id,
        )
        if name is None:
            raise EditRefused(f"contest {contest_id} does not exist")
        await audit(conn, actor_id, "contest_delete", contest_id, {"name": name})


async def may_edit(conn: asyncpg.Connection, contest_id: int, user_id: int, role: str) -> bool:
    """Admins edit every contest, moderators the ones listed for it (the organisers' power;
    who moderates a contest is ``arena.storage.moderators``)."""
    if role == "admin":
        return True
    if role != "moderator":
        return False
    return bool(
        await conn.fetchval(
            "SELECT true FROM contest_moderators WHERE contest_id = $1 AND user_id = $2",
            contest_id,
            user_id,
        )
    )


async def is_insider(conn: asyncpg.Connection, contest_id: int, user_id: int) -> bool:
    """Whether a contest that is not public may show itself to the user: a registration (own or
    a team's), or one of its moderators."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM registrations WHERE contest_id = $1 AND user_id = $2)"
            " OR EXISTS (SELECT 1 FROM team_members WHERE contest_id = $1 AND member_id = $2)"
            " OR EXISTS (SELECT 1 FROM contest_moderators WHERE contest_id = $1"
            " AND user_id = $2)",
            contest_id,
            user_id,
        )
    )


async def editable_ids(conn: asyncpg.Connection, user_id: int, *, admin: bool) -> list[int]:
    rows = await conn.fetch(
        "SELECT id FROM contests WHERE deleted_at IS NULL AND ($1 OR id IN"
        " (SELECT contest_id FROM contest_moderators WHERE user_id = $2))"
        " ORDER BY start_time DESC LIMIT 500",
        admin,
        user_id,
    )
    return [r["id"] for r in rows]


async def invite_contest(conn: asyncpg.Connection, code: str) -> tuple[int, str] | None:
    """The contest (id, name) an invite code opens."""
    row = await conn.fetchrow(
        "SELECT id, name FROM contests WHERE invite_code = $1 AND visibility = 'invite'"
        " AND deleted_at IS NULL",
        code,
    )
    return None if row is None else (row["id"], row["name"])


async def contest_of_invite(conn: asyncpg.Connection, code: str) -> int | None:
    found: int | None = await conn.fetchval(
        "SELECT id FROM contests WHERE invite_code = $1 AND visibility = 'invite'"
        " AND deleted_at IS NULL",
        code,
    )
    return found
