"""The virtual contest and upsolving pages in Chromium against real hubs and a judging worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from contest_rows import finalized, judged, past_contest
from hub.api_support import AC_SOURCE
from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import Page, expect
from web.test_browser_arena import DESKTOP, shot
from web_support import BankProblem, log_in, new_page

VERDICT_TIMEOUT_MS = 120_000


async def submit_through_form(page: Page, source: str) -> None:
    form = page.get_by_test_id("after-submit")
    await form.get_by_label("Language").select_option("python3")
    await form.get_by_label("Source").fill(source)
    await form.get_by_role("button", name="Submit").click()
    await expect(page.get_by_test_id("after-submissions").locator(".verdict-AC")).to_have_count(
        1, timeout=VERDICT_TIMEOUT_MS
    )


async def test_virtual_contest_page_replays_the_board_and_upsolve_page_shows_both_boards(
    hubs: list[Hub],
    hub_worker: Any,
    bank_problems: list[BankProblem],
    browser: Any,
    database_url: str,
    screenshots: Path,
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        early, late, (me, name, _) = [await new_user(hubs[0], db) for _ in range(3)]
        contest_id = await past_contest(
            db, bank_problems[0].problem_id, ended_min_ago=10, held=True
        )
        await judged(db, contest_id, early[0], "WA", 3)
        await judged(db, contest_id, early[0], "AC", 5)
        await judged(db, contest_id, late[0], "AC", 60)
        await finalized(db, contest_id)

        page = await new_page(browser, hubs[0], **DESKTOP)
        await log_in(page, name, PASSWORD)
        await page.goto(f"/contest/{contest_id}/board")
        await page.get_by_role("link", name="Virtual contest").click()
        await page.wait_for_url(f"**/contest/{contest_id}/virtual")
        await page.get_by_role("button", name="Start the virtual contest").click()
        board = page.get_by_test_id("virtual-board")
        await expect(board.locator(".row[data-user]")).to_have_count(3)
        await expect(
            board.locator(f'.row[data-user="{me}"] [data-testid="virtual-mark"]')
        ).to_be_visible()
        # At the start nobody has anything yet: the future is not shown.
        await expect(board.locator(f'.row[data-user="{early[0]}"] .cell-solved')).to_have_count(0)
        await expect(page.get_by_test_id("virtual-status")).to_contain_text("Running")

        # Forty minutes in (the clock moved by the database), a solve of mine.
        vid = await db.fetchval(
            "SELECT id FROM virtual_participations WHERE contest_id = $1 AND user_id = $2",
            contest_id,
            me,
        )
        await db.execute(
            "UPDATE virtual_participations SET started_at = started_at - interval '40 minutes'"
            " WHERE id = $1",
            vid,
        )
        await submit_through_form(page, AC_SOURCE)
        mine = board.locator(f'.row[data-user="{me}"]')
        await expect(mine.locator(".cell-solved, .cell-first")).to_have_count(1, timeout=20_000)
        await expect(board.locator(f'.row[data-user="{early[0]}"]')).to_have_attribute(
            "data-rank", "1"
        )
        await expect(mine).to_have_attribute("data-rank", "2")
        # The late solve (minute 60) is still in the future at minute 40.
        late_row = board.locator(f'.row[data-user="{late[0]}"]')
        await expect(late_row.locator(".cell-solved, .cell-first, .cell-failed")).to_have_count(0)
        await expect(page.get_by_test_id("virtual-status")).to_contain_text("minute 40")
        await shot(page, screenshots, "virtual-board", full_page=True)

        # Upsolving: both boards; the upsolve counts on the upsolve board only.
        await page.goto(f"/contest/{contest_id}/upsolve")
        official_board = page.get_by_test_id("official-board")
        upsolve_board = page.get_by_test_id("upsolve-board")
        await expect(official_board.locator(".row[data-user]")).to_have_count(2)
        await submit_through_form(page, AC_SOURCE)
        await expect(upsolve_board.locator(f'.row[data-user="{me}"]')).to_have_count(
            1, timeout=20_000
        )
        await expect(official_board.locator(".row[data-user]")).to_have_count(2)
        await expect(official_board.locator(f'.row[data-user="{me}"]')).to_have_count(0)
        await shot(page, screenshots, "upsolve-boards", full_page=True)
        await page.context.close()
    finally:
        await db.close()
