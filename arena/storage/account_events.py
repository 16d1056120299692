"""Account changes reaching every hub at once: the session cache and open sockets.

Hubs cache a session's user in Redis for ``SESSION_CACHE_S`` (``arena.hub.auth``). A role change
writes the new user into every cached slot of the account's sessions rather than deleting them:
a hub that read the old role from Postgres just before the change fills only an empty slot
(``SET NX``), so it cannot put the old role back for the cache's lifetime. Ended sessions get a
``-`` tombstone, which a role change never overwrites. Every change is also published on
``keys.ACCOUNTS_CHANNEL``; hubs close that account's open sockets with "reconnect now", so a socket
opened with the old role (a demoted moderator's jury stream) stops at once and comes back with
what the account may see now. Hubs also keep sessions and registrations in-process for a few
seconds (``arena.hub.local_cache``): every message here makes them drop their copy.
"""

from __future__ import annotations

from typing import Any

import msgspec

from arena.protocol import UserInfo
from arena.storage import keys

SESSION_CACHE_S = 300
TOMBSTONE = b"-"

# Overwrites every slot but a tombstone: a logged-out session stays logged out.
_RECACHE = """
for _, key in ipairs(KEYS) do
    if redis.call('GET', key) ~= ARGV[3] then
        redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    end
end
return #KEYS
"""


async def recache(redis: Any, token_hashes: list[bytes], user: UserInfo) -> None:
    """The account's sessions now carry ``user`` (its new role) on every hub."""
    if token_hashes:
        cached = [keys.session_cache(h) for h in token_hashes]
        encoded = msgspec.json.encode(user)
        await redis.eval(_RECACHE, len(cached), *cached, encoded, SESSION_CACHE_S, TOMBSTONE)


async def end_sessions(redis: Any, token_hashes: list[bytes]) -> None:
    """Sessions deleted from Postgres are logged out on every hub at once: the tombstone first,
    then the message that makes hubs drop their in-process copy (which re-reads the tombstone)."""
    if token_hashes:
        async with redis.pipeline(transaction=False) as pipe:
            for token_hash in token_hashes:
                pipe.set(keys.session_cache(token_hash), TOMBSTONE, ex=SESSION_CACHE_S)
            for token_hash in token_hashes:
                pipe.publish(keys.LOCAL_CACHE_CHANNEL, b"s:" + token_hash.hex().encode())
            await pipe.execute()


async def participation_changed(redis: Any, contest_id: int, user_id: int) -> None:
    """A registration (or its disqualification, or its own time) changed after Postgres did:
    hubs drop what they remember of it, and of the team members acting as it."""
    await redis.publish(keys.LOCAL_CACHE_CHANNEL, f"p:{contest_id}:{user_id}")


async def account_changed(redis: Any, user_id: int) -> None:
    """Tell every hub to close the account's open sockets (they reconnect at once)."""
    await redis.publish(keys.ACCOUNTS_CHANNEL, str(user_id))
