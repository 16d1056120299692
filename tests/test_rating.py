"""The Codeforces rating system: worked examples and the properties the system promises."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.rating import (
    INITIAL_RATING,
    Standing,
    places,
    rating_changes,
    replay,
    title,
    win_probability,
)

# Beyond this range the need rating meets the search bounds (1, 8000) of the reference code.
ratings = st.integers(min_value=800, max_value=3200)


@st.composite
def fields(draw: st.DrawFn, max_size: int = 40) -> list[Standing]:
    n = draw(st.integers(min_value=1, max_value=max_size))
    rs = draw(st.lists(ratings, min_size=n, max_size=n))
    # Few distinct point values, so ties are common.
    pts = draw(st.lists(st.integers(min_value=0, max_value=6), min_size=n, max_size=n))
    return [Standing(i + 1, r, float(p)) for i, (r, p) in enumerate(zip(rs, pts, strict=True))]


def test_two_newcomers_worked_by_hand() -> None:
    # seed(R) = 1 + 2 / (1 + 10^((R - 1500)/400)); winner: place 1, seed 1.5, mid sqrt(1.5)
    # -> need 1859, delta 179; loser: mid sqrt(3) -> need 1595, delta 47. The sum 226 is
    # corrected by -(226 / 2) - 1 = -114 each: +65 and -67.
    winner, loser = rating_changes([Standing(1, 1500, 10.0), Standing(2, 1500, 3.0)])
    assert (winner.place, loser.place) == (1, 2)
    assert (winner.new_rating, loser.new_rating) == (1565, 1433)
    assert winner.seed == loser.seed == 1.5


def test_ties_share_the_worst_place() -> None:
    assert places([5.0, 7.0, 5.0, 1.0, 7.0]) == [4, 2, 4, 5, 2]
    a, b = rating_changes([Standing(1, 1500, 1.0), Standing(2, 1500, 1.0)])
    assert a.place == b.place == 2
    assert a.new_rating == b.new_rating


def test_elo_probability() -> None:
    assert win_probability(1500, 1500) == 0.5
    assert win_probability(1900, 1500) == pytest.approx(10 / 11)


def test_a_participant_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        rating_changes([Standing(1, 1500, 1.0), Standing(1, 1500, 2.0)])


def test_titles_follow_the_bounds() -> None:
    assert title(1199).name == "newbie"
    assert title(1200).name == "pupil"
    assert title(1899).name == "expert"
    assert title(2400).name == "grandmaster"
    assert title(3000).name == "legendary grandmaster"
    assert title(-50).name == "newbie"


@settings(max_examples=150, deadline=None)
@given(fields())
def test_the_sum_of_changes_is_negative_and_bounded(field: list[Standing]) -> None:
    # The system's promise: ratings never inflate; the first correction leaves the sum in
    # (-2n, 0) and the second takes at most 10 more from each participant.
    n = len(field)
    total = sum(c.delta for c in rating_changes(field))
    assert -12 * n < total < 0


@settings(max_examples=150, deadline=None)
@given(fields())
def test_codeforces_invariants(field: list[Standing]) -> None:
    # The first invariant of the reference code's validateDeltas: whoever finishes ahead (or
    # level) and was rated higher before stays at least as high after.
    changes = rating_changes(field)
    for a, ca in zip(field, changes, strict=True):
        for b, cb in zip(field, changes, strict=True):
            if a.points >= b.points and a.rating > b.rating:
                assert ca.new_rating >= cb.new_rating, (a, b, ca, cb)


def test_the_second_reference_invariant_does_not_always_hold() -> None:
    # validateDeltas' second check (finishing ahead while rated lower gains at least as much)
    # is not a property of the formula when strong players finish at the bottom: in this field
    # (found by a random search) 2710 finishes ahead of 2940 yet loses 47 points more. The
    # reference code would refuse to rate such a contest; Arena rates it (docs/rating.md).
    ratings = [820, 2710, 2940, 1660, 980, 1210]
    points = [2.0, 1.0, 0.0, 2.0, 2.0, 3.0]
    field = [Standing(i + 1, r, p) for i, (r, p) in enumerate(zip(ratings, points, strict=True))]
    changes = {c.user_id: c for c in rating_changes(field)}
    assert (changes[2].delta, changes[3].delta) == (-378, -331)
    assert changes[2].new_rating < changes[3].new_rating


@settings(max_examples=150, deadline=None)
@given(fields())
def test_equal_histories_keep_the_contest_order(field: list[Standing]) -> None:
    # Everyone starts equal: the new ratings are ordered exactly as the places.
    same = [Standing(s.user_id, INITIAL_RATING, s.points) for s in field]
    changes = rating_changes(same)
    for a, ca in zip(same, changes, strict=True):
        for b, cb in zip(same, changes, strict=True):
            if a.points > b.points:
                assert ca.new_rating >= cb.new_rating
            if a.points == b.points:
                assert ca.new_rating == cb.new_rating


@settings(max_examples=80, deadline=None)
@given(fields(), st.randoms())
def test_the_order_of_the_input_does_not_matter(field: list[Standing], rnd: random.Random) -> None:
    shuffled = list(field)
    rnd.shuffle(shuffled)
    by_user = {c.user_id: c for c in rating_changes(field)}
    assert {c.user_id: c for c in rating_changes(shuffled)} == by_user


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), min_size=2, max_size=12), min_size=1, max_size=5))
def test_replay_chains_contests(points: list[list[int]]) -> None:
    contests = [[(i + 1, float(p)) for i, p in enumerate(c)] for c in points]
    history = replay(contests)
    current: dict[int, int] = {}
    for contest, changes in zip(contests, history, strict=True):
        for (user, _), change in zip(contest, changes, strict=True):
            assert change.user_id == user
            assert change.old_rating == current.get(user, INITIAL_RATING)
            current[user] = change.new_rating
    # The same input rates the same: a recompute never drifts.
    assert replay(contests) == history


def test_a_large_field_is_rated() -> None:
    rnd = random.Random(7)
    field = [Standing(i, rnd.randint(800, 3000), float(rnd.randint(0, 50))) for i in range(2000)]
    changes = rating_changes(field)
    assert len(changes) == 2000
    assert sum(c.delta for c in changes) < 0
