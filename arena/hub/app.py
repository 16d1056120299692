"""The hub application: routes, error handlers, and the per-process resources of its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from redis import exceptions as redis_errors
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from arena.hub import (
    auth,
    lookups,
    metrics,
    openapi,
    routes_accounts,
    routes_after,
    routes_catalogue,
    routes_ccs,
    routes_contests,
    routes_insight,
    routes_org_logo,
    routes_organise,
    routes_plagiarism,
    routes_problem_meta,
    routes_problem_upload,
    routes_problems,
    routes_questions,
    routes_ratings,
    routes_results,
    routes_review,
    routes_status,
    routes_submissions,
    routes_team,
    ticker,
    webapp,
    ws,
)
from arena.hub.endpoints import Endpoint
from arena.hub.fanout import Fanout
from arena.hub.http import ApiError, api_error_handler, json, unavailable_handler
from arena.hub.local_cache import LocalCaches
from arena.hub.middleware import RequestContext
from arena.hub.same_origin import SameOriginWrites
from arena.hub.state import HubState, hub_state
from arena.languages import LanguageTable
from arena.protocol import ErrorBody, json_encoder
from arena.settings import Settings
from arena.storage import health as health_check
from arena.storage import jobs
from arena.storage.blobs import DiskBlobStore


async def _check_backends(state: HubState) -> None:
    """Raises (a 503, through the handlers below) when Redis or Postgres cannot be reached."""
    await state.redis.ping()
    async with state.db.acquire() as conn:
        await health_check.ping(conn)


async def health(request: Request) -> Response:
    state = hub_state(request)
    await _check_backends(state)
    return json({"ok": True, "sockets": state.fanout.sockets(), "hub": state.process_id})


async def ready(request: Request) -> Response:
    """Readiness: may this hub take new clients? Not while stopping, nor without its backends."""
    state = hub_state(request)
    if state.draining:
        return json(ErrorBody("draining", "this hub is stopping"), 503)
    await _check_backends(state)
    return json({"ok": True})


async def live(request: Request) -> Response:
    """Liveness: the process serves requests (its backends are readiness's business: a Redis
    outage must not restart every hub)."""
    return json({"ok": True})


async def _not_found(request: Request, exc: Exception) -> Response:
    return json(ErrorBody("not_found", f"no route {request.url.path}"), 404)


async def _method(request: Request, exc: Exception) -> Response:
    return json(ErrorBody("method_not_allowed", f"{request.method} is not allowed here"), 405)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (a malformed multipart form, say) in the API's error shape."""
    assert isinstance(exc, HTTPException)
    return json(
        ErrorBody("bad_request" if exc.status_code == 400 else "error", exc.detail), exc.status_code
    )


def api_endpoints() -> list[Endpoint]:
    """Every endpoint of Arena's own HTTP API (what /openapi.json describes)."""
    return [
        *routes_accounts.endpoints,
        *routes_problems.endpoints,
        *routes_contests.endpoints,
        *routes_questions.endpoints,
        *routes_submissions.endpoints,
        *routes_insight.endpoints,
        *routes_results.endpoints,
        *routes_ratings.endpoints,
        *routes_review.endpoints,
        *routes_status.endpoints,
        *routes_plagiarism.endpoints,
        *routes_after.endpoints,
        *routes_organise.endpoints,
        *routes_catalogue.endpoints,
        *routes_team.endpoints,
        *routes_problem_upload.endpoints,
        *routes_problem_meta.endpoints,
        *routes_org_logo.endpoints,
    ]


# A backing service that cannot be reached is a 503 the client may retry, not a 500.
_UNAVAILABLE: tuple[type[Exception], ...] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionError,
)


def create_app(settings: Settings) -> Starlette:
    spec = json_encoder.encode(openapi.build_spec(api_endpoints()))

    async def openapi_json(request: Request) -> Response:
        return Response(spec, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = await asyncpg.create_pool(
            settings.database_url, min_size=1, max_size=settings.hub_db_pool_size
        )
        redis = await jobs.connect(settings.redis_url)
        local = LocalCaches(settings.hub_local_cache_s)
        fanout = Fanout(
            redis,
            local,
            buffer_bytes=settings.ws_buffer_bytes,
            send_timeout_s=settings.ws_send_timeout_s,
        )

        state = HubState(
            settings=settings,
            db=db,
            redis=redis,
            hasher=auth.password_hasher(settings),
            languages=LanguageTable.load(settings.sandbox_dir / "languages.toml"),
            blobs=DiskBlobStore(settings.blob_dir),
            fanout=fanout,
            local=local,
            lookups=lookups.build(db, redis),
        )
        app.state.hub = state
        fanout.start()
        ticks = asyncio.create_task(ticker.run(state), name="leaderboard-ticker")
        try:
            yield
        finally:
            ticks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticks
            await fanout.close()
            await redis.aclose()
            await db.close()

    routes = [
        Route("/api/health", health, methods=["GET"]),
        Route("/api/ready", ready, methods=["GET"]),
        Route("/api/live", live, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/metrics", metrics.metrics, methods=["GET"]),
        *routes_accounts.routes,
        *routes_problems.routes,
        *routes_contests.routes,
        *routes_questions.routes,
        *routes_submissions.routes,
        *routes_insight.routes,
        *routes_results.routes,
        *routes_ratings.routes,
        *routes_review.routes,
        *routes_status.routes,
        *routes_plagiarism.routes,
        *routes_after.routes,
        *routes_organise.routes,
        *routes_catalogue.routes,
        *routes_team.routes,
        *routes_problem_upload.routes,
        *routes_problem_meta.routes,
        *routes_org_logo.routes,
        *routes_ccs.routes,  # the ICPC Contest API (/api/v4): its own spec, not in openapi.json
        WebSocketRoute("/ws/contests/{contest_id}", ws.contestant),
        WebSocketRoute("/ws/contests/{contest_id}/spectate", ws.spectator),
        WebSocketRoute("/ws/admin", ws.moderator),
        *webapp.routes(settings.web_dir),  # last: its catch-all serves the app's client routes
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestContext, access_log=settings.hub_access_log),
            Middleware(SameOriginWrites),
        ],
        exception_handlers={
            ApiError: api_error_handler,
            404: _not_found,
            405: _method,
            HTTPException: _http_error,
            **{kind: unavailable_handler for kind in _UNAVAILABLE},
        },
    )
