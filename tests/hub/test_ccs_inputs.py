"""The Contest API's answers to bad input and stale credentials: 4xx with a reason, never a 500.

Real hub processes on the test database; no judging (nothing here reaches a worker).
"""

from __future__ import annotations

import asyncio
import base64
import io
import struct
import zipfile
from typing import Any

import httpx
import pytest
from hub_support import PASSWORD, bearer, new_contest, new_user

from arena.storage.ccs_source import problems_of


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _zip(source: str = "print(1)\n" * 50, method: int = zipfile.ZIP_STORED) -> bytearray:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", method) as archive:
        archive.writestr("main.py", source)
    return bytearray(packed.getvalue())


def _central(data: bytearray) -> int:
    return data.rindex(b"PK\x01\x02")  # the (only) central directory entry


def encrypted() -> bytes:
    data = _zip()
    data[6] |= 1  # general purpose flag bit 0: encrypted, in the local and central headers
    data[_central(data) + 8] |= 1
    return bytes(data)


def unknown_method() -> bytes:
    data = _zip()
    data[8:10] = struct.pack("<H", 99)  # AE-x encryption's method: not one zipfile reads
    data[_central(data) + 10 : _central(data) + 12] = struct.pack("<H", 99)
    return bytes(data)


def corrupt_deflate() -> bytes:
    data = _zip(method=zipfile.ZIP_DEFLATED)
    data[30 + len("main.py")] = 0xFF  # the first deflate block's type is the reserved 11
    return bytes(data)


async def _private_contest(db: Any, problem_id: int) -> int:
    contest_id = await new_contest(db, problem_id)
    await db.execute("UPDATE contests SET public = false WHERE id = $1", contest_id)
    return contest_id


async def test_basic_auth_follows_role_and_disabled_at_once(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    contest_id = await _private_contest(db, hub_problem[0])
    mod_id, mod_name, _ = await new_user(hub, db, role="moderator")
    path = f"/api/v4/contests/{contest_id}"
    async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
        for _ in range(2):  # the second is answered from the verified-password cache
            assert (await http.get(path, headers=basic(mod_name))).status_code == 200
        listed = await http.get("/api/v4/contests", headers=basic(mod_name))
        assert str(contest_id) in [c["id"] for c in listed.json()]
        assert (await http.get(path, headers=basic(mod_name, "wrong password"))).status_code == 401

        await db.execute("UPDATE users SET role = 'contestant' WHERE id = $1", mod_id)
        demoted = await http.get(path, headers=basic(mod_name))
        assert demoted.status_code == 404, demoted.text  # a private contest: jury only
        listed = await http.get("/api/v4/contests", headers=basic(mod_name))
        assert str(contest_id) not in [c["id"] for c in listed.json()]

        await db.execute("UPDATE users SET role = 'moderator' WHERE id = $1", mod_id)
        assert (await http.get(path, headers=basic(mod_name))).status_code == 200
        await db.execute("UPDATE users SET disabled = true WHERE id = $1", mod_id)
        disabled = await http.get(path, headers=basic(mod_name))
        assert disabled.status_code == 401 and disabled.json()["code"] == 401


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        (encrypted, "encrypted"),
        (unknown_method, "unsupported zip compression"),
        (corrupt_deflate, "corrupt zip archive"),
    ],
)
async def test_unreadable_zip_archives_are_bad_requests(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any, archive: Any, reason: str
) -> None:
    hub = hubs[0]
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hub, db)
    data = base64.b64encode(archive()).decode()
    body = {"problem_id": hub_problem[1], "language_id": "python3", "files": [{"data": data}]}
    async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
        sent = await http.post(
            f"/api/v4/contests/{contest_id}/submissions", json=body, headers=bearer(token)
        )
    assert sent.status_code == 400, sent.text
    assert sent.json()["code"] == 400 and reason in sent.json()["message"]


@pytest.mark.parametrize("raw", ["\u00b2", "\u0663", "99999999999999999999", "-1", " 1"])
async def test_numbers_that_are_not_ids_are_client_errors(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any, raw: str
) -> None:
    hub = hubs[0]
    contest_id = await new_contest(db, hub_problem[0])
    _, _, mod_token = await new_user(hub, db, role="moderator")
    base = f"/api/v4/contests/{contest_id}"
    async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
        feed = await http.get(f"{base}/event-feed", params={"stream": "false", "since_token": raw})
        assert feed.status_code == 400, feed.text
        assert "since_token" in feed.json()["message"]
        contest = await http.get(f"/api/v4/contests/{raw}")
        assert contest.status_code == 404, contest.text
        files = await http.get(f"{base}/submissions/{raw}/files", headers=bearer(mod_token))
        assert files.status_code == 404, files.text


async def test_nul_characters_are_client_errors(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    hub = hubs[0]
    contest_id = await new_contest(db, hub_problem[0])
    async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
        login = await http.get(f"/api/v4/contests/{contest_id}", headers=basic("mod\x00erator"))
        assert login.status_code == 401, login.text
        assert login.headers["www-authenticate"].startswith("Basic")
        named = await http.get("/api/v4/contests/ccs%00id")
        assert named.status_code == 404, named.text
        named = await http.get(f"/api/v4/contests/{contest_id}%00")
        assert named.status_code == 404, named.text


async def test_problems_of_many_contests_in_one_read(db: Any, hub_problem: tuple[int, str]) -> None:
    with_problem = await new_contest(db, hub_problem[0])
    empty = await new_contest(db, hub_problem[0])
    await db.execute("DELETE FROM contest_problems WHERE contest_id = $1", empty)
    async with db.acquire() as conn:
        found = await problems_of(conn, [with_problem, empty])
    assert set(found) == {with_problem, empty}
    assert [(p.problem_id, p.slug, p.label) for p in found[with_problem]] == [
        (hub_problem[0], hub_problem[1], "A")
    ]
    assert found[empty] == []


async def test_a_demoted_moderators_jury_feed_ends_at_once(
    hubs: list[Any], hub_problem: tuple[int, str], db: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    mod_id, mod_name, _ = await new_user(hubs[0], db, role="moderator")
    url = f"/api/v4/contests/{contest_id}/event-feed"
    async with (
        httpx.AsyncClient(base_url=hubs[0].url, timeout=60) as http,
        http.stream("GET", url, headers=basic(mod_name)) as feed,
    ):
        assert feed.status_code == 200
        lines = feed.aiter_lines()
        assert '"type":"contest"' in await anext(lines)
        await db.execute("UPDATE users SET role = 'contestant' WHERE id = $1", mod_id)
        # The stream ends by itself on its next poll; a jury feed otherwise runs for ever.
        async with asyncio.timeout(30):
            async for _ in lines:
                pass
