"""The hub's /openapi.json, and schemathesis against a real hub process: anonymous, contestant
and moderator calls, with generated ids and with ids that exist, find no 5xx and no answer that
breaks the document."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
import schemathesis
from hub_support import PASSWORD, Hub, bearer, new_contest, new_user, start_hub, stop_process
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from redis import Redis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support import REDIS_PORT, redis_url

from arena.hub.app import api_endpoints

# Its own Redis database: nothing here consumes the jobs the fuzzer's submissions enqueue.
FUZZ_REDIS_DB = int(os.environ.get("ARENA_TEST_FUZZ_REDIS_DB", "11"))
FUZZ_EXAMPLES = int(os.environ.get("ARENA_TEST_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class World(msgspec.Struct):
    hub: Hub
    tokens: dict[str, str]  # role -> bearer token
    usernames: dict[str, str]
    ids: dict[str, str]  # path parameter -> a value that exists


@pytest.fixture(scope="session")
def fuzz_hub(hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    env = dict(hub_env)
    env.update(
        ARENA_REDIS_URL=redis_url(FUZZ_REDIS_DB),
        ARENA_LOGIN_ATTEMPTS="1000000",
        ARENA_SUBMISSIONS_PER_WINDOW="1000000",
        ARENA_RUN_TIMEOUT_S="2",
        ARENA_LOG_FORMAT="json",
    )
    Redis(port=REDIS_PORT, db=FUZZ_REDIS_DB).flushdb()
    hub = start_hub(env, tmp_path_factory.mktemp("fuzz") / "hub.log")
    yield hub
    stop_process(hub.process)


@pytest.fixture(scope="session")
async def world(fuzz_hub: Hub, database_url: str, hub_problem: tuple[int, str]) -> World:
    problem_id, slug = hub_problem
    db = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        uid, contestant, token = await new_user(fuzz_hub, db)
        _, moderator, mod_token = await new_user(fuzz_hub, db, "moderator")
        contest_id = await new_contest(db, problem_id)
    finally:
        await db.close()
    async with httpx.AsyncClient(base_url=fuzz_hub.url, headers=bearer(token)) as client:
        joined = await client.post(f"/api/contests/{contest_id}/register")
        assert joined.status_code == 201, joined.text
        made = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": "print(3)\n"},
        )
        assert made.status_code == 202, made.text
    return World(
        hub=fuzz_hub,
        tokens={"contestant": token, "moderator": mod_token},
        usernames={"contestant": contestant, "moderator": moderator},
        ids={
            "contest_id": str(contest_id),
            "user_id": str(uid),
            "submission_id": str(made.json()["id"]),
            "slug": slug,
            "label": "A",
        },
    )


def test_openapi_document_covers_every_endpoint(fuzz_hub: Hub) -> None:
    spec = httpx.get(fuzz_hub.url + "/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    served = {(e.method.lower(), e.path) for e in api_endpoints()}
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert documented == served
    assert ("post", "/api/auth/login") in documented
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, method)
    error = spec["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["error", "message"]


def _login(world: World, role: str) -> str:
    answer = httpx.post(
        world.hub.url + "/api/auth/login",
        json={"username": world.usernames[role], "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["token"]
    return token


def _call(case: Any, world: World, role: str) -> None:
    headers: dict[str, str] = {}
    if role != "anonymous":
        # A logout ends the session it is sent with: it gets one of its own.
        logout = case.path == "/api/auth/logout"
        headers = bearer(_login(world, role) if logout else world.tokens[role])
    case.call_and_validate(headers=headers, checks=CHECKS)


def _exercise(case: Any, world: World) -> None:
    for role in ("anonymous", "contestant", "moderator"):
        _call(case, world, role)
        if case.path_parameters:
            # Generated ids rarely exist: the same request again on ones that do.
            real = {k: world.ids.get(k, v) for k, v in case.path_parameters.items()}
            if real != case.path_parameters:
                original = case.path_parameters
                case.path_parameters = real
                try:
                    _call(case, world, role)
                finally:
                    case.path_parameters = original


def test_api_conforms_to_its_document(world: World) -> None:
    schema = schemathesis.openapi.from_url(world.hub.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(api_endpoints())
    for operation in operations:
        # The runs need a judging worker with sandboxes (tests/hub/test_contest_flow.py covers
        # them); without one they answer 503 after the run timeout, by design.
        if operation.path.endswith("/run"):
            continue
        strategy = st.one_of(operation.as_strategy(mode) for mode in GenerationMode)

        @given(case=strategy)
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.generate],
        )
        def exercise(case: Any) -> None:
            _exercise(case, world)

        try:
            exercise()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc


# What the fuzzer found, or might find only rarely: each once answered 500.
PROBES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/contests/18446744073709551617", {}),
    ("GET", "/api/submissions/99999999999999999999", {}),
    ("POST", "/api/auth/login", {"json": {"username": "a\u0000b", "password": "x"}}),
    ("POST", "/api/auth/register", {"json": {"username": "ab\n", "password": "p" * 10}}),
    (
        "POST",
        "/api/auth/register",
        {"json": {"username": "nulmail", "password": "p" * 10, "email": "a\u0000@b"}},
    ),
    ("GET", "/api/problems", {"params": {"tag": "a\u0000"}}),
    ("GET", "/api/problems/a%00b", {}),
    ("POST", "/api/problems/a%00b/like", {}),
    ("POST", "/api/contests/{contest_id}/clarifications", {"json": {"question": "why\u0000"}}),
    (
        "POST",
        "/api/contests/{contest_id}/register",
        {"json": {"team_name": "t", "groups": ["ok", "b\u0000"]}},
    ),
]


@pytest.mark.parametrize(("method", "path", "extra"), PROBES)
def test_known_bad_inputs_are_client_errors(
    world: World, method: str, path: str, extra: dict[str, Any]
) -> None:
    url = world.hub.url + path.format(**world.ids)
    answer = httpx.request(method, url, headers=bearer(world.tokens["contestant"]), **extra)
    assert 400 <= answer.status_code < 500, answer.text
    assert set(answer.json()) >= {"error", "message"}
