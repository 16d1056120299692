"""Login and session limits, attacked the way a rival or a scanner would."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hub.api_support import assert_error, unique
from hub_support import PASSWORD, Hub, bearer, new_user, start_hub, stop_process
from redis.asyncio import Redis

from arena.hub.login_limits import address_bucket

ATTEMPTS = 3
ADDRESS_FAILURES = 6
UNKNOWN_TOKENS = 5


@pytest.fixture(scope="module")
def strict_hub(
    hubs: list[Hub], hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """A third hub on the same database and Redis with small limits."""
    env = {
        **hub_env,
        "ARENA_LOGIN_ATTEMPTS": str(ATTEMPTS),
        "ARENA_LOGIN_ADDRESS_FAILURES": str(ADDRESS_FAILURES),
        "ARENA_UNKNOWN_TOKENS_PER_MINUTE": str(UNKNOWN_TOKENS),
    }
    hub = start_hub(env, tmp_path_factory.mktemp("strict-hub") / "hub.log")
    yield hub
    stop_process(hub.process)


def _client_from(hub: Hub, address: str) -> httpx.AsyncClient:
    """A client whose requests come from ``address`` (any 127/8 address reaches the hub)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=hub.url, transport=transport)


def _login(name: str, password: str = PASSWORD) -> dict[str, str]:
    return {"username": name, "password": password}


def test_ipv6_clients_are_bucketed_by_their_64() -> None:
    assert address_bucket("2001:db8:1:2:aaaa::1") == address_bucket("2001:db8:1:2:ffff::9")
    assert address_bucket("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_bucket("2001:db8:1:3::1") != address_bucket("2001:db8:1:2::1")
    assert address_bucket("::ffff:10.1.2.3") == "10.1.2.3"
    assert address_bucket("10.1.2.3") == "10.1.2.3"
    assert address_bucket("not an address") == "unknown"


async def test_a_rival_cannot_lock_a_contestant_out(
    strict_hub: Hub, hubs: list[Hub], db: Any
) -> None:
    _, name, _ = await new_user(hubs[0], db)
    async with _client_from(strict_hub, "127.0.0.21") as rival:
        for _ in range(ATTEMPTS):
            wrong = await rival.post("/api/auth/login", json=_login(name, "guess"))
            assert_error(wrong, 401, "bad_credentials")
        limited = await rival.post("/api/auth/login", json=_login(name, "guess"))
        assert_error(limited, 429, "rate_limited")
        assert int(limited.headers["retry-after"]) > 0
        # The rival is stopped even with the right password: it is the pair that is limited.
        assert_error(await rival.post("/api/auth/login", json=_login(name)), 429, "rate_limited")
    async with _client_from(strict_hub, "127.0.0.22") as owner:
        fine = await owner.post("/api/auth/login", json=_login(name))
    assert fine.status_code == 200, fine.text


async def test_successful_logins_from_one_address_are_not_limited(
    strict_hub: Hub, hubs: list[Hub], db: Any
) -> None:
    """A lab behind one NAT address: many logins, none failed, none refused."""
    names = [(await new_user(hubs[0], db))[1] for _ in range(3)]
    async with _client_from(strict_hub, "127.0.0.23") as lab:
        for _ in range(2 * ADDRESS_FAILURES):
            for name in names:
                ok = await lab.post("/api/auth/login", json=_login(name))
                assert ok.status_code == 200, ok.text
        # A typo now and then does not add up with the successes.
        for _ in range(ATTEMPTS - 1):
            typo = await lab.post("/api/auth/login", json=_login(names[0], "typo"))
            assert_error(typo, 401, "bad_credentials")
        assert (await lab.post("/api/auth/login", json=_login(names[0]))).status_code == 200


async def test_parallel_guesses_cannot_all_pass_the_check(
    strict_hub: Hub, hubs: list[Hub], db: Any
) -> None:
    _, name, _ = await new_user(hubs[0], db)
    async with _client_from(strict_hub, "127.0.0.24") as attacker:
        answers = await asyncio.gather(
            *(attacker.post("/api/auth/login", json=_login(name, f"g{i}")) for i in range(20))
        )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(401) == ATTEMPTS and codes.count(429) == 20 - ATTEMPTS, codes


async def test_random_usernames_cost_one_key_per_address(
    strict_hub: Hub, hubs: list[Hub], db: Any, hub_redis: Redis
) -> None:
    address = "127.0.0.25"
    async with _client_from(strict_hub, address) as scanner:
        names = ["x" * 3000 + unique(""), unique("nobody"), "bad name!", unique("n")]
        for name in names + [unique("nobody")] * (ADDRESS_FAILURES - len(names)):
            assert_error(
                await scanner.post("/api/auth/login", json=_login(name)), 401, "bad_credentials"
            )
        # The address is spent: checked before anything else, even a right password.
        _, real, _ = await new_user(hubs[0], db)
        blocked = await scanner.post("/api/auth/login", json=_login(real))
        assert_error(blocked, 429, "rate_limited")
    keys = [k.decode() async for k in hub_redis.scan_iter(f"arena:limit:*{address}*")]
    # The address's failure counter, and one fixed-size slot per well-formed name.
    assert len(keys) <= 1 + len(names), keys
    assert all(len(k) < 120 and "xxxx" not in k and "nobody" not in k for k in keys), keys


async def test_random_bearer_tokens_cost_no_cache_entry_and_few_lookups(
    strict_hub: Hub, hub_redis: Redis
) -> None:
    address = "127.0.0.26"
    before = len([k async for k in hub_redis.scan_iter("arena:session:*")])
    async with _client_from(strict_hub, address) as scanner:
        for _ in range(40):
            token = secrets.token_urlsafe(32)
            assert_error(
                await scanner.get("/api/me", headers=bearer(token)), 401, "unauthenticated"
            )
        junk = await scanner.get("/api/me", headers=bearer("x" * 4000))
        assert_error(junk, 401, "unauthenticated")
    after = len([k async for k in hub_redis.scan_iter("arena:session:*")])
    assert after - before < 10  # other tests' real sessions only, not 40 tombstones
    # Each database lookup of an unknown token is counted; past the budget none is made.
    misses = await hub_redis.get(f"arena:limit:token-miss:{address}")
    assert misses is not None and int(misses) == UNKNOWN_TOKENS
