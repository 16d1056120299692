"""The browser arena in real Chromium against real hubs, a worker and the sandbox.

The acceptance flow: register, log in, open a contest problem, type a solution, run it on the
samples, submit, watch the per-test progress and the AC arrive live, see the own leaderboard row
move, while a spectator on another hub sees the same change without reloading; a moderator's
announcement reaching both; a wrong answer naming its failing test; phone width; screenshots.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hub_support import PASSWORD, Hub, bearer, new_user
from playwright.async_api import Page, expect
from redis.asyncio import Redis
from web_support import (
    AC_SOURCE,
    WA_SOURCE,
    BankProblem,
    WebContest,
    log_in,
    new_page,
    past_contest_for,
    publish_screenshot,
)

VERDICT_TIMEOUT_MS = 120_000
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def shot(page: Page, folder: Path, name: str, *, full_page: bool = False) -> None:
    await page.evaluate("() => window.scrollTo(0, 0)")
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    size = path.stat().st_size
    assert size < 300 * 1024, f"screenshot {name} is {size} bytes"
    publish_screenshot(path)


async def register_and_log_in(page: Page, username: str) -> None:
    await page.goto("/register")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await page.wait_for_url("**/login?**")
    await expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/contests")
    await expect(page.get_by_role("link", name=username)).to_be_visible()


async def type_solution(page: Page, source: str) -> None:
    await page.get_by_label("Language").select_option("python3")
    editor = page.locator(".cm-content")
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.type(source)
    await expect(editor).to_contain_text("map(int, input().split())")


async def watch_progress(page: Page) -> None:
    """Record every text the progress panel shows, to check what arrived while judging."""
    await page.evaluate(
        """() => {
        window.__progress = [];
        const el = document.querySelector('[data-testid=progress]');
        new MutationObserver(() => window.__progress.push(el.innerText))
            .observe(el, {childList: true, subtree: true, characterData: true});
    }"""
    )


async def my_id(page: Page) -> int:
    me: dict[str, Any] = await page.evaluate("() => fetch('/api/me').then(r => r.json())")
    return int(me["user"]["id"])


def board_row(page: Page, user_id: int) -> Any:
    return page.locator(f'.board-viewport .row[data-user="{user_id}"]')


async def submit_and_wait(client: httpx.AsyncClient, token: str, cid: int, source: str) -> str:
    """A contest submission through the API, judged by the worker; returns its verdict."""
    made = await client.post(
        f"/api/contests/{cid}/submissions",
        json={"problem": "A", "language": "python3", "source": source},
        headers=bearer(token),
    )
    assert made.status_code == 202, made.text
    for _ in range(VERDICT_TIMEOUT_MS // 250):
        got = await client.get(f"/api/submissions/{made.json()['id']}", headers=bearer(token))
        assert got.status_code == 200, got.text
        if got.json()["status"] in ("done", "failed"):
            return str(got.json()["verdict"])
        await asyncio.sleep(0.25)
    raise AssertionError(f"submission {made.json()['id']} was not judged")


async def wait_for_cells(
    client: httpx.AsyncClient, token: str, cid: int, board: str, pending: bool, users: set[int]
) -> None:
    """Until the board shows problem A of each of `users` pending (or settled)."""
    for _ in range(VERDICT_TIMEOUT_MS // 250):
        got = await client.get(
            f"/api/contests/{cid}/leaderboard", params={"board": board}, headers=bearer(token)
        )
        assert got.status_code == 200, got.text
        cells = {r["user_id"]: r["cells"].get("A") or {} for r in got.json()["rows"]}
        if all(bool(cells.get(u, {}).get("pending")) == pending for u in users):
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the {board} board never showed {users} with pending={pending}")


async def pending_rows_bottom_up(page: Page) -> list[int]:
    """The resolver's rows that hide a verdict, lowest place first (rows are placed by transform,
    so the DOM order is not the visual one)."""
    found: list[int] = await page.evaluate(
        """() => [...document.querySelectorAll('.resolver .board-viewport .row')]
            .filter((r) => r.querySelector('.cell-pending'))
            .map((r) => [Number(r.dataset.user), parseFloat(r.style.transform.slice(11))])
            .sort((a, b) => b[1] - a[1])
            .map(([user]) => user)"""
    )
    return found


@pytest.mark.sandbox
async def test_contestant_sees_ac_live_and_spectator_sees_row_move(
    hubs: list[Hub],
    hub_worker: Any,
    web_contest: WebContest,
    browser: Any,
    screenshots: Path,
) -> None:
    cid = web_contest.contest_id
    page = await new_page(browser, hubs[0], **DESKTOP)
    username = f"ann{uuid.uuid4().hex[:6]}"
    await register_and_log_in(page, username)

    # Register for the running contest from the contest list; that opens the arena.
    await page.locator(f'tr[data-contest="{cid}"]').get_by_role("button", name="Register").click()
    await page.wait_for_url(f"**/contest/{cid}")
    await expect(page.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    await expect(page.locator(".statement .katex").first).to_be_visible()
    me = await my_id(page)
    my_row = page.get_by_test_id("my-row")
    await expect(my_row).to_have_attribute("data-rank", "3")  # behind the two bots that solved

    # A spectator on the other hub, not logged in.
    spectator = await new_page(browser, hubs[1], **DESKTOP)
    await spectator.goto(f"/spectate/{cid}")
    await expect(spectator.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    await expect(board_row(spectator, me)).to_have_attribute("data-rank", "3")
    await spectator.evaluate("() => { window.__same_page = true; }")

    await type_solution(page, AC_SOURCE)
    await page.get_by_role("button", name="Run", exact=True).click()
    run = page.get_by_test_id("run-output")
    await expect(run.locator(".run-verdict .verdict-AC")).to_be_visible(timeout=VERDICT_TIMEOUT_MS)
    await expect(run.locator(".run-test")).to_contain_text("Output matches the expected output")

    await watch_progress(page)
    await page.locator(".cm-content").click()
    await page.keyboard.press("Control+Enter")  # the submit shortcut
    final = page.get_by_test_id("final-verdict")
    await expect(final).to_have_attribute("data-verdict", "AC", timeout=VERDICT_TIMEOUT_MS)
    await expect(final).to_contain_text("all 4 tests passed")
    seen: list[str] = await page.evaluate("() => window.__progress")
    assert any("judging, test" in text for text in seen), seen  # per-test progress, live
    assert await page.locator("[data-testid=progress] .chip-AC").count() == 4

    # Solved at minute ~60 without a wrong try: ahead of the bot that solved at 40 after two.
    await expect(my_row).to_have_attribute("data-rank", "2", timeout=30_000)
    await expect(board_row(spectator, me)).to_have_attribute("data-rank", "2", timeout=30_000)
    assert await spectator.evaluate("() => window.__same_page === true")  # no reload
    await expect(page.locator(".problem-nav .st-ok")).to_have_count(1)
    await expect(page.get_by_test_id("arena-submissions")).to_contain_text("AC")
    await shot(page, screenshots, "contest-arena", full_page=True)

    await page.goto(f"/contest/{cid}/board")
    await expect(board_row(page, me)).to_have_attribute("data-rank", "2")
    await expect(page.locator(".board-viewport .cell-first")).to_have_count(1)
    await expect(page.get_by_test_id("stats")).to_contain_text("Problem A")
    await shot(page, screenshots, "leaderboard")

    await spectator.get_by_role("button", name="Full screen").click()
    await expect(spectator.locator("body.board-mode")).to_have_count(1)
    await shot(spectator, screenshots, "spectator-fullscreen")
    await page.context.close()
    await spectator.context.close()


@pytest.mark.sandbox
async def test_wrong_answer_names_the_failing_test(
    hubs: list[Hub], hub_worker: Any, web_contest: WebContest, browser: Any, database_url: str
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        user_id, name, token = await new_user(hubs[0], db)
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        made = await client.post(
            f"/api/contests/{web_contest.contest_id}/register", headers=bearer(token)
        )
        assert made.status_code == 201, made.text
    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, name, PASSWORD)
    await page.goto(f"/contest/{web_contest.contest_id}/problem/A")
    await type_solution(page, WA_SOURCE)
    await page.get_by_role("button", name="Run", exact=True).click()
    run = page.get_by_test_id("run-output")
    await expect(run.locator(".run-verdict .verdict-WA")).to_be_visible(timeout=VERDICT_TIMEOUT_MS)
    await run.get_by_role("button", name="Show the diff").click()
    differs = run.get_by_test_id("diff").locator("tr.differs")
    await expect(differs).to_have_count(1, timeout=VERDICT_TIMEOUT_MS)
    await expect(differs).to_contain_text("-1")  # 1 - 2, where 3 is expected
    await page.get_by_role("button", name="Submit").click()
    final = page.get_by_test_id("final-verdict")
    await expect(final).to_have_attribute("data-verdict", "WA", timeout=VERDICT_TIMEOUT_MS)
    # 1 - 2 = -1 is wrong on the first test, the sample.
    await expect(final).to_contain_text("Wrong Answer on test 1 (sample/1)")
    await expect(page.locator("[data-testid=progress] .chip-WA")).to_have_count(1)
    await expect(page.locator(".problem-nav .st-bad")).to_have_count(1)
    # The own standings row (this user's, by id) counts the wrong try.
    my_row = page.get_by_test_id("my-row")
    await expect(my_row).to_have_attribute("data-user", str(user_id))
    failed_cell = my_row.locator('.c-cell[data-label="A"]')
    await expect(failed_cell).to_have_class(re.compile(r"\bcell-failed\b"))
    await expect(failed_cell).to_have_text("\u22121")  # one wrong try
    await page.context.close()


@pytest.mark.sandbox
async def test_moderator_announcement_reaches_contestant_and_spectator(
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
        other_id, _, other_token = await new_user(hubs[0], db)
        _, moderator, _ = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        for who in (token, other_token):
            made = await client.post(f"/api/contests/{cid}/register", headers=bearer(who))
            assert made.status_code == 201, made.text
        asked = await client.post(
            f"/api/contests/{cid}/clarifications",
            json={"question": "Can a and b be negative?", "problem": "A"},
            headers=bearer(token),
        )
        assert asked.status_code == 201, asked.text

    player = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(player, contestant, PASSWORD)
    await player.goto(f"/contest/{cid}")
    await expect(player.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    spectator = await new_page(browser, hubs[1], **DESKTOP)
    await spectator.goto(f"/spectate/{cid}")
    await expect(spectator.get_by_test_id("conn")).to_have_attribute("data-state", "live")

    mod = await new_page(browser, hubs[1], **DESKTOP)
    await log_in(mod, moderator, PASSWORD)
    await mod.goto(f"/moderate/{cid}")
    await expect(mod.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    queue = mod.get_by_test_id("clarification-queue")
    await expect(queue).to_contain_text("Can a and b be negative?")
    await expect(mod.get_by_test_id("stats")).to_contain_text("Problem A")
    text = f"Problem A: inputs fit in 32 bits ({uuid.uuid4().hex[:4]})"
    await mod.get_by_label("Announcement").fill(text)
    await mod.get_by_role("button", name="Announce", exact=True).click()
    for page in (player, spectator):
        await expect(page.locator(".toast-announcement").filter(has_text=text)).to_be_visible()
        await expect(page.get_by_test_id("announcements")).to_contain_text(text)

    await queue.get_by_label("Answer to question").fill("Yes: |a|, |b| ≤ 10^9.")
    await queue.get_by_role("button", name="Answer").click()
    await expect(player.locator(".clarifications")).to_contain_text("Yes: |a|, |b|")

    # Freeze from the console; two contestants submit behind the freeze, judged by the worker.
    await mod.get_by_role("button", name="Freeze board", exact=True).click()
    await expect(mod.locator(".contest-bar .pill-frozen")).to_be_visible()
    async with httpx.AsyncClient(base_url=hubs[0].url, timeout=30) as client:
        assert await submit_and_wait(client, token, cid, AC_SOURCE) == "AC"
        assert await submit_and_wait(client, other_token, cid, WA_SOURCE) == "WA"
        late = {player_id, other_id}
        await wait_for_cells(client, token, cid, "public", True, late)

    resolver = mod.get_by_test_id("resolver")
    await expect(resolver).to_be_visible()
    await resolver.get_by_role("button", name="Load frozen board").click()
    await expect(resolver.locator(".board-viewport .row")).to_have_count(7)
    order = await pending_rows_bottom_up(mod)
    assert sorted(order) == sorted(late), order
    verdict_class = {player_id: "cell-solved", other_id: "cell-failed"}
    for step, user in enumerate(order):
        await resolver.get_by_role("button", name="Reveal next").click()
        # The lowest hidden row is the one revealed: its pending cell now shows the verdict.
        cell = resolver.locator(f'.board-viewport .row[data-user="{user}"] .c-cell[data-label="A"]')
        await expect(cell).to_have_class(re.compile(rf"\b{verdict_class[user]}\b"))
        remaining = resolver.locator(".board-viewport .row .cell-pending")
        await expect(remaining).to_have_count(len(order) - step - 1)
    # Solved at minute ~60 with no wrong try: second, ahead of the bot with 40 + 2 x 20.
    await expect(resolver.locator(f'.row[data-user="{player_id}"]')).to_have_attribute(
        "data-rank", "2"
    )
    await resolver.get_by_role("button", name="Reveal next").click()
    await expect(resolver).to_contain_text("Everything is revealed")
    await shot(mod, screenshots, "moderator-console", full_page=True)

    await resolver.get_by_role("button", name="Finish: unfreeze").click()
    await expect(mod.locator(".contest-bar .pill-frozen")).to_have_count(0)
    await expect(spectator.locator(".contest-bar .pill-frozen")).to_have_count(0)
    await expect(board_row(spectator, player_id)).to_have_attribute("data-rank", "2")
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        await wait_for_cells(client, token, cid, "public", False, late)
    for page in (player, spectator, mod):
        await page.context.close()


async def test_free_text_stays_text(
    hubs: list[Hub], web_contest: WebContest, browser: Any, database_url: str
) -> None:
    """Markup in an announcement, a question and an answer is shown as the characters typed."""
    cid = web_contest.contest_id
    markup = "<img src=x onerror=alert(1)>"
    db = await asyncpg.connect(database_url)
    try:
        _, contestant, token = await new_user(hubs[0], db)
        _, moderator, _ = await new_user(hubs[0], db, role="moderator")
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        made = await client.post(f"/api/contests/{cid}/register", headers=bearer(token))
        assert made.status_code == 201, made.text
        asked = await client.post(
            f"/api/contests/{cid}/clarifications",
            json={"question": f"Is {markup} allowed?"},
            headers=bearer(token),
        )
        assert asked.status_code == 201, asked.text

    dialogs: list[str] = []

    async def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    player = await new_page(browser, hubs[0], **DESKTOP)
    mod = await new_page(browser, hubs[1], **DESKTOP)
    for page in (player, mod):
        page.on("dialog", refuse)
    await log_in(player, contestant, PASSWORD)
    await player.goto(f"/contest/{cid}")
    await expect(player.get_by_test_id("conn")).to_have_attribute("data-state", "live")
    await log_in(mod, moderator, PASSWORD)
    await mod.goto(f"/moderate/{cid}")
    await expect(mod.get_by_test_id("conn")).to_have_attribute("data-state", "live")

    announcement = f"Announced {markup}"
    await mod.get_by_label("Announcement").fill(announcement)
    await mod.get_by_role("button", name="Announce", exact=True).click()
    answer = f"Answered {markup}"
    queue = mod.get_by_test_id("clarification-queue")
    await queue.get_by_label("Answer to question").fill(answer)
    await queue.get_by_role("button", name="Answer").click()

    await expect(player.locator(".toast-announcement")).to_contain_text(announcement)
    await expect(player.get_by_test_id("announcements")).to_contain_text(announcement)
    await expect(player.locator(".clarifications")).to_contain_text(answer)
    await expect(player.locator(".clarifications")).to_contain_text(f"Is {markup} allowed?")
    await expect(mod.get_by_test_id("announcements")).to_contain_text(announcement)
    await expect(queue.locator(".answer")).to_contain_text(answer)
    for page in (player, mod):
        await expect(page.locator('img[src="x"]')).to_have_count(0)
        assert await page.locator("#app img, #toasts img").count() == 0
    assert dialogs == []
    for page in (player, mod):
        await page.context.close()


async def test_bank_problem_page_and_phone_width(
    hubs: list[Hub], bank_problems: list[BankProblem], browser: Any, screenshots: Path
) -> None:
    page = await new_page(browser, hubs[0], **DESKTOP)
    await page.goto("/problems?tag=math")
    bank = page.get_by_test_id("bank")
    titles = [p.title for p in bank_problems[:2]]
    for title in titles:
        await expect(bank.get_by_role("link", name=title)).to_be_visible()
    await expect(bank.get_by_role("link", name=bank_problems[2].title)).to_have_count(0)
    await page.get_by_label("Difficulty").select_option("medium")
    await page.get_by_role("button", name="Filter").click()
    await expect(bank.get_by_role("link", name=titles[0])).to_have_count(0)
    await expect(bank.get_by_role("link", name=titles[1])).to_be_visible()
    # Narrowed: the session's database holds other tests' problems too (20 to a page).
    await page.goto("/problems?tag=implementation&difficulty=hard")
    await expect(bank.get_by_role("link", name=bank_problems[2].title)).to_be_visible()
    await shot(page, screenshots, "problem-bank")

    first = bank_problems[0]
    await page.goto(f"/problems/{first.slug}")
    await expect(page.get_by_role("heading", name=first.title).first).to_be_visible()
    await expect(page.locator(".statement .katex-display")).to_have_count(1)
    assert await page.locator(".statement .katex").count() >= 4
    await expect(page.get_by_role("button", name="Copy input")).to_be_visible()
    await expect(page.locator(".limits")).to_contain_text("Time limit: 1.0 s")
    await page.get_by_label("Language").select_option("cpp")
    await expect(page.locator(".cm-content")).to_contain_text("#include")  # the C++ stub
    # The menu names the table's dialects and shows the chosen one's version and flags.
    await page.get_by_label("Language").select_option("C++23")
    await expect(page.get_by_test_id("compile-command")).to_contain_text("GCC 12.2: g++ -O2")
    await expect(page.get_by_test_id("compile-command")).to_contain_text("-std=gnu++23")
    await shot(page, screenshots, "problem")
    await page.context.close()

    phone = await new_page(browser, hubs[0], **PHONE)
    await phone.goto(f"/problems/{first.slug}")
    await expect(phone.locator(".statement .katex-display")).to_have_count(1)
    overflow = await phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    statement = await phone.locator(".problem-text").bounding_box()
    editor = await phone.locator(".editor-host").bounding_box()
    assert statement is not None and editor is not None
    assert editor["y"] > statement["y"] + statement["height"] - 1  # stacked, not side by side
    assert editor["width"] <= 390
    await expect(phone.get_by_role("button", name="Submit")).to_be_visible()
    await shot(phone, screenshots, "problem-phone")
    await phone.context.close()


async def test_profile_shows_past_contests_and_plot(
    hubs: list[Hub],
    bank_problems: list[BankProblem],
    browser: Any,
    database_url: str,
    hub_redis: Redis,
    screenshots: Path,
) -> None:
    db = await asyncpg.connect(database_url)
    try:
        user_id, name, _ = await new_user(hubs[0], db)
    finally:
        await db.close()
    for behind in (3, 1, 0):
        await past_contest_for(
            database_url, hub_redis, bank_problems[0].problem_id, user_id, behind
        )
    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, name, PASSWORD)
    await page.get_by_role("link", name=name).click()
    await page.wait_for_url("**/profile")
    past = page.get_by_test_id("past-contests")
    await expect(past.locator("tbody tr")).to_have_count(3)
    ranks = await past.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(ranks) == ["1", "2", "4"], ranks
    await expect(page.locator("figure.chart-box circle")).to_have_count(3)
    await expect(page.get_by_test_id("my-submissions")).to_contain_text("AC")
    await shot(page, screenshots, "profile")
    await page.context.close()


async def test_leaderboard_keeps_100k_rows_virtual(hubs: list[Hub], browser: Any) -> None:
    page = await new_page(browser, hubs[0], **DESKTOP)
    await page.goto("/bench/board?rows=100000")
    board = page.get_by_test_id("board")
    await expect(board.locator(".board-status")).to_contain_text("100000 contestants")
    rows = board.locator(".board-viewport .row")
    await expect(rows.first).to_have_attribute("data-rank", "1")
    assert await rows.count() < 80  # only what is in view (plus a margin) is in the DOM
    await page.locator(".board-viewport").evaluate("el => { el.scrollTop = 50000 * 36; }")
    await expect(board.locator('.board-viewport .row[data-rank="50001"]')).to_have_count(1)
    assert await rows.count() < 80
    await page.locator(".board-viewport").evaluate("el => { el.scrollTop = 0; }")
    await expect(board.locator('.row[data-user="9"]')).to_have_attribute("data-rank", "9")
    await page.get_by_role("button", name="Move a row to the top").click()
    await expect(board.locator('.board-viewport .row[data-user="9"]')).to_have_attribute(
        "data-rank", "1"
    )
    await expect(board.locator('.board-viewport .row[data-user="1"]')).to_have_attribute(
        "data-rank", "2"
    )
    await page.context.close()


async def draft_keys(page: Page) -> list[str]:
    keys: list[str] = await page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('arena:draft:'))"
    )
    return keys


async def test_submits_carry_an_idempotency_key_and_logout_clears_drafts(
    hubs: list[Hub], bank_problems: list[BankProblem], browser: Any, db: asyncpg.Pool
) -> None:
    _, name, _ = await new_user(hubs[0], db)
    page = await new_page(browser, hubs[0], **DESKTOP)
    await log_in(page, name, PASSWORD)
    await page.goto(f"/problems/{bank_problems[0].slug}")
    await type_solution(page, AC_SOURCE)
    # The draft is kept (debounced) in this browser while the person works.
    for _ in range(100):
        if await draft_keys(page):
            break
        await asyncio.sleep(0.1)
    assert await draft_keys(page)

    async with page.expect_request(re.compile(r".*/api/problems/[^/]+/submissions$")) as sent:
        await page.get_by_role("button", name="Submit").click()
    request = await sent.value
    key = (await request.all_headers()).get("idempotency-key", "")
    assert re.fullmatch(r"[0-9a-f]{32}", key), key
    response = await request.response()
    assert response is not None and response.status == 202
    submission_id = (await response.json())["id"]
    assert (
        await db.fetchval("SELECT client_key FROM submissions WHERE id = $1", submission_id) == key
    )

    # A shared computer: after logging out, the next person finds no code. Typing again first
    # leaves a debounced save pending, which must not bring a draft back.
    await page.locator(".cm-content").click()
    await page.keyboard.type("# secret idea\n")
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_url("**/contests")
    await expect(page.get_by_role("link", name="Log in")).to_be_visible()
    await page.wait_for_timeout(600)  # past the editor's save delay
    assert await draft_keys(page) == []
    await page.goto(f"/problems/{bank_problems[0].slug}")
    await expect(page.locator(".cm-content")).not_to_contain_text("secret idea")
    await page.context.close()


async def test_a_page_still_loading_does_not_overwrite_the_next_one(
    hubs: list[Hub], browser: Any, database_url: str
) -> None:
    """CI saw the profile replaced by the contest list whose request, sent first, came back last."""
    db = await asyncpg.connect(database_url)
    try:
        _, name, _ = await new_user(hubs[0], db)
    finally:
        await db.close()
    page = await new_page(browser, hubs[0], **DESKTOP)
    answered = asyncio.Event()

    async def late(route: Any) -> None:
        response = await route.fetch()
        await asyncio.sleep(1.5)
        await route.fulfill(response=response)
        answered.set()

    await page.route(re.compile(r"/api/contests$"), late)
    await log_in(page, name, PASSWORD)  # the list's request is on its way, held back
    await page.get_by_role("link", name=name).click()
    await expect(page.get_by_role("heading", name="Results over time")).to_be_visible()
    await asyncio.wait_for(answered.wait(), 20)
    # Timers run after the tasks the response started, so the list has been drawn, or not.
    await page.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    await expect(page.get_by_role("heading", name="Results over time")).to_be_visible()
    await expect(page.get_by_role("heading", name="Running")).to_have_count(0)
    await page.context.close()
