"""Statements and contest pages from the per-process cache: ETags, 304s and who may keep what.

The contest-start spike is served from these caches; the tests try to get a statement before the
start through them (a cached answer, a guessed or leaked ETag) and to see another user's page.
"""

from __future__ import annotations

from typing import Any

import httpx
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_contest, new_user

UPCOMING = {"started_min_ago": -60}


async def _get(
    hub: Hub, path: str, token: str | None = None, etag: str | None = None
) -> httpx.Response:
    headers = bearer(token) if token else {}
    if etag is not None:
        headers["If-None-Match"] = etag
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.get(path, headers=headers)


async def test_a_statement_is_the_same_bytes_for_everyone_with_an_etag_and_a_304(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, alice = await new_user(hubs[0], db)
    _, _, bob = await new_user(hubs[0], db)
    path = f"/api/contests/{contest_id}/problems/A"
    first = await _get(hubs[0], path, alice)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 8
    # Public from the start: a CDN may keep it, and the same copy serves everyone.
    assert first.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert "vary" not in first.headers
    assert first.json()["slug"] == hub_problem[1]
    assert (first.json()["liked"], first.json()["solved"]) == (False, False)
    # Another user, another hub process, anonymous: the same bytes and the same ETag.
    for hub, who in ((hubs[1], bob), (hubs[1], None), (hubs[0], bob)):
        again = await _get(hub, path, who)
        assert again.status_code == 200, again.text
        assert (again.headers["etag"], again.content) == (etag, first.content)
    # A match (strong, weak, in a list, or *) is a 304 with no body; another ETag is a 200.
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = await _get(hubs[1], path, bob, header)
        assert cached.status_code == 304, (header, cached.text)
        assert cached.content == b"" and cached.headers["etag"] == etag
        assert cached.headers["cache-control"].startswith("public")
    stale = await _get(hubs[1], path, bob, '"0123456789abcdef01234567"')
    assert stale.status_code == 200 and stale.content == first.content


async def test_no_statement_before_the_start_through_a_cache_or_a_guessed_etag(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    # The same problem in a running contest gives away its true ETag (same version, same bytes).
    running = await new_contest(db, hub_problem[0])
    upcoming = await new_contest(db, hub_problem[0], **UPCOMING)
    _, _, contestant = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    leaked = await _get(hubs[0], f"/api/contests/{running}/problems/A", contestant)
    assert leaked.status_code == 200, leaked.text
    etag = leaked.headers["etag"]
    path = f"/api/contests/{upcoming}/problems/A"
    # The moderators' preview fills the process's cache, and is itself kept by nobody.
    preview = await _get(hubs[0], path, jury)
    assert preview.status_code == 200, preview.text
    assert preview.content == leaked.content
    assert preview.headers["cache-control"] == "private, no-store"
    assert "etag" not in preview.headers
    # Nor does a moderator's ETag get a 304 before the start: there is nothing to revalidate.
    assert (await _get(hubs[0], path, jury, etag)).status_code == 200
    for hub in hubs:
        for who in (contestant, None):
            for header in (None, etag, f"W/{etag}", "*"):
                refused = await _get(hub, path, who, header)
                assert_error(refused, 403, "not_started")
                assert refused.headers["cache-control"] == "private, no-store"
                assert "etag" not in refused.headers
                assert hub_problem[1] not in refused.text


async def test_a_contest_page_is_private_per_visitor_and_revalidates(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], duration_s=7200)
    _, _, alice = await new_user(hubs[0], db)
    _, _, bob = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        made = await client.post(f"/api/contests/{contest_id}/register", headers=bearer(alice))
        assert made.status_code == 201, made.text
    path = f"/api/contests/{contest_id}"
    mine = await _get(hubs[1], path, alice)
    theirs = await _get(hubs[1], path, bob)
    assert (mine.json()["registered"], theirs.json()["registered"]) == (True, False)
    for page in (mine, theirs):
        assert page.headers["cache-control"] == "private, no-cache"
        assert page.headers["vary"] == "Cookie, Authorization"
    # Alice's copy is hers: its ETag gets Bob his own page, not a 304.
    assert mine.headers["etag"] != theirs.headers["etag"]
    crossed = await _get(hubs[1], path, bob, mine.headers["etag"])
    assert crossed.status_code == 200 and crossed.json()["registered"] is False
    kept = await _get(hubs[0], path, alice, mine.headers["etag"])
    assert kept.status_code == 304 and kept.content == b""


async def test_a_moderators_contest_page_before_the_start_is_kept_by_nobody(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], **UPCOMING)
    _, _, contestant = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    path = f"/api/contests/{contest_id}"
    preview = await _get(hubs[0], path, jury)
    assert [p["label"] for p in preview.json()["problems"]] == ["A"]
    assert preview.headers["cache-control"] == "private, no-store"
    assert "etag" not in preview.headers
    # A contestant's page of the same moment lists no problems, and is the contestant's own.
    page = await _get(hubs[0], path, contestant)
    assert page.status_code == 200, page.text
    assert page.json()["problems"] == []
    assert page.headers["cache-control"] == "private, no-cache"


async def test_a_statement_of_a_contest_only_moderators_see_is_not_shared(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    await db.execute("UPDATE contests SET public = false WHERE id = $1", contest_id)
    _, _, contestant = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    path = f"/api/contests/{contest_id}/problems/A"
    seen = await _get(hubs[1], path, jury)
    assert seen.status_code == 200, seen.text
    assert seen.headers["cache-control"] == "private, no-cache"
    assert seen.headers["vary"] == "Cookie, Authorization"
    for who in (contestant, None):
        for header in (None, seen.headers["etag"], "*"):
            hidden = await _get(hubs[1], path, who, header)
            assert_error(hidden, 404, "not_found")
            assert "etag" not in hidden.headers
