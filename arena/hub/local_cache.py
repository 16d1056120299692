"""What one hub process remembers between requests without asking Redis or Postgres: who a
session token is, and how a user takes part in a contest.

The contest-start spike sends every contestant's session through the same process about eight
times within seconds (contest page, statements, socket); each would otherwise cost a Redis read
(the session) and up to three Postgres queries (registration, own time, team).

The security boundary: a cached session or participation is dropped as soon as this process
hears of the change on Redis pub/sub (``arena.storage.account_events``): a logout or ended
session (``s:`` messages), a registration, disqualification or own time (``p:`` messages), and
every role or account change (``keys.ACCOUNTS_CHANNEL``). Whatever this process does not hear
(a lost subscription drops everything; a change with no message, such as a team's members
changing) shows within ``ttl_s`` (``ARENA_HUB_LOCAL_CACHE_S``, 10 s by default): a logged-out or
disabled session stops working on every hub within that bound even if every message is lost.

A lookup that started before an invalidation never stores its (possibly stale) answer: each
invalidation bumps a generation, and a fill made under an older generation is not kept.

Invalidation goes through indexes (a user's sessions, the users acting as a registration, the
contests a user is known in), not a scan: a registration burst sends a message per registration
to every hub, each of which would otherwise scan up to MAX_ENTRIES entries. An index may name
entries that have expired since (harmless); when the indexes outgrow the caches, both are
emptied together, so no cached entry is ever missing from its index.
"""

from __future__ import annotations

import msgspec

from arena.hub.ttl_cache import TtlCache
from arena.protocol import UserInfo

MAX_ENTRIES = 100_000


class Participation(msgspec.Struct, frozen=True):
    """A user's part in a contest: the registration they act as (theirs or their team's), and
    its own time past the end when taking part (None: not registered, or disqualified)."""

    acting_id: int
    extra_s: int | None

    @property
    def registered(self) -> bool:
        return self.extra_s is not None


class LocalCaches:
    def __init__(self, ttl_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self._sessions: TtlCache[bytes, UserInfo] = TtlCache(ttl_s, max_entries)
        self._participations: TtlCache[tuple[int, int], Participation] = TtlCache(
            ttl_s, max_entries
        )
        self.generation = 0
        self._max_entries = max_entries
        self._user_sessions: dict[int, set[bytes]] = {}
        self._acting_users: dict[tuple[int, int], set[int]] = {}  # (contest, acting) -> users
        self._user_contests: dict[int, set[int]] = {}
        self._indexed = 0

    # --- lookups: the generation is read before the slow lookup starts ------------------------

    def session(self, token_hash: bytes) -> UserInfo | None:
        return self._sessions.get(token_hash) if self.ttl_s > 0 else None

    def keep_session(self, token_hash: bytes, user: UserInfo, generation: int) -> None:
        if self.ttl_s > 0 and generation == self.generation:
            self._grow_index()
            self._sessions.put(token_hash, user)
            self._user_sessions.setdefault(user.id, set()).add(token_hash)

    def participation(self, contest_id: int, user_id: int) -> Participation | None:
        return self._participations.get((contest_id, user_id)) if self.ttl_s > 0 else None

    def keep_participation(
        self, contest_id: int, user_id: int, found: Participation, generation: int
    ) -> None:
        if self.ttl_s > 0 and generation == self.generation:
            self._grow_index()
            self._participations.put((contest_id, user_id), found)
            self._acting_users.setdefault((contest_id, found.acting_id), set()).add(user_id)
            self._user_contests.setdefault(user_id, set()).add(contest_id)

    def _grow_index(self) -> None:
        self._indexed += 1
        if self._indexed > 2 * self._max_entries:
            self._clear()

    # --- invalidation ------------------------------------------------------------------------

    def forget_session(self, token_hash: bytes) -> None:
        self.generation += 1
        self._sessions.pop(token_hash)

    def forget_user(self, user_id: int) -> None:
        """The account changed (role, disabled, sessions ended): all it is known by here."""
        self.generation += 1
        for token_hash in self._user_sessions.pop(user_id, ()):
            self._sessions.pop(token_hash)
        for contest_id in self._user_contests.pop(user_id, ()):
            self._participations.pop((contest_id, user_id))

    def forget_participation(self, contest_id: int, user_id: int) -> None:
        """A registration changed: its user's entry, and its team members' (who act as it)."""
        self.generation += 1
        self._participations.pop((contest_id, user_id))
        for member in self._acting_users.pop((contest_id, user_id), ()):
            self._participations.pop((contest_id, member))

    def forget_all(self) -> None:
        """The change messages may have been missed (the subscription was lost)."""
        self.generation += 1
        self._clear()

    def _clear(self) -> None:
        self._sessions.clear()
        self._participations.clear()
        self._user_sessions.clear()
        self._acting_users.clear()
        self._user_contests.clear()
        self._indexed = 0

    def apply(self, message: bytes) -> None:
        """A message of ``keys.LOCAL_CACHE_CHANNEL``; a malformed one raises ValueError."""
        kind, _, rest = message.partition(b":")
        if kind == b"s":
            self.forget_session(bytes.fromhex(rest.decode()))
        elif kind == b"p":
            contest, _, user = rest.partition(b":")
            self.forget_participation(int(contest), int(user))
        else:
            raise ValueError(f"unknown cache message {message[:40]!r}")
