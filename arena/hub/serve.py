"""Serving the hub with uvicorn, and its graceful stop (SIGTERM from docker compose or Kubernetes).

On the first SIGTERM or SIGINT the hub drains: readiness answers 503, every socket is closed with
1012 ("service restart": the browser reconnects at once with ``?since=``, to another hub), the
ticker releases its lease. After ``hub_drain_s`` (the time a balancer needs to stop sending new
clients) it stops listening, gives the HTTP requests in flight ``hub_grace_s`` to finish, runs
the app's shutdown and exits 0. A second SIGINT (Ctrl-C) stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from arena.hub.state import HubState

log = logging.getLogger(__name__)


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette, drain_s: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain_s = drain_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._draining = False

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Replaces uvicorn's, which would also raise the signal again after the shutdown (the
        # process would end killed by SIGTERM instead of exiting 0).
        if self._draining or self._loop is None:
            self.should_exit = True
            # Ctrl-C twice stops at once; a repeated SIGTERM keeps the graceful path.
            self.force_exit = self._draining and sig == signal.SIGINT
            return
        self._draining = True
        # A signal handler runs between any two bytecodes: hand the work to the event loop.
        self._loop.call_soon_threadsafe(self._drain, signal.Signals(sig).name)

    def _drain(self, name: str) -> None:
        state: HubState | None = getattr(self._app.state, "hub", None)
        if state is not None:
            state.draining = True
            sockets = state.fanout.sockets()
            state.fanout.restart_all()
        else:
            sockets = 0
        log.info(
            "hub stopping on %s: not ready, %d sockets told to reconnect, stops listening in %g s",
            name,
            sockets,
            self._drain_s,
        )
        assert self._loop is not None
        self._loop.call_later(self._drain_s, self._stop_listening)

    def _stop_listening(self) -> None:
        self.should_exit = True


def serve(
    app: Starlette,
    config: uvicorn.Config,
    drain_s: float,
    sockets: list[socket.socket] | None = None,
) -> None:
    DrainingServer(config, app, drain_s).run(sockets)
