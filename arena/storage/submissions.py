"""Submission rows: the acknowledged record, the claim, and the single final verdict.

Exactly-once: every claim sets a fresh ``claim_token``; the final UPDATE requires the token of the
latest claim and ``status = 'judging'``, so of any number of workers that judged the same attempt
(a retry after a worker died, a sweeper re-enqueue racing arq's own retry) exactly one writes.

A claim holds a lease (``lease_expires_at``) that the judging worker renews. A dead worker stops
renewing; once the lease has expired the sweeper puts the row back in the queue under a new arq
job (``job_round`` + 1): arq ignores a job id whose dead job still exists, and only the job of the
current round may claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg
import msgspec

from arena.limits import MAX_SOURCE_BYTES
from arena.protocol import JudgeResult, Verdict


class SubmissionError(ValueError):
    pass


class ContestantBusy(Exception):
    """The contestant already has as many judgings in flight as allowed: try again later."""


# Claims of one contestant are serialized on the two-key advisory lock (this, user id), so two
# workers cannot both see a free place under the cap. Negative: the ranking cache's two-key locks
# start with a contest id.
_CLAIM_LOCK = -1


class Claim(msgspec.Struct, frozen=True):
    submission_id: int
    attempt: int
    token: uuid.UUID
    user_id: int
    contest_id: int | None
    problem_id: int
    problem_version: int
    language: str
    source: bytes


class KeyReused(SubmissionError):
    """An idempotency key already names a different submission of this user."""


async def replayed(
    conn: asyncpg.Connection,
    *,
    user_id: int,
    client_key: str,
    problem_id: int | None,
    contest_id: int | None,
    language: str,
    source: bytes,
) -> int | None:
    """The submission ``client_key`` already made (a client's retry), or None. ``KeyReused``
    when the key was used for anything else: a retry sends exactly what it sent before."""
    row = await conn.fetchrow(
        "SELECT id, problem_id, contest_id, language, source FROM submissions"
        " WHERE user_id = $1 AND client_key = $2",
        user_id,
        client_key,
    )
    if row is None:
        return None
    sent = (row["problem_id"], row["contest_id"], row["language"], bytes(row["source"]))
    if sent != (problem_id, contest_id, language, source):
        raise KeyReused(f"Idempotency-Key {client_key!r} was used for another submission")
    return int(row["id"])


async def create_submission(
    conn: asyncpg.Connection,
    *,
    user_id: int,
    problem_id: int,
    language: str,
    source: bytes,
    contest_id: int | None = None,
    client_key: str | None = None,
    virtual_id: int | None = None,
    upsolve_contest_id: int | None = None,
    author_id: int | None = None,
) -> int:
    """Insert the row (status ``queued``) and commit; only then may the caller acknowledge it.

    With ``client_key``, a second call with the same key returns the first one's id (see
    ``replayed``), even when both race."""
    if len(source) > MAX_SOURCE_BYTES:
        raise SubmissionError(f"the source is larger than {MAX_SOURCE_BYTES // 1024} KiB")
    submission_id: int | None = await conn.fetchval(
        """
        INSERT INTO submissions
            (user_id, contest_id, problem_id, problem_version, language, source, client_key,
             virtual_id, upsolve_contest_id, author_id, enqueued_at)
        SELECT $1, $2, p.id, p.current_version, $4, $5, $6, $7, $8, $9, now() FROM problems p
        WHERE p.id = $3 AND p.current_version IS NOT NULL
        ON CONFLICT (user_id, client_key) WHERE client_key IS NOT NULL DO NOTHING
        RETURNING id
        """,
        user_id,
        contest_id,
        problem_id,
        language,
        source,
        client_key,
        virtual_id,
        upsolve_contest_id,
        author_id,
    )
    if submission_id is None and client_key is not None:
        submission_id = await replayed(
            conn,
            user_id=user_id,
            client_key=client_key,
            problem_id=problem_id,
            contest_id=contest_id,
            language=language,
            source=source,
        )
    if submission_id is None:
        raise SubmissionError(f"problem {problem_id} does not exist or has no imported version")
    return submission_id


def job_id(submission_id: int, attempt: int, job_round: int = 0) -> str:
    """One arq job per attempt and round: a rejudge (new attempt) or a requeue after a dead
    worker or a judging error (new round) can enqueue again; a duplicate of a live job cannot."""
    base = f"judge:{submission_id}:{attempt}"
    return base if job_round == 0 else f"{base}:{job_round}"


async def mark_enqueued(conn: asyncpg.Connection, submission_id: int, attempt: int) -> None:
    await conn.execute(
        "UPDATE submissions SET enqueued_at = now() WHERE id = $1 AND attempt = $2",
        submission_id,
        attempt,
    )


async def mark_not_enqueued(conn: asyncpg.Connection, submission_id: int, attempt: int) -> None:
    """The queue refused the row's job: the next sweep enqueues it (``pending``).

    Every statement that queues a row also sets ``enqueued_at``, before its job is put: a sweep
    running meanwhile must not take it for lost and start a second job round."""
    await conn.execute(
        "UPDATE submissions SET enqueued_at = NULL"
        " WHERE id = $1 AND attempt = $2 AND status = 'queued'",
        submission_id,
        attempt,
    )


async def next_round(
    conn: asyncpg.Connection, submission_id: int, attempt: int
) -> tuple[int, datetime, int | None] | None:
    """Start a new job round for a queued attempt: (round, submitted_at, contest_id); None when
    it is no longer queued."""
    row = await conn.fetchrow(
        """
        UPDATE submissions
        SET job_round = job_round + 1, enqueued_at = now(), waiting_turn = false
        WHERE id = $1 AND attempt = $2 AND status = 'queued'
        RETURNING job_round, submitted_at, contest_id
        """,
        submission_id,
        attempt,
    )
    return None if row is None else (row["job_round"], row["submitted_at"], row["contest_id"])


async def claim(
    conn: asyncpg.Connection,
    submission_id: int,
    attempt: int,
    worker: str,
    *,
    job_round: int = 0,
    lease_s: float = 30.0,
    max_in_flight: int = 0,
) -> Claim | None:
    """Take the attempt for judging, with a lease of ``lease_s``; None when it is final,
    superseded (another attempt or job round) or held under a live lease.

    Raises ContestantBusy when the contestant already has ``max_in_flight`` live judgings
    (0: no cap), so that one contestant cannot take every judging slot.
    """
    token = uuid.uuid4()
    busy = 0
    waiting: bool | None = None  # the contestant is busy: whether this row now waits its turn
    row = None
    async with conn.transaction():
        user_id = await conn.fetchval(
            "SELECT user_id FROM submissions WHERE id = $1", submission_id
        )
        if user_id is None:
            return None
        await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", _CLAIM_LOCK, user_id)
        if max_in_flight > 0:
            busy = await conn.fetchval(
                """
                SELECT count(*) FROM submissions
                WHERE user_id = $1 AND status = 'judging' AND lease_expires_at > now()
                  AND id <> $2
                """,
                user_id,
                submission_id,
            )
            if busy >= max_in_flight:
                # Under the contestant's lock: a judging of theirs that ends after this commit
                # finds the row waiting and queues it again (arena.storage.turns).
                waiting = bool(
                    await conn.fetchval(
                        "UPDATE submissions SET waiting_turn = true WHERE id = $1"
                        " AND attempt = $2 AND job_round = $3 AND status = 'queued'"
                        " RETURNING true",
                        submission_id,
                        attempt,
                        job_round,
                    )
                )
        if waiting is None:
            row = await _take(conn, submission_id, attempt, worker, token, job_round, lease_s)
    if waiting:
        raise ContestantBusy(f"user {user_id} has {busy} judgings in flight")
    if row is None:
        return None
    return Claim(
        submission_id=row["id"],
        attempt=row["attempt"],
        token=row["claim_token"],
        user_id=row["user_id"],
        contest_id=row["contest_id"],
        problem_id=row["problem_id"],
        problem_version=row["problem_version"],
        language=row["language"],
        source=bytes(row["source"]),
    )


async def _take(
    conn: asyncpg.Connection,
    submission_id: int,
    attempt: int,
    worker: str,
    token: uuid.UUID,
    job_round: int,
    lease_s: float,
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        UPDATE submissions
        SET status = 'judging', worker = $3, claim_token = $4, judging_started_at = now(),
            lease_expires_at = now() + make_interval(secs => $6)
        WHERE id = $1 AND attempt = $2 AND job_round = $5
          AND (status = 'queued'
               OR (status = 'judging'
                   AND (lease_expires_at IS NULL OR lease_expires_at < now())))
        RETURNING id, attempt, claim_token, user_id, contest_id, problem_id, problem_version,
                  language, source
        """,
        submission_id,
        attempt,
        worker,
        token,
        job_round,
        lease_s,
    )


async def renew(conn: asyncpg.Connection, claim: Claim, lease_s: float) -> bool:
    """The heartbeat: extend the lease; False when the claim is no longer the current one."""
    renewed = await conn.fetchval(
        """
        UPDATE submissions SET lease_expires_at = now() + make_interval(secs => $4)
        WHERE id = $1 AND attempt = $2 AND claim_token = $3 AND status = 'judging'
        RETURNING true
        """,
        claim.submission_id,
        claim.attempt,
        claim.token,
        lease_s,
    )
    return bool(renewed)


async def release_expired(conn: asyncpg.Connection) -> list[tuple[int, int]]:
    """Judgings whose worker stopped renewing the lease go back to the queue."""
    rows = await conn.fetch(
        """
        UPDATE submissions
        SET status = 'queued', claim_token = NULL, lease_expires_at = NULL, enqueued_at = NULL
        WHERE status = 'judging' AND (lease_expires_at IS NULL OR lease_expires_at < now())
        RETURNING id, attempt
        """
    )
    return [(r["id"], r["attempt"]) for r in rows]


async def board_refreshed(conn: asyncpg.Connection, submission_id: int, attempt: int) -> None:
    await conn.execute(
        "UPDATE submissions SET board_pending = false WHERE id = $1 AND attempt = $2",
        submission_id,
        attempt,
    )


async def boards_pending(conn: asyncpg.Connection, older_than_s: float) -> list[tuple[int, int]]:
    """(contest, user) pairs with a verdict the live board may have missed."""
    rows = await conn.fetch(
        """
        SELECT DISTINCT contest_id, user_id FROM submissions
        WHERE board_pending AND judged_at < now() - make_interval(secs => $1)
        """,
        older_than_s,
    )
    return [(r["contest_id"], r["user_id"]) for r in rows]


async def clear_boards_pending(conn: asyncpg.Connection, contest_id: int, user_id: int) -> None:
    await conn.execute(
        "UPDATE submissions SET board_pending = false"
        " WHERE board_pending AND contest_id = $1 AND user_id = $2",
        contest_id,
        user_id,
    )


async def finish(conn: asyncpg.Connection, claim: Claim, result: JudgeResult) -> bool:
    """Write the final verdict and the per-test results in one transaction, if still ours."""
    if result.verdict == Verdict.JE:
        raise SubmissionError("a judging error is never a final verdict")
    async with conn.transaction():
        first = await conn.fetchval(
            """
            UPDATE submissions s
            SET status = 'done', verdict = $4, time_ms = $5, memory_kib = $6,
                compile_output = $7, judged_at = now(), needs_attention = false,
                score = $8, group_scores = $9::jsonb, counted = true,
                lease_expires_at = NULL, board_pending = s.contest_id IS NOT NULL
            FROM (SELECT id, counted FROM submissions WHERE id = $1) before
            WHERE s.id = before.id AND s.attempt = $2 AND s.claim_token = $3
              AND s.status = 'judging'
            -- True at the submission's first verdict: it counts in the problem's statistics.
            RETURNING NOT before.counted
            """,
            claim.submission_id,
            claim.attempt,
            claim.token,
            result.verdict.value,
            result.time_ms,
            result.memory_kib,
            result.compile_output,
            result.score,
            # Pass-fail results (no score) keep NULL, not an empty list.
            None if result.score is None else msgspec.json.encode(result.groups).decode(),
        )
        if first is None:
            return False
        await conn.executemany(
            """
            INSERT INTO test_results
                (submission_id, attempt, ordinal, name, verdict, time_ms, wall_ms, memory_kib,
                 message)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                (
                    claim.submission_id,
                    claim.attempt,
                    i,
                    t.name,
                    t.verdict.value,
                    t.time_ms,
                    t.wall_ms,
                    t.memory_kib,
                    t.message,
                )
                for i, t in enumerate(result.tests)
            ],
        )
        if first:
            await conn.execute(
                """
                UPDATE problems SET submission_count = submission_count + 1,
                    accepted_count = accepted_count + ($2 = 'AC')::int
                WHERE id = $1
                """,
                claim.problem_id,
                result.verdict.value,
            )
    return True


# What ``problems.submission_count`` / ``accepted_count`` counted (at a submission's first
# judging) that the public must not see yet: submissions to a contest made from its freeze on,
# until the reveal (the bank lists a contest's problems once it ends, often before the reveal).
# Joined to ``problems p``; gives ``hidden.submitted`` and ``hidden.accepted``. A rejudged
# submission is counted with its current verdict, not the first one the counter saw.
FROZEN_COUNTS_JOIN = """
LEFT JOIN LATERAL (
    SELECT count(*) AS submitted, count(*) FILTER (WHERE s.verdict = 'AC') AS accepted
    FROM contest_problems cp
    JOIN contests c ON c.id = cp.contest_id
    CROSS JOIN LATERAL (SELECT COALESCE(c.frozen_at, CASE WHEN c.freeze_duration_s > 0
        THEN c.start_time + make_interval(secs => c.duration_s - c.freeze_duration_s) END)
        AS at) frozen_from
    JOIN submissions s ON s.contest_id = c.id AND s.problem_id = cp.problem_id
        AND s.submitted_at >= frozen_from.at
    WHERE cp.problem_id = p.id AND (c.unfrozen_at IS NULL OR c.unfrozen_at < frozen_from.at)
        AND s.counted
) hidden ON true
"""


async def record_judging_error(
    conn: asyncpg.Connection, claim: Claim, message: str, max_errors: int
) -> bool:
    """Count a sandbox failure; past ``max_errors`` the row is flagged for moderators.

    Returns True when the attempt should be tried again.
    """
    row = await conn.fetchrow(
        """
        UPDATE submissions
        SET judge_errors = judge_errors + 1,
            status = CASE WHEN judge_errors + 1 >= $4 THEN 'failed' ELSE 'queued' END
                     ::submission_status,
            needs_attention = judge_errors + 1 >= $4,
            verdict = CASE WHEN judge_errors + 1 >= $4 THEN 'JE' ELSE verdict END,
            judge_error = $5, lease_expires_at = NULL, claim_token = NULL
        WHERE id = $1 AND attempt = $2 AND claim_token = $3 AND status = 'judging'
        RETURNING status
        """,
        claim.submission_id,
        claim.attempt,
        claim.token,
        max_errors,
        message[:4000],
    )
    return row is not None and row["status"] == "queued"


async def hand_back(
    conn: asyncpg.Connection, claim: Claim
) -> tuple[int, datetime, int | None] | None:
    """Give up a claim unfinished (the worker is stopping): the row is queued again under a new
    job round, as ``next_round`` does, in the same statement, so that no sweeper finds it queued
    and never enqueued in between and starts a round of its own. Returns (round, submitted_at,
    contest_id) for ``queue.hand_back`` to enqueue; None when the claim is no longer ours."""
    row = await conn.fetchrow(
        """
        UPDATE submissions
        SET status = 'queued', worker = NULL, claim_token = NULL, judging_started_at = NULL,
            lease_expires_at = NULL, job_round = job_round + 1, enqueued_at = now(),
            waiting_turn = false
        WHERE id = $1 AND attempt = $2 AND claim_token = $3 AND status = 'judging'
        RETURNING job_round, submitted_at, contest_id
        """,
        claim.submission_id,
        claim.attempt,
        claim.token,
    )
    return None if row is None else (row["job_round"], row["submitted_at"], row["contest_id"])


async def new_attempt(
    conn: asyncpg.Connection, submission_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """Rejudge: bump the attempt and queue again; returns (id, attempt) to enqueue. The attempt
    replaced, when it had been picked up by a worker, is kept in ``past_judgements``."""
    await conn.execute(
        """
        INSERT INTO past_judgements (submission_id, attempt, status, verdict, score, time_ms,
                                     judging_started_at, judged_at)
        SELECT id, attempt, status::text, verdict, score, time_ms, judging_started_at, judged_at
        FROM submissions WHERE id = ANY($1::bigint[]) AND status <> 'queued'
        ON CONFLICT DO NOTHING
        """,
        list(submission_ids),
    )
    rows = await conn.fetch(
        """
        UPDATE submissions
        SET attempt = attempt + 1, status = 'queued', verdict = NULL, time_ms = NULL,
            memory_kib = NULL, score = NULL, group_scores = NULL, judge_errors = 0,
            needs_attention = false, claim_token = NULL, lease_expires_at = NULL,
            job_round = 0, enqueued_at = now(), judged_at = NULL
        WHERE id = ANY($1::bigint[])
        RETURNING id, attempt
        """,
        list(submission_ids),
    )
    return [(r["id"], r["attempt"]) for r in rows]


async def pending(conn: asyncpg.Connection, stale_after_s: float) -> list[tuple[int, int, int]]:
    """(id, attempt, job round) of queued rows the queue may have lost: refused by it (or
    released by an expired lease), or enqueued long ago (a judging in progress is watched
    through its lease instead)."""
    rows = await conn.fetch(
        """
        SELECT id, attempt, job_round FROM submissions
        WHERE status = 'queued'
          AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
        ORDER BY id
        """,
        stale_after_s,
    )
    return [(r["id"], r["attempt"], r["job_round"]) for r in rows]


async def select_for_rejudge(
    conn: asyncpg.Connection,
    *,
    submission_id: int | None = None,
    problem_id: int | None = None,
    contest_id: int | None = None,
) -> list[int]:
    """Ids of one submission, all of a problem, or all of a contest (filters combine)."""
    if submission_id is None and problem_id is None and contest_id is None:
        raise SubmissionError("name a submission, a problem or a contest to rejudge")
    rows = await conn.fetch(
        """
        SELECT id FROM submissions
        WHERE ($1::bigint IS NULL OR id = $1)
          AND ($2::bigint IS NULL OR problem_id = $2)
          AND ($3::bigint IS NULL OR contest_id = $3)
        ORDER BY id
        """,
        submission_id,
        problem_id,
        contest_id,
    )
    return [r["id"] for r in rows]
