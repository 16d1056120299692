"""The admins' problem upload page in real Chromium: a zip of the example A+B chosen in the file
input goes up (the progress bar fills), the worker stages and checks it, the page shows the
verdict table (a wrong 'accepted' submission and the test inputs an input validator rejects
marked), refuses a plain Publish of the failed check, and publishes once the admin confirms; the
problem is then in the bank. A moderator is turned away."""

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
STAGE_TIMEOUT_MS = 300_000
# Valid input: two integers of absolute value at most 10^6 (most secret tests are not).
RANGE_VALIDATOR = """\
import sys
numbers = sys.stdin.read().split()
if len(numbers) != 2 or any(abs(int(n)) > 10**6 for n in numbers):
    print(f"out of range: {' '.join(numbers)}")
    sys.exit(43)
sys.exit(42)
"""


def _example_zip(folder: Path, slug: str) -> Path:
    """A+B with its Python submissions (each is judged by the check), a wrong one among the
    accepted, and an input validator stricter than the test data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXAMPLE.rglob("*")):
            if path.is_file() and (path.suffix == ".py" or "submissions" not in path.parts):
                archive.write(path, f"aplusb/{path.relative_to(EXAMPLE).as_posix()}")
        wrong = "a, b = map(int, input().split())\nprint(a - b)\n"
        archive.writestr("aplusb/submissions/accepted/subtract.py", wrong)
        archive.writestr("aplusb/input_validators/range.py", RANGE_VALIDATOR)
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
    # The verdict table: expected vs got per submission, the validator per test input.
    check = page.locator(".upload-check[data-check='failed']")
    await expect(check).to_be_visible()
    wrong = check.locator("[data-submission='accepted/subtract.py']")
    await expect(wrong).to_have_attribute("data-outcome", "mismatch")
    await expect(wrong.locator("td").nth(1)).to_have_text("AC")
    await expect(wrong.locator("td").nth(2)).to_have_text("WA")
    await expect(wrong.locator("td").nth(3)).to_contain_text(" ms")
    right = check.locator("[data-submission='accepted/sum.py']")
    await expect(right).to_have_attribute("data-outcome", "ok")
    await expect(right.locator("td").nth(2)).to_have_text("AC")
    tle = check.locator("[data-submission='time_limit_exceeded/spin.py']")
    await expect(tle).to_have_attribute("data-outcome", "ok")
    rejected = check.locator("[data-test='secret/01']")
    await expect(rejected).to_have_attribute("data-outcome", "rejected")
    await expect(rejected).to_contain_text("out of range: 5870000 16753")
    await expect(check.locator("[data-test='sample/1']")).to_have_attribute("data-outcome", "ok")
    await expect(check.locator(".check-inputs tbody tr")).to_have_count(10)
    await expect(page.locator(".check-summary")).to_contain_text("1 not as expected")
    await expect(page.locator(".check-summary")).to_contain_text("7 rejected")

    # A plain Publish of a failed check is refused with the reason; nothing goes live.
    await page.locator(".upload-status [data-publish]").click()
    refusal = page.get_by_role("alert").filter(has_text="tick the box next to Publish")
    await expect(refusal).to_contain_text("accepted/subtract.py")
    # Staged, not live: the bank does not have it yet.
    assert await db.fetchval("SELECT current_version FROM problems WHERE slug = $1", slug) is None
    await page.locator(".upload-status [data-confirm]").check()
    await page.locator(".upload-status [data-publish]").click()
    await expect(page.locator(".upload-status [data-status='published']")).to_be_visible()
    await expect(page.locator(".upload-check[data-check='failed']")).to_be_visible()
    # The screenshot shows the table, not the toasts (which go by themselves after a while).
    await page.evaluate("() => document.querySelectorAll('.toast').forEach((t) => t.remove())")
    # The form, the status and the verdict table (the live problems' editor below is shot apart).
    await page.set_viewport_size({"width": 1280, "height": 1250})
    await shot(page, screenshots, "problem-upload")
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
