"""Real Chromium against real hubs: the bank's search box, editorials, shared solutions and the
plagiarism report of the moderator console; screenshots of each."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from hub_support import Hub
from playwright.async_api import expect
from web.test_browser_arena import DESKTOP, shot
from web_support import BankProblem, import_statement_problem, new_page


async def test_the_bank_search_box_finds_words_with_the_filters(
    hubs: list[Hub],
    bank_problems: list[BankProblem],
    browser: Any,
    screenshots: Path,
    database_url: str,
    hub_env: dict[str, str],
) -> None:
    word = "Marmot" + uuid.uuid4().hex[:6].translate(str.maketrans("0123456789", "ghijklmnop"))
    _, slug = await import_statement_problem(
        database_url, hub_env["ARENA_BLOB_DIR"], f"{word} Sums", tags=["math"], difficulty="hard"
    )
    page = await new_page(browser, hubs[0], **DESKTOP)
    await page.goto("/problems")
    bank = page.get_by_test_id("bank")
    await page.get_by_label("Search").fill(word.lower())
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_url(f"**/problems?*q={word.lower()}*")
    await expect(bank.get_by_role("link", name=f"{word} Sums")).to_be_visible()
    await expect(bank.locator("tbody tr")).to_have_count(1)
    await expect(page.locator(".pager")).to_contain_text("1 problems")
    await shot(page, screenshots, "problem-bank-search")
    # The search stays while the difficulty narrows it to nothing.
    await page.get_by_label("Difficulty").select_option("easy")
    await page.get_by_role("button", name="Filter").click()
    await expect(bank).to_contain_text("No problems match.")
    await expect(page.get_by_label("Search")).to_have_value(word.lower())
    # Operators of tsquery are words to the search: no error, nothing found.
    await page.goto("/problems?q=" + "%21%26%7C%3A*%28")
    await expect(bank).to_contain_text("No problems match.")
    # Too long: the API's message is shown, not a blank page.
    await page.goto("/problems?q=" + "x" * 300)
    await expect(page.get_by_role("alert")).to_contain_text("at most 200 characters")
    assert slug
    await page.context.close()
