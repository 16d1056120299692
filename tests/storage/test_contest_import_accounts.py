"""What a contest import may do to accounts (real database): re-importing an unchanged package
keeps everyone logged in (the stored hash is verified, not compared with a fresh one); a judge
moderates only the imported contest; admin accounts, and changes to existing accounts, need the
person importing to say so; a refusal leaves nothing of the package behind."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from team_package_support import HASHER, Names, team_package

from arena.storage import users
from arena.storage.blobs import DiskBlobStore
from arena.storage.contests import import_contest
from arena.storage.errors import ImportFailure
from arena.storage.team_import import AccountsPolicy


async def _import(conn: Any, blobs: DiskBlobStore, pkg: Path, **policy: bool) -> Any:
    return await import_contest(conn, blobs, pkg, hasher=HASHER, policy=AccountsPolicy(**policy))


async def _user(conn: Any, username: str) -> Any:
    return await conn.fetchrow(
        "SELECT id, role::text AS role, password_hash FROM users WHERE username = $1", username
    )


async def _login(conn: Any, user_id: int) -> str:
    token = uuid.uuid4().hex
    await users.create_session(conn, user_id, token, 3600)
    return token


def _edit(pkg: Path, old: str, new: str) -> None:
    text = (pkg / "accounts.yaml").read_text()
    assert old in text, old
    (pkg / "accounts.yaml").write_text(text.replace(old, new, 1))


async def test_reimporting_unchanged_keeps_sessions_a_changed_password_ends_them(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    pkg = await team_package(conn, blobs, tmp_path, n)
    first = await _import(conn, blobs, pkg, grant_admin=True)
    ann, cat, judge = [await _user(conn, name) for name in (n.ann, n.cat, n.judge)]
    tokens = {u["id"]: await _login(conn, u["id"]) for u in (ann, cat, judge)}

    # The organiser imports the same package again mid-contest: nobody is logged out.
    again = await _import(conn, blobs, pkg, grant_admin=True)
    assert again.contest_id == first.contest_id and again.teams is not None
    assert again.teams.changed_users == [] and again.teams.ended_sessions == []
    for user_id, token in tokens.items():
        found = await users.session_user(conn, token)
        assert found is not None and found.id == user_id
    assert (await _user(conn, n.ann))["password_hash"] == ann["password_hash"]  # not rewritten

    # ann's password changes in the package: refused without --update-accounts (no one logged
    # out), then with it only ann's sessions end.
    _edit(pkg, "ann-secret-1", "ann-secret-2")
    with pytest.raises(ImportFailure) as caught:
        await _import(conn, blobs, pkg, grant_admin=True)
    text = str(caught.value)
    assert text.startswith("accounts.yaml: line 1, $[0].username"), text
    assert repr(n.ann) in text and "another password" in text and "--update-accounts" in text
    assert await users.session_user(conn, tokens[ann["id"]]) is not None

    changed = await _import(conn, blobs, pkg, grant_admin=True, update_accounts=True)
    assert changed.teams is not None and changed.teams.changed_users == [ann["id"]]
    assert len(changed.teams.ended_sessions) == 1
    assert await users.session_user(conn, tokens[ann["id"]]) is None
    assert await users.session_user(conn, tokens[cat["id"]]) is not None
    assert HASHER.verify((await _user(conn, n.ann))["password_hash"], "ann-secret-2")


async def test_a_judge_moderates_only_its_contest(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    # The judge exists already, as a contestant with the package's password.
    await conn.execute(
        "INSERT INTO users (username, password_hash) VALUES ($1, $2)",
        n.judge,
        HASHER.hash("judge-secret"),
    )
    pkg = await team_package(conn, blobs, tmp_path, n)
    done = await _import(conn, blobs, pkg, grant_admin=True)
    judge = await _user(conn, n.judge)
    assert judge["role"] == "contestant"  # no site-wide moderator (the /ws/admin of every contest)
    moderated = await conn.fetch(
        "SELECT contest_id FROM contest_moderators WHERE user_id = $1", judge["id"]
    )
    assert [r["contest_id"] for r in moderated] == [done.contest_id]


async def _nothing_of(conn: Any, n: Names) -> bool:
    contests = await conn.fetchval(
        "SELECT count(*) FROM contests WHERE external_id = $1", n.contest
    )
    made = await conn.fetchval(
        "SELECT count(*) FROM users WHERE username = ANY($1::text[])", [n.ann, n.ben]
    )
    return contests == 0 and made == 0


async def test_an_admin_account_needs_grant_admin(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    pkg = await team_package(conn, blobs, tmp_path, n)
    with pytest.raises(ImportFailure) as caught:
        await _import(conn, blobs, pkg, update_accounts=True)  # the other flag is not enough
    text = str(caught.value)
    assert text.startswith("accounts.yaml: line 16, $[4].type"), text
    assert repr(n.admin) in text and "--grant-admin" in text
    assert await _nothing_of(conn, n) and await _user(conn, n.admin) is None

    await _import(conn, blobs, pkg, grant_admin=True)
    assert (await _user(conn, n.admin))["role"] == "admin"


async def test_existing_accounts_are_not_taken_over(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    pkg = await team_package(conn, blobs, tmp_path, n)
    _edit(pkg, f"- username: {n.admin}\n  password: admin-secret\n  type: admin\n", "")
    # cat is a site admin already: the package names it as a team account, with a password.
    root_hash = HASHER.hash("root-password")
    await conn.execute(
        "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, 'admin')",
        n.cat,
        root_hash,
    )
    admin_id = (await _user(conn, n.cat))["id"]
    token = await _login(conn, admin_id)
    with pytest.raises(ImportFailure) as caught:
        await _import(conn, blobs, pkg, grant_admin=True)
    text = str(caught.value)
    assert text.startswith("accounts.yaml: line 9, $[2].username"), text
    assert repr(n.cat) in text and "--update-accounts" in text
    assert "another password" in text and "is an admin (it would join a team)" in text
    assert await _nothing_of(conn, n)  # ann and ben (listed before cat) were rolled back
    still = await _user(conn, n.cat)
    assert (still["role"], still["password_hash"]) == ("admin", root_hash)
    assert await users.session_user(conn, token) is not None

    # The same password is no takeover, but an admin joining a team still is.
    _edit(pkg, "cat-secret-1", "root-password")
    with pytest.raises(ImportFailure) as caught:
        await _import(conn, blobs, pkg)
    assert "another password" not in str(caught.value)
    assert "is an admin (it would join a team)" in str(caught.value)

    # An existing contestant with the package's password is simply found.
    await conn.execute("UPDATE users SET role = 'contestant' WHERE id = $1", admin_id)
    done = await _import(conn, blobs, pkg)
    assert done.teams is not None and done.teams.changed_users == []
    assert await users.session_user(conn, token) is not None


async def test_update_accounts_lets_the_package_change_existing_accounts(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    n = Names()
    await conn.execute(
        "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, 'moderator')",
        n.cat,
        HASHER.hash("old-password"),
    )
    pkg = await team_package(conn, blobs, tmp_path, n)
    done = await _import(conn, blobs, pkg, grant_admin=True, update_accounts=True)
    cat = await _user(conn, n.cat)
    assert done.teams is not None and cat["id"] in done.teams.changed_users
    assert cat["role"] == "moderator"  # a role never goes down
    assert HASHER.verify(cat["password_hash"], "cat-secret-1")
