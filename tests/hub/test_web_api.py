"""The API the browser pages read besides the board (contest submission lists, per-problem
statistics that respect the freeze, registrations for moderators, contest-problem runs), and the
serving of the built web app with its client-side routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hub.api_support import AC_SOURCE, assert_error, wait_judged
from hub_support import Hub, bearer, new_contest, new_user, start_hub, stop_process

from arena.hub.routes_insight import bucket_seconds

WA_SOURCE = "print(0)\n"


def test_bucket_seconds_fit_the_contest_in_sixty_whole_minutes() -> None:
    assert bucket_seconds(3600) == 60
    assert bucket_seconds(5 * 3600) == 300
    assert bucket_seconds(5 * 3600 + 1) == 360
    assert bucket_seconds(30) == 60


async def _submit(client: httpx.AsyncClient, cid: int, token: str, source: str) -> int:
    made = await client.post(
        f"/api/contests/{cid}/submissions",
        json={"problem": "A", "language": "python3", "source": source},
        headers=bearer(token),
    )
    assert made.status_code == 202, made.text
    return int(made.json()["id"])


@pytest.mark.sandbox
async def test_submission_lists_stats_and_registrations(
    hubs: list[Hub], hub_worker: Any, hub_problem: tuple[int, str], database_url: str
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        cid = await new_contest(db, hub_problem[0], started_min_ago=30)
        ann_id, ann, ann_token = await new_user(hubs[0], db)
        bob_id, _, bob_token = await new_user(hubs[0], db)
        _, _, mod_token = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url, timeout=30) as client:
        for token in (ann_token, bob_token):
            made = await client.post(f"/api/contests/{cid}/register", headers=bearer(token))
            assert made.status_code == 201, made.text
        ac = await _submit(client, cid, ann_token, AC_SOURCE)
        wa = await _submit(client, cid, bob_token, WA_SOURCE)
        assert (await wait_judged(client, ac, bearer(ann_token)))["verdict"] == "AC"
        assert (await wait_judged(client, wa, bearer(bob_token)))["verdict"] == "WA"

        listed = f"/api/contests/{cid}/submissions"
        mine = await client.get(listed, params={"mine": 1}, headers=bearer(ann_token))
        assert mine.status_code == 200, mine.text
        assert [(s["id"], s["problem"], s["verdict"], s["username"]) for s in mine.json()] == [
            (ac, "A", "AC", ann)
        ]
        # A contestant gets only their own, whatever they ask for.
        theirs = await client.get(f"/api/contests/{cid}/submissions", headers=bearer(bob_token))
        assert [s["id"] for s in theirs.json()] == [wa]
        everyone = await client.get(f"/api/contests/{cid}/submissions", headers=bearer(mod_token))
        assert [s["id"] for s in everyone.json()] == [wa, ac]  # newest first
        anonymous = await client.get(f"/api/contests/{cid}/submissions")
        assert_error(anonymous, 401, "unauthenticated")

        stats = (await client.get(f"/api/contests/{cid}/stats")).json()
        assert stats["board"] == "public" and stats["bucket_s"] == 60 and stats["buckets"] == 60
        (problem,) = stats["problems"]
        assert problem["label"] == "A"
        assert problem["verdicts"] == {"AC": 1, "WA": 1}
        assert sum(problem["timeline"]) == 2 and len(problem["timeline"]) == 60
        assert problem["timeline"][30] == 2  # both made 30 minutes in

        regs = await client.get(f"/api/contests/{cid}/registrations", headers=bearer(mod_token))
        assert regs.status_code == 200, regs.text
        assert {r["user_id"] for r in regs.json()} == {ann_id, bob_id}
        found = await client.get(
            f"/api/contests/{cid}/registrations", params={"q": ann[:6]}, headers=bearer(mod_token)
        )
        assert [r["username"] for r in found.json()] == [ann]
        refused = await client.get(f"/api/contests/{cid}/registrations", headers=bearer(ann_token))
        assert_error(refused, 403, "forbidden")

        # The bank hides the problem of a running contest; its contestants run through the
        # contest's route.
        slug = hub_problem[1]
        hidden = await client.post(
            f"/api/problems/{slug}/run",
            json={"language": "python3", "source": AC_SOURCE},
            headers=bearer(ann_token),
        )
        assert_error(hidden, 404, "not_found")
        ran = await client.post(
            f"/api/contests/{cid}/problems/A/run",
            json={"language": "python3", "source": AC_SOURCE, "input": "40 2\n"},
            headers=bearer(ann_token),
        )
        assert ran.status_code == 200, ran.text
        assert ran.json()["outputs"] == ["42\n"]
        outsider_token = (await _outsider(hubs[0], database_url))[1]
        outsider = await client.post(
            f"/api/contests/{cid}/problems/A/run",
            json={"language": "python3", "source": AC_SOURCE},
            headers=bearer(outsider_token),
        )
        assert_error(outsider, 403, "not_registered")


async def _outsider(hub: Hub, database_url: str) -> tuple[int, str]:
    db = await asyncpg.connect(database_url)
    try:
        user_id, _, token = await new_user(hub, db)
    finally:
        await db.close()
    return user_id, token


@pytest.mark.sandbox
async def test_public_stats_keep_frozen_verdicts_pending(
    hubs: list[Hub], hub_worker: Any, hub_problem: tuple[int, str], database_url: str
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        # Started 50 minutes ago with the last 15 of 60 frozen: the board froze 5 minutes ago.
        cid = await new_contest(
            db, hub_problem[0], started_min_ago=50, duration_s=3600, freeze_duration_s=900
        )
        _, _, token = await new_user(hubs[0], db)
        _, _, mod_token = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url, timeout=30) as client:
        await client.post(f"/api/contests/{cid}/register", headers=bearer(token))
        sid = await _submit(client, cid, token, AC_SOURCE)
        assert (await wait_judged(client, sid, bearer(token)))["verdict"] == "AC"
        public = (await client.get(f"/api/contests/{cid}/stats")).json()
        assert public["problems"][0]["verdicts"] == {"pending": 1}
        jury = (await client.get(f"/api/contests/{cid}/stats", headers=bearer(mod_token))).json()
        assert jury["board"] == "jury"
        assert jury["problems"][0]["verdicts"] == {"AC": 1}


async def test_hub_serves_the_web_app_and_its_client_routes(
    hub_env: dict[str, str], tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Arena app</title>")
    (dist / "assets" / "app-1234.js").write_text("console.log('arena')")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / ".arena-hash").write_text("abc")
    hub = start_hub({**hub_env, "ARENA_WEB_DIR": str(dist)}, tmp_path / "hub.log")
    try:
        async with httpx.AsyncClient(base_url=hub.url) as client:
            for path in ("/", "/problems/abc", "/contest/3/board", "/spectate/1", "/contests"):
                page = await client.get(path)
                assert page.status_code == 200, path
                assert "Arena app" in page.text, path
            asset = await client.get("/assets/app-1234.js")
            assert asset.text == "console.log('arena')"
            assert "immutable" in asset.headers["cache-control"]
            assert (await client.get("/favicon.svg")).text == "<svg/>"
            assert "Arena app" in (await client.get("/.arena-hash")).text  # markers stay hidden
            assert "Arena app" in (await client.get("/../../etc/passwd")).text
            # The API's paths keep their JSON answers.
            assert_error(await client.get("/api/nope"), 404, "not_found")
            assert_error(await client.get("/assets/missing.js"), 404, "not_found")
            assert_error(await client.get("/contests/999999/leaderboard"), 404, "not_found")
            assert_error(await client.get("/api/auth/login"), 405, "method_not_allowed")
            assert (await client.get("/api/health")).json()["ok"] is True
    finally:
        stop_process(hub.process)


async def test_hub_without_a_build_serves_the_api_and_says_so(
    hub_env: dict[str, str], tmp_path: Path
) -> None:
    hub = start_hub({**hub_env, "ARENA_WEB_DIR": str(tmp_path / "none")}, tmp_path / "hub.log")
    try:
        async with httpx.AsyncClient(base_url=hub.url) as client:
            home = await client.get("/")
            assert home.status_code == 200
            assert "not built" in home.text and "text/html" in home.headers["content-type"]
            assert_error(await client.get("/problems"), 404, "not_found")
            assert (await client.get("/api/health")).json()["ok"] is True
    finally:
        stop_process(hub.process)
