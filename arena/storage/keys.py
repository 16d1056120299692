"""Every Redis key and channel Arena uses, built in one place (``arena:`` prefixed).

Hubs, workers and the CLI share one Redis; a key's format lives only here, and so does the way
back from a channel to its contest.
"""

from __future__ import annotations

_CONTEST_EVENTS_PREFIX = b"arena:contest:"
_CONTEST_EVENTS_SUFFIX = b":events"

# --- a contest's event stream (arena.storage.events) ---------------------------------------


def contest_seq(contest_id: int) -> str:
    return f"arena:contest:{contest_id}:seq"


def contest_history(contest_id: int) -> str:
    return f"arena:contest:{contest_id}:history"


def contest_channel(contest_id: int) -> str:
    return f"arena:contest:{contest_id}:events"


def contest_of_channel(channel: bytes) -> int:
    """The contest whose ``contest_channel`` this is."""
    if not (
        channel.startswith(_CONTEST_EVENTS_PREFIX) and channel.endswith(_CONTEST_EVENTS_SUFFIX)
    ):
        raise ValueError(f"not a contest channel: {channel!r}")
    return int(channel[len(_CONTEST_EVENTS_PREFIX) : -len(_CONTEST_EVENTS_SUFFIX)])


# --- the ranking cache (arena.storage.ranking_cache) ---------------------------------------


def ranking(contest_id: int, board: str = "jury") -> str:
    return f"arena:rank:{contest_id}:{board}"


def ranking_rows(contest_id: int, board: str) -> str:
    return f"arena:rank:{contest_id}:{board}:rows"


def ranking_first(contest_id: int, board: str) -> str:
    return f"arena:rank:{contest_id}:{board}:first"


def ranking_built(contest_id: int) -> str:
    """Present while the sorted sets are complete; gone after Redis lost its data."""
    return f"arena:rank:{contest_id}:built"


def ranking_dirty(contest_id: int) -> str:
    """Contestants whose rows changed since the hubs' last leaderboard tick."""
    return f"arena:rank:{contest_id}:dirty"


DIRTY_CONTESTS = "arena:rank:dirty-contests"
# Account changes (role, sessions): hubs close that account's sockets (storage.account_events).
ACCOUNTS_CHANNEL = "arena:accounts"
# A session ended ("s:<token hash hex>") or a registration changed ("p:<contest>:<user>"): hubs
# drop what they remember of it in-process (arena.hub.local_cache).
LOCAL_CACHE_CHANNEL = "arena:local-cache"
# An admin's problem package upload changed status (queued, ready/failed, published): pushed on
# the admins' sockets (/ws/admin).
PROBLEM_UPLOADS_CHANNEL = "arena:problem-uploads"
TICKER_LEASE = "arena:ticker:lease"

# --- workers' heartbeats (arena.storage.workers) -------------------------------------------

WORKERS = "arena:workers"  # sorted set: worker name -> last heartbeat (Unix seconds)


def worker_status(name: str) -> str:
    """A worker's last status (JSON), expiring when it stops beating."""
    return f"arena:worker:{name}"


# --- the hub's caches and limits -----------------------------------------------------------


def session_cache(token_hash: bytes) -> str:
    """Where hubs cache a session's user (or a "-" tombstone)."""
    return f"arena:session:{token_hash.hex()}"


def limit(name: str) -> str:
    """A fixed-window counter (``arena.hub.auth.allow``) or a login-failure count."""
    return f"arena:limit:{name}"


def ccs_fresh(contest_id: int, audience: str) -> str:
    return f"arena:ccs:{contest_id}:{audience}:fresh"


def ccs_settled(contest_id: int, audience: str) -> str:
    return f"arena:ccs:{contest_id}:{audience}:settled"


# --- the run queue (arena.storage.queue) ----------------------------------------------------


def runs_in_flight(user_id: int) -> str:
    """A user's runs waiting or running: job id -> the time the hub stops waiting (ms)."""
    return f"arena:runs:{user_id}"
