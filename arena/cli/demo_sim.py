"""``arena demo simulate``: simulated contestants that keep the demo's board moving.

Bot accounts (``bot-ada``, ``bot-grace``, …; created once, with a password nobody knows) get a
login session from Postgres and then act like any contestant, over the hub's HTTP API: they
register for the contest and send the example packages' real submissions, at random moments
(a Poisson process of one submission per ``rate_s`` on average, all bots together), through
the real pipeline. Runs until stopped (SIGINT or SIGTERM), then ends its sessions.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import signal
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
from argon2 import PasswordHasher

from arena.cli.common import UsageError, connect_db
from arena.cli.demo_bots import (
    REJECTED_WEIGHTS,
    Bot,
    ContestProblem,
    Source,
    make_bots,
    next_submission,
    record,
)
from arena.cli.demo_seed import new_password
from arena.hub.auth import password_hasher
from arena.languages import LanguageError, LanguageTable
from arena.limits import MAX_SOURCE_BYTES
from arena.problems.errors import PackageError
from arena.problems.package import load_package
from arena.settings import Settings
from arena.storage import contest_state, users

SESSION_TTL_S = 24 * 3600
NOT_RUNNING_WAIT_S = 30.0
HUB_RETRY_S = 2.0
Print = Callable[[str], None]


def read_sources(package_dir: Path, languages: LanguageTable, say: Print) -> list[Source]:
    """The package's submissions a bot may send: known languages, UTF-8, within the size cap."""
    try:
        package = load_package(package_dir)
    except PackageError as exc:
        say(f"skipping {package_dir}: {exc}")
        return []
    found = []
    for folder, paths in package.submissions.items():
        if folder != "accepted" and folder not in REJECTED_WEIGHTS:
            continue
        for path in paths:
            if not path.is_file():
                continue  # a multi-file submission: not something the API takes
            try:
                language = languages.for_path(path).id
                code = path.read_bytes()
                code.decode("utf-8")
            except (LanguageError, OSError, UnicodeDecodeError):
                continue
            if len(code) <= MAX_SOURCE_BYTES:
                found.append(Source(folder, path.name, language, code))
    return found


async def _contest(conn: asyncpg.Connection, ref: str) -> int:
    found = await contest_state.contest_by_ref(conn, ref)
    if found is None:
        raise UsageError(f"no contest {ref!r} (run `arena demo seed` first)")
    return int(found)


async def _problems(
    conn: asyncpg.Connection, contest_id: int, examples: Path, languages: LanguageTable, say: Print
) -> list[ContestProblem]:
    problems = []
    for row in await contest_state.contest_problems(conn, contest_id):
        package_dir = examples / row.slug
        if not package_dir.is_dir():
            say(f"problem {row.label} ({row.slug}): no package {package_dir}; bots skip it")
            continue
        sources = await asyncio.to_thread(read_sources, package_dir, languages, say)
        accepted = [s for s in sources if s.folder == "accepted"]
        rejected = [s for s in sources if s.folder != "accepted"]
        problems.append(ContestProblem(row.label, row.slug, accepted, rejected))
    if not any(p.accepted for p in problems):
        raise UsageError(f"no contest problem has accepted submissions under {examples}")
    return problems


async def _login(conn: asyncpg.Connection, name: str, hasher: PasswordHasher) -> tuple[int, str]:
    """(user id, session token) for a bot account, created on first use."""
    found = await users.find_user(conn, name)
    if found is None:
        hashed = await asyncio.to_thread(hasher.hash, new_password())
        user_id = (await users.create_user(conn, name, hashed, None, "contestant")).id
    elif found.info.role != "contestant":
        raise UsageError(f"user {name!r} is a {found.info.role}, not a bot: not using it")
    else:
        user_id = found.info.id
    token = secrets.token_urlsafe(32)
    await users.create_session(conn, user_id, token, SESSION_TTL_S)
    return user_id, token


def _error_code(answer: httpx.Response) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


class Simulation:
    def __init__(
        self,
        conn: asyncpg.Connection,
        client: httpx.AsyncClient,
        contest_id: int,
        hasher: PasswordHasher,
        rng: random.Random,
        say: Print,
    ) -> None:
        self.conn = conn
        self.client = client
        self.contest_id = contest_id
        self.hasher = hasher
        self.rng = rng
        self.say = say
        self.tokens: dict[str, str] = {}

    def _auth(self, bot: Bot) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[bot.name]}"}

    async def wait_for_hub(self) -> None:
        told = False
        while True:
            try:
                if (await self.client.get("/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if not told:
                self.say(f"waiting for the hub at {self.client.base_url}")
                told = True
            await asyncio.sleep(HUB_RETRY_S)

    async def log_in(self, bot: Bot) -> None:
        _, self.tokens[bot.name] = await _login(self.conn, bot.name, self.hasher)

    async def join(self, bot: Bot) -> bool:
        """Registers ``bot`` through the API; False when the hub refuses it for good."""
        answer = await self.client.post(
            f"/api/contests/{self.contest_id}/register", headers=self._auth(bot)
        )
        if answer.status_code in (200, 201):
            return True
        self.say(f"{bot.name} cannot register: {answer.status_code} {answer.text[:200]}")
        return False

    async def send(self, bot: Bot, problem: ContestProblem, source: Source) -> float:
        """Submits; returns how long to pause before the next submission (0 normally)."""
        answer = await self.client.post(
            f"/api/contests/{self.contest_id}/submissions",
            json={"problem": problem.label, "language": source.language,
                  "source": source.code.decode("utf-8")},
            headers=self._auth(bot),
        )  # fmt: skip
        what = f"{problem.label} {problem.slug} {source.folder}/{source.name}"
        if answer.status_code == 202:
            record(bot, problem, source)
            self.say(f"{bot.name:<14} {what}: submission {answer.json()['id']}")
            return 0.0
        error = _error_code(answer)
        if answer.status_code == 401:
            await self.log_in(bot)
        elif error == "not_registered":
            await self.join(bot)
        elif error == "not_running":
            self.say(f"the contest is not running; trying again in {NOT_RUNNING_WAIT_S:.0f} s")
            return NOT_RUNNING_WAIT_S
        else:
            self.say(f"{bot.name} {what}: {answer.status_code} {answer.text[:200]}")
        return 0.0

    async def run(self, bots: list[Bot], problems: list[ContestProblem], rate_s: float) -> None:
        await self.wait_for_hub()
        for bot in bots:
            await self.log_in(bot)
        bots = [bot for bot in bots if await self.join(bot)]
        if not bots:
            raise UsageError(f"no bot could register for contest {self.contest_id}")
        self.say(
            f"{len(bots)} bots on contest {self.contest_id}, about one submission every"
            f" {rate_s:g} s: " + ", ".join(f"{b.name} (skill {b.skill})" for b in bots)
        )
        idle = False
        while True:
            await asyncio.sleep(self.rng.expovariate(1 / rate_s))
            pick = next_submission(bots, problems, self.rng)
            if pick is None:
                if not idle:
                    self.say("every bot is done with every problem; idle until stopped")
                    idle = True
                continue
            try:
                pause = await self.send(*pick)
            except httpx.TransportError as exc:
                self.say(f"hub unreachable ({exc!r}); retrying")
                await self.wait_for_hub()
                continue
            await asyncio.sleep(pause)

    async def log_out(self) -> None:
        for token in self.tokens.values():
            await users.delete_session(self.conn, token)


async def simulate(
    settings: Settings,
    *,
    contest: str,
    contestants: int,
    rate_s: float,
    hub_url: str,
    examples: Path,
    rng: random.Random,
    say: Print,
) -> None:
    """Runs until cancelled (SIGTERM cancels it too)."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        languages = LanguageTable.load(settings.sandbox_dir / "languages.toml")
    except LanguageError as exc:
        raise UsageError(str(exc)) from exc
    conn = await connect_db(settings.database_url)
    try:
        contest_id = await _contest(conn, contest)
        problems = await _problems(conn, contest_id, examples, languages, say)
        async with httpx.AsyncClient(base_url=hub_url, timeout=30) as client:
            sim = Simulation(conn, client, contest_id, password_hasher(settings), rng, say)
            try:
                await sim.run(make_bots(contestants, rng), problems, rate_s)
            finally:
                await sim.log_out()
    finally:
        await conn.close()
