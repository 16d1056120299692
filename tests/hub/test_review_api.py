"""Editorials and shared solutions over real HTTP, sockets and the Contest API: nothing of either
leaks while the contest runs (for anyone still in it), before the reveal, or while another
contest holds the problem; afterwards everyone reads them, except solutions authors hide."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets
from hub.api_support import assert_error, import_aplusb, wait_judged
from hub_support import Hub, bearer, new_contest, new_user

from arena.problems.statement import markdown_to_html, render_markdown, sanitize

AC = "a, b = map(int, input().split())\nprint(a + b)\n"
CACHE_S = 1.2  # hubs keep a contest's settings for a second


async def _register(hub: Hub, contest_id: int, token: str) -> None:
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as client:
        assert (await client.post(f"/api/contests/{contest_id}/register")).status_code in (200, 201)


async def _write_editorial(hub: Hub, slug: str, token: str, markdown: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url, headers=bearer(token)) as client:
        return await client.put(f"/api/problems/{slug}/editorial", json={"markdown": markdown})


class Setup:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    contest_id: int
    problem_id: int
    slug: str
    author: int
    author_token: str
    rival_token: str
    jury_token: str
    submission_id: int
    source_marker: str
    editorial_marker: str


async def _setup(hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any) -> Setup:
    """A running contest (10 of 60 minutes gone), an author's judged AC with a marker in its
    source, a rival contestant, and an editorial with a marker of its own."""
    problem_id, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    contest_id = await new_contest(db, problem_id, started_min_ago=10, duration_s=3600)
    author, _, author_token = await new_user(hubs[0], db)
    _, _, rival_token = await new_user(hubs[0], db)
    _, _, jury_token = await new_user(hubs[0], db, role="moderator")
    for token in (author_token, rival_token):
        await _register(hubs[0], contest_id, token)
    source_marker = f"secret_{uuid.uuid4().hex}"
    editorial_marker = f"idea_{uuid.uuid4().hex}"
    written = await _write_editorial(
        hubs[1], slug, jury_token, f"# Solution\n\nUse {editorial_marker}: $a + b$.\n"
    )
    assert written.status_code == 200, written.text
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(author_token)) as client:
        made = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": f"# {source_marker}\n{AC}"},
        )
        assert made.status_code == 202, made.text
        submission_id = made.json()["id"]
    return Setup(
        contest_id=contest_id,
        problem_id=problem_id,
        slug=slug,
        author=author,
        author_token=author_token,
        rival_token=rival_token,
        jury_token=jury_token,
        submission_id=submission_id,
        source_marker=source_marker,
        editorial_marker=editorial_marker,
    )


def _public_paths(s: Setup) -> list[str]:
    cid = s.contest_id
    return [
        f"/api/contests/{cid}",
        f"/api/contests/{cid}/problems/A",
        f"/api/contests/{cid}/leaderboard",
        f"/api/contests/{cid}/clarifications",
        f"/api/contests/{cid}/announcements",
        f"/api/submissions/{s.submission_id}",
        f"/api/problems/{s.slug}",
        f"/api/problems?q={s.slug}",
        f"/api/v4/contests/{cid}/submissions",
        f"/api/v4/contests/{cid}/submissions/{s.submission_id}",
        f"/api/v4/contests/{cid}/submissions/{s.submission_id}/files",
        f"/api/v4/contests/{cid}/judgements",
        f"/api/v4/contests/{cid}/problems",
        f"/api/v4/contests/{cid}/event-feed?stream=false",
        f"/contests/{cid}/leaderboard",
        "/api/me",
    ]


async def _assert_nothing_leaks(hub: Hub, s: Setup, *, editorial_too: bool = True) -> None:
    """Every route a contestant or an anonymous visitor may call, none with a marker; the
    editorial and solution routes refuse."""
    for token in (s.rival_token, None):
        headers = bearer(token) if token else {}
        async with httpx.AsyncClient(base_url=hub.url, headers=headers) as client:
            for path in _public_paths(s):
                answer = await client.get(path)
                assert s.source_marker not in answer.text, path
                assert s.editorial_marker not in answer.text, path
            solutions = await client.get(f"/api/contests/{s.contest_id}/problems/A/solutions")
            assert_error(solutions, 403, "not_yet")
            assert s.source_marker not in solutions.text
            if editorial_too:
                in_contest = await client.get(f"/api/contests/{s.contest_id}/problems/A/editorial")
                assert_error(in_contest, 403, "not_yet")
                assert_error(
                    await client.get(f"/api/problems/{s.slug}/editorial"), 404, "not_found"
                )


async def _solutions(hub: Hub, s: Setup, token: str | None) -> dict[str, Any]:
    headers = bearer(token) if token else {}
    async with httpx.AsyncClient(base_url=hub.url, headers=headers) as client:
        answer = await client.get(f"/api/contests/{s.contest_id}/problems/A/solutions")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _end(db: Any, s: Setup, **columns: Any) -> None:
    await db.execute(
        "UPDATE contests SET start_time = now() - interval '2 hours' WHERE id = $1", s.contest_id
    )
    for column, value in columns.items():
        await db.execute(f"UPDATE contests SET {column} = $2 WHERE id = $1", s.contest_id, value)
    await asyncio.sleep(CACHE_S)


async def _collect(socket: Any, into: list[str]) -> None:
    try:
        while True:
            into.append(str(await socket.recv()))
    except websockets.ConnectionClosed:
        pass


async def test_nothing_leaks_during_the_contest_on_any_route_socket_or_the_contest_api(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    problem_id, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    contest_id = await new_contest(db, problem_id, started_min_ago=10, duration_s=3600)
    await db.execute("UPDATE contests SET public = true WHERE id = $1", contest_id)
    author, _, author_token = await new_user(hubs[0], db)
    _, _, rival_token = await new_user(hubs[0], db)
    _, _, jury_token = await new_user(hubs[0], db, role="moderator")
    for token in (author_token, rival_token):
        await _register(hubs[0], contest_id, token)
    marker = f"secret_{uuid.uuid4().hex}"
    idea = f"idea_{uuid.uuid4().hex}"
    assert (await _write_editorial(hubs[0], slug, jury_token, f"Use {idea}.")).status_code == 200

    frames: list[str] = []
    rival_socket = await websockets.connect(
        hubs[1].ws_url + f"/ws/contests/{contest_id}", additional_headers=bearer(rival_token)
    )
    spectator = await websockets.connect(hubs[0].ws_url + f"/ws/contests/{contest_id}/spectate")
    readers = [asyncio.create_task(_collect(ws, frames)) for ws in (rival_socket, spectator)]
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(author_token)) as client:
        made = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": f"# {marker}\n{AC}"},
        )
        assert made.status_code == 202, made.text
        view = await wait_judged(client, made.json()["id"], bearer(author_token))
        assert view["verdict"] == "AC" and marker in view["source"]
    await asyncio.sleep(1.0)  # the board delta and the judged event reach the sockets
    for ws in (rival_socket, spectator):
        await ws.close()
    await asyncio.gather(*readers)
    assert any("leaderboard" in f or "snapshot" in f for f in frames)  # the sockets listened
    assert all(marker not in f and idea not in f for f in frames)
    s = Setup(
        contest_id=contest_id,
        problem_id=problem_id,
        slug=slug,
        author=author,
        author_token=author_token,
        rival_token=rival_token,
        jury_token=jury_token,
        submission_id=made.json()["id"],
        source_marker=marker,
        editorial_marker=idea,
    )
    await _assert_nothing_leaks(hubs[1], s)
    # Moderators read both at any time.
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury_token)) as client:
        editorial = (await client.get(f"/api/problems/{slug}/editorial")).json()
        assert idea in editorial["html"] and editorial["markdown"] == f"Use {idea}."


async def test_after_the_end_everyone_reads_the_editorial_and_shared_solutions(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    s = await _setup(hubs, hub_env, database_url, db)
    await db.execute(
        "UPDATE submissions SET status = 'done', verdict = 'AC' WHERE id = $1", s.submission_id
    )
    await _assert_nothing_leaks(hubs[0], s)
    await _end(db, s)
    for token in (s.rival_token, None):
        listed = await _solutions(hubs[1], s, token)
        assert listed["total"] == 1
        (item,) = listed["items"]
        assert s.source_marker in item["source"] and item["user_id"] == s.author
        headers = bearer(token) if token else {}
        async with httpx.AsyncClient(base_url=hubs[0].url, headers=headers) as client:
            for path in (f"/api/contests/{s.contest_id}/problems/A/editorial",
                         f"/api/problems/{s.slug}/editorial"):  # fmt: skip
                editorial = await client.get(path)
                assert editorial.status_code == 200, editorial.text
                assert s.editorial_marker in editorial.json()["html"]
                assert editorial.json()["markdown"] is None  # the source is the moderators'
                assert '<span class="math inline">\\(a + b\\)</span>' in editorial.json()["html"]
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(s.rival_token)) as client:
        view = (await client.get(f"/api/submissions/{s.submission_id}")).json()
        assert s.source_marker in view["source"]

    # The author hides it: out of the list and the submission view; shares again: back.
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        sharing = f"/api/submissions/{s.submission_id}/sharing"
        rival = await client.put(sharing, json={"hidden": True}, headers=bearer(s.rival_token))
        assert_error(rival, 404, "not_found")  # only the author decides
        hidden = await client.put(sharing, json={"hidden": True}, headers=bearer(s.author_token))
        assert hidden.json() == {"submission_id": s.submission_id, "hidden": True}
        assert (await _solutions(hubs[1], s, s.rival_token))["items"] == []
        view = await client.get(
            f"/api/submissions/{s.submission_id}", headers=bearer(s.rival_token)
        )
        assert view.json()["source"] is None
        own = await client.get(
            f"/api/submissions/{s.submission_id}", headers=bearer(s.author_token)
        )
        assert s.source_marker in own.json()["source"]
        await client.put(sharing, json={"hidden": False}, headers=bearer(s.author_token))
        assert (await _solutions(hubs[0], s, None))["total"] == 1
        assert_error(
            await client.put(sharing, json={"hidden": "no"}, headers=bearer(s.author_token)),
            400,
            "bad_request",
        )

    # A wrong answer or a disqualified author is never shared.
    await db.execute("UPDATE registrations SET disqualified = true WHERE user_id = $1", s.author)
    assert (await _solutions(hubs[0], s, None))["total"] == 0


@pytest.mark.parametrize("why", ["own-time-left", "frozen", "another-contest", "wrong-answer"])
async def test_after_the_end_solutions_still_wait_when(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, why: str
) -> None:
    s = await _setup(hubs, hub_env, database_url, db)
    verdict = "WA" if why == "wrong-answer" else "AC"
    await db.execute(
        "UPDATE submissions SET status = 'done', verdict = $2 WHERE id = $1",
        s.submission_id,
        verdict,
    )
    if why == "own-time-left":  # a contestant still has ten minutes of their own
        await db.execute(
            "UPDATE registrations SET extra_s = 7200 WHERE contest_id = $1 AND user_id = $2",
            s.contest_id,
            s.author,
        )
        await _end(db, s)
        await _assert_nothing_leaks(hubs[0], s)
    elif why == "frozen":  # the board froze for the last 30 minutes and is not revealed
        await _end(db, s, freeze_duration_s=1800)
        await _assert_nothing_leaks(hubs[0], s, editorial_too=False)
        async with httpx.AsyncClient(base_url=hubs[0].url) as client:
            editorial = await client.get(f"/api/contests/{s.contest_id}/problems/A/editorial")
            assert editorial.status_code == 200  # the editorial waits for the end only
        await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", s.contest_id)
        await asyncio.sleep(CACHE_S)
        assert (await _solutions(hubs[1], s, None))["total"] == 1  # the reveal
    elif why == "another-contest":  # the same problem is in a contest that is running
        await new_contest(db, s.problem_id, started_min_ago=5)
        await _end(db, s)
        await _assert_nothing_leaks(hubs[0], s)
    else:
        await _end(db, s)
        assert (await _solutions(hubs[0], s, s.rival_token))["items"] == []
        async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(s.rival_token)) as client:
            view = await client.get(f"/api/submissions/{s.submission_id}")
            assert view.status_code == 200 and view.json()["source"] is None


async def test_editorials_are_sanitized_as_statements_and_written_by_moderators_only(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    _, _, token = await new_user(hubs[0], db)
    jury_id, _, jury = await new_user(hubs[0], db, role="moderator")
    hostile = (
        "# Idea\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) "
        '![x](http://evil.example/pixel.png) <img src=x onerror="alert(1)">\n\n'
        "$$\\sum_{i=1}^n i$$ and \\(x^2\\) and `code`\n"
    )
    written = await _write_editorial(hubs[0], slug, jury, hostile)
    assert written.status_code == 200, written.text
    html = written.json()["html"]
    assert html == render_markdown(hostile) == sanitize(markdown_to_html(hostile, lambda _: None))
    for bad in ("<script", 'href="javascript', "evil.example", "<img src=x onerror"):
        assert bad not in html
    assert "&lt;img src=x onerror" in html  # raw HTML is text, as in statements
    assert '<span class="math display">' in html and "<code>code</code>" in html
    audited = await db.fetchval(
        "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND action = 'editorial'", jury_id
    )
    assert audited == 1
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        path = f"/api/problems/{slug}/editorial"
        shown = await client.get(path)
        assert shown.status_code == 200 and shown.json()["html"] == html  # a bank problem
        assert_error(await client.put(path, json={"markdown": "x"}), 401, "unauthenticated")
        mine = await client.put(path, json={"markdown": "x"}, headers=bearer(token))
        assert_error(mine, 403, "forbidden")
        for body, status, error in [
            ({"markdown": "   "}, 422, "invalid"),
            ({"markdown": "a\x00b"}, 400, "bad_request"),
            ({"markdown": "x" * (256 * 1024 + 1)}, 413, "too_large"),
            ({"markdown": 5}, 400, "bad_request"),
            ({"markdown": "x", "extra": 1}, 400, "bad_request"),
        ]:
            answer = await client.put(path, content=json.dumps(body), headers={
                **bearer(jury), "content-type": "application/json"})  # fmt: skip
            assert_error(answer, status, error)
        assert_error(await client.get("/api/problems/no-such-problem/editorial"), 404, "not_found")
        editorial_less = (await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"]))[1]
        assert_error(
            await client.get(f"/api/problems/{editorial_less}/editorial"), 404, "not_found"
        )
