"""Organization logos in real Chromium: an admin picks a PNG for an organization on the catalogue
page and sees it; an SVG renamed .png is refused with the hub's reason and the logo stays; the
board shows the logo next to the organization selector when that organization is chosen."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from hub_support import PASSWORD, Hub, new_user
from image_support import png
from playwright.async_api import expect
from web_support import WebContest, log_in, new_page, publish_screenshot

from arena.storage import teams


async def test_an_admin_uploads_a_logo_shown_on_the_catalogue_and_the_board(
    hubs: list[Hub],
    web_contest: WebContest,
    db: Any,
    database_url: str,
    browser: Any,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    cid = web_contest.contest_id
    tag = uuid.uuid4().hex[:6]
    org = f"uni-{tag}"
    conn = await asyncpg.connect(database_url)
    try:
        uni = await teams.save_organization(conn, org, f"Uni {tag}")
        leader = await conn.fetchrow(
            "SELECT u.id, u.username FROM registrations r JOIN users u ON u.id = r.user_id"
            " WHERE r.contest_id = $1 ORDER BY u.id LIMIT 1",
            cid,
        )
        await teams.create_team(conn, cid, leader["id"], leader["username"], organization_id=uni.id)
    finally:
        await conn.close()
    _, admin, _ = await new_user(hubs[0], db, role="admin")
    logo_file = tmp_path / "logo.png"
    logo_file.write_bytes(png(40, 20))
    fake = tmp_path / "fake.png"
    fake.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    page = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 900})
    await log_in(page, admin, PASSWORD)
    await page.goto("/organise/catalogue")
    item = page.locator(f"li[data-organization='{org}']")
    image = item.locator("img.org-logo")
    await expect(image).to_be_hidden()  # none yet
    await item.get_by_label(f"Logo of {org}").set_input_files(str(logo_file))
    await expect(image).to_be_visible()
    await expect(image).to_have_attribute("data-sha256", re.compile("^[0-9a-f]{64}$"))
    assert await image.evaluate("img => img.naturalWidth") == 40
    await item.screenshot(path=str(screenshots / "organization-logo.png"), animations="disabled")
    publish_screenshot(screenshots / "organization-logo.png")

    # An SVG named .png: refused with the hub's reason; the PNG stays.
    await item.get_by_label(f"Logo of {org}").set_input_files(str(fake))
    await expect(item.locator("[data-logo-refused]")).to_contain_text("only PNG and JPEG")
    stored = await db.fetchval("SELECT logo_mime FROM organizations WHERE external_id = $1", org)
    assert stored == "image/png"

    # The board: choosing the organization shows its logo beside the selector.
    await page.goto(f"/contest/{cid}/board")
    await page.get_by_label("Organization").select_option(org)
    board_logo = page.locator(".board-filters img.org-logo")
    await expect(board_logo).to_be_visible()
    await expect(board_logo).to_have_attribute("alt", f"Uni {tag} logo")
    assert await board_logo.evaluate("img => img.naturalWidth") == 40
    await page.get_by_label("Organization").select_option("")
    await expect(board_logo).to_have_count(0)
