"""Caps on long-lived connections per client address (IPv6: per /64), in one hub process.

Sockets and event feeds are held open, not sent: a request rate limit does not bound them. The
count is per process (no Redis round trip per connection); behind a balancer of N hubs an
address can hold at most N times the cap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from arena.hub.login_limits import address_bucket


class PerAddress:
    def __init__(self) -> None:
        self._open: dict[str, int] = {}

    def count(self, host: str) -> int:
        return self._open.get(address_bucket(host), 0)

    def acquire(self, host: str, cap: int) -> bool:
        """Counts one more connection unless the address has ``cap``; ``release`` it once."""
        bucket = address_bucket(host)
        held = self._open.get(bucket, 0)
        if held >= cap:
            return False
        self._open[bucket] = held + 1
        return True

    def release(self, host: str) -> None:
        bucket = address_bucket(host)
        left = self._open[bucket] - 1
        if left:
            self._open[bucket] = left
        else:
            del self._open[bucket]

    @contextlib.contextmanager
    def hold(self, host: str, cap: int) -> Iterator[bool]:
        """Yields whether the connection may stay open; counted while the block runs."""
        if not self.acquire(host, cap):
            yield False
            return
        try:
            yield True
        finally:
            self.release(host)
