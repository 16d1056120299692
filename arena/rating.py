"""Contest ratings as pure functions: the open Codeforces rating system.

The formula is Mike Mirzayanov's "Open Codeforces Rating System" (codeforces.com/blog/entry/20762,
2015; the 2010 system of entry/102 refined), described with its guarantees in docs/rating.md.
Each rated contest turns (previous rating, place) of every participant into a rating change:

1. places: tied participants share the worst place of their tie (two tied for first both get 2);
2. seed: 1 + the sum over every other participant of the Elo probability that they beat you
   (your expected place);
3. the rating that would make the geometric mean of place and seed your seed: the "need" rating;
4. delta = (need - rating) / 2, then two corrections: every delta minus (sum / n + 1), so the
   total change is negative (ratings never inflate), and the top 4·sqrt(n) by rating lose up to
   10 more each, so that their sum is about zero.

Integers throughout, rounding toward zero as the reference (Java) code does, so the results can
be compared with it. Everything here is deterministic: a recompute gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import msgspec

from arena.protocol.vocabulary import RATING_TITLES

INITIAL_RATING = 1500  # a participant's rating before their first rated contest
_LOW, _HIGH = 1, 8000  # the search range of the need rating (the reference code's)


class Standing(msgspec.Struct, frozen=True):
    """One participant of a rated contest: who, their rating before it, how well they did."""

    user_id: int
    rating: int
    # Higher is better; equal values are a tie (the packed board key, or minus the place).
    points: float


class RatingChange(msgspec.Struct, frozen=True):
    user_id: int
    place: int  # shared worst place of a tie, 1-based
    seed: float  # expected place from the ratings before
    old_rating: int
    new_rating: int

    @property
    def delta(self) -> int:
        return self.new_rating - self.old_rating


class Title(msgspec.Struct, frozen=True):
    name: str
    color: str  # CSS colour of the name


# The Codeforces titles by lower bound, highest first (shared with the browser).
TITLES: tuple[tuple[int, Title], ...] = tuple(
    (floor, Title(name, color)) for floor, name, color in RATING_TITLES
)


def title(rating: int) -> Title:
    for floor, named in TITLES:
        if rating >= floor:
            return named
    return TITLES[-1][1]


def _div(a: int, b: int) -> int:
    """Integer division toward zero, as Java's ``/``."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def win_probability(rating_a: float, rating_b: float) -> float:
    """Elo: the probability that a participant rated ``rating_a`` places above one rated ``b``."""
    return float(1.0 / (1.0 + 10.0 ** ((rating_b - rating_a) / 400.0)))


def places(points: Sequence[float]) -> list[int]:
    """1-based places, higher points first; a tie shares the worst place of the tie."""
    order = sorted(points, reverse=True)
    worst: dict[float, int] = {}
    for index, value in enumerate(order):
        worst[value] = index + 1
    return [worst[value] for value in points]


def rating_changes(standings: Sequence[Standing]) -> list[RatingChange]:
    """The new rating of every participant, in the order given."""
    n = len(standings)
    if n == 0:
        return []
    if len({s.user_id for s in standings}) != n:
        raise ValueError("a participant appears twice in one contest")
    ratings = [s.rating for s in standings]
    counts: dict[int, int] = {}
    for rating in ratings:
        counts[rating] = counts.get(rating, 0) + 1
    pairs = tuple(sorted(counts.items()))

    @cache
    def seed_of(rating: int) -> float:
        """Expected place of an extra participant with this rating among all of them."""
        return 1.0 + sum(k * win_probability(r, rating) for r, k in pairs)

    def need_rating(place: float) -> int:
        low, high = _LOW, _HIGH
        while high - low > 1:
            mid = (low + high) // 2
            if seed_of(mid) < place:
                high = mid
            else:
                low = mid
        return low

    place_of = places([s.points for s in standings])
    # Against the others only: one's own 0.5 chance of beating oneself is taken out.
    seeds = [seed_of(r) - 0.5 for r in ratings]
    deltas = [
        _div(need_rating(math.sqrt(place * seed)) - rating, 2)
        for place, seed, rating in zip(place_of, seeds, ratings, strict=True)
    ]
    # The whole field: the sum of changes is negative (between -2n and 0 after this step).
    correction = _div(-sum(deltas), n) - 1
    deltas = [d + correction for d in deltas]
    # The strongest 4·sqrt(n) (by rating before) should not gain together; at most -10 each.
    # Equal ratings at the boundary: a fixed order (better place, then user), so the input's
    # order never changes the result.
    by_rating = sorted(range(n), key=lambda i: (-ratings[i], place_of[i], standings[i].user_id))
    top = min(4 * round(math.sqrt(n)), n)
    top_sum = sum(deltas[i] for i in by_rating[:top])
    correction = min(max(_div(-top_sum, top), -10), 0)
    deltas = [d + correction for d in deltas]
    return [
        RatingChange(
            user_id=s.user_id,
            place=place,
            seed=seed,
            old_rating=s.rating,
            new_rating=s.rating + delta,
        )
        for s, place, seed, delta in zip(standings, place_of, seeds, deltas, strict=True)
    ]


def replay(
    contests: Sequence[Sequence[tuple[int, float]]], start: dict[int, int] | None = None
) -> list[list[RatingChange]]:
    """Rate a sequence of contests in order: each one's participants as (user, points).

    ``start`` holds ratings from before the first contest (others start at INITIAL_RATING).
    """
    current = dict(start or {})
    out: list[list[RatingChange]] = []
    for contest in contests:
        standings = [
            Standing(user, current.get(user, INITIAL_RATING), points) for user, points in contest
        ]
        changes = rating_changes(standings)
        for change in changes:
            current[change.user_id] = change.new_rating
        out.append(changes)
    return out
