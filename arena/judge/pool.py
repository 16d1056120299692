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

Each submission container is pinned to one core (``ARENA_JUDGE_CPUS``): slot i of the pool to the
i-th core, its replacements to the same core, and ``acquire`` takes a ready container on the core
with the fewest judgings in flight, so concurrent judgings run on cores of their own and the CPU
time of one does not move with the load of the other. Helpers (validators, interactors) float.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import docker

from arena.judge import metrics
from arena.judge.containers import check_runtime, create_container, remove_orphans
from arena.judge.sandbox import SandboxError, SandboxSession
from arena.settings import Settings

log = logging.getLogger(__name__)
_RETRY_DELAY_S = 1.0


def judging_cores(setting: str, slots: int) -> list[str]:
    """The cpuset of each judging slot: ``auto`` gives slot i the i-th core this process may use
    when there are exactly as many slots as cores, and pins nothing otherwise: with more slots
    they would share anyway, and with fewer the other cores may be another worker's, which
    cannot know which ones this worker took (two one-slot workers on two cores both pinned to the
    first core halved the machine). ``""`` pins nothing; ``"2,3"`` names the cores (several
    workers on one machine each take their own)."""
    if setting == "auto":
        cores = sorted(os.sched_getaffinity(0))
        return [str(core) for core in cores] if len(cores) == slots else []
    return [core.strip() for core in setting.split(",") if core.strip()]


class WarmPool:
    def __init__(
        self,
        client: docker.DockerClient,
        settings: Settings,
        size: int | None = None,
        helper_size: int | None = None,
        kind: str = "submission",
        slots: int | None = None,
    ) -> None:
        """``slots``: the judgings this pool serves at once (``size`` less the spare
        containers); the cores are chosen for them."""
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
        slots = self.size if slots is None else slots
        cores = judging_cores(settings.judge_cpus, slots) if kind == "submission" else []
        self._slot_cores: list[str | None] = [
            cores[i % len(cores)] if cores else None for i in range(self.size)
        ]
        # Per core, the ready sessions or the errors their creation ended in, so a broken Docker
        # reaches the waiting caller as a judging error instead of a silent hang.
        self._ready: dict[str | None, collections.deque[SandboxSession | SandboxError]] = {
            core: collections.deque() for core in self._slot_cores
        }
        self._busy: dict[str | None, int] = dict.fromkeys(self._slot_cores, 0)
        self._core_of: dict[int, str | None] = {}  # id(session) -> its core, while in use
        self._arrived = asyncio.Condition()
        self._filling: set[asyncio.Task[None]] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self._closed = False
        metrics.track_pool(self, kind)

    @property
    def ready(self) -> int:
        return sum(len(items) for items in self._ready.values())

    async def start(self) -> None:
        check_runtime(self._settings)
        removed = await asyncio.to_thread(remove_orphans, self._client)
        if removed:
            log.info("removed %d sandbox containers left by dead processes", removed)
        self._fill()

    def _fill(self) -> None:
        if not self._started:
            self._started = True
            for core in self._slot_cores:
                self._spawn(core)

    async def acquire(self) -> SandboxSession:
        if self._closed:
            raise SandboxError("the sandbox pool is closed")
        self._fill()  # a helper pool starts on its first use
        async with self._arrived:
            await self._arrived.wait_for(self._least_busy_ready)
            core = min((c for c, items in self._ready.items() if items), key=self._busy.__getitem__)
            item = self._ready[core].popleft()
        self._spawn(core)
        if isinstance(item, SandboxError):
            raise item
        self._busy[core] += 1
        self._core_of[id(item)] = core
        return item

    def _least_busy_ready(self) -> bool:
        """Something is ready on one of the least busy cores. Every core always has its
        containers ready or starting, so a judging waits at most one start for a free core's
        container rather than share a busy core (a test run saw two judgings on one core when
        the free core's container came last)."""
        least = min(self._busy.values())
        return any(items and self._busy[core] == least for core, items in self._ready.items())

    async def wait_until_full(self) -> None:
        """Wait until every slot holds a started container (benchmarks measure a warm pool)."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.ready >= self.size)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[SandboxSession]:
        session = await self.acquire()
        try:
            yield session
        finally:
            self.discard(session)

    def discard(self, session: SandboxSession) -> None:
        """Destroy the container in the background: the verdict need not wait for it."""
        core = self._core_of.pop(id(session), None)
        if core in self._busy:
            self._busy[core] -= 1
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(session.close))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        if self.helpers is not None:
            await self.helpers.close()
        self._closed = True
        # Not cancelled: a creation already under way in its thread would leak its container.
        await asyncio.gather(*self._filling, *self._closing, return_exceptions=True)
        for items in self._ready.values():
            while items:
                item = items.popleft()
                if isinstance(item, SandboxSession):
                    await asyncio.to_thread(item.close)

    def _spawn(self, core: str | None) -> None:
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._fill_one(core))
        self._filling.add(task)
        task.add_done_callback(self._filling.discard)

    async def _fill_one(self, core: str | None) -> None:
        try:
            session: SandboxSession | SandboxError = await asyncio.to_thread(
                self._new_session, core
            )
        except Exception as exc:
            log.warning("sandbox container start failed: %s", exc)
            await asyncio.sleep(_RETRY_DELAY_S)
            session = SandboxError(f"cannot start a sandbox container: {exc}")
        if self._closed:
            if isinstance(session, SandboxSession):
                await asyncio.to_thread(session.close)
            return
        async with self._arrived:
            self._ready[core].append(session)
            self._arrived.notify_all()

    def _new_session(self, core: str | None) -> SandboxSession:
        container: Any = create_container(self._client, self._settings, cpuset=core)
        try:
            return SandboxSession(self._client, container)
        except Exception:
            container.remove(force=True)
            raise
