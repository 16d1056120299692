"""Teams, organizations, groups and the contest editor's storage on real Postgres."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from storage.test_ranking_cache import contest_with, contestant, judged

from arena.contest_edit import ContestSettings, EditProblem, EditRefused
from arena.storage import contest_edit, participation, ranking_cache, teams


async def _user(conn: Any) -> int:
    user_id: int = await conn.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
        f"t{uuid.uuid4().hex[:10]}",
    )
    return user_id


async def test_a_team_of_two_ranks_as_one_row_under_its_name(conn: Any, tmp_path: Path) -> None:
    contest_id, [problem] = await contest_with(conn, tmp_path, 1)
    leader, second, outsider = await _user(conn), await _user(conn), await _user(conn)
    org = await teams.save_organization(conn, f"o{uuid.uuid4().hex[:8]}", "Uni", country="nld")
    group = await teams.save_group(conn, f"g{uuid.uuid4().hex[:8]}", "Students")
    team = await teams.create_team(
        conn, contest_id, leader, "Blue", organization_id=org.id, group_ids=[group.id]
    )
    assert team.join_code and org.country == "NLD"
    assert await teams.join_by_code(conn, contest_id, second, team.join_code) == leader
    assert await teams.contestant_of(conn, contest_id, second) == leader
    assert await teams.contestant_of(conn, contest_id, outsider) is None
    assert await participation.is_registered(conn, contest_id, second)
    assert contest_id in await participation.registered_contests(conn, second)
    assert not await participation.is_registered(conn, contest_id, outsider)
    [listed] = await teams.teams(conn, contest_id)
    assert (listed.name, listed.organization_id, listed.group_ids) == ("Blue", org.id, [group.id])
    assert sorted(m.user_id for m in listed.members) == sorted([leader, second])
    await judged(conn, contest_id, leader, problem, "AC", 10)
    board = await ranking_cache.compute_board(conn, await _info(conn, contest_id), None)
    assert [(user, row.username) for user, row in board.items()] == [(leader, "Blue")]


async def _info(conn: Any, contest_id: int) -> Any:
    from arena.storage.contest_state import load_contest

    return await load_contest(conn, contest_id)


async def test_team_size_and_double_membership_are_refused(conn: Any, tmp_path: Path) -> None:
    contest_id, _ = await contest_with(conn, tmp_path, 1)
    await conn.execute("UPDATE contests SET max_team_size = 2 WHERE id = $1", contest_id)
    a, b, c = await _user(conn), await _user(conn), await _user(conn)
    team = await teams.create_team(conn, contest_id, a, "Red")
    await teams.add_member(conn, contest_id, a, b)
    with pytest.raises(teams.TeamError, match="at most 2"):
        await teams.add_member(conn, contest_id, a, c)
    other = await teams.create_team(conn, contest_id, c, "Green")
    with pytest.raises(teams.TeamError, match="another team"):
        await teams.add_member(conn, contest_id, other.user_id, b)
    with pytest.raises(teams.TeamError, match="already registered"):
        await teams.create_team(conn, contest_id, await _user(conn), "red")
    with pytest.raises(teams.TeamError, match="join code"):
        await teams.join_by_code(conn, contest_id, await _user(conn), "nope")
    assert team.name == "Red"


async def test_a_lone_contestant_who_submitted_cannot_be_merged_into_a_team(
    conn: Any, tmp_path: Path
) -> None:
    contest_id, [problem] = await contest_with(conn, tmp_path, 1)
    lone = await contestant(conn, contest_id)
    await judged(conn, contest_id, lone, problem, "WA", 3)
    leader = await _user(conn)
    await teams.create_team(conn, contest_id, leader, "Late")
    with pytest.raises(teams.TeamError, match="another team"):
        await teams.add_member(conn, contest_id, leader, lone)


def _settings(**changes: Any) -> ContestSettings:
    base = ContestSettings(
        name="Edited",
        start=datetime.now(UTC) - timedelta(minutes=30),
        duration_s=7200,
        problems=[],
    )
    return ContestSettings(**{**{f: getattr(base, f) for f in base.__struct_fields__}, **changes})


async def test_editor_creates_refuses_history_rewrites_and_audits(
    conn: Any, tmp_path: Path
) -> None:
    _, [problem] = await contest_with(conn, tmp_path, 1)
    slug = await conn.fetchval("SELECT slug FROM problems WHERE id = $1", problem)
    admin = await _user(conn)
    now = datetime.now(UTC)
    made = await contest_edit.create(
        conn,
        admin,
        _settings(visibility="invite", problems=[EditProblem(slug=slug, label="A", points=5)]),
    )
    assert made.invite_code and made.settings.problems[0].points == 5
    assert await contest_edit.contest_of_invite(conn, made.invite_code) == made.id
    user = await contestant(conn, made.id)
    await judged(conn, made.id, user, problem, "AC", 5)
    moved = _settings(
        start=made.settings.start - timedelta(minutes=5),
        problems=made.settings.problems,
    )
    with pytest.raises(EditRefused, match="start cannot move"):
        await contest_edit.update(conn, admin, made.id, moved, now=now)
    dropped = msgspec_replace(made.settings, problems=[])
    with pytest.raises(EditRefused, match="cannot leave"):
        await contest_edit.update(conn, admin, made.id, dropped, now=now)
    with pytest.raises(EditRefused, match="has submissions"):
        await contest_edit.delete(conn, admin, made.id)
    renamed = msgspec_replace(made.settings, name="Renamed", duration_s=9000)
    edited = await contest_edit.update(conn, admin, made.id, renamed, now=now)
    assert (edited.settings.name, edited.invite_code) == ("Renamed", made.invite_code)
    actions = [
        r["action"]
        for r in await conn.fetch(
            "SELECT action FROM audit_log WHERE contest_id = $1 ORDER BY id", made.id
        )
    ]
    assert actions == ["contest_create", "contest_edit"]


async def test_clone_and_delete(conn: Any, tmp_path: Path) -> None:
    admin = await _user(conn)
    made = await contest_edit.create(conn, admin, _settings(freeze_duration_s=600))
    start = datetime.now(UTC) + timedelta(days=7)
    copy = await contest_edit.clone(conn, admin, made.id, start, "Next week")
    assert (copy.settings.start, copy.settings.freeze_duration_s) == (start, 600)
    await contest_edit.delete(conn, admin, copy.id)
    assert await contest_edit.load(conn, copy.id) is None
    listed = await participation.listed_contests(conn, jury=True)
    assert copy.id not in {c.id for c in listed} and made.id in {c.id for c in listed}
    with pytest.raises(EditRefused, match="does not exist"):
        await contest_edit.delete(conn, admin, copy.id)


async def test_private_contests_are_listed_only_to_insiders(conn: Any, tmp_path: Path) -> None:
    admin, outsider = await _user(conn), await _user(conn)
    made = await contest_edit.create(conn, admin, _settings(visibility="private"))
    member = await contestant(conn, made.id)
    seen = {c.id for c in await participation.listed_contests(conn, jury=False, user_id=member)}
    hidden = {c.id for c in await participation.listed_contests(conn, jury=False, user_id=outsider)}
    anonymous = {c.id for c in await participation.listed_contests(conn, jury=False)}
    assert made.id in seen and made.id not in hidden and made.id not in anonymous
    assert await contest_edit.is_insider(conn, made.id, admin)
    assert not await contest_edit.is_insider(conn, made.id, outsider)


def msgspec_replace(settings: ContestSettings, **changes: Any) -> ContestSettings:
    import msgspec

    return msgspec.structs.replace(settings, **changes)


@pytest.mark.parametrize("bad", [".", "..", ".hidden", "ünï", "a/b", "", "x" * 37])
async def test_organization_and_group_ids_are_the_contest_apis_identifiers(
    conn: Any, bad: str
) -> None:
    """An id becomes a path segment of the Contest API and of logo URLs: ASCII only, never
    '.' or '..', no dot first."""
    with pytest.raises(teams.TeamError, match="bad id"):
        await teams.save_organization(conn, bad, "Uni")
    with pytest.raises(teams.TeamError, match="bad id"):
        await teams.save_group(conn, bad, "Students")
