"""Ratings in Chromium: the rating chart on profiles, titles, and each board row's rating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from hub.test_ratings_api import finalized, rated_contest
from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import expect
from web.test_browser_arena import DESKTOP, shot
from web_support import BankProblem, log_in, new_page

from arena.rating import replay, title


async def test_profile_shows_the_rating_chart_title_and_rank(
    hubs: list[Hub],
    bank_problems: list[BankProblem],
    browser: Any,
    database_url: str,
    screenshots: Path,
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        made = [await new_user(hubs[0], db) for _ in range(4)]
        ids = [m[0] for m in made]
        me = ids[0]
        # Four rated rounds; the order of finish (the first listed wins) moves round.
        orders = [ids, [ids[1], ids[2], me, ids[3]], [ids[3], me, ids[1], ids[2]], ids]
        contests = []
        for order in orders:
            contest_id = await rated_contest(db, bank_problems[0].problem_id, order)
            await finalized(db, contest_id)
            contests.append(contest_id)
    finally:
        await db.close()
    history = replay([[(u, float(-i)) for i, u in enumerate(order)] for order in orders])
    mine = [next(c.new_rating for c in round_ if c.user_id == me) for round_ in history]
    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, made[0][1], PASSWORD)
    await page.goto("/profile")
    await expect(page.get_by_test_id("rating-value")).to_have_text(str(mine[-1]))
    await expect(page.get_by_test_id("rating-title")).to_have_text(title(mine[-1]).name)
    await expect(page.get_by_test_id("rating")).to_contain_text("rank ")
    chart = page.get_by_test_id("rating-chart")
    dots = chart.locator("circle")
    await expect(dots).to_have_count(4)
    assert [
        int(v or 0)
        for v in await dots.evaluate_all("els => els.map((e) => e.getAttribute('data-rating'))")
    ] == mine
    await expect(page.get_by_test_id("rating-history").locator("tbody tr")).to_have_count(4)
    await shot(page, screenshots, "rating-chart", full_page=True)
    # Anyone's public profile, logged out, shows the same history.
    other = await new_page(browser, hubs[1], **DESKTOP)
    await other.goto(f"/users/{made[3][1]}")
    theirs = [next(c.new_rating for c in r if c.user_id == ids[3]) for r in history]
    await expect(other.get_by_test_id("rating-value")).to_have_text(str(theirs[-1]))
    await expect(other.get_by_test_id("rating-chart").locator("circle")).to_have_count(4)
    # The board shows each row's current rating, coloured by its title.
    await other.goto(f"/contest/{contests[-1]}/board")
    row = other.locator(f'.row[data-user="{me}"] .rating')
    await expect(row).to_have_text(str(mine[-1]))
    await expect(row).to_have_attribute("title", title(mine[-1]).name)
    await page.context.close()
    await other.context.close()
