"""Accounts over real HTTP against two hub processes: register, log in and out, the profile."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hub.api_support import AC_SOURCE, assert_error, unique
from hub_support import PASSWORD, Hub, bearer, new_contest, new_user


async def _register(hub: Hub, **body: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.post("/api/auth/register", json=body)


async def test_register_answers_201_with_the_new_contestant(hubs: list[Hub]) -> None:
    name = unique("reg")
    made = await _register(hubs[0], username=name, password=PASSWORD, email=f"{name}@example.org")
    assert made.status_code == 201, made.text
    user = made.json()
    assert user["username"] == name and user["role"] == "contestant"
    assert isinstance(user["id"], int)


async def test_a_taken_username_or_email_is_409(hubs: list[Hub]) -> None:
    name = unique("dup")
    email = f"{name}@example.org"
    assert (await _register(hubs[0], username=name, password=PASSWORD, email=email)).is_success
    again = await _register(hubs[1], username=name, password=PASSWORD)
    assert "username" in assert_error(again, 409, "taken")["message"]
    # Logins match names case-insensitively, so names differing only in case are the same.
    upper = await _register(hubs[0], username=name.upper(), password=PASSWORD)
    assert_error(upper, 409, "taken")
    same_email = await _register(hubs[0], username=unique("dup"), password=PASSWORD, email=email)
    assert "email" in assert_error(same_email, 409, "taken")["message"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"username": "x"}, "bad_username"),
        ({"username": "has space"}, "bad_username"),
        ({"username": "n" * 33}, "bad_username"),
        ({"username": "semi;colon"}, "bad_username"),
        ({"password": "short"}, "bad_password"),
        ({"password": "p" * 257}, "bad_password"),
        ({"email": "no-at-sign"}, "bad_email"),
        ({"email": "two@@example.org"}, "bad_email"),
    ],
)
async def test_bad_registrations_are_422(
    hubs: list[Hub], changes: dict[str, str], error: str
) -> None:
    body = {"username": unique("bad"), "password": PASSWORD, **changes}
    assert_error(await _register(hubs[0], **body), 422, error)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"[]",
        b'{"username": "someone"}',
        b'{"username": 5, "password": "correct horse"}',
        b'{"username": "someone", "password": "correct horse", "role": "admin"}',
    ],
    ids=["malformed", "empty", "array", "missing-field", "wrong-type", "unknown-field"],
)
@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login"])
async def test_malformed_or_unexpected_bodies_are_400(
    hubs: list[Hub], path: str, content: bytes
) -> None:
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        response = await client.post(
            path, content=content, headers={"content-type": "application/json"}
        )
    assert_error(response, 400, "bad_request")


async def test_a_wrong_password_or_unknown_user_is_401(hubs: list[Hub], db: Any) -> None:
    _, name, _ = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        wrong = await client.post(
            "/api/auth/login", json={"username": name, "password": "not the password"}
        )
        unknown = await client.post(
            "/api/auth/login", json={"username": unique("nobody"), "password": PASSWORD}
        )
    assert_error(wrong, 401, "bad_credentials")
    # The same answer for both: a login does not reveal which usernames exist.
    assert assert_error(unknown, 401, "bad_credentials") == wrong.json()
    assert "set-cookie" not in wrong.headers


async def test_the_session_cookie_is_http_only_and_logs_in(hubs: list[Hub], db: Any) -> None:
    user_id, name, _ = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        login = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        cookie = login.headers["set-cookie"]
        assert cookie.startswith(f"arena_session={login.json()['token']};"), cookie
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower(), cookie
        assert login.json()["user"] == {"id": user_id, "username": name, "role": "contestant"}
        me = await client.get("/api/me")  # the client sends the cookie back, no bearer
    assert me.status_code == 200, me.text
    assert me.json()["user"]["id"] == user_id


async def test_a_bearer_token_works_on_every_hub(hubs: list[Hub], db: Any) -> None:
    user_id, name, token = await new_user(hubs[0], db)
    for hub in hubs:
        async with httpx.AsyncClient(base_url=hub.url) as client:
            me = await client.get("/api/me", headers=bearer(token))
        assert me.status_code == 200, me.text
        assert me.json()["user"] == {"id": user_id, "username": name, "role": "contestant"}
        assert me.json()["contests"] == [] and me.json()["submissions"] == []


async def test_logout_ends_the_session_on_every_hub(hubs: list[Hub], db: Any) -> None:
    _, _, token = await new_user(hubs[0], db)
    _, _, other_token = await new_user(hubs[0], db)
    for hub in hubs:  # both hubs have seen (and cached) the session
        async with httpx.AsyncClient(base_url=hub.url) as client:
            assert (await client.get("/api/me", headers=bearer(token))).status_code == 200
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        out = await client.post("/api/auth/logout", headers=bearer(token))
    assert out.status_code == 204, out.text
    assert "arena_session=" in out.headers.get("set-cookie", "")
    for hub in hubs:
        async with httpx.AsyncClient(base_url=hub.url) as client:
            assert_error(await client.get("/api/me", headers=bearer(token)), 401, "unauthenticated")
            # Other sessions live on.
            assert (await client.get("/api/me", headers=bearer(other_token))).status_code == 200


async def test_logout_of_a_cookie_session(hubs: list[Hub], db: Any) -> None:
    _, name, _ = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        login = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        token = login.json()["token"]
        assert (await client.get("/api/me")).status_code == 200
        assert (await client.post("/api/auth/logout")).status_code == 204
        assert_error(await client.get("/api/me"), 401, "unauthenticated")
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        assert_error(await client.get("/api/me", headers=bearer(token)), 401, "unauthenticated")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dTpw"}],
    ids=["none", "unknown-token", "other-scheme"],
)
async def test_me_without_a_session_is_401(hubs: list[Hub], headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        assert_error(await client.get("/api/me", headers=headers), 401, "unauthenticated")
        client.cookies.set("arena_session", "forged")
        assert_error(await client.get("/api/me", headers=headers), 401, "unauthenticated")


async def test_me_shows_recent_submissions(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    problem_id, slug = hub_problem
    user_id, _, token = await new_user(hubs[0], db)
    contest_id = await new_contest(db, problem_id)
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
        assert (await client.post(f"/api/contests/{contest_id}/register")).status_code == 201
        sent = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC_SOURCE},
        )
        assert sent.status_code == 202, sent.text
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        me = await client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    [summary] = me.json()["submissions"]
    assert summary["id"] == sent.json()["id"]
    assert summary["problem"] == slug and summary["contest_id"] == contest_id
    assert summary["language"] == "python3"
    assert summary["status"] in ("queued", "judging", "done")
    assert summary["submitted_at"].endswith("Z")
    assert me.json()["user"]["id"] == user_id
