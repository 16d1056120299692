"""The board page's organization and group selectors (#15.3) in real Chromium against real hubs:
choosing one shows only its teams, each with its rank on the whole board; "All" brings everyone
back; a contest whose teams have neither shows no selector. And a second team member's board
marks the team's row as their own."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import expect
from web_support import WebContest, log_in, new_page

from arena.storage import teams

expect.set_options(timeout=20_000)


async def test_board_filtered_by_organization_and_group(
    hubs: list[Hub], web_contest: WebContest, browser: Any, database_url: str
) -> None:
    cid = web_contest.contest_id
    page = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 900})
    await page.goto(f"/contest/{cid}/board")
    rows = page.get_by_test_id("board").locator(".board-viewport .row")
    await expect(rows).to_have_count(5)
    await expect(page.locator(".board-filters select")).to_have_count(0)

    tag = uuid.uuid4().hex[:6]
    db = await asyncpg.connect(database_url)
    try:
        uni = await teams.save_organization(db, f"uni-{tag}", f"Uni {tag}")
        students = await teams.save_group(db, f"stu-{tag}", f"Students {tag}")
        bots = await db.fetch(
            "SELECT u.id, u.username FROM registrations r JOIN users u ON u.id = r.user_id"
            " WHERE r.contest_id = $1 ORDER BY u.id",
            cid,
        )
        ada, brian, carol = bots[0], bots[1], bots[2]
        # Ada (rank 1) and Carol are Uni's; Brian (rank 2) and Carol are students.
        await teams.create_team(db, cid, ada["id"], ada["username"], organization_id=uni.id)
        await teams.create_team(
            db, cid, carol["id"], carol["username"], organization_id=uni.id, group_ids=[students.id]
        )
        await teams.create_team(db, cid, brian["id"], brian["username"], group_ids=[students.id])
    finally:
        await db.close()

    await page.reload()
    board = page.get_by_test_id("board")

    def row(bot: Any) -> Any:
        return board.locator(f'.board-viewport .row[data-user="{bot["id"]}"]')

    organization = page.get_by_label("Organization")
    group = page.get_by_label("Group")
    await expect(organization).to_be_visible()
    await organization.select_option(label=f"Uni {tag}")
    await expect(rows).to_have_count(2)
    await expect(row(ada)).to_have_attribute("data-rank", "1")
    await expect(row(carol)).to_contain_text(carol["username"])
    await organization.select_option(label="All")
    await expect(rows).to_have_count(5)
    await group.select_option(label=f"Students {tag}")
    await expect(rows).to_have_count(2)
    # Brian keeps his rank on the whole board.
    await expect(row(brian)).to_have_attribute("data-rank", "2")
    await expect(row(carol)).to_be_visible()
    await organization.select_option(label=f"Uni {tag}")
    await expect(rows).to_have_count(1)
    await expect(row(carol)).to_be_visible()


async def test_a_second_team_member_sees_the_team_row_as_their_own(
    hubs: list[Hub], web_contest: WebContest, browser: Any, database_url: str
) -> None:
    """The team's row is its first member's; a second member's board highlights it too."""
    cid = web_contest.contest_id
    db = await asyncpg.connect(database_url)
    try:
        member_id, member, _ = await new_user(hubs[0], db)
        leader = web_contest.leader_id
        name = await db.fetchval("SELECT username FROM users WHERE id = $1", leader)
        await teams.create_team(db, cid, leader, name)
        await teams.add_member(db, cid, leader, member_id)
    finally:
        await db.close()
    page = await new_page(browser, hubs[1], viewport={"width": 1280, "height": 900})
    await log_in(page, member, PASSWORD)
    await page.goto(f"/contest/{cid}/board")
    board = page.get_by_test_id("board")
    team_row = board.locator(f'.board-viewport .row[data-user="{leader}"]')
    await expect(team_row).to_have_class(re.compile(r"\bme\b"))
    await expect(board.locator(".board-viewport .row.me")).to_have_count(1)
    await expect(page.get_by_test_id("my-row")).to_have_attribute("data-rank", "1")
