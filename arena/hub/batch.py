"""Lookups by key that arrive together are answered by one query (a session per token, a
registration per contestant): at the start of a contest thousands of first requests would each
hold a pooled connection for one row, and the pool, not Postgres, sets the pace.

One batch is in flight at a time per Batcher; keys asked for meanwhile wait for the next one,
so the batches grow with the load and a quiet hub still answers a lone request at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batcher(Generic[K, V]):
    def __init__(
        self, fetch: Callable[[list[K]], Awaitable[dict[K, V]]], max_batch: int = 500
    ) -> None:
        self._fetch = fetch  # the keys → what was found (a missing key answers None)
        self._max_batch = max_batch
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}
        self._runner: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V | None:
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run(), name="batch-lookups")
        return await future

    async def _run(self) -> None:
        while self._waiting:
            keys = list(self._waiting)[: self._max_batch]
            futures = [self._waiting.pop(key) for key in keys]
            try:
                found = await self._fetch(keys)
            except Exception as exc:  # every caller of this batch sees the failure
                for waiting in futures:
                    for future in waiting:
                        if not future.done():
                            future.set_exception(exc)
                continue
            except asyncio.CancelledError:  # the hub is stopping
                for waiting in futures:
                    for future in waiting:
                        future.cancel()
                raise
            for key, waiting in zip(keys, futures, strict=True):
                for future in waiting:
                    if not future.done():  # its caller may have given up
                        future.set_result(found.get(key))
