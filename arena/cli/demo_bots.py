"""What a simulated contestant submits next: pure, driven by a ``random.Random``.

Each bot has a skill. It works through the contest's problems mostly in label order, sometimes
skipping ahead; each try is one of the package's real submissions: an accepted one with a chance
that grows with its skill and its earlier tries and shrinks for later problems, else a rejected
one (wrong answer, partial score, crash, time limit). A bot stops trying a problem once it has
sent an accepted submission, or after a skill-dependent number of failures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import msgspec

# Famous programmers, for a board that reads like one; more bots get numbers.
NAMES = (
    "ada", "grace", "alan", "edsger", "barbara", "donald", "ken", "dennis",
    "margaret", "linus", "tony", "niklaus", "frances", "leslie", "radia", "john",
)  # fmt: skip
BOT_PREFIX = "bot-"
# Folders whose submissions a bot sends as its failed tries; a time limit ties up a judging slot
# for seconds, so those are rarer.
REJECTED_WEIGHTS = {
    "wrong_answer": 1.0,
    "partially_accepted": 1.0,
    "run_time_error": 0.6,
    "memory_limit_exceeded": 0.3,
    "output_limit_exceeded": 0.3,
    "compile_error": 0.3,
    "time_limit_exceeded": 0.2,
    "rejected": 0.5,
}


class Source(msgspec.Struct, frozen=True):
    folder: str  # the package's submissions/ folder: accepted, wrong_answer, …
    name: str
    language: str
    code: bytes


class ContestProblem(msgspec.Struct, frozen=True):
    label: str
    slug: str
    accepted: list[Source]
    rejected: list[Source]


@dataclass
class Bot:
    name: str
    skill: float  # 0 to 1
    tries: dict[str, int] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # labels solved or given up


def bot_names(count: int) -> list[str]:
    return [BOT_PREFIX + (NAMES[i] if i < len(NAMES) else f"{i + 1:02d}") for i in range(count)]


def make_bots(count: int, rng: random.Random) -> list[Bot]:
    return [Bot(name, round(rng.uniform(0.35, 0.95), 2)) for name in bot_names(count)]


def accept_chance(skill: float, tries: int, position: int) -> float:
    """Chance that the next try is an accepted submission, for the ``position``-th problem."""
    return min(0.95, max(0.05, skill * (0.6 + 0.2 * tries) - 0.06 * position))


def open_problems(bot: Bot, problems: list[ContestProblem]) -> list[ContestProblem]:
    return [p for p in problems if p.label not in bot.done and p.accepted]


def choose(bot: Bot, problems: list[ContestProblem], rng: random.Random) -> ContestProblem | None:
    """The problem ``bot`` tries next, or None when it is done with all of them."""
    remaining = open_problems(bot, problems)
    if not remaining:
        return None
    if len(remaining) == 1 or rng.random() < 0.7:
        return remaining[0]
    return rng.choice(remaining[1:])


def pick_source(bot: Bot, problem: ContestProblem, position: int, rng: random.Random) -> Source:
    tries = bot.tries.get(problem.label, 0)
    if not problem.rejected or rng.random() < accept_chance(bot.skill, tries, position):
        return rng.choice(problem.accepted)
    weights = [REJECTED_WEIGHTS.get(s.folder, 0.5) for s in problem.rejected]
    return rng.choices(problem.rejected, weights)[0]


def record(bot: Bot, problem: ContestProblem, source: Source) -> None:
    """Counts a try that the hub took."""
    tries = bot.tries.get(problem.label, 0) + 1
    bot.tries[problem.label] = tries
    if source.folder == "accepted" or tries >= 3 + round(bot.skill * 5):
        bot.done.add(problem.label)


def next_submission(
    bots: list[Bot], problems: list[ContestProblem], rng: random.Random
) -> tuple[Bot, ContestProblem, Source] | None:
    """A random bot that still has work and what it sends; None when every bot is done."""
    busy = [bot for bot in bots if open_problems(bot, problems)]
    if not busy:
        return None
    bot = rng.choice(busy)
    problem = choose(bot, problems, rng)
    assert problem is not None
    return bot, problem, pick_source(bot, problem, problems.index(problem), rng)
