"""Accounts: register, log in and out, and the profile with past contests and submissions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth, routes_ratings
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, read_body
from arena.hub.login_limits import LoginGuard, address_bucket
from arena.hub.state import hub_state
from arena.hub.views import iso
from arena.protocol import (
    LoginBody,
    LoginResult,
    Profile,
    RegisterBody,
    SubmissionSummary,
    UserInfo,
)
from arena.storage import moderators, profiles, users


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


async def register(request: Request) -> Response:
    state = hub_state(request)
    body = await read_body(request, RegisterBody, max_bytes=4096)
    auth.check_registration(body.username, body.password, body.email)
    per_hour = state.settings.registrations_per_hour
    if not await auth.allow(state, f"register:{address_bucket(_client(request))}", per_hour, 3600):
        raise ApiError(
            429, "rate_limited", "too many registrations from this address", retry_after_s=3600
        )
    hashed = await auth.hash_password(state, body.password)
    async with state.db.acquire() as conn:
        # Logins match usernames case-insensitively: "Bob" and "bob" would be ambiguous.
        # (The unique index is case-sensitive; a lower(username) index would close the race.)
        if await users.find_user(conn, body.username) is not None:
            raise ApiError(409, "taken", "this username is already registered")
        try:
            user = await users.create_user(conn, body.username, hashed, body.email)
        except users.UsernameTaken as exc:
            raise ApiError(409, "taken", str(exc)) from None
    return json(user, 201)


async def login(request: Request) -> Response:
    state = hub_state(request)
    settings = state.settings
    body = await read_body(request, LoginBody, max_bytes=4096)
    guard = LoginGuard(state, "login", _client(request))
    valid_name = auth.valid_username(body.username)
    await guard.check(body.username, valid_name=valid_name)
    record = None
    if valid_name:  # no other name can exist (nor reach Postgres)
        async with state.db.acquire() as conn:
            record = await users.find_user(conn, body.username)
    valid = record is not None and await auth.verify_password(
        state, record.password_hash, body.password
    )
    if record is None or not valid or record.disabled:
        await guard.failed()
        raise ApiError(401, "bad_credentials", "wrong username or password")
    await guard.succeeded()
    token = auth.new_token()
    async with state.db.acquire() as conn:
        await users.create_session(conn, record.info.id, token, settings.session_ttl_s)
        if record.password_hash and state.hasher.check_needs_rehash(record.password_hash):
            hashed = await auth.hash_password(state, body.password)
            await users.set_password_hash(conn, record.info.id, hashed)
    response = json(LoginResult(token=token, user=record.info))
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    state = hub_state(request)
    token = auth.session_token(request)
    if token is not None:
        async with state.db.acquire() as conn:
            await users.delete_session(conn, token)
        await auth.forget_session(state, token)
    response = Response(status_code=204)
    response.delete_cookie(auth.COOKIE)
    return response


async def me(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    async with state.db.acquire() as conn:
        contests = await routes_ratings.past_contests(conn, user.id, user)
        recent = await profiles.recent_submissions(conn, user.id)
        rating = await routes_ratings.rating_view(conn, user.id)
        moderated = await moderators.listed_contests(conn, user.id)
    return json(
        Profile(
            user=user,
            contests=contests,
            rating=rating,
            moderates=moderated,
            submissions=[
                SubmissionSummary(
                    id=r.id,
                    problem=r.slug,
                    contest_id=r.contest_id,
                    language=r.language,
                    status=r.status,
                    verdict=r.verdict,
                    score=r.score,
                    submitted_at=iso(r.submitted_at) or "",
                )
                for r in recent
            ],
        )
    )


endpoints = [
    Endpoint(
        "POST",
        "/api/auth/register",
        register,
        "Create an account",
        {201: UserInfo},
        body=RegisterBody,
        errors=(409, 422, 429),
        tags=("accounts",),
    ),
    Endpoint(
        "POST",
        "/api/auth/login",
        login,
        "Log in: sets the session cookie and returns the same token for bearer use",
        {200: LoginResult},
        body=LoginBody,
        errors=(401, 429),
        tags=("accounts",),
    ),
    Endpoint(
        "POST",
        "/api/auth/logout",
        logout,
        "End the session",
        {204: None},
        auth="optional",
        tags=("accounts",),
    ),
    Endpoint(
        "GET",
        "/api/me",
        me,
        "The caller's profile: past contests, the last 20 submissions, the contests they moderate",
        {200: Profile},
        auth="required",
        tags=("accounts",),
    ),
]
routes = routes_for(endpoints)
