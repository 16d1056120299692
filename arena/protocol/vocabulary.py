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
