"""One small per-process cache with expiry, for what a hub recomputes at most once a second or
so (a contest's row, statistics, snapshots, Contest API reads): a burst of requests shares one
computation. Bounded: a full cache drops its expired entries, or all of them."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, ttl_s: float, max_entries: int = 1000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        """The value, unless absent or expired."""
        hit = self._entries.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        return hit[1]

    def put(self, key: K, value: V, ttl_s: float | None = None) -> V:
        now = time.monotonic()
        if key not in self._entries and len(self._entries) >= self.max_entries:
            expired = [k for k, (expiry, _) in self._entries.items() if expiry <= now]
            for old in expired or list(self._entries):
                del self._entries[old]
        self._entries[key] = (now + (self.ttl_s if ttl_s is None else ttl_s), value)
        return value

    def pop(self, key: K) -> V | None:
        hit = self._entries.pop(key, None)
        return None if hit is None else hit[1]

    def drop_where(self, stale: Callable[[K], bool]) -> None:
        for key in [k for k in self._entries if stale(k)]:
            del self._entries[key]

    def drop_items(self, stale: Callable[[K, V], bool]) -> None:
        for key in [k for k, (_, v) in self._entries.items() if stale(k, v)]:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
