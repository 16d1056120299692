"""A warm pool of started sandbox containers, so a submission never waits for a container start.

A container serves exactly one submission: ``acquire`` hands one out and starts a replacement in
the background; the caller ends it with ``discard``. Nothing is ever returned to the pool.

A custom output validator or an interactor needs a second container next to the submission's.
Those come from ``helpers``, a separate small pool started on first use, so that:

- judging cannot deadlock: no judging ever holds one container while waiting for another that
  only a release could free. Neither pool has a fixed set of containers to hand back; every
  ``acquire`` starts a replacement, so a waiter is served by a container start, whatever the
  other judgings hold. A judging takes its submission container first and its helper second,
  always in that order, from two independent pools;
- validator problems never take the warm container the next submission is waiting for, and
  problems without validators pay nothing for them (the helper pool stays empty).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import docker

from arena.judge import metrics
from arena.judge.sandbox import (
    SandboxError,
    SandboxSession,
    check_runtime,
    create_container,
    remove_orphans,
)
from arena.settings import Settings

log = logging.getLogger(__name__)
_RETRY_DELAY_S = 1.0


class WarmPool:
    def __init__(
        self,
        client: docker.DockerClient,
        settings: Settings,
        size: int | None = None,
        helper_size: int | None = None,
        kind: str = "submission",
    ) -> None:
        self._client = client
        self._settings = settings
        self.size = max(1, settings.sandbox_pool_size if size is None else size)
        helpers = max(1, self.size // 2) if helper_size is None else helper_size
        # Containers for validators and interactors (see the module docstring).
        self.helpers: WarmPool | None = (
            WarmPool(client, settings, size=helpers, helper_size=0, kind="helper")
            if helpers > 0
            else None
        )
        self._started = False
        # Each slot holds a ready session or the error its creation ended in, so a broken Docker
        # reaches the waiting caller as a judging error instead of a silent hang.
        self._ready: asyncio.Queue[SandboxSession | SandboxError] = asyncio.Queue()
        self._filling: set[asyncio.Task[None]] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self._refilled = asyncio.Condition()
        self._closed = False
        metrics.track_pool(self, kind)

    @property
    def ready(self) -> int:
        return self._ready.qsize()

    async def start(self) -> None:
        check_runtime(self._settings)
        removed = await asyncio.to_thread(remove_orphans, self._client)
        if removed:
            log.info("removed %d sandbox containers left by dead processes", removed)
        self._fill()

    def _fill(self) -> None:
        if not self._started:
            self._started = True
            for _ in range(self.size):
                self._spawn()

    async def acquire(self) -> SandboxSession:
        if self._closed:
            raise SandboxError("the sandbox pool is closed")
        self._fill()  # a helper pool starts on its first use
        item = await self._ready.get()
        self._spawn()
        if isinstance(item, SandboxError):
            raise item
        return item

    async def wait_until_full(self) -> None:
        """Wait until every slot holds a started container (benchmarks measure a warm pool)."""
        async with self._refilled:
            await self._refilled.wait_for(lambda: self._ready.qsize() >= self.size)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[SandboxSession]:
        session = await self.acquire()
        try:
            yield session
        finally:
            self.discard(session)

    def discard(self, session: SandboxSession) -> None:
        """Destroy the container in the background: the verdict need not wait for it."""
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(session.close))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        if self.helpers is not None:
            await self.helpers.close()
        self._closed = True
        # Not cancelled: a creation already under way in its thread would leak its container.
        await asyncio.gather(*self._filling, *self._closing, return_exceptions=True)
        while not self._ready.empty():
            item = self._ready.get_nowait()
            if isinstance(item, SandboxSession):
                await asyncio.to_thread(item.close)

    def _spawn(self) -> None:
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._fill_one())
        self._filling.add(task)
        task.add_done_callback(self._filling.discard)

    async def _fill_one(self) -> None:
        try:
            session = await asyncio.to_thread(self._new_session)
        except Exception as exc:
            log.warning("sandbox container start failed: %s", exc)
            await asyncio.sleep(_RETRY_DELAY_S)
            self._ready.put_nowait(SandboxError(f"cannot start a sandbox container: {exc}"))
            return
        if self._closed:
            await asyncio.to_thread(session.close)
            return
        self._ready.put_nowait(session)
        async with self._refilled:
            self._refilled.notify_all()

    def _new_session(self) -> SandboxSession:
        container: Any = create_container(self._client, self._settings)
        try:
            return SandboxSession(self._client, container)
        except Exception:
            container.remove(force=True)
            raise
