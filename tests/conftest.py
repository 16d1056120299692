"""Shared fixtures. Tests talk to the real services: Docker with runsc, Postgres, Redis."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from arena.judge.containers import docker_client
from arena.judge.grader import grade, plan_for
from arena.judge.pool import WarmPool
from arena.languages import LanguageTable
from arena.problems.package import load_package
from arena.protocol import GradingEvent, JudgeResult, JudgingFinished
from arena.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    """A checkout that runs its tests beside another one sets ARENA_TEST_REDIS_PORT; its Redis is
    started here (the setup script starts the default one)."""
    from support import REDIS_PORT

    if REDIS_PORT == 6379:
        return
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
            return
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(REDIS_PORT),
         "--save", "", "--appendonly", "no", "--dir", "/tmp",
         "--logfile", f"/tmp/arena-redis-{REDIS_PORT}.log"],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                return
        time.sleep(0.1)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def languages(settings: Settings) -> LanguageTable:
    return LanguageTable.load(settings.sandbox_dir / "languages.toml")


@pytest.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[WarmPool]:
    client = docker_client(settings)
    warm = WarmPool(client, settings, size=2)
    await warm.start()
    yield warm
    await warm.close()
    client.close()


JudgeFn = Callable[..., "JudgeResult"]


@pytest.fixture
def judge(pool: WarmPool, languages: LanguageTable):  # type: ignore[no-untyped-def]
    """``await judge(problem_dir, source, lang, events=None)`` judges through the warm pool."""

    async def run(
        problem_dir: Path,
        source: str | bytes,
        lang: str,
        events: list[GradingEvent] | None = None,
    ) -> JudgeResult:
        problem = load_package(problem_dir)
        plan = plan_for(problem, problem.limits.time_limit_s or 1.0, languages)
        data = source.encode() if isinstance(source, str) else source
        async with pool.session() as session:
            async for event in grade(session, languages.get(lang), data, plan, pool.helpers):
                if events is not None:
                    events.append(event)
                if isinstance(event, JudgingFinished):
                    return event.result
        raise AssertionError("grading ended without a result")

    return run


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh database with the schema migrated, dropped at the end of the session."""
    from db_support import fresh_database

    async with fresh_database() as url:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Any]:
    """A pool on the session's database; tests make their own rows with unique names."""
    import asyncpg

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def leave_nothing_queued(db: Any) -> AsyncIterator[None]:
    """Rows left queued here would be judged by the workers of later tests in the session, whose
    sweepers find them (with test data they cannot read)."""
    first = await db.fetchval("SELECT coalesce(max(id), 0) FROM submissions")
    yield
    await db.execute(
        "UPDATE submissions SET status = 'failed', lease_expires_at = NULL"
        " WHERE id > $1 AND status IN ('queued', 'judging')",
        first,
    )
