"""The hubs' per-process cache: values expire, and a full cache makes room."""

from __future__ import annotations

from arena.hub.ttl_cache import TtlCache


def test_a_value_is_served_until_it_expires() -> None:
    cache: TtlCache[str, int] = TtlCache(ttl_s=60)
    assert cache.get("a") is None
    cache.put("a", 1)
    assert cache.get("a") == 1
    cache.put("a", 2, ttl_s=0)
    assert cache.get("a") is None


def test_a_full_cache_drops_expired_entries_first_then_everything() -> None:
    cache: TtlCache[int, int] = TtlCache(ttl_s=60, max_entries=3)
    cache.put(1, 1, ttl_s=0)
    cache.put(2, 2)
    cache.put(3, 3)
    cache.put(4, 4)  # room made by dropping the expired entry only
    assert len(cache) == 3 and cache.get(2) == 2 and cache.get(4) == 4
    cache.put(5, 5)  # nothing expired: everything goes
    assert len(cache) == 1 and cache.get(5) == 5


def test_pop_and_drop_where() -> None:
    cache: TtlCache[tuple[int, int], str] = TtlCache(ttl_s=60)
    cache.put((1, 1), "a")
    cache.put((1, 2), "b")
    cache.put((2, 1), "c")
    assert cache.pop((2, 1)) == "c" and cache.pop((2, 1)) is None
    cache.drop_where(lambda key: key[0] == 1 and key[1] < 2)
    assert cache.get((1, 1)) is None and cache.get((1, 2)) == "b"
