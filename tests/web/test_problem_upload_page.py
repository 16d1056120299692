"""The admins' problem upload page in real Chromium: a zip of the example A+B chosen in the file
input goes up (the progress bar fills), the worker stages it, the page shows it ready and
publishes it; the problem is then in the bank. A moderator is turned away."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

from hub_support import PASSWORD, Hub, new_user
from playwright.async_api import expect
from web.test_browser_arena import shot
from web_support import log_in, new_page

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "problems" / "aplusb"
STAGE_TIMEOUT_MS = 120_000


def _example_zip(folder: Path, slug: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXAMPLE.rglob("*")):
            if path.is_file():
                archive.write(path, f"aplusb/{path.relative_to(EXAMPLE).as_posix()}")
    target = folder / f"{slug}.zip"
    target.write_bytes(buffer.getvalue())
    return target


async def test_an_admin_uploads_a_package_and_publishes_it(
    hubs: list[Hub], hub_worker: Any, db: Any, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    _, admin, _ = await new_user(hubs[0], db, role="admin")
    _, moderator, _ = await new_user(hubs[0], db, role="moderator")
    slug = f"web-up-{uuid.uuid4().hex[:8]}"
    package = _example_zip(tmp_path, slug)

    page = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 900})
    await log_in(page, admin, PASSWORD)
    await page.goto("/organise")
    await page.get_by_role("link", name="Upload a problem").click()
    await page.wait_for_url("**/organise/problems")
    await page.get_by_label("Package (.zip)").set_input_files(str(package))
    await expect(page.get_by_label("Slug")).to_have_value(slug)  # taken from the file name
    # The upload form's own fields (the live problems' editor below has its own).
    upload_form = page.locator("form.upload-form")
    await upload_form.get_by_label("Difficulty").select_option("hard")
    await upload_form.get_by_label("Tags").fill("math, warm-up")
    await page.get_by_role("button", name="Upload").click()
    ready = page.locator(".upload-status [data-status='ready']")
    await expect(ready).to_be_visible(timeout=STAGE_TIMEOUT_MS)
    await expect(page.locator("progress.upload-progress")).to_have_attribute("value", "100")
    await expect(page.locator(".upload-status")).to_contain_text("10 tests")
    # Staged, not live: the bank does not have it yet.
    assert await db.fetchval("SELECT current_version FROM problems WHERE slug = $1", slug) is None
    await page.locator(".upload-status [data-publish]").click()
    await expect(page.locator(".upload-status [data-status='published']")).to_be_visible()
    await shot(page, screenshots, "problem-upload", full_page=True)
    await page.get_by_role("link", name=f"/problems/{slug}").click()
    await expect(page.get_by_role("heading", name="A plus B")).to_be_visible()
    live = await db.fetchrow(
        "SELECT current_version, difficulty, tags FROM problems WHERE slug = $1", slug
    )
    assert (live["current_version"], live["difficulty"], live["tags"]) == (
        1,
        "hard",
        ["math", "warm-up"],
    )

    visitor = await new_page(browser, hubs[0], viewport={"width": 1280, "height": 900})
    await log_in(visitor, moderator, PASSWORD)
    await visitor.goto("/organise/problems")
    await expect(visitor.get_by_text("This page is for admins.")).to_be_visible()
