"""A per-contest moderator in real Chromium: a user with a contestant's role whom contest A lists
in contest_moderators (as an imported ``judge`` is) gets A's console, and only A's.

They see the console link for A right after logging in (the list of contests and the arena's
header), announce from A's console and a contestant of A sees it live; B shows no link, and B's
console opened by its URL refuses them in words (and offers no form to send anything).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from hub_support import PASSWORD, Hub, bearer, new_user
from playwright.async_api import expect
from web_support import WebContest, log_in, new_page

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A loaded machine answers slowly: every expectation waits this long.
expect.set_options(timeout=20_000)


async def test_a_contests_own_moderator_gets_its_console_and_no_other(
    hubs: list[Hub], web_contest: WebContest, browser: Any, database_url: str, screenshots: Path
) -> None:
    a = web_contest.contest_id
    db = await asyncpg.connect(database_url)
    try:
        b: int = await db.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, scoring)"
            " VALUES ($1, now() - interval '10 minutes', 3600, 'pass-fail') RETURNING id",
            f"Other Cup {uuid.uuid4().hex[:4]}",
        )
        await db.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, 'A', 1)",
            b,
            web_contest.problem_id,
        )
        judge_id, judge, _ = await new_user(hubs[0], db)  # the contestant's role
        await db.execute(
            "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)", a, judge_id
        )
        _, player, player_token = await new_user(hubs[0], db)
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        made = await client.post(f"/api/contests/{a}/register", headers=bearer(player_token))
        assert made.status_code == 201, made.text

    contestant = await new_page(browser, hubs[1], **DESKTOP)
    await log_in(contestant, player, PASSWORD)
    await contestant.goto(f"/contest/{a}")
    await expect(contestant.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    # A contestant of A is not its moderator: no console link in the arena.
    await expect(contestant.get_by_role("link", name="Leaderboard")).to_be_visible()
    await expect(contestant.get_by_role("link", name="Moderate")).to_have_count(0)

    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, judge, PASSWORD)  # lands on /contests, without a reload
    row_a = page.locator(f'tr[data-contest="{a}"]')
    row_b = page.locator(f'tr[data-contest="{b}"]')
    await expect(row_a.get_by_role("link", name="Moderate")).to_be_visible()
    await expect(row_b).to_be_visible()
    await expect(row_b.get_by_role("link", name="Moderate")).to_have_count(0)
    # The role is still a contestant's: no organiser pages.
    await expect(page.get_by_role("link", name="Organise")).to_have_count(0)

    await row_a.get_by_role("link", name="Moderate").click()
    await page.wait_for_url(f"**/moderate/{a}")
    await expect(page.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    text = f"Problem A: read to the end of input ({uuid.uuid4().hex[:4]})"
    await page.get_by_label("Announcement").fill(text)
    await page.get_by_role("button", name="Announce", exact=True).click()
    await expect(contestant.locator(".toast-announcement").filter(has_text=text)).to_be_visible()
    await expect(contestant.get_by_test_id("announcements")).to_contain_text(text)
    await page.screenshot(path=str(screenshots / "contest-moderator-console.png"))

    # A's arena links its moderator to the console.
    await page.goto(f"/contest/{a}")
    await expect(page.get_by_role("link", name="Moderate")).to_have_attribute(
        "href", f"/moderate/{a}"
    )

    # B's console by its URL: refused in words, nothing to send.
    await page.goto(f"/moderate/{b}")
    await expect(page.get_by_role("heading", name="Moderators only")).to_be_visible()
    await expect(page.get_by_test_id("not-moderator")).to_contain_text(
        f"You do not moderate contest {b}"
    )
    await expect(page.get_by_label("Announcement")).to_have_count(0)
    await expect(page.get_by_role("button", name="Announce")).to_have_count(0)
    await page.context.close()
    await contestant.context.close()
