"""Redis keys: one module builds them, and reads a contest back from its channel."""

from __future__ import annotations

import pytest

from arena.storage import keys


def test_a_channel_names_its_contest_and_nothing_else_does() -> None:
    assert keys.contest_of_channel(keys.contest_channel(42).encode()) == 42
    for other in (keys.contest_seq(42), keys.ranking(42), b"arena:contest:x:events".decode()):
        with pytest.raises(ValueError):
            keys.contest_of_channel(other.encode())


def test_every_key_is_in_arenas_namespace() -> None:
    built = [
        keys.contest_seq(1),
        keys.contest_history(1),
        keys.ranking_rows(1, "public"),
        keys.ranking_first(1, "jury"),
        keys.ranking_built(1),
        keys.ranking_dirty(1),
        keys.session_cache(b"\x01"),
        keys.limit("x"),
        keys.ccs_fresh(1, "public"),
        keys.ccs_settled(1, "jury"),
        keys.DIRTY_CONTESTS,
        keys.TICKER_LEASE,
        keys.ACCOUNTS_CHANNEL,
        keys.LOCAL_CACHE_CHANNEL,
    ]
    assert all(k.startswith("arena:") for k in built)
    assert len(set(built)) == len(built)
