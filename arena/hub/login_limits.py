"""Password guessing limits that cost an attacker more than they cost a contestant.

Only failures count, and they count per (username, address) and per address: a rival who types
someone's name wrongly cannot lock them out (their own address is another key), and a lab behind
one NAT address can log in as often as it likes as long as it types its passwords right. The
address is checked first and the username never becomes a key as typed (only its hash, after it
passed the username rule), so random names cannot fill Redis. IPv6 clients are bucketed by /64:
one host usually owns a whole /64 and would otherwise get 2**64 fresh addresses.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import TYPE_CHECKING

from arena.hub.http import ApiError
from arena.storage import keys

if TYPE_CHECKING:
    from arena.hub.state import HubState


def address_bucket(host: str) -> str:
    """The rate-limit identity of a client address: IPv4 as is, IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "unknown"  # a test client or a Unix socket: one shared bucket
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _user_key(username: str) -> str:
    return hashlib.sha256(username.lower().encode()).hexdigest()[:32]


def _refused(window_s: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"too many failed logins; wait {window_s} s",
        retry_after_s=window_s,
    )


class LoginGuard:
    """One login attempt: ``check`` before verifying the password, then ``failed`` or
    ``succeeded``. The (user, address) slot is taken before the password is checked and given
    back on success, so a thousand parallel guesses cannot all pass the check together."""

    def __init__(self, state: HubState, kind: str, host: str) -> None:
        self.state = state
        self.kind = kind
        self.bucket = address_bucket(host)
        self.window_s = state.settings.login_window_s
        self._user_slot: str | None = None

    def _address_key(self) -> str:
        return keys.limit(f"{self.kind}-fail:addr:{self.bucket}")

    async def check(self, username: str, *, valid_name: bool) -> None:
        settings = self.state.settings
        redis = self.state.redis
        failures = await redis.get(self._address_key())
        if failures is not None and int(failures) >= settings.login_address_failures:
            raise _refused(self.window_s)
        if not valid_name:
            return  # no such account can exist: nothing to key on but the address
        slot = keys.limit(f"{self.kind}-fail:user:{_user_key(username)}:{self.bucket}")
        if await self._count(slot) > settings.login_attempts:
            raise _refused(self.window_s)
        self._user_slot = slot

    async def _count(self, key: str) -> int:
        async with self.state.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_s, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def failed(self) -> None:
        await self._count(self._address_key())

    async def succeeded(self) -> None:
        if self._user_slot is not None and await self.state.redis.decr(self._user_slot) <= 0:
            # Expired meanwhile: DECR made a key without expiry; drop it.
            await self.state.redis.delete(self._user_slot)
