"""Final standings: recomputed from Postgres after the end and kept as frozen history."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from arena.ranking import pack, ranks
from arena.storage import ranking_cache, ratings
from arena.storage.contest_state import load_contest

# A contest is due for its final results once it has ended (for every contestant: one may
# have time of their own past the end), every submission of it is judged and
# its results are not final yet.
_DUE_WHERE = """
    c.finalized_at IS NULL
    AND c.start_time + make_interval(secs => c.duration_s + c.extra_s + (
        SELECT coalesce(max(personal.extra_s), 0) FROM registrations personal
        WHERE personal.contest_id = c.id)) < now()
    AND NOT EXISTS (
        SELECT 1 FROM submissions s
        WHERE s.contest_id = c.id AND s.status IN ('queued', 'judging'))
"""


async def due(conn: asyncpg.Connection) -> list[int]:
    """Ended contests whose every submission is judged and whose results are not final."""
    rows = await conn.fetch(f"SELECT c.id FROM contests c WHERE {_DUE_WHERE} ORDER BY c.id")
    return [r["id"] for r in rows]


async def finalize(conn: asyncpg.Connection, redis: Any, contest_id: int) -> int | None:
    """Write the final standings (the jury's view: every verdict counts); returns their count.

    None, and nothing written, when the contest is no longer due: checked under the contest's
    lock, which a rejudge, an extension or a disqualification takes to reopen the results.
    """
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", contest_id)
        still_due = await conn.fetchval(
            f"SELECT true FROM contests c WHERE c.id = $1 AND {_DUE_WHERE}", contest_id
        )
        info = await load_contest(conn, contest_id)
        if info is None or not still_due:
            return None
        board = await ranking_cache.compute_board(conn, info, None)
        ordered = sorted(
            board.items(), key=lambda item: (-pack(item[1].row, info.scoring), item[1].username)
        )
        keys = [pack(stored.row, info.scoring) for _, stored in ordered]
        final_ranks = ranks(keys, 0, 1)
        await conn.execute("DELETE FROM contest_results WHERE contest_id = $1", contest_id)
        await conn.executemany(
            "INSERT INTO contest_results"
            " (contest_id, user_id, rank, solved, penalty, score, row_json)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    contest_id,
                    user_id,
                    rank,
                    stored.row.solved,
                    stored.row.penalty,
                    stored.row.score,
                    json.dumps(
                        {
                            str(p): {
                                "attempts": c.attempts,
                                "solved": c.solved,
                                "minute": c.minute,
                                "score": c.score,
                            }
                            for p, c in stored.row.cells.items()
                        }
                    ),
                )
                for (user_id, stored), rank in zip(ordered, final_ranks, strict=True)
            ],
        )
        await conn.execute(
            "UPDATE contests SET finalized_at = now() WHERE id = $1 AND finalized_at IS NULL",
            contest_id,
        )
        # Ratings from this contest on, in the transaction: no one sees results without them.
        if await ratings.affects_ratings(conn, contest_id):
            await ratings.recompute_from(conn, contest_id)
    # The live cache is recomputed from the same source, so live and final boards agree.
    await ranking_cache.rebuild(conn, redis, contest_id)
    return len(ordered)
