"""What the browser's contest pages read besides the board: submission lists, per-problem
statistics (public ones respect the freeze) and, for moderators, the registrations."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import Response

from arena.contest_time import Phase
from arena.hub import auth, moderators, participants, views
from arena.hub.endpoints import Endpoint, Param, routes_for
from arena.hub.http import ApiError, int_param, json, no_nul, path_int
from arena.hub.state import hub_state
from arena.hub.ttl_cache import TtlCache
from arena.protocol import (
    ContestStats,
    ContestSubmission,
    ProblemStats,
    Registration,
    json_encoder,
)
from arena.protocol.vocabulary import Board
from arena.storage import events, insight

LIST_LIMIT = 200
MAX_BUCKETS = 60
PENDING = "pending"


def bucket_seconds(duration_s: int, max_buckets: int = MAX_BUCKETS) -> int:
    """Whole minutes per bucket, so that the contest fits in at most ``max_buckets``."""
    minutes = max(1, math.ceil(duration_s / 60 / max_buckets))
    return minutes * 60


async def submissions(request: Request) -> Response:
    """``?mine=1`` (the default for contestants): the caller's; moderators get everyone's."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    everyone = request.query_params.get("mine") not in ("1", "true")
    everyone = everyone and await moderators.moderates(state, info.id, user)  # the console's list
    limit = int_param(request, "limit", 100, high=LIST_LIMIT)
    acting = await participants.contestant(state, info.id, user)  # a team's members see its own
    async with state.db.acquire() as conn:
        rows = await insight.contest_submissions(
            conn, info.id, user_id=acting.id, everyone=everyone, limit=limit
        )
    return json(
        [
            ContestSubmission(
                id=r.id,
                user_id=r.user_id,
                username=r.username,
                problem=r.label,
                language=r.language,
                status=r.status,
                verdict=r.verdict,
                score=r.score,
                time_ms=r.time_ms,
                submitted_at=views.iso(r.submitted_at) or "",
            )
            for r in rows
        ]
    )


# Per contest, view (jury or not) and event seq: the encoded answer.
_stats_cache: TtlCache[tuple[int, bool, int], bytes] = TtlCache(ttl_s=1.0)


async def stats(request: Request) -> Response:
    """Per problem: submissions over time and the verdict mix. On the public view a submission
    made during the freeze counts, but its verdict stays ``pending`` like its board cell."""
    state = hub_state(request)
    user = await auth.current_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    jury = await moderators.moderates(state, info.id, user)
    at = views.now()
    if info.clock.phase(at) == Phase.UPCOMING and not jury:
        raise ApiError(403, "not_started", "statistics are shown when the contest starts")
    duration_s = int((info.clock.end - info.clock.start).total_seconds())
    bucket_s = bucket_seconds(duration_s)
    buckets = max(1, math.ceil(duration_s / bucket_s))
    cutoff = None if jury else info.clock.public_cutoff()
    # Every open board asks for these after a change: one computation per contest, view and
    # event seq serves them all (and at most one per second while nothing is sequenced).
    seq = await events.current_seq(state.redis, info.id)
    key = (info.id, jury, seq)
    cached = _stats_cache.get(key)
    if cached is not None:
        return Response(cached, media_type="application/json")
    async with state.db.acquire() as conn:
        counts = await insight.verdict_counts(
            conn, info.id, start=info.clock.start, bucket_s=bucket_s, hidden_from=cutoff
        )
    by_problem = {p.problem_id: ProblemStats(p.label, {}, [0] * buckets) for p in info.problems}
    for count in counts:
        found = by_problem.get(count.problem_id)
        if found is None:
            continue
        verdict = count.shown or PENDING
        found.verdicts[verdict] = found.verdicts.get(verdict, 0) + count.n
        found.timeline[min(max(count.bucket, 0), buckets - 1)] += count.n
    body = json_encoder.encode(
        ContestStats(
            contest_id=info.id,
            board=Board.JURY if jury else Board.PUBLIC,
            bucket_s=bucket_s,
            buckets=buckets,
            problems=list(by_problem.values()),
        )
    )
    _stats_cache.drop_where(lambda old: old[:2] == (info.id, jury))
    _stats_cache.put(key, body)
    return Response(body, media_type="application/json")


async def registrations(request: Request) -> Response:
    """Moderators: who is registered (``?q=`` a prefix of a username, a member's or the team's
    name), for disqualify / reinstate and a team's own time."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    # Asked before the contest is loaded: a private contest's existence stays private.
    await moderators.require(state, path_int(request, "contest_id"), user, "the registrations are")
    info = await views.contest(state, path_int(request, "contest_id"))
    prefix = no_nul(request.query_params.get("q") or "", "q")
    async with state.db.acquire() as conn:
        rows = await insight.registrations(conn, info.id, prefix, LIST_LIMIT)
    return json(
        [
            Registration(
                user_id=r.user_id,
                username=r.username,
                registered_at=views.iso(r.registered_at) or "",
                disqualified=r.disqualified,
                extra_s=r.extra_s,
                team=r.team,
                members=r.members,
            )
            for r in rows
        ]
    )


_TAGS = ("contests",)
endpoints = [
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/submissions",
        submissions,
        "A contest's submissions, newest first: the caller's (everyone's for moderators)",
        {200: list[ContestSubmission]},
        auth="required",
        query=(
            Param("mine", str, "1: only the caller's, moderators too"),
            Param("limit", int, "how many", minimum=1, maximum=LIST_LIMIT),
        ),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/stats",
        stats,
        "Per problem: submissions over time and the verdict mix (public: frozen ones pending)",
        {200: ContestStats},
        auth="optional",
        errors=(403,),
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/api/contests/{contest_id}/registrations",
        registrations,
        "Moderators: the registered contestants (q: a username prefix)",
        {200: list[Registration]},
        auth="required",
        query=(Param("q", str, "username prefix"),),
        errors=(403,),
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
