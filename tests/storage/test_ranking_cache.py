"""The live ranking cache on real Postgres and Redis: boards, freeze, rebuild, final results."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from support import REDIS_PORT, make_problem

from arena.storage import ranking_cache, results
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

REDIS_DB = 8


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis(port=REDIS_PORT, db=REDIS_DB)
    yield client
    await client.aclose()


async def contest_with(
    conn: Any, tmp_path: Path, problems: int, scoring: str = "pass-fail", **columns: Any
) -> tuple[int, list[int]]:
    blobs = DiskBlobStore(tmp_path / "blobs")
    ids = []
    for i in range(problems):
        root = make_problem(tmp_path / f"p{i}", {"sample/1": ("1\n", "1\n")})
        imported = await import_problem(conn, blobs, root, slug=f"r{uuid.uuid4().hex[:10]}")
        ids.append(imported.problem_id)
    contest_id = await conn.fetchval(
        "INSERT INTO contests (name, start_time, duration_s, scoring, penalty_minutes,"
        " freeze_duration_s) VALUES ($1, now() - interval '100 minutes', 18000,"
        " $2::contest_scoring, 20, $3) RETURNING id",
        f"ranked {uuid.uuid4().hex[:6]}",
        scoring,
        columns.get("freeze_duration_s", 0),
    )
    for i, problem_id in enumerate(ids):
        await conn.execute(
            "INSERT INTO contest_problems (contest_id, problem_id, label, ordinal)"
            " VALUES ($1, $2, $3, $4)",
            contest_id,
            problem_id,
            chr(ord("A") + i),
            i,
        )
    return contest_id, ids


async def contestant(conn: Any, contest_id: int) -> int:
    user_id: int = await conn.fetchval(
        "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
        f"c{uuid.uuid4().hex[:10]}",
    )
    await conn.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return user_id


async def judged(
    conn: Any,
    contest_id: int,
    user_id: int,
    problem_id: int,
    verdict: str | None,
    minute: int,
    score: float | None = None,
    groups: list[dict[str, Any]] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version, language,"
        " source, status, verdict, score, group_scores, submitted_at)"
        " SELECT $1, $2, $3, 1, 'python3', 'x', $4::submission_status, $5, $6, $7::jsonb,"
        " c.start_time + make_interval(mins => $8) FROM contests c WHERE c.id = $2",
        user_id,
        contest_id,
        problem_id,
        "done" if verdict else "queued",
        verdict,
        score,
        None if groups is None else json.dumps(groups),
        minute,
    )


async def board(redis: Redis, contest_id: int, name: str = "jury") -> list[tuple[int, int, int]]:
    rows, _ = await ranking_cache.read_page(redis, contest_id, name, 0, 50)
    return [(r.user_id, r.rank, r.row.solved) for r in rows]


async def test_icpc_board_ranks_with_ties_and_first_solvers(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a, b) = await contest_with(conn, tmp_path, 2)
    first, second, third, idle = [await contestant(conn, contest_id) for _ in range(4)]
    await judged(conn, contest_id, first, a, "AC", 10)
    await judged(conn, contest_id, first, b, "AC", 30)
    await judged(conn, contest_id, second, a, "WA", 5)
    await judged(conn, contest_id, second, a, "AC", 20)
    await judged(conn, contest_id, third, a, "WA", 7)
    await judged(conn, contest_id, third, a, "AC", 20)  # the same penalty and last solve: a tie
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await board(redis, contest_id) == [
        (first, 1, 2),
        *sorted([(second, 2, 1), (third, 2, 1)], reverse=True),
        (idle, 4, 0),
    ]
    assert await ranking_cache.first_solvers(redis, contest_id, "jury") == {a: first, b: first}
    # The second page starts inside the tie and keeps its rank.
    rows, total = await ranking_cache.read_page(redis, contest_id, "jury", 2, 2)
    assert total == 4 and [r.rank for r in rows] == [2, 4]
    mine = await ranking_cache.read_rows(redis, contest_id, "public", [third, idle])
    assert [(r.user_id, r.rank) for r in mine] == [(third, 2), (idle, 4)]


async def test_a_refresh_moves_one_row_and_marks_it_for_the_ticker(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a,) = await contest_with(conn, tmp_path, 1)
    leader, chaser = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await judged(conn, contest_id, leader, a, "AC", 50)
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await ranking_cache.take_dirty(redis, contest_id) == []  # a rebuild is announced whole
    await judged(conn, contest_id, chaser, a, "AC", 10)
    await ranking_cache.refresh_user(conn, redis, contest_id, chaser)
    assert await board(redis, contest_id) == [(chaser, 1, 1), (leader, 2, 1)]
    # The chaser's earlier solve also takes the first-to-solve mark from the leader.
    assert await ranking_cache.take_dirty(redis, contest_id) == sorted([chaser, leader])
    assert await ranking_cache.take_dirty(redis, contest_id) == []
    await judged(conn, contest_id, leader, a, "WA", 60)
    await ranking_cache.refresh_user(conn, redis, contest_id, leader)
    assert await ranking_cache.take_dirty(redis, contest_id) == [leader]


async def test_the_public_board_hides_what_was_submitted_during_the_freeze(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    # 300-minute contest, 100 minutes in, with the last 250 minutes frozen: frozen since minute 50.
    contest_id, (a,) = await contest_with(conn, tmp_path, 1, freeze_duration_s=250 * 60)
    early, late = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await judged(conn, contest_id, early, a, "AC", 40)
    await judged(conn, contest_id, late, a, "WA", 45)
    await judged(conn, contest_id, late, a, "AC", 60)
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await board(redis, contest_id, "jury") == [(early, 1, 1), (late, 2, 1)]
    assert await board(redis, contest_id, "public") == [(early, 1, 1), (late, 2, 0)]
    (hidden,) = await ranking_cache.read_rows(redis, contest_id, "public", [late])
    assert (hidden.row.cells[a].attempts, hidden.row.cells[a].pending) == (1, 1)
    # The reveal: the public board becomes the jury's.
    await conn.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", contest_id)
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await board(redis, contest_id, "public") == [(early, 1, 1), (late, 2, 1)]


async def test_the_freeze_cutoff_is_the_submissions_own_time_not_this_hosts_clock(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    # The freeze starts at minute 240; this host says it is minute 100. A submission that
    # Postgres stamped at minute 250 (the database's clock is ahead of this worker's) is a
    # post-freeze verdict all the same and must stay off the public board.
    contest_id, (a,) = await contest_with(conn, tmp_path, 1, freeze_duration_s=60 * 60)
    early, late = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await judged(conn, contest_id, early, a, "AC", 40)
    await judged(conn, contest_id, late, a, "AC", 250)
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await board(redis, contest_id, "jury") == [(early, 1, 1), (late, 2, 1)]
    assert await board(redis, contest_id, "public") == [(early, 1, 1), (late, 2, 0)]
    await ranking_cache.refresh_user(conn, redis, contest_id, late)
    assert await board(redis, contest_id, "public") == [(early, 1, 1), (late, 2, 0)]


async def test_score_contests_sum_the_best_of_each_subtask(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a, b) = await contest_with(conn, tmp_path, 2, scoring="score")
    user = await contestant(conn, contest_id)
    other = await contestant(conn, contest_id)

    def groups(g1: float, g2: float) -> list[dict[str, Any]]:
        return [
            {"name": "secret/g1", "score": g1, "max_score": 30, "verdict": "AC"},
            {"name": "secret/g2", "score": g2, "max_score": 70, "verdict": "WA"},
        ]

    await judged(conn, contest_id, user, a, "WA", 5, score=30.0, groups=groups(30, 0))
    await judged(conn, contest_id, user, a, "WA", 9, score=70.0, groups=groups(0, 70))
    await judged(conn, contest_id, user, b, "AC", 12)  # a pass-fail problem: its points
    await judged(conn, contest_id, other, a, "WA", 3, score=99.0, groups=groups(29, 70))
    await ranking_cache.rebuild(conn, redis, contest_id)
    rows, _ = await ranking_cache.read_page(redis, contest_id, "jury", 0, 10)
    assert [(r.user_id, r.rank, r.row.score) for r in rows] == [(user, 1, 101.0), (other, 2, 99.0)]


async def test_a_lost_cache_is_rebuilt_and_the_disqualified_leave_it(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a,) = await contest_with(conn, tmp_path, 1)
    honest, cheat = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await judged(conn, contest_id, cheat, a, "AC", 1)
    await judged(conn, contest_id, honest, a, "AC", 2)
    await ranking_cache.rebuild(conn, redis, contest_id)
    for key in await redis.keys(f"arena:rank:{contest_id}:*"):
        await redis.delete(key)  # what a Redis restart without persistence leaves
    await conn.execute("UPDATE registrations SET disqualified = true WHERE user_id = $1", cheat)
    await ranking_cache.refresh_user(conn, redis, contest_id, cheat)
    assert await board(redis, contest_id) == [(honest, 1, 1)]
    assert await ranking_cache.first_solvers(redis, contest_id, "public") == {a: honest}


async def test_final_results_wait_for_pending_submissions(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a,) = await contest_with(conn, tmp_path, 1)
    winner, runner_up = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await conn.execute(
        "UPDATE contests SET start_time = now() - interval '6 hours' WHERE id = $1", contest_id
    )
    await judged(conn, contest_id, winner, a, "AC", 3)
    await judged(conn, contest_id, runner_up, a, None, 4)  # still queued
    assert contest_id not in await results.due(conn)
    await conn.execute(
        "UPDATE submissions SET status = 'done', verdict = 'WA' WHERE user_id = $1", runner_up
    )
    assert contest_id in await results.due(conn)
    assert await results.finalize(conn, redis, contest_id) == 2
    rows = await conn.fetch(
        "SELECT user_id, rank, solved, penalty FROM contest_results WHERE contest_id = $1"
        " ORDER BY rank",
        contest_id,
    )
    assert [tuple(r) for r in rows] == [(winner, 1, 1, 3), (runner_up, 2, 0, 0)]
    assert contest_id not in await results.due(conn)


async def test_a_disqualified_first_solver_hands_the_mark_on(
    conn: Any, redis: Redis, tmp_path: Path
) -> None:
    contest_id, (a,) = await contest_with(conn, tmp_path, 1)
    cheat, honest = await contestant(conn, contest_id), await contestant(conn, contest_id)
    await judged(conn, contest_id, cheat, a, "AC", 1)
    await judged(conn, contest_id, honest, a, "AC", 2)
    await ranking_cache.rebuild(conn, redis, contest_id)
    assert await ranking_cache.first_solvers(redis, contest_id, "jury") == {a: cheat}
    await conn.execute("UPDATE registrations SET disqualified = true WHERE user_id = $1", cheat)
    await ranking_cache.refresh_user(conn, redis, contest_id, cheat)
    for board in ranking_cache.BOARDS:
        assert await ranking_cache.first_solvers(redis, contest_id, board) == {a: honest}
    # Both rows are sent again: one left the board, the other gained the mark.
    assert await ranking_cache.take_dirty(redis, contest_id) == sorted([cheat, honest])
