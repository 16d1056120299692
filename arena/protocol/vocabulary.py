"""The contest's words, one enum each, used end to end (Postgres, Redis, Python, the wire).

Each is a ``StrEnum``: a member equals its string, so rows and JSON carry the plain value.
"""

from __future__ import annotations

import enum


class Scoring(enum.StrEnum):
    """How a contest ranks: ICPC (solved, then penalty) or IOI (the sum of scores)."""

    PASS_FAIL = "pass-fail"
    SCORE = "score"


class Board(enum.StrEnum):
    """Which leaderboard: the public one (frozen during the freeze) or the jury's (never)."""

    PUBLIC = "public"
    JURY = "jury"


class Audience(enum.StrEnum):
    """Who receives a contest event: everyone, the moderators, or one contestant
    (``user_audience``); a socket's audiences follow its board."""

    PUBLIC = "public"
    JURY = "jury"


def user_audience(user_id: int) -> str:
    """The audience of one contestant's own events (their submissions' progress)."""
    return f"user:{user_id}"


def audience_of(board: Board) -> Audience:
    return Audience.JURY if board == Board.JURY else Audience.PUBLIC


# Rating titles (the Codeforces ones, docs/rating.md): (lowest rating, title, CSS colour),
# highest first. The browser gets the same table (``RATING_TITLES`` in web/src/protocol.ts).
RATING_TITLES: tuple[tuple[int, str, str], ...] = (
    (3000, "legendary grandmaster", "#aa0000"),
    (2600, "international grandmaster", "#ff0000"),
    (2400, "grandmaster", "#ff0000"),
    (2300, "international master", "#ff8c00"),
    (2100, "master", "#ff8c00"),
    (1900, "candidate master", "#aa00aa"),
    (1600, "expert", "#0000ff"),
    (1400, "specialist", "#03a89e"),
    (1200, "pupil", "#008000"),
    (-(10**6), "newbie", "#808080"),
)
