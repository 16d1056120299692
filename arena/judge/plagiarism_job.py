"""The plagiarism check as a worker job: the comparison runs in a separate process, so neither
a hub nor this worker's judging loop waits for it."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from arena.plagiarism.compare import Pair, Settings, check_group
from arena.storage import plagiarism

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn: a fresh interpreter, not a fork of a process with threads and sockets.
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


async def plagiarism_check(ctx: dict[str, Any], run_id: int) -> str:
    state = ctx["arena"]
    loop = asyncio.get_running_loop()

    async def compare(
        sources: Sequence[tuple[int, str, str]], stubs: dict[str, str], settings: Settings
    ) -> list[Pair]:
        return await loop.run_in_executor(_executor(), check_group, list(sources), stubs, settings)

    async with state.db.acquire() as conn:
        done = await plagiarism.execute(conn, run_id, compare)
    return f"plagiarism check {run_id}: {done.compared} submissions, {done.pairs} pairs"
