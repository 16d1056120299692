"""A worker's graceful stop (SIGTERM from docker compose or Kubernetes, or Ctrl-C).

The worker takes no new job, gives the judgings in flight ``worker_grace_s`` to finish, hands
back the ones that cannot (the claim is released and the submission queued again at once under
a new job id, at its own place in the queue, for any other worker), removes its warm containers
and exits 0 with one log line. A second signal hands back at once. The orchestrator's own kill
must come later than the grace (Kubernetes: ``terminationGracePeriodSeconds``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger("arena.judge.worker")
# Beyond the grace: handing back (two statements and an enqueue), and runs (``POST .../run``),
# which are not judgings and are simply waited for, then cancelled.
HAND_BACK_MARGIN_S = 10.0


class HandBack(Exception):
    """The worker is stopping and this judging ran out of grace: give the claim back."""


class GracefulStop:
    """Shared by the jobs of one worker process: when to give up the judgings in flight."""

    def __init__(self) -> None:
        self._deadline: float | None = None
        self._timeouts: set[asyncio.Timeout] = set()
        self.handed_back = 0
        self.started = asyncio.Event()  # set once the worker's startup (its warm pool) is done

    @property
    def stopping(self) -> bool:
        return self._deadline is not None

    def begin(self, grace_s: float) -> None:
        self._deadline = asyncio.get_running_loop().time() + grace_s
        for timeout in self._timeouts:
            timeout.reschedule(self._deadline)

    @contextlib.asynccontextmanager
    async def guard(self) -> AsyncIterator[None]:
        """The body is cancelled at the stop's deadline and ``HandBack`` raised in its place."""
        timeout = asyncio.timeout_at(self._deadline)
        try:
            async with timeout:
                self._timeouts.add(timeout)
                try:
                    yield
                finally:
                    self._timeouts.discard(timeout)
        except TimeoutError:
            if timeout.expired():
                raise HandBack from None
            raise


async def serve(worker: Any, stop: GracefulStop, grace_s: float) -> None:
    """Run an arq worker until SIGTERM or SIGINT, then stop it as the module says."""
    loop = asyncio.get_running_loop()
    signalled = asyncio.Event()
    received: list[str] = []

    def on_signal(sig: signal.Signals) -> None:
        received.append(sig.name)
        if stop.stopping:  # a second signal (Ctrl-C twice): hand back now, no more grace
            stop.begin(0)
        signalled.set()

    # Replaces arq's own handlers, which cancel every job at once.
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    running = asyncio.create_task(worker.async_run())
    waiting = asyncio.create_task(signalled.wait())
    try:
        await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    if running.done():  # burst mode ended, or the worker failed: its error is the exit
        await worker.close()
        running.result()
        return
    worker.allow_pick_jobs = False
    stop.begin(grace_s)
    in_flight = sum(not t.done() for t in worker.tasks.values())
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(grace_s + HAND_BACK_MARGIN_S):
            # A stop during startup waits for it: the warm pool must exist to be emptied.
            started = asyncio.create_task(stop.started.wait())
            await asyncio.wait({started, running}, return_when=asyncio.FIRST_COMPLETED)
            started.cancel()
            while pending := [t for t in worker.tasks.values() if not t.done()]:
                await asyncio.wait(pending)
    for task in worker.tasks.values():
        task.cancel()
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    worker.tasks.clear()  # arq's close() awaits them again, and a cancelled one would raise
    worker.main_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await worker.close()  # on_shutdown: the warm containers are removed
    log.info(
        "worker stopped on %s: %d judgings in flight, %d handed back, warm containers removed",
        received[0],
        in_flight,
        stop.handed_back,
    )
