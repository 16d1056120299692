"""``arena demo seed`` against the real Postgres and Redis; the bank file and the bots purely."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import yaml
from argon2.exceptions import VerificationError
from cli_support import arena, cli_env
from db_support import fresh_database
from redis.asyncio import Redis
from support import REDIS_PORT

from arena.cli.demo import load_bank
from arena.cli.demo_bank import DemoContest, contest_package, parse_bank
from arena.cli.demo_bots import ContestProblem, Source, make_bots, next_submission, record
from arena.hub.auth import password_hasher
from arena.problems.package import load_package
from arena.settings import Settings
from arena.storage import keys, users
from arena.storage.errors import ImportFailure
from arena.storage.problems import DIFFICULTIES

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
REDIS_DB = 7


# --- the bank file, purely ------------------------------------------------------------------


def test_the_bank_tags_every_example_and_names_a_varied_running_contest() -> None:
    bank = load_bank(EXAMPLES / "bank.toml")
    packages = sorted(p.name for p in (EXAMPLES / "problems").iterdir() if p.is_dir())
    assert sorted(p.slug for p in bank.problems) == packages
    assert all(p.difficulty in DIFFICULTIES and p.tags for p in bank.problems)
    # Contest problems are hidden from the bank while the contest runs.
    assert len(bank.problems) - len(bank.contest.problems) >= 20
    assert bank.contest.duration_s == 2 * 3600
    loaded = [load_package(EXAMPLES / "problems" / slug) for slug in bank.contest.problems]
    assert len(loaded) >= 5
    assert any(p.default_validator.uses_floats for p in loaded)
    assert any(p.type == "scoring" for p in loaded)
    assert any(p.interactive for p in loaded)
    assert any(p.type == "pass-fail" and not p.custom_validator for p in loaded)


GOOD = """
[contest]
id = "demo"
name = "Demo"
duration = "2:00:00"
scoreboard_freeze = "0:30:00"
problems = ["a"]

[problems.a]
difficulty = "easy"
tags = ["math"]
"""


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (('difficulty = "easy"', 'difficulty = "trivial"'), "problems.a.difficulty"),
        (('tags = ["math"]', 'tags = "math"'), "problems.a.tags"),
        (('tags = ["math"]', 'tags = ["math"]\nlevel = 3'), "problems.a.level"),
        (('duration = "2:00:00"', 'duration = "2 hours"'), "contest.duration"),
        (('"0:30:00"', '"3:00:00"'), "contest.scoreboard_freeze"),
        (('problems = ["a"]', 'problems = ["a", "b"]'), "contest.problems[1]"),
        (('id = "demo"', 'id = ""'), "contest.id"),
        (("[problems.a]", "[problems.Bad]"), "problems.Bad"),
        (("[contest]", "[contest]\nid = 1\n[x]"), None),
    ],
)
def test_bank_mistakes_name_the_file_and_key(change: tuple[str, str], where: str | None) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(ImportFailure) as caught:
        parse_bank(text, "bank.toml", ["a"])
    assert caught.value.file == "bank.toml"
    if where is not None:
        assert caught.value.field == where, str(caught.value)


def test_bank_and_packages_must_match() -> None:
    assert [p.slug for p in parse_bank(GOOD, "bank.toml", ["a"]).problems] == ["a"]
    with pytest.raises(ImportFailure, match="no entry for the package 'b'"):
        parse_bank(GOOD, "bank.toml", ["a", "b"])
    with pytest.raises(ImportFailure, match=r"problems\.a: no such problem package"):
        parse_bank(GOOD, "bank.toml", [])


def test_the_contest_package_reads_as_icpc_yaml() -> None:
    from datetime import UTC, datetime

    contest = DemoContest("demo", 'Demo: "quoted"', 7200, 1800, 20, ["x", "y"])
    files = contest_package(contest, datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    meta = yaml.safe_load(files["contest.yaml"])
    assert meta["name"] == 'Demo: "quoted"'
    assert (meta["duration"], meta["scoreboard_freeze_duration"]) == ("2:00:00", "0:30:00")
    assert meta["start_time"] == "2030-01-02T03:04:05+00:00"
    assert yaml.safe_load(files["problems.yaml"]) == [
        {"id": "x", "label": "A"},
        {"id": "y", "label": "B"},
    ]


# --- the bots' choices, purely -----------------------------------------------------------------


def _problem(label: str, rejected: int) -> ContestProblem:
    ok = Source("accepted", f"{label}.py", "python3", b"ok")
    bad = [Source("wrong_answer", f"{label}{i}.py", "python3", b"bad") for i in range(rejected)]
    return ContestProblem(label, label.lower(), [ok], bad)


def test_bots_send_real_sources_until_each_problem_is_solved_or_given_up() -> None:
    rng = random.Random(5)
    problems = [_problem("A", 1), _problem("B", 2), _problem("C", 0)]
    problems.append(ContestProblem("D", "d", [], [Source("wrong_answer", "d.py", "python3", b"")]))
    bots = make_bots(20, rng)
    assert len({b.name for b in bots}) == 20 and all(b.name.startswith("bot-") for b in bots)
    sent: list[tuple[str, str, Source]] = []
    while (pick := next_submission(bots, problems, rng)) is not None:
        bot, problem, source = pick
        assert source in problem.accepted + problem.rejected
        # Nothing after an accepted one: the bot has moved on.
        assert (bot.name, problem.label) not in {
            (b, p) for b, p, s in sent if s.folder == "accepted"
        }
        record(bot, problem, source)
        sent.append((bot.name, problem.label, source))
        assert len(sent) < 2000
    # D has nothing accepted: nobody tries it. C has nothing rejected: one try each.
    assert {p for _, p, _ in sent} == {"A", "B", "C"}
    assert all(b.done == {"A", "B", "C"} for b in bots)
    assert sum(1 for _, p, _ in sent if p == "C") == 20
    assert any(s.folder == "wrong_answer" for _, _, s in sent)
    assert any(s.folder == "accepted" for _, p, s in sent if p == "B")


# --- the seed against Postgres and Redis ----------------------------------------------------------


@pytest.fixture(scope="module")
async def demo_database() -> AsyncIterator[str]:
    """A database of its own: the demo takes fixed names (slugs like aplusb, the users judge,
    alice and bob, the contest demo), and the hub tests seed the session database for their own
    blob store."""
    redis = Redis(port=REDIS_PORT, db=REDIS_DB)
    await redis.flushdb()
    await redis.aclose()
    async with fresh_database("arena_test_demo") as url:
        yield url


def _env(url: str, tmp: Path) -> dict[str, str]:
    return cli_env(url, blob_dir=tmp / "blobs", redis_db=REDIS_DB)


def _verifies(env: dict[str, str], stored: str, password: str) -> bool:
    hasher = password_hasher(Settings.from_env(env))
    try:
        return hasher.verify(stored, password)
    except VerificationError:
        return False


async def _state(conn: Any) -> dict[str, Any]:
    return {
        "problems": await conn.fetchval("SELECT count(*) FROM problems"),
        "versions": await conn.fetchval("SELECT count(*) FROM problem_versions"),
        "contests": await conn.fetchval("SELECT count(*) FROM contests"),
        "users": await conn.fetchval("SELECT count(*) FROM users"),
        "registrations": await conn.fetchval("SELECT count(*) FROM registrations"),
        "contest_problems": await conn.fetchval("SELECT count(*) FROM contest_problems"),
    }


async def test_seed_imports_the_bank_starts_the_contest_and_prints_new_passwords(
    demo_database: str, tmp_path: Path
) -> None:
    env = _env(demo_database, tmp_path)
    done = arena(env, "demo", "seed", "--json")
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)
    bank = load_bank(EXAMPLES / "bank.toml")
    conn = await asyncpg.connect(demo_database)
    try:
        rows = await conn.fetch("SELECT slug, difficulty::text, tags FROM problems ORDER BY slug")
        assert {r["slug"]: (r["difficulty"], list(r["tags"])) for r in rows} == {
            p.slug: (p.difficulty, p.tags) for p in bank.problems
        }
        assert len(rows) >= 25 and first["problems"] == len(rows)

        contest = await conn.fetchrow(
            "SELECT id, start_time, now() AS now FROM contests WHERE external_id = 'demo'"
        )
        assert contest["id"] == first["contest_id"]
        assert contest["start_time"] < contest["now"]
        assert contest["now"].timestamp() < contest["start_time"].timestamp() + 7200
        labels = await conn.fetch(
            "SELECT cp.label, p.slug FROM contest_problems cp"
            " JOIN problems p ON p.id = cp.problem_id WHERE cp.contest_id = $1 ORDER BY cp.label",
            contest["id"],
        )
        assert [f"{r['label']} {r['slug']}" for r in labels] == first["labels"]
        assert [r["slug"] for r in labels] == bank.contest.problems

        accounts = {a["username"]: a for a in first["accounts"]}
        assert accounts["judge"]["role"] == "moderator"
        found = {
            r["username"]: r
            for r in await conn.fetch("SELECT id, username, role::text, password_hash FROM users")
        }
        assert found["judge"]["role"] == "moderator"
        for name in ("judge", "alice", "bob"):
            assert _verifies(env, found[name]["password_hash"], accounts[name]["password"])
        assert accounts["judge"]["password"] != accounts["alice"]["password"]
        registered = await conn.fetch(
            "SELECT u.username FROM registrations r JOIN users u ON u.id = r.user_id"
            " WHERE r.contest_id = $1",
            contest["id"],
        )
        assert sorted(r["username"] for r in registered) == ["alice", "bob"]

        # An old run: the contest started long ago and has a submission; then seed again.
        before = await _state(conn)
        await conn.execute(
            "UPDATE contests SET start_time = start_time - interval '5 hours',"
            " frozen_at = now(), extra_s = 60 WHERE id = $1",
            contest["id"],
        )
        submission = await conn.fetchval(
            "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
            " source) SELECT $1, $2, p.id, p.current_version, 'python3', 'x' FROM problems p"
            " WHERE p.slug = $3 RETURNING id",
            found["alice"]["id"],
            contest["id"],
            bank.contest.problems[0],
        )
        old_token = "old-session-of-judge"
        await users.create_session(conn, found["judge"]["id"], old_token, 3600)
        listening = Redis(port=REDIS_PORT, db=REDIS_DB)
        pubsub = listening.pubsub()
        await pubsub.subscribe(keys.LOCAL_CACHE_CHANNEL)
        await pubsub.get_message(timeout=1)  # the subscription's confirmation
        try:
            done = arena(env, "demo", "seed")
            told = []
            while (message := await pubsub.get_message(timeout=1)) is not None:
                told.append(message["data"])
        finally:
            await pubsub.aclose()
            await listening.aclose()
        assert done.returncode == 0, done.stderr
        # The restart clears disqualifications and own time: the hubs drop what they remembered
        # of every registration (they would keep it for seconds).
        for name in ("alice", "bob"):
            assert f"p:{contest['id']}:{found[name]['id']}".encode() in told, told
        assert await _state(conn) == before
        # New passwords log the old sessions out, in Postgres and in the hubs' cache.
        assert await users.session_user(conn, old_token) is None
        redis = Redis(port=REDIS_PORT, db=REDIS_DB)
        try:
            cached = await redis.get(keys.session_cache(users.token_hash(old_token)))
        finally:
            await redis.aclose()
        assert cached == b"-"
        again = await conn.fetchrow(
            "SELECT start_time, frozen_at, extra_s, now() AS now FROM contests WHERE id = $1",
            contest["id"],
        )
        assert again["start_time"] < again["now"]
        assert again["now"].timestamp() < again["start_time"].timestamp() + 7200
        assert (again["frozen_at"], again["extra_s"]) == (None, 0)
        assert (
            await conn.fetchval("SELECT contest_id FROM submissions WHERE id = $1", submission)
            is None
        )
        assert "1 submissions of the previous run moved to practice" in done.stdout

        # The printed passwords are the new ones; the old ones no longer log in.
        printed = dict(re.findall(r"^\s+(\w+)\s+\w+\s+password (\S+)$", done.stdout, re.M))
        assert set(printed) == {"judge", "alice", "bob"}
        judge_hash = await conn.fetchval("SELECT password_hash FROM users WHERE username = 'judge'")
        assert _verifies(env, judge_hash, printed["judge"])
        assert not _verifies(env, judge_hash, accounts["judge"]["password"])
    finally:
        await conn.close()


def test_a_bank_without_an_example_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "problems" / "aplusb").mkdir(parents=True)
    (tmp_path / "problems" / "extra").mkdir()
    bank = tmp_path / "bank.toml"
    bank.write_text(
        GOOD.replace("[problems.a]", "[problems.aplusb]").replace('["a"]', '["aplusb"]')
    )
    done = arena(dict(os.environ), "demo", "seed", "--bank", str(bank))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"arena: error: {bank}: problems: no entry for the package 'extra'"
    )


async def test_seed_refuses_to_take_over_a_real_account(tmp_path: Path) -> None:
    async with fresh_database("arena_test_demo_guard") as url:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "INSERT INTO users (username, email, password_hash, role)"
                " VALUES ('judge', 'head.judge@example.org', 'kept', 'admin')"
            )
        finally:
            await conn.close()
        done = arena(_env(url, tmp_path), "demo", "seed")
        assert done.returncode == 2, done.stdout
        assert "'judge' exists and was not made by the demo seed" in done.stderr
        conn = await asyncpg.connect(url)
        try:
            row = await conn.fetchrow("SELECT password_hash, role::text FROM users")
        finally:
            await conn.close()
        assert (row["password_hash"], row["role"]) == ("kept", "admin")
