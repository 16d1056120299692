"""``Idempotency-Key`` on submissions: a client that retries a submit gets the same submission.

A submit whose answer was lost (a timeout, a dropped connection) is sent again with the same key;
the hub answers with the submission the first one made, marked ``Idempotent-Replayed: true``,
and neither makes another nor counts it against the rate limit. The key is the client's (the
browser makes one per submit, a UUID), scoped to the caller, and may not be reused for a different
submission (422). Without the header every submit is a new submission.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from arena.hub.http import ApiError
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.storage import queue, submissions

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII without spaces, as the IETF draft's examples; long enough for any UUID scheme.
_KEY = re.compile(r"[!-~]{1,128}")


def client_key(request: Request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if _KEY.fullmatch(raw) is None:
        raise ApiError(
            400, "bad_idempotency_key", f"{HEADER}: 1 to 128 printable characters, no spaces"
        )
    return raw


async def replay(
    state: HubState,
    user: UserInfo,
    key: str | None,
    *,
    problem_id: int | None,
    contest_id: int | None,
    language: str,
    source: bytes,
) -> int | None:
    """The submission this key already made for ``user``, or None (also without a key)."""
    if key is None:
        return None
    try:
        async with state.db.acquire() as conn:
            return await submissions.replayed(
                conn,
                user_id=user.id,
                client_key=key,
                problem_id=problem_id,
                contest_id=contest_id,
                language=language,
                source=source,
            )
    except submissions.KeyReused as exc:
        raise ApiError(422, "idempotency_key_reused", str(exc)) from None


def replay_headers(replayed: bool) -> dict[str, str]:
    return {REPLAYED_HEADER: "true"} if replayed else {}


async def submit(
    state: HubState,
    user: UserInfo,
    problem_id: int,
    language: str,
    source: bytes,
    key: str | None,
    *,
    contest_id: int | None = None,
    virtual_id: int | None = None,
    upsolve_contest_id: int | None = None,
    author_id: int | None = None,
) -> int:
    """Record and queue a submission under ``key`` (``user``: the contestant it counts for)."""
    try:
        return await queue.submit(
            state.db,
            state.redis,
            user_id=user.id,
            problem_id=problem_id,
            language=language,
            source=source,
            contest_id=contest_id,
            client_key=key,
            virtual_id=virtual_id,
            upsolve_contest_id=upsolve_contest_id,
            author_id=author_id,
        )
    except submissions.KeyReused as exc:  # a racing retry with a different body
        raise ApiError(422, "idempotency_key_reused", str(exc)) from None
