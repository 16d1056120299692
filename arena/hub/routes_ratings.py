"""Ratings on profiles: the caller's and anyone's public profile (docs/rating.md)."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from arena.hub import auth
from arena.hub.auth import is_moderator
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import json, not_found
from arena.hub.state import hub_state
from arena.hub.views import iso, now
from arena.protocol import PastContest, UserInfo
from arena.protocol.hub import PublicProfile, Rating, RatingPoint
from arena.rating import title
from arena.storage import profiles, ratings, users


async def rating_view(conn: asyncpg.Connection, user_id: int) -> Rating | None:
    current = await ratings.user_rating(conn, user_id)
    if current is None:
        return None
    named = title(current.rating)
    return Rating(
        rating=current.rating,
        title=named.name,
        color=named.color,
        total_rank=current.total_rank,
        rated_users=current.rated_users,
        contests=current.contests,
        history=[
            RatingPoint(
                contest_id=p.contest_id,
                contest=p.contest_name,
                at=iso(p.at) or "",
                place=p.place,
                old_rating=p.old_rating,
                new_rating=p.new_rating,
            )
            for p in await ratings.history(conn, user_id)
        ],
    )


async def past_contests(
    conn: asyncpg.Connection, user_id: int, viewer: UserInfo | None
) -> list[PastContest]:
    """Final standings, except while the contest's public board is frozen (until the reveal)."""
    finished = await profiles.finished_contests(conn, user_id)
    at = now()
    return [
        PastContest(f.contest.id, f.contest.name, f.rank, f.solved, f.penalty, f.score)
        for f in finished
        if not f.contest.clock.frozen(at) or (viewer is not None and is_moderator(viewer))
    ]


async def public_profile(request: Request) -> Response:
    state = hub_state(request)
    viewer = await auth.current_user(state, request)
    async with state.db.acquire() as conn:
        found = await users.find_user(conn, request.path_params["username"])
        if found is None or found.disabled:
            raise not_found(f"user {request.path_params['username']!r}")
        return json(
            PublicProfile(
                user_id=found.info.id,
                username=found.info.username,
                contests=await past_contests(conn, found.info.id, viewer),
                rating=await rating_view(conn, found.info.id),
            )
        )


endpoints = [
    Endpoint(
        "GET",
        "/api/users/{username}",
        public_profile,
        "Anyone's profile: rating (history, total_rank, title) and final standings",
        {200: PublicProfile},
        auth="optional",
        tags=("accounts",),
    ),
]
routes = routes_for(endpoints)
