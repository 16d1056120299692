"""The demo's declarative problem bank (``examples/bank.toml``), read purely.

``[problems.<slug>]`` gives each example package its ``difficulty`` and ``tags``; ``[contest]``
names the running demo contest and its problems. Every mistake is an ``ImportFailure`` naming the
file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import datetime

import msgspec

from arena.storage.errors import ImportFailure
from arena.storage.problems import DIFFICULTIES, SLUG_RE

_RELTIME = re.compile(r"(\d+):([0-5]\d):([0-5]\d)")
_CONTEST_KEYS = {"id", "name", "duration", "scoreboard_freeze", "penalty_minutes", "problems"}
_PROBLEM_KEYS = {"difficulty", "tags"}


class BankProblem(msgspec.Struct, frozen=True):
    slug: str
    difficulty: str
    tags: list[str]


class DemoContest(msgspec.Struct, frozen=True):
    id: str
    name: str
    duration_s: int
    freeze_s: int
    penalty_minutes: int
    problems: list[str]


class Bank(msgspec.Struct, frozen=True):
    problems: list[BankProblem]
    contest: DemoContest

    def problem(self, slug: str) -> BankProblem:
        return next(p for p in self.problems if p.slug == slug)


def _table(value: object, file: str, field: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ImportFailure(file, field, "expected a table")
    return value


def _unknown(table: dict[str, object], known: set[str], file: str, prefix: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise ImportFailure(
            file, prefix + extra[0], f"unknown key (known: {', '.join(sorted(known))})"
        )


def _text(table: dict[str, object], key: str, file: str, prefix: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ImportFailure(file, prefix + key, f"expected a non-empty string, got {value!r}")
    return value.strip()


def _words(table: dict[str, object], key: str, file: str, prefix: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise ImportFailure(
            file, prefix + key, f"expected a list of non-empty strings, got {value!r}"
        )
    return [w.strip() for w in value]


def _seconds(table: dict[str, object], key: str, file: str, prefix: str) -> int:
    value = table.get(key)
    match = _RELTIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ImportFailure(file, prefix + key, f"expected h:mm:ss, got {value!r}")
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _problem(slug: str, value: object, file: str) -> BankProblem:
    prefix = f"problems.{slug}."
    table = _table(value, file, prefix[:-1])
    _unknown(table, _PROBLEM_KEYS, file, prefix)
    if SLUG_RE.fullmatch(slug) is None:
        raise ImportFailure(file, prefix[:-1], "not a valid slug (lowercase letters, digits, _ -)")
    difficulty = table.get("difficulty")
    if difficulty not in DIFFICULTIES:
        message = f"expected {', '.join(DIFFICULTIES)}, got {difficulty!r}"
        raise ImportFailure(file, prefix + "difficulty", message)
    return BankProblem(slug, str(difficulty), _words(table, "tags", file, prefix))


def _contest(value: object, file: str, slugs: set[str]) -> DemoContest:
    table = _table(value, file, "contest")
    _unknown(table, _CONTEST_KEYS, file, "contest.")
    duration_s = _seconds(table, "duration", file, "contest.")
    if duration_s == 0:
        raise ImportFailure(file, "contest.duration", "must be longer than 0:00:00")
    freeze_s = _seconds(table, "scoreboard_freeze", file, "contest.")
    if freeze_s > duration_s:
        raise ImportFailure(file, "contest.scoreboard_freeze", "longer than the contest")
    penalty = table.get("penalty_minutes", 20)
    if isinstance(penalty, bool) or not isinstance(penalty, int) or penalty < 0:
        message = f"expected a non-negative integer, got {penalty!r}"
        raise ImportFailure(file, "contest.penalty_minutes", message)
    problems = _words(table, "problems", file, "contest.")
    for index, slug in enumerate(problems):
        if slug not in slugs:
            message = f"{slug!r} has no [problems.{slug}] entry"
            raise ImportFailure(file, f"contest.problems[{index}]", message)
    if not problems or len(problems) > 26 or len(set(problems)) != len(problems):
        message = "expected 1 to 26 different problems"
        raise ImportFailure(file, "contest.problems", message)
    return DemoContest(
        id=_text(table, "id", file, "contest."),
        name=_text(table, "name", file, "contest."),
        duration_s=duration_s,
        freeze_s=freeze_s,
        penalty_minutes=penalty,
        problems=problems,
    )


def parse_bank(text: str, file: str, packages: Iterable[str]) -> Bank:
    """The bank in ``text`` (the contents of ``file``), checked against the package directory
    names ``packages``: each package needs an entry, and each entry a package."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailure(file, None, f"invalid TOML: {exc}") from exc
    _unknown(data, {"contest", "problems"}, file, "")
    entries = _table(data.get("problems"), file, "problems")
    problems = [_problem(slug, value, file) for slug, value in entries.items()]
    slugs = {p.slug for p in problems}
    on_disk = set(packages)
    if missing := sorted(on_disk - slugs):
        raise ImportFailure(file, "problems", f"no entry for the package {missing[0]!r}")
    if unknown := sorted(slugs - on_disk):
        raise ImportFailure(file, f"problems.{unknown[0]}", "no such problem package")
    return Bank(problems, _contest(data.get("contest"), file, slugs))


def _reltime(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def contest_package(contest: DemoContest, start: datetime) -> dict[str, str]:
    """The files of an ICPC contest package that links the (already imported) problems."""
    contest_yaml = {
        "id": contest.id,
        "name": contest.name,
        "start_time": start.isoformat(timespec="seconds"),
        "duration": _reltime(contest.duration_s),
        "scoreboard_freeze_duration": _reltime(contest.freeze_s),
        "penalty_time": contest.penalty_minutes,
    }
    problems = [{"id": slug, "label": chr(ord("A") + i)} for i, slug in enumerate(contest.problems)]
    # JSON is YAML: no quoting rules to get wrong for names with colons or quotes.
    return {
        "contest.yaml": msgspec.json.encode(contest_yaml).decode() + "\n",
        "problems.yaml": msgspec.json.encode(problems).decode() + "\n",
    }
