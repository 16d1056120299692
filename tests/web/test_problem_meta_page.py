"""The live problems' metadata editor on /organise/problems in real Chromium: an admin renames a
problem, changes its difficulty, tags and credits and makes German the only statement language
offered; the problem page (with its statement language switcher while two are offered) and the
bank show the edit with no reload of anything cached; a bad tag is refused with the hub's message
on the page."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import expect
from web_support import import_statement_problem, log_in, new_page, publish_screenshot


async def test_an_admin_edits_a_live_problems_metadata(
    hubs: list[Hub],
    hub_env: dict[str, str],
    database_url: str,
    db: Any,
    browser: Any,
    screenshots: Path,
) -> None:
    _, slug = await import_statement_problem(
        database_url,
        hub_env["ARENA_BLOB_DIR"],
        "Meta Sum",
        tags=["math"],
        difficulty="easy",
        translations={"de": "Gegeben zwei ganze Zahlen $a$ und $b$, gib ihre Summe aus.\n"},
    )
    _, admin, _ = await new_user(hubs[0], db, role="admin")
    title = f"Renamed Sum {uuid.uuid4().hex[:6]}"

    page = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 1000})
    # The statement is loaded (and cached by the hub) before the edit.
    await page.goto(f"/problems/{slug}")
    await expect(page.get_by_role("heading", name="Meta Sum")).to_be_visible()
    # Two statement languages: the switcher shows the other one in place.
    statement = page.locator(".problem-text .statement")
    await expect(statement).to_contain_text("print their sum")
    await page.get_by_label("Statement language").select_option("de")
    await expect(statement).to_contain_text("gib ihre Summe aus")
    await expect(statement).to_have_attribute("lang", "de")
    await expect(statement.locator(".katex").first).to_be_visible()  # typeset again
    await log_in(page, admin, PASSWORD)
    await page.goto("/organise/problems")
    row = page.locator(f"tr[data-problem='{slug}']")
    await expect(row).to_contain_text("Meta Sum")
    await row.get_by_role("button", name="Edit").click()
    form = page.locator(f"form.meta-form[data-slug='{slug}']")
    await form.get_by_label("Title").fill(title)
    await form.get_by_label("Problem difficulty").select_option("hard")
    await form.get_by_label("Problem tags").fill("math, Two Pointers")
    await form.get_by_label("Author").fill("Grace Hopper")
    await form.get_by_label("Source").fill("Arena Cup 2026")
    await form.get_by_label("Default statement language").select_option("de")
    await form.locator("input[name='statement-langs'][value='en']").uncheck()
    await form.get_by_role("button", name="Save metadata").click()
    await expect(row.locator(".meta-title")).to_have_text(title)
    await expect(row).to_contain_text("two pointers")
    await expect(row.locator(".difficulty")).to_have_text("hard")
    await expect(form).to_contain_text("revision 1")
    await expect(form.locator("input[name='statement-langs'][value='en']")).not_to_be_checked()
    await expect(form.get_by_label("Default statement language")).to_have_value("de")
    # The editor itself (the page above it lists every problem of the test session).
    await form.screenshot(path=str(screenshots / "problem-metadata.png"), animations="disabled")
    publish_screenshot(screenshots / "problem-metadata.png")

    # A tag outside the charset: the hub's reason is shown, nothing is saved.
    await form.get_by_label("Problem tags").fill("math, <b>bold</b>")
    await form.get_by_role("button", name="Save metadata").click()
    await expect(form.locator("[data-refused]")).to_contain_text("tags:")
    assert await db.fetchval("SELECT tags FROM problems WHERE slug = $1", slug) == [
        "math",
        "two pointers",
    ]

    # The problem page and the bank show the edit at once.
    await page.goto(f"/problems/{slug}")
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    # German alone: served by default, English no more, no switcher.
    await expect(page.locator(".problem-text .statement")).to_contain_text("gib ihre Summe aus")
    await expect(page.get_by_label("Statement language")).to_have_count(0)
    await expect(page.get_by_test_id("credits")).to_have_text(
        "By Grace Hopper · Source: Arena Cup 2026"
    )
    await page.goto("/problems?tag=two%20pointers")
    await expect(page.get_by_role("link", name=title)).to_be_visible()
