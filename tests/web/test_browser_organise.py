"""The organisers' pages in real Chromium, as a new organiser uses them: organizations and groups,
a private contest made in the editor, a team of two registered, both members submitting; an
outsider who cannot find it; an edit that would rewrite history refused; an invite link."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import Page, expect
from web.test_browser_arena import VERDICT_TIMEOUT_MS, shot, type_solution
from web_support import AC_SOURCE, BankProblem, log_in, new_page

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "timezone_id": "UTC"}


def _local(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


async def _as(browser: Any, hub: Hub, username: str) -> Page:
    page = await new_page(browser, hub, **DESKTOP)
    await log_in(page, username, PASSWORD)
    return page


async def _new_contest(page: Page, name: str, slug: str, visibility: str) -> int:
    await page.goto("/organise")
    await page.get_by_role("link", name="New contest").click()
    await page.wait_for_url("**/organise/new")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Start", exact=True).fill(
        _local(datetime.now(UTC) - timedelta(minutes=2))
    )
    await page.get_by_label("Duration (minutes)").fill("120")
    await page.get_by_label("Freeze before the end (minutes, 0: none)").fill("0")
    await page.get_by_label("Visibility").select_option(visibility)
    await page.get_by_role("button", name="Add problem").click()
    await page.get_by_label("Problem slug").fill(slug)
    await page.get_by_role("button", name="Create contest").click()
    await page.wait_for_url(re.compile(r".*/organise/\d+$"))
    await expect(page.get_by_role("heading", name=f"Edit: {name}")).to_be_visible()
    return int(page.url.rsplit("/", 1)[1])


async def add_organization_and_group(page: Page, tag: str) -> None:
    """On the catalogue page: organization uni<tag> and group stu<tag>."""
    await page.get_by_role("link", name="Organise").click()
    await page.get_by_role("link", name="Organizations and groups").click()
    await page.get_by_label("Id", exact=True).first.fill(f"uni{tag}")
    await page.get_by_label("Name", exact=True).first.fill(f"University {tag}")
    await page.get_by_label("Country (ISO alpha-3)").fill("NLD")
    await page.get_by_role("button", name="Save organization").click()
    await expect(page.get_by_test_id("organizations")).to_contain_text(f"University {tag}")
    await page.get_by_label("Id", exact=True).nth(1).fill(f"stu{tag}")
    await page.get_by_label("Name", exact=True).nth(1).fill(f"Students {tag}")
    await page.get_by_role("button", name="Save group").click()
    await expect(page.get_by_test_id("groups")).to_contain_text(f"Students {tag}")


async def test_an_organiser_runs_a_private_contest_for_a_team_of_two(
    hubs: list[Hub],
    hub_worker: Any,
    db: Any,
    bank_problems: list[BankProblem],
    browser: Any,
    screenshots: Path,
) -> None:
    tag = uuid.uuid4().hex[:5]
    _, admin, _ = await new_user(hubs[0], db, role="admin")
    _, first, _ = await new_user(hubs[0], db)
    _, second, _ = await new_user(hubs[0], db)
    _, outsider, _ = await new_user(hubs[0], db)
    page = await _as(browser, hubs[0], admin)
    await add_organization_and_group(page, tag)
    await shot(page, screenshots, "organise-catalogue")

    name = f"Private Cup {tag}"
    cid = await _new_contest(page, name, bank_problems[0].slug, "private")
    await expect(page.get_by_text("Private: only the teams registered below")).to_be_visible()

    # Invite the team of two: both usernames, the organization, the group.
    await page.get_by_label("Team name").fill(f"Pair {tag}")
    await page.get_by_label("Members (usernames, comma-separated)").fill(f"{first}, {second}")
    await page.get_by_label("Organization").select_option(f"uni{tag}")
    await page.get_by_label("Groups").select_option(f"stu{tag}")
    await page.get_by_role("button", name="Register team").click()
    teams = page.get_by_test_id("teams")
    await expect(teams).to_contain_text(f"Pair {tag}")
    await expect(teams).to_contain_text(f"{first}, {second}")
    await expect(teams).to_contain_text(f"Students {tag}")
    await shot(page, screenshots, "organise-editor", full_page=True)

    # Someone else cannot find the contest, neither in the list nor by its address.
    stranger = await _as(browser, hubs[1], outsider)
    await expect(stranger.get_by_role("heading", name="Contests")).to_be_visible()
    await expect(stranger.get_by_text(name)).to_have_count(0)
    await stranger.goto(f"/contest/{cid}")
    await expect(stranger.get_by_role("alert")).to_contain_text("does not exist")
    await stranger.context.close()

    # Both members see it as registered and submit; the board has one row, the team's.
    members = [await _as(browser, hubs[i], user) for i, user in enumerate((first, second))]
    for member in members:
        await expect(member.locator(f'tr[data-contest="{cid}"]')).to_contain_text("registered")
        await member.goto(f"/contest/{cid}")
        await type_solution(member, AC_SOURCE)
        await member.get_by_role("button", name="Submit").click()
        final = member.get_by_test_id("final-verdict")
        await expect(final).to_have_attribute("data-verdict", "AC", timeout=VERDICT_TIMEOUT_MS)
    # The second member's list holds the team's two submissions, the first member's too.
    submitted = members[1].get_by_test_id("arena-submissions").locator("tr[data-submission]")
    await expect(submitted).to_have_count(2, timeout=30_000)
    await shot(members[1], screenshots, "team-member-arena", full_page=True)
    await members[1].goto(f"/contest/{cid}/board")
    rows = members[1].locator(".board-viewport .row")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(f"Pair {tag}")
    for member in members:
        await member.context.close()

    # Moving the start back now would rewrite the team's history: refused, with the reason.
    await page.reload()
    await page.get_by_label("Start", exact=True).fill(
        _local(datetime.now(UTC) - timedelta(hours=3))
    )
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_test_id("editor-error")).to_contain_text("start cannot move")
    await expect(page.get_by_role("button", name="Delete contest")).to_be_disabled()
    await shot(page, screenshots, "organise-refused")
    await page.goto("/organise")
    await expect(page.locator(f'tr[data-contest="{cid}"]')).to_contain_text("private")
    await shot(page, screenshots, "organise-list")
    await page.context.close()


async def test_an_invite_link_lets_a_team_register(
    hubs: list[Hub], db: Any, bank_problems: list[BankProblem], browser: Any, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:5]
    _, admin, _ = await new_user(hubs[0], db, role="admin")
    _, guest, _ = await new_user(hubs[0], db)
    page = await _as(browser, hubs[0], admin)
    cid = await _new_contest(page, f"Invite Cup {tag}", bank_problems[1].slug, "invite")
    link = await page.get_by_test_id("invite-link").inner_text()
    assert "/join/" in link
    await page.context.close()

    visitor = await _as(browser, hubs[1], guest)
    await visitor.goto(f"/contest/{cid}")
    await expect(visitor.get_by_role("alert")).to_contain_text("does not exist")
    await visitor.goto(link[link.index("/join/") :])  # this hub's address: its session
    await expect(visitor.get_by_role("heading", name=f"Invite Cup {tag}")).to_be_visible()
    await visitor.get_by_label("New team's name").fill(f"Guests {tag}")
    await shot(visitor, screenshots, "join-invite")
    await visitor.get_by_role("button", name="Create the team").click()
    # The creator lands on the contest, where its team and the code teammates join with show.
    await visitor.wait_for_url(f"**/contest/{cid}")
    await expect(visitor.get_by_test_id("my-team")).to_contain_text(f"Team Guests {tag}")
    await expect(visitor.get_by_test_id("team-join-code")).not_to_be_empty()
    await visitor.goto("/contests")
    await expect(visitor.locator(f'tr[data-contest="{cid}"]')).to_contain_text("registered")
    await visitor.context.close()
