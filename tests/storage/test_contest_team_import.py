"""The Contest Package's teams.json, organizations.json, groups.json and accounts.yaml read by
the contest import (real database): accounts with hashed passwords or none, judges and admins,
teams with members; and every kind of bad input refused naming the file, the line and the JSON
path, with nothing of the package left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from argon2.exceptions import VerificationError
from team_package_support import HASHER, Names, team_package

from arena.storage.blobs import DiskBlobStore
from arena.storage.contests import import_contest
from arena.storage.errors import ImportFailure
from arena.storage.team_import import AccountsPolicy


async def _import(conn: Any, blobs: DiskBlobStore, pkg: Path, **policy: bool) -> Any:
    return await import_contest(
        conn, blobs, pkg, hasher=HASHER, policy=AccountsPolicy(grant_admin=True, **policy)
    )


def _verifies(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except VerificationError:
        return False


async def test_teams_accounts_and_catalogue_are_imported(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    pkg = await team_package(conn, blobs, tmp_path, n)
    done = await _import(conn, blobs, pkg)
    assert done.teams is not None
    assert (done.teams.teams, done.teams.organizations, done.teams.groups) == (2, 1, 1)
    assert (done.teams.accounts_created, done.teams.accounts_updated) == (5, 0)
    users = {
        r["username"]: r
        for r in await conn.fetch(
            "SELECT id, username, role::text AS role, password_hash FROM users"
            " WHERE username = ANY($1::text[])",
            [n.ann, n.ben, n.cat, n.judge, n.admin],
        )
    }
    # Hashed with argon2id, never in clear; ben had no password and has none.
    for name, password in ((n.ann, "ann-secret-1"), (n.cat, "cat-secret-1")):
        stored = users[name]["password_hash"]
        assert stored.startswith("$argon2id$") and password not in stored
        assert _verifies(stored, password) and not _verifies(stored, password + "x")
    assert users[n.ben]["password_hash"] is None
    assert users[n.ann]["password_hash"] != users[n.cat]["password_hash"]
    roles = {name: users[name]["role"] for name in users}
    assert roles == {
        n.ann: "contestant", n.ben: "contestant", n.cat: "contestant",
        n.judge: "contestant", n.admin: "admin",
    }  # fmt: skip
    moderators = await conn.fetch(
        "SELECT user_id FROM contest_moderators WHERE contest_id = $1", done.contest_id
    )
    assert [r["user_id"] for r in moderators] == [users[n.judge]["id"]]

    # Teams: found by their package id; ann (whose account is listed first) is the registration.
    teams = {
        r["external_id"]: r
        for r in await conn.fetch(
            "SELECT t.user_id, t.external_id, t.name, o.external_id AS org FROM teams t"
            " LEFT JOIN organizations o ON o.id = t.organization_id WHERE t.contest_id = $1",
            done.contest_id,
        )
    }
    assert teams[n.t1]["user_id"] == users[n.ann]["id"] and teams[n.t1]["org"] == n.org
    assert teams[n.t2]["user_id"] == users[n.cat]["id"] and teams[n.t2]["org"] is None
    members = await conn.fetch(
        "SELECT member_id, team_user FROM team_members WHERE contest_id = $1 ORDER BY member_id",
        done.contest_id,
    )
    assert {(r["member_id"], r["team_user"]) for r in members} == {
        (users[n.ann]["id"], users[n.ann]["id"]),
        (users[n.ben]["id"], users[n.ann]["id"]),
        (users[n.cat]["id"], users[n.cat]["id"]),
    }
    grouped = await conn.fetchval(
        "SELECT g.external_id FROM team_group_members m JOIN team_groups g ON g.id = m.group_id"
        " WHERE m.contest_id = $1 AND m.team_user = $2",
        done.contest_id,
        users[n.ann]["id"],
    )
    assert grouped == n.group
    org = await conn.fetchrow("SELECT * FROM organizations WHERE external_id = $1", n.org)
    assert (org["name"], org["formal_name"], org["country"]) == ("Uni", "The University", "NLD")
    assert await conn.fetchval("SELECT hidden FROM team_groups WHERE external_id = $1", n.group)

    # Importing again updates (existing accounts: --update-accounts): a new password is hashed
    # anew, a role only goes up, ben (no password in the file) keeps what was set meanwhile,
    # and nothing is duplicated.
    await conn.execute("UPDATE users SET password_hash = 'kept' WHERE id = $1", users[n.ben]["id"])
    accounts = (pkg / "accounts.yaml").read_text()
    accounts = accounts.replace("ann-secret-1", "ann-secret-2").replace(
        "type: admin", "type: judge"
    )
    (pkg / "accounts.yaml").write_text(accounts)
    (pkg / "groups.json").write_text(json.dumps([{"id": n.group, "name": "Pupils"}]))
    again = await _import(conn, blobs, pkg, update_accounts=True)
    assert again.contest_id == done.contest_id and not again.created
    assert again.teams is not None and again.teams.accounts_created == 0
    ann_hash = await conn.fetchval(
        "SELECT password_hash FROM users WHERE id = $1", users[n.ann]["id"]
    )
    assert _verifies(ann_hash, "ann-secret-2") and not _verifies(ann_hash, "ann-secret-1")
    assert (
        await conn.fetchval("SELECT password_hash FROM users WHERE id = $1", users[n.ben]["id"])
        == "kept"
    )
    assert (
        await conn.fetchval("SELECT role::text FROM users WHERE id = $1", users[n.admin]["id"])
        == "admin"
    )
    group = await conn.fetchrow(
        "SELECT name, hidden FROM team_groups WHERE external_id = $1", n.group
    )
    assert (group["name"], group["hidden"]) == ("Pupils", True)  # hidden left out: kept
    count = await conn.fetchval("SELECT count(*) FROM teams WHERE contest_id = $1", done.contest_id)
    assert count == 2


async def _catalogue_state(conn: Any, n: Names) -> tuple[Any, ...]:
    return (
        await conn.fetchval("SELECT count(*) FROM contests WHERE external_id = $1", n.contest),
        await conn.fetchval(
            "SELECT count(*) FROM users WHERE username = ANY($1::text[])",
            [n.ann, n.ben, n.cat, n.judge, n.admin],
        ),
        await conn.fetchval("SELECT count(*) FROM organizations WHERE external_id = $1", n.org),
        await conn.fetchval("SELECT count(*) FROM team_groups WHERE external_id = $1", n.group),
    )


def _edit_json(name: str, change: Any) -> Any:
    def edit(pkg: Path, n: Names) -> None:
        data = json.loads((pkg / name).read_text())
        change(data, n)
        (pkg / name).write_text(json.dumps(data, indent=1))

    return edit


def _edit_text(name: str, old: str, new: str) -> Any:
    def edit(pkg: Path, n: Names) -> None:
        text = (pkg / name).read_text()
        old_text = old.format(n=n)
        assert old_text in text, old_text
        (pkg / name).write_text(text.replace(old_text, new.format(n=n), 1))

    return edit


BAD = [
    # Malformed files: the line of the syntax error, or the item's line and path.
    ("syntax", _edit_text("teams.json", '"Two Of Us",', '"Two Of Us",,'),
     "teams.json", "invalid JSON at line 4"),
    ("not a list", _edit_json("groups.json", lambda d, n: d.clear() or d.append(1)),
     "groups.json: line 2, $[0]", "expected an object"),
    ("missing name", _edit_json("teams.json", lambda d, n: d[1].pop("name")),
     "teams.json: line 11, $[1]", "missing required field `name`"),
    ("wrong type", _edit_json("organizations.json", lambda d, n: d[0].update(name=5)),
     "organizations.json: line 2, $[0].name", "Expected `str`, got `int`"),
    ("yaml", _edit_text("accounts.yaml", "  type: judge", "  type: [judge"),
     "accounts.yaml", "invalid YAML at line"),
    # Unknown references: in the file, or (organizations, groups) in the database either.
    ("unknown organization",
     _edit_json("teams.json", lambda d, n: d[1].update(organization_id="nope-org")),
     "teams.json: line 11, $[1].organization_id", "no organization 'nope-org'"),
    ("unknown group", _edit_json("teams.json", lambda d, n: d[0].update(group_ids=["nope-grp"])),
     "teams.json: line 2, $[0].group_ids", "no group nope-grp"),
    ("unknown team", _edit_text("accounts.yaml", "team_id: {n.t2}", "team_id: nope-team"),
     "accounts.yaml: line 9, $[2].team_id", "no team 'nope-team' in teams.json"),
    ("team without account", _edit_text("accounts.yaml", "team_id: {n.t2}", "team_id: {n.t1}"),
     "teams.json: line 11, $[1]", "no account of type team"),
    # Duplicates.
    ("duplicate team id", _edit_json("teams.json", lambda d, n: d[1].update(id=n.t1)),
     "teams.json: line 11, $[1].id", "is also used at line 2, $[0]"),
    ("duplicate team name", _edit_json("teams.json", lambda d, n: d[1].update(name="two of US")),
     "teams.json: line 11, $[1].name", "is also used at line 2, $[0]"),
    ("duplicate organization",
     _edit_json("organizations.json", lambda d, n: d.append(dict(d[0]))),
     "organizations.json: line 8, $[1].id", "is also used"),
    ("duplicate username", _edit_text("accounts.yaml", "username: {n.cat}", "username: {n.ann}"),
     "accounts.yaml: line 9, $[2].username", "is also used at line 1, $[0]"),
    # Values Arena cannot take.
    ("account type", _edit_text("accounts.yaml", "type: judge", "type: analyst"),
     "accounts.yaml: line 13, $[3].type", "Arena takes accounts of type team, judge, admin"),
    ("short password", _edit_text("accounts.yaml", "cat-secret-1", "short"),
     "accounts.yaml: line 9, $[2].password", "8 to 256 characters"),
    ("bad username", _edit_text("accounts.yaml", "username: {n.cat}", "username: 'c a t'"),
     "accounts.yaml: line 9, $[2].username", "a username is"),
    ("bad country",
     _edit_json("organizations.json", lambda d, n: d[0].update(country="Holland")),
     "organizations.json: line 2, $[0]", "ISO 3166-1 alpha-3"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edit", "where", "message"), BAD, ids=[b[0] for b in BAD])
async def test_bad_team_files_are_refused_and_nothing_is_imported(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path, case: str, edit: Any, where: str,
    message: str,
) -> None:  # fmt: skip
    n = Names()
    pkg = await team_package(conn, blobs, tmp_path, n)
    edit(pkg, n)
    with pytest.raises(ImportFailure) as caught:
        await _import(conn, blobs, pkg)
    text = str(caught.value)
    assert text.startswith(where), text
    assert message in text, text
    # One transaction: no contest, account, organization or group of the package is left.
    assert await _catalogue_state(conn, n) == (0, 0, 0, 0), case
