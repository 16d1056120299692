"""Browser fixtures: Debian's Chromium driven by Playwright against real hubs, a worker and the
sandbox; contests and problems made through the real import and the real database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import hub.conftest as hub_fixtures
import pytest
from playwright.async_api import Browser, async_playwright
from redis.asyncio import Redis
from web_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    WEB_DIST,
    BankProblem,
    WebContest,
    add_bot,
    add_judged,
    import_statement_problem,
)

from arena.storage import ranking_cache

# The hub fixtures (real hub processes, a judging worker) serve the browser tests too.
hub_env = hub_fixtures.hub_env
hub_redis = hub_fixtures.hub_redis
hubs = hub_fixtures.hubs
hub_worker = hub_fixtures.hub_worker


@pytest.fixture(scope="session")
def web_dist() -> Path:
    index = WEB_DIST / "index.html"
    assert index.is_file(), f"{index} is missing: build the web app (scripts/setup.sh)"
    return WEB_DIST


@pytest.fixture(scope="session")
async def browser(web_dist: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
async def bank_problems(database_url: str, hub_env: dict[str, str]) -> list[BankProblem]:
    made = []
    for title, tags, difficulty in [
        ("Sum of Two", ["math", "implementation"], "easy"),
        ("Pair Total", ["math"], "medium"),
        ("Big Addition", ["implementation"], "hard"),
    ]:
        problem_id, slug = await import_statement_problem(
            database_url, hub_env["ARENA_BLOB_DIR"], title, tags=tags, difficulty=difficulty
        )
        made.append(BankProblem(problem_id, slug, title))
    return made


@pytest.fixture
async def web_contest(
    database_url: str, hub_env: dict[str, str], hub_redis: Redis
) -> AsyncIterator[WebContest]:
    """A running ICPC contest (started an hour ago) with a math problem and five bots:
    one solved at minute 5, one at minute 40 after two wrong tries, three have not solved."""
    problem_id, slug = await import_statement_problem(
        database_url, hub_env["ARENA_BLOB_DIR"], "Contest Sum", tags=["math"], difficulty="easy"
    )
    db = await asyncpg.connect(database_url)
    try:
        contest_id: int = await db.fetchval(
            "INSERT INTO contests (name, start_time, duration_s, scoring)"
            " VALUES ($1, now() - interval '60 minutes', 3 * 3600, 'pass-fail') RETURNING id",
            f"Browser Cup {uuid.uuid4().hex[:4]}",
        )
        await db.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, 'A', 1)",
            contest_id,
            problem_id,
        )
        tag = uuid.uuid4().hex[:4]
        leader = await add_bot(db, contest_id, f"ada_{tag}")
        await add_judged(db, contest_id, problem_id, leader, 5, "AC")
        chaser = await add_bot(db, contest_id, f"brian_{tag}")
        for minute, verdict in [(30, "WA"), (35, "WA"), (40, "AC")]:
            await add_judged(db, contest_id, problem_id, chaser, minute, verdict)
        for name in ("carol", "dmitri", "erin"):
            await add_bot(db, contest_id, f"{name}_{tag}")
        await ranking_cache.rebuild(db, hub_redis, contest_id)
        yield WebContest(contest_id, problem_id, slug, "A", leader)
    finally:
        await db.close()
