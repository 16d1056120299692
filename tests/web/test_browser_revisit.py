"""Real Chromium against real hubs: the bank's search box, editorials, shared solutions and the
plagiarism report of the moderator console; screenshots of each."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from contest_rows import judged, past_contest
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


async def test_editorial_and_shared_solutions_after_the_end_and_hiding_ones_own(
    hubs: list[Hub], browser: Any, screenshots: Path, database_url: str, hub_env: dict[str, str]
) -> None:
    import asyncpg
    from hub_support import PASSWORD, bearer, new_user
    from web_support import log_in

    problem_id, slug = await import_statement_problem(
        database_url, hub_env["ARENA_BLOB_DIR"], "Sum Review", tags=["math"], difficulty="easy"
    )
    db = await asyncpg.connect(database_url)
    try:
        contest_id = await past_contest(
            db, problem_id, name="Review Cup", ended_min_ago=120, duration_min=60
        )
        author_id, author, _ = await new_user(hubs[0], db)
        other_id, other, _ = await new_user(hubs[0], db)
        _, _, jury = await new_user(hubs[0], db, role="moderator")
        mine = "# mine: read both, add\na, b = map(int, input().split())\nprint(a + b)\n"
        theirs = (
            "import sys\nx, y = (int(t) for t in sys.stdin.read().split())\n"
            "sys.stdout.write(f'{x + y}\\n')\n"
        )
        await judged(db, contest_id, author_id, "AC", 20, time_ms=42, memory_kib=9000, source=mine)
        await judged(db, contest_id, other_id, "AC", 20, time_ms=42, memory_kib=9000, source=theirs)
    finally:
        await db.close()
    import httpx

    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury)) as client:
        written = await client.put(
            f"/api/problems/{slug}/editorial",
            json={
                "markdown": "## Idea\n\nRead $a$ and $b$ and print $a + b$:"
                " the answer fits, since $$|a + b| \\le 2 \\cdot 10^9.$$\n\n"
                "<script>alert(1)</script>"
            },
        )
        assert written.status_code == 200, written.text

    page = await new_page(browser, hubs[0], **DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await page.goto(f"/contest/{contest_id}/review/A")  # anonymous: no login needed
    editorial = page.get_by_test_id("editorial")
    await expect(editorial.get_by_role("heading", name="Idea")).to_be_visible()
    await expect(editorial.locator(".katex-display")).to_have_count(1)
    assert await editorial.locator(".katex").count() >= 3
    solutions = page.get_by_test_id("solutions")
    await expect(solutions).to_contain_text("Shared solutions (2)")
    await expect(solutions).to_contain_text("sys.stdout.write")
    await expect(solutions).to_contain_text(author)
    await expect(solutions.get_by_role("button", name="Hide mine")).to_have_count(0)
    await shot(page, screenshots, "editorial-and-solutions", full_page=True)
    # The contest is over: the problem is in the bank, its page opens the same editorial.
    await page.goto(f"/problems/{slug}")
    await page.get_by_text("Editorial", exact=True).click()
    bank_editorial = page.get_by_test_id("editorial")
    await expect(bank_editorial.get_by_role("heading", name="Idea")).to_be_visible()
    await expect(bank_editorial.locator(".katex-display")).to_have_count(1)
    assert dialogs == []
    await page.context.close()

    # The author hides theirs from the same page.
    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, author, PASSWORD)
    await page.goto(f"/contest/{contest_id}/problem/A")
    await page.get_by_role("link", name="Editorial and shared solutions").click()
    solutions = page.get_by_test_id("solutions")
    await expect(solutions).to_contain_text("# mine: read both, add")
    await solutions.get_by_role("button", name="Hide mine").click()
    await expect(solutions).to_contain_text("Shared solutions (1)")
    await expect(solutions).not_to_contain_text("# mine: read both, add")
    await expect(solutions).to_contain_text(other)
    await page.context.close()


async def test_nothing_of_either_shows_while_the_contest_runs(
    hubs: list[Hub], browser: Any, database_url: str, hub_env: dict[str, str]
) -> None:
    import asyncpg
    from hub_support import bearer, new_user

    problem_id, slug = await import_statement_problem(
        database_url, hub_env["ARENA_BLOB_DIR"], "Sum Running", tags=["math"], difficulty="easy"
    )
    db = await asyncpg.connect(database_url)
    try:
        contest_id = await past_contest(
            db, problem_id, name="Running Cup", ended_min_ago=120, duration_min=60
        )
        await db.execute(
            "UPDATE contests SET start_time = now() - interval '10 minutes' WHERE id = $1",
            contest_id,
        )
        author_id, _, _ = await new_user(hubs[0], db)
        await judged(
            db,
            contest_id,
            author_id,
            "AC",
            20,
            time_ms=42,
            memory_kib=9000,
            source="print('secret_code_here')\n",
        )
        _, _, jury = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    import httpx

    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(jury)) as client:
        await client.put(f"/api/problems/{slug}/editorial", json={"markdown": "secret_idea_here"})
    page = await new_page(browser, hubs[0], **DESKTOP)
    await page.goto(f"/contest/{contest_id}/review/A")
    await expect(page.get_by_test_id("editorial")).to_contain_text("once every contest")
    await expect(page.get_by_test_id("solutions")).to_contain_text(
        "shared once the contest is over"
    )
    text = await page.locator("#app").inner_text()
    assert "secret_code_here" not in text and "secret_idea_here" not in text
    await page.context.close()


async def test_the_moderator_console_checks_for_plagiarism_and_disqualifies_with_a_reason(
    hubs: list[Hub],
    hub_worker: Any,
    browser: Any,
    screenshots: Path,
    database_url: str,
    hub_env: dict[str, str],
) -> None:
    import random

    import asyncpg
    from hub_support import PASSWORD, new_user
    from plagiarism_support import bank_accepted, disguise
    from web_support import log_in

    problem_id, _ = await import_statement_problem(
        database_url, hub_env["ARENA_BLOB_DIR"], "Running Median", tags=["data"], difficulty="hard"
    )
    solutions = [s for s in bank_accepted() if s[2] == "python3" and len(s[3]) > 150]
    random.Random(4).shuffle(solutions)
    original = solutions[0][3]
    db = await asyncpg.connect(database_url)
    try:
        contest_id = await past_contest(
            db, problem_id, name="Honest Cup", ended_min_ago=120, duration_min=60
        )
        names = []
        for source in [original, *(s[3] for s in solutions[1:4]), disguise(original, "python3", 9)]:
            user_id, name, _ = await new_user(hubs[0], db)
            await judged(
                db, contest_id, user_id, "AC", 20, time_ms=42, memory_kib=9000, source=source
            )
            names.append(name)
        moderator_id, moderator, _ = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    copier = names[-1]

    page = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 900})
    await log_in(page, moderator, PASSWORD)
    await page.goto(f"/moderate/{contest_id}")
    panel = page.get_by_test_id("plagiarism")
    await panel.get_by_role("button", name="Check for plagiarism").click()
    report = page.get_by_test_id("plagiarism-report")
    await expect(report).to_contain_text("1 pairs", timeout=120_000)
    pair = report.get_by_test_id("plagiarism-pair")
    await expect(pair).to_have_count(1)
    await expect(pair).to_contain_text(names[0])
    await expect(pair).to_contain_text(copier)
    assert await pair.locator("mark.match").count() >= 2  # both sides highlighted
    await panel.scroll_into_view_if_needed()
    await page.evaluate("() => document.querySelectorAll('#toasts > *').forEach((t) => t.remove())")
    path = screenshots / "plagiarism-report.png"
    await panel.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size < 400 * 1024
    from web_support import publish_screenshot

    publish_screenshot(path)

    await pair.get_by_role("button", name=f"Disqualify {copier}").click()
    await expect(pair.locator(".pill-bad")).to_contain_text("disqualified")
    db = await asyncpg.connect(database_url)
    try:
        details = await db.fetchval(
            "SELECT details->>'reason' FROM audit_log"
            " WHERE actor_id = $1 AND action = 'disqualify'",
            moderator_id,
        )
        disqualified = await db.fetchval(
            "SELECT r.disqualified FROM registrations r JOIN users u ON u.id = r.user_id"
            " WHERE r.contest_id = $1 AND u.username = $2",
            contest_id,
            copier,
        )
    finally:
        await db.close()
    assert disqualified is True
    assert details.startswith("plagiarism check ") and names[0] in details

    # The editorial editor renders what it saves, math typeset.
    editor = page.get_by_test_id("editorial-editor")
    await editor.get_by_label("Editorial").fill("Keep two heaps: $O(\\log n)$ per number.")
    await editor.get_by_role("button", name="Save editorial").click()
    await expect(editor.get_by_test_id("editorial-preview").locator(".katex")).to_have_count(1)
    await page.context.close()
