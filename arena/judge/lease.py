"""A claimed job's lease, renewed while the job works: a judging's, an upload check's. A worker
that dies stops renewing, its lease runs out, and the sweeper takes the work back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

log = logging.getLogger(__name__)


async def keep(
    db: Any,  # asyncpg.Pool
    lease_s: float,
    renew: Callable[[asyncpg.Connection], Awaitable[bool]],
    what: str,
) -> None:
    """Renew every third of ``lease_s``; returns once ``renew`` says the claim is no longer the
    job's (taken back, or settled by another). A renewal that fails (Postgres away) is logged and
    tried again at the next beat: the lease has two more beats to run."""
    while True:
        await asyncio.sleep(lease_s / 3)
        try:
            async with db.acquire() as conn:
                if not await renew(conn):
                    return
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("lease renewal of %s failed: %s", what, exc)
