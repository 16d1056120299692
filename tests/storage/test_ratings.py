"""Ratings on real Postgres: rated on finalize, recomputed from a contest onward when it reopens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from storage.test_ranking_cache import REDIS_DB, contest_with, contestant, judged
from support import REDIS_PORT

from arena.rating import INITIAL_RATING, replay
from arena.storage import moderation, ratings, results


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis(port=REDIS_PORT, db=REDIS_DB)
    yield client
    await client.aclose()


async def ended(conn: Any, contest_id: int, hours_ago: int, *, rated: bool = True) -> None:
    """Move a contest into the past (ended ``hours_ago`` hours ago)."""
    await conn.execute(
        "UPDATE contests SET start_time = now() - make_interval(hours => $2), duration_s = 3600,"
        " rated = $3 WHERE id = $1",
        contest_id,
        hours_ago + 1,
        rated,
    )


async def changes_of(conn: Any, contest_id: int) -> dict[int, tuple[int, int]]:
    rows = await conn.fetch(
        "SELECT user_id, old_rating, new_rating FROM rating_changes WHERE contest_id = $1",
        contest_id,
    )
    return {r["user_id"]: (r["old_rating"], r["new_rating"]) for r in rows}


async def two_rated_contests(conn: Any, tmp_path: Path) -> tuple[int, int, list[int], int]:
    first, (p1,) = await contest_with(conn, tmp_path / "one", 1)
    second, (p2,) = await contest_with(conn, tmp_path / "two", 1)
    users = [await contestant(conn, first) for _ in range(3)]
    for user in users:
        await conn.execute(
            "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", second, user
        )
    # Contest one: users[0] solves first, users[1] later, users[2] only fails.
    await judged(conn, first, users[0], p1, "AC", 5)
    await judged(conn, first, users[1], p1, "AC", 30)
    await judged(conn, first, users[2], p1, "WA", 10)
    # Contest two: the order turns round.
    await judged(conn, second, users[2], p2, "AC", 3)
    await judged(conn, second, users[1], p2, "AC", 9)
    await judged(conn, second, users[0], p2, "WA", 4)
    await ended(conn, first, 10)
    await ended(conn, second, 5)
    return first, second, users, p1


def expected(standings: list[list[tuple[int, float]]]) -> list[dict[int, tuple[int, int]]]:
    return [
        {c.user_id: (c.old_rating, c.new_rating) for c in contest} for contest in replay(standings)
    ]


async def test_finalize_rates_in_order_and_reopen_recomputes_onward(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    first, second, (a, b, c), _ = await two_rated_contests(conn, tmp_path)
    idle = await contestant(conn, first)  # registered, never submitted: not rated
    # The later contest is finalized first (its worker was quicker): rated from the initial
    # ratings; finalizing the earlier one then recomputes both, in the order they ended.
    assert await results.finalize(conn, redis, second) == 3
    assert {old for old, _ in (await changes_of(conn, second)).values()} == {INITIAL_RATING}
    assert await results.finalize(conn, redis, first) == 4
    one = [(a, -1.0), (b, -2.0), (c, -3.0)]
    two = [(c, -1.0), (b, -2.0), (a, -3.0)]
    want_one, want_two = expected([one, two])
    assert await changes_of(conn, first) == want_one
    assert await changes_of(conn, second) == want_two
    assert idle not in await changes_of(conn, first)
    mine = await ratings.user_rating(conn, c)
    assert mine is not None and mine.rating == want_two[c][1] and mine.contests == 2
    assert await ratings.user_rating(conn, idle) is None
    points = await ratings.history(conn, c)
    assert [(p.contest_id, p.new_rating) for p in points] == [
        (first, want_one[c][1]),
        (second, want_two[c][1]),
    ]

    # A rejudge turns c's WA in contest one into AC at minute 1: contest one reopens (its
    # ratings go, contest two is rated without it), then is final again with c first.
    await conn.execute(
        "UPDATE submissions SET verdict = 'AC' WHERE contest_id = $1 AND user_id = $2",
        first,
        c,
    )
    await conn.execute(
        "UPDATE submissions SET submitted_at = submitted_at - interval '9 minutes'"
        " WHERE contest_id = $1 AND user_id = $2",
        first,
        c,
    )
    async with conn.transaction():
        await moderation.reopen_results(conn, first)
    assert await changes_of(conn, first) == {}
    (alone,) = expected([two])
    assert await changes_of(conn, second) == alone
    assert await results.finalize(conn, redis, first) == 4
    new_one, new_two = expected([[(c, -1.0), (a, -2.0), (b, -3.0)], two])
    assert await changes_of(conn, first) == new_one
    assert await changes_of(conn, second) == new_two
    assert new_two != want_two  # the recompute reached the later contest

    # A disqualification takes a out of contest one's rating.
    admin = await contestant(conn, first)
    await moderation.set_disqualified(conn, admin, first, a, True)
    assert await results.finalize(conn, redis, first) is not None
    dq_one, dq_two = expected([[(c, -1.0), (b, -2.0)], two])
    assert await changes_of(conn, first) == dq_one
    assert await changes_of(conn, second) == dq_two


async def test_unrated_contests_change_no_rating_and_the_flag_rates_at_once(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    first, second, (a, b, c), _ = await two_rated_contests(conn, tmp_path)
    await conn.execute("UPDATE contests SET rated = false WHERE id = ANY($1)", [first, second])
    assert await results.finalize(conn, redis, first) == 3
    assert await results.finalize(conn, redis, second) == 3
    assert await changes_of(conn, first) == {} == await changes_of(conn, second)
    assert await ratings.user_rating(conn, a) is None
    # Marking the earlier one rated rates it at once (it is final) and nothing else.
    assert await ratings.set_rated(conn, first, True)
    (want_one,) = expected([[(a, -1.0), (b, -2.0), (c, -3.0)]])
    assert await changes_of(conn, first) == want_one
    assert await changes_of(conn, second) == {}
    # total_rank: 1 + the users rated strictly higher.
    best, _, worst = sorted((a, b, c), key=lambda u: -want_one[u][1])
    best_rating = await ratings.user_rating(conn, best)
    worst_rating = await ratings.user_rating(conn, worst)
    assert best_rating is not None and worst_rating is not None
    # Other tests of the session rate users too: the best is above the other two at least.
    assert best_rating.total_rank + 2 <= worst_rating.total_rank
    assert best_rating.rated_users == worst_rating.rated_users >= 3
    # Unrating takes its changes away again.
    assert await ratings.set_rated(conn, first, False)
    assert await changes_of(conn, first) == {}
    assert await ratings.user_rating(conn, a) is None
    assert not await ratings.set_rated(conn, 2_000_000_000, True)
