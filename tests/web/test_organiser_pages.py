"""Organiser pages in real Chromium against real hubs and a worker: a moderator gives one
contestant extra time (their page counts down to their own end), sets the medal counts and
downloads the results; an admin's judging status page with a worker, a failed judging rejudged
from the page and the audit log filtered."""

from __future__ import annotations

import csv
import io
import socket
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from hub_support import PASSWORD, Hub, bearer, new_user
from playwright.async_api import Page, expect
from web_support import WebContest, add_judged, log_in, new_page, publish_screenshot

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A loaded machine answers slowly: every expectation waits this long.
expect.set_options(timeout=20_000)


async def shot(page: Page, folder: Path, name: str, *, full_page: bool = False) -> None:
    await page.evaluate("() => window.scrollTo(0, 0)")
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    assert path.stat().st_size < 400 * 1024, f"screenshot {name} is too large"
    publish_screenshot(path)


async def test_extra_time_for_one_contestant_and_results_export(
    hubs: list[Hub],
    hub_worker: Any,
    web_contest: WebContest,
    browser: Any,
    database_url: str,
    screenshots: Path,
) -> None:
    cid = web_contest.contest_id
    db = await asyncpg.connect(database_url)
    try:
        player_id, contestant, token = await new_user(hubs[0], db)
        moderator_id, moderator, _ = await new_user(hubs[0], db, role="moderator")
        # The results and medals are the contest's own moderators'.
        await db.execute(
            "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING",
            cid,
            moderator_id,
        )
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        made = await client.post(f"/api/contests/{cid}/register", headers=bearer(token))
        assert made.status_code == 201, made.text

    player = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(player, contestant, PASSWORD)
    await player.goto(f"/contest/{cid}")
    await expect(player.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    await expect(player.get_by_test_id("personal-time")).to_have_count(0)

    mod = await new_page(browser, hubs[1], **DESKTOP)
    await log_in(mod, moderator, PASSWORD)
    await mod.goto(f"/moderate/{cid}")
    await expect(mod.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    await mod.get_by_label("Find").fill(contestant)
    # The list is filtered down to the one contestant before the time is typed in (a list
    # drawn again would drop what was typed).
    await expect(mod.locator('[data-testid^="extra-"]')).to_have_count(1)
    extra = mod.get_by_test_id(f"extra-{contestant}")
    await expect(extra).to_have_value("0")
    await extra.fill("15")
    await expect(extra).to_have_value("15")
    await mod.locator("form").filter(has=extra).get_by_role("button", name="Set time").click()
    await expect(mod.locator(".toast").filter(has_text="900 s past the end")).to_be_visible()
    # The contestant's open page learns their own end without a reload.
    await expect(player.get_by_test_id("personal-time")).to_have_text("+15 min for you")
    db = await asyncpg.connect(database_url)
    try:
        extra_s = await db.fetchval(
            "SELECT extra_s FROM registrations WHERE contest_id = $1 AND user_id = $2",
            cid,
            player_id,
        )
        assert extra_s == 900
    finally:
        await db.close()
    await shot(player, screenshots, "contest-personal-time")

    # Medals: one of each; then the downloads.
    panel = mod.get_by_test_id("results-panel")
    for label in ("Gold", "Silver", "Bronze"):
        await panel.get_by_label(f"{label} medals").fill("1")
    await panel.get_by_role("button", name="Save medals").click()
    await expect(
        mod.locator(".toast").filter(has_text="1 gold, 1 silver, 1 bronze")
    ).to_be_visible()
    files: dict[str, str] = {}
    for name in ("results.csv", "results.tsv"):
        async with mod.expect_download() as waiting:
            await panel.get_by_test_id(f"download-{name}").click()
        download = await waiting.value
        path = await download.path()
        assert path is not None
        files[name] = Path(path).read_text()
    table = list(csv.reader(io.StringIO(files["results.csv"])))
    assert table[0][:4] == ["rank", "team_id", "name", "award"]
    # The bots: the leader solved at minute 5 (gold), the chaser at 40 after two tries (silver).
    assert table[1][1] == str(web_contest.leader_id) and table[1][3] == "Gold Medal"
    assert table[2][3] == "Silver Medal" and table[2][7] == "+3@40"
    tsv = files["results.tsv"].splitlines()
    assert tsv[0] == "results\t1"
    assert tsv[1] == f"{web_contest.leader_id}\t1\tGold Medal\t1\t5\t5\t"
    assert f"{player_id}\t\tHonorable\t0\t0\t0\t" in tsv
    await panel.scroll_into_view_if_needed()
    path = screenshots / "moderator-results.png"
    await mod.locator(".console").screenshot(path=str(path), animations="disabled")
    publish_screenshot(path)


async def test_judging_status_page(
    hubs: list[Hub],
    hub_worker: Any,
    web_contest: WebContest,
    browser: Any,
    database_url: str,
    screenshots: Path,
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        _, admin, _ = await new_user(hubs[0], db, role="admin")
        user_id, _, _ = await new_user(hubs[0], db)
        await db.execute(
            "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)",
            web_contest.contest_id,
            user_id,
        )
        await add_judged(db, web_contest.contest_id, web_contest.problem_id, user_id, 50, "AC")
        error = f"sandbox: container vanished ({uuid.uuid4().hex[:4]})"
        sid = await db.fetchval(
            "UPDATE submissions SET status = 'failed', verdict = NULL, needs_attention = true,"
            " judge_errors = 3, judge_error = $2 WHERE id = (SELECT max(id) FROM submissions"
            " WHERE user_id = $1) RETURNING id",
            user_id,
            error,
        )
    finally:
        await db.close()

    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, admin, PASSWORD)
    # The contests page first finishes loading (a page still loading would draw over the next).
    await expect(page.get_by_role("heading", name="Running")).to_be_visible()
    await page.get_by_role("link", name="Judging").click()
    await page.wait_for_url("**/admin/judging")
    workers = page.get_by_test_id("workers")
    await expect(workers).to_contain_text(socket.gethostname())
    await expect(workers).to_contain_text("alive")
    attention = page.get_by_test_id("attention")
    await expect(attention).to_contain_text(error)
    await shot(page, screenshots, "judging-status")  # the audit log grows with the session

    await page.get_by_test_id(f"rejudge-{sid}").click()
    await expect(
        page.locator(".toast").filter(has_text=f"Submission {sid} queued again")
    ).to_be_visible()
    await expect(page.get_by_test_id(f"rejudge-{sid}")).to_have_count(0)

    await page.get_by_test_id("audit-action").select_option("rejudge")
    await page.get_by_label("Contest", exact=True).fill(str(web_contest.contest_id))
    await page.get_by_role("button", name="Filter").click()
    audit = page.get_by_test_id("audit")
    await expect(audit.locator("tbody tr").first).to_contain_text("rejudge")
    await expect(audit.locator("tbody tr").first).to_contain_text(admin)

    # Not for moderators.
    db = await asyncpg.connect(database_url)
    try:
        _, moderator, _ = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    other = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(other, moderator, PASSWORD)
    await other.goto("/admin/judging")
    await expect(other.get_by_role("heading", name="Admins only")).to_be_visible()
