"""Helpers of the browser tests: problems with math statements, contests with bots, pages."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from hub_support import Hub
from playwright.async_api import Browser, Page
from redis.asyncio import Redis
from support import code_stubs, make_problem

from arena.storage import results
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

REPO = Path(__file__).resolve().parent.parent
WEB_DIST = REPO / "web" / "dist"
# Every run writes its screenshots under artifacts/ (ignored by git); the ones in the docs change
# only on request (ARENA_UPDATE_SCREENSHOTS=1), not as a side effect of running the tests.
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DOC_SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
STATEMENT = """Given two integers $a$ and $b$, print their sum \\(a + b\\).

$$|a|, |b| \\le 10^9$$

## Input

One line with $a$ and $b$.

## Output

One line with \\(a + b\\).
"""
TESTS = {
    "sample/1": ("1 2\n", "3\n"),
    "secret/01": ("5 6\n", "11\n"),
    "secret/02": ("-4 10\n", "6\n"),
    "secret/03": ("100 -1\n", "99\n"),
}
AC_SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"
WA_SOURCE = "a, b = map(int, input().split())\nprint(a - b)\n"


class WebContest(msgspec.Struct):
    contest_id: int
    problem_id: int
    slug: str
    label: str
    leader_id: int  # bots: the leader solved early, the chaser late after two wrong tries


class BankProblem(msgspec.Struct):
    problem_id: int
    slug: str
    title: str


async def import_statement_problem(
    database_url: str,
    blob_dir: str,
    title: str,
    *,
    tags: list[str],
    difficulty: str,
    translations: dict[str, str] | None = None,
) -> tuple[int, str]:
    """A+B with a Markdown statement that has inline and display math (in English; other
    languages' Markdown in ``translations``)."""
    slug = f"{title.lower().replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as tmp:
        root = make_problem(Path(tmp) / "p", TESTS, problem_yaml=f"name: {title}\n")
        (root / "problem_statement").mkdir()
        (root / "problem_statement" / "problem.en.md").write_text(STATEMENT)
        for lang, text in (translations or {}).items():
            (root / "problem_statement" / f"problem.{lang}.md").write_text(text)
        conn = await asyncpg.connect(database_url)
        try:
            imported = await import_problem(
                conn,
                DiskBlobStore(Path(blob_dir)),
                root,
                slug=slug,
                tags=tags,
                difficulty=difficulty,
                code_stubs=code_stubs(),
            )
        finally:
            await conn.close()
    return imported.problem_id, slug


async def add_bot(db: Any, contest_id: int, name: str) -> int:
    user_id: int = await db.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id", name
    )
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return user_id


async def add_judged(
    db: Any, contest_id: int, problem_id: int, user_id: int, minute: int, verdict: str
) -> None:
    """A submission already judged (as a worker leaves it), made ``minute`` into the contest."""
    await db.execute(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, time_ms, memory_kib, submitted_at, judged_at)"
        " SELECT $1, $2, $3, p.current_version, 'python3', $4, 'done', $5, 10, 1024,"
        "  c.start_time + make_interval(mins => $6), now()"
        " FROM problems p, contests c WHERE p.id = $3 AND c.id = $2",
        user_id,
        contest_id,
        problem_id,
        AC_SOURCE.encode(),
        verdict,
        minute,
    )


async def past_contest_for(
    database_url: str, redis: Redis, problem_id: int, user_id: int, rank_behind: int
) -> int:
    """An ended contest the user took part in, with its final results written."""
    db = await asyncpg.connect(database_url)
    try:
        contest_id: int = await db.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, scoring)"
            " VALUES ($1, now() - interval '3 days', 7200, 'pass-fail') RETURNING id",
            f"Practice Round {uuid.uuid4().hex[:4]}",
        )
        await db.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, 'A', 1)",
            contest_id,
            problem_id,
        )
        await db.execute(
            "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
        )
        await add_judged(db, contest_id, problem_id, user_id, 20 + rank_behind * 10, "AC")
        for i in range(rank_behind):
            bot = await add_bot(db, contest_id, f"past{i}_{uuid.uuid4().hex[:6]}")
            await add_judged(db, contest_id, problem_id, bot, 5 + i, "AC")
        await results.finalize(db, redis, contest_id)
        return contest_id
    finally:
        await db.close()


def publish_screenshot(path: Path) -> None:
    """Copies a screenshot into docs/screenshots/ when ARENA_UPDATE_SCREENSHOTS=1."""
    if os.environ.get("ARENA_UPDATE_SCREENSHOTS") == "1":
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOTS / path.name)


async def new_page(browser: Browser, hub: Hub, **options: Any) -> Page:
    context = await browser.new_context(base_url=hub.url, **options)
    context.set_default_timeout(20_000)
    return await context.new_page()


async def log_in(page: Page, username: str, password: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/contests")
