"""A contestant's turn: submissions that waited while their other judgings were in flight.

A worker that finds the contestant at their cap (``submissions.claim`` raises ContestantBusy)
marks the row ``waiting_turn`` under the contestant's lock and drops the job. The judging that
ends queues the oldest waiting rows again at their place in their lane (the contest lane stays
ahead of practice, see ``arena.storage.queue``); the sweeper does the same for judgings that
ended otherwise (a judging error, a hand-back, an expired lease).
"""

from __future__ import annotations

import asyncpg

_DUE = """
SELECT id, attempt FROM (
    SELECT w.id, w.attempt, w.submitted_at,
           row_number() OVER (PARTITION BY w.user_id ORDER BY w.submitted_at, w.id) AS turn,
           (SELECT count(*) FROM submissions j
             WHERE j.user_id = w.user_id AND j.status = 'judging'
               AND j.lease_expires_at > now()) AS in_flight
    FROM submissions w
    WHERE w.waiting_turn AND w.status = 'queued' {only}
) waiting
WHERE turn <= $1 - in_flight
ORDER BY submitted_at, id
"""


async def due(
    conn: asyncpg.Connection, max_in_flight: int, user_id: int | None = None
) -> list[tuple[int, int]]:
    """(id, attempt) of the waiting rows whose turn it is: per contestant, the oldest ones, as
    many as their judgings in flight leave room for (of one contestant, or of all)."""
    if user_id is None:
        rows = await conn.fetch(_DUE.format(only=""), max(1, max_in_flight))
    else:
        rows = await conn.fetch(
            _DUE.format(only="AND w.user_id = $2"), max(1, max_in_flight), user_id
        )
    return [(r["id"], r["attempt"]) for r in rows]
