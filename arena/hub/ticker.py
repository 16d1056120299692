"""Coalesced leaderboard deltas and final results, computed by one hub at a time.

Every hub runs this loop, but only the holder of a short Redis lease ticks: deltas are sequenced
once per contest, not once per hub. A hub that dies loses the lease within ``_LEASE_MS`` and
another takes over; a changed row waits in the dirty set meanwhile, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from arena.hub import views
from arena.hub.http import ApiError
from arena.hub.state import HubState
from arena.protocol import ContestChanged, LeaderboardDelta
from arena.protocol.vocabulary import Audience, Board, audience_of
from arena.storage import events, keys, ranking_cache, results

log = logging.getLogger(__name__)
_LEASE_MS = 2000
_FINALIZE_EVERY_S = 2.0
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


async def _lead(state: HubState, me: str) -> bool:
    held = await state.redis.eval(_RENEW, 1, keys.TICKER_LEASE, me, _LEASE_MS)
    return bool(held)


async def _release(state: HubState, me: str) -> None:
    """A stopping hub lets go at once: the next hub to try (within a tick) takes the lease."""
    try:
        await state.redis.eval(_RELEASE, 1, keys.TICKER_LEASE, me)
    except Exception as exc:  # the lease then simply expires
        log.warning("could not release the ticker lease: %s", exc)


async def tick_contest(state: HubState, contest_id: int) -> int:
    """Publish one delta per board with the rows changed since the last tick."""
    users = await ranking_cache.take_dirty(state.redis, contest_id)
    if not users:
        return 0
    try:
        await _publish_rows(state, contest_id, users)
    except ApiError:
        raise  # the contest is gone: nothing to put back
    except Exception:
        # Put the rows back for the next tick (or the next leader): a delta is never lost.
        await state.redis.sadd(keys.ranking_dirty(contest_id), *[str(u) for u in users])
        await state.redis.sadd(keys.DIRTY_CONTESTS, str(contest_id))
        raise
    return len(users)


async def _publish_rows(state: HubState, contest_id: int, users: list[int]) -> None:
    info = await views.contest(state, contest_id)
    frozen = info.clock.frozen(views.now())
    for board in ranking_cache.BOARDS:
        ranked = await ranking_cache.read_rows(state.redis, contest_id, board, users)
        first = await ranking_cache.first_solvers(state.redis, contest_id, board)
        info = await views.contest_for_rows(state, info, ranked)
        present = {r.user_id for r in ranked}
        rated = await views.ratings_of(state, present)
        delta = LeaderboardDelta(
            board=board,
            frozen=frozen and board == Board.PUBLIC,
            total=int(await state.redis.zcard(keys.ranking(contest_id, board))),
            rows=[views.board_row(info, r, first, rated) for r in ranked],
            removed=[u for u in users if u not in present],
        )
        audience = audience_of(board)
        await events.publish(state.redis, contest_id, audience, delta)


async def tick(state: HubState) -> None:
    contests = await state.redis.smembers(keys.DIRTY_CONTESTS)
    for raw in contests:
        contest_id = int(raw)
        # Removed before popping its rows: a refresh in between adds the contest back.
        await state.redis.srem(keys.DIRTY_CONTESTS, raw)
        try:
            await tick_contest(state, contest_id)
        except ApiError:  # the contest is gone
            continue


async def finalize_due(state: HubState) -> None:
    async with state.db.acquire() as conn:
        for contest_id in await results.due(conn):
            count = await results.finalize(conn, state.redis, contest_id)
            if count is None:
                continue  # reopened meanwhile (a rejudge, an extension)
            log.info("contest %s: final results for %s contestants", contest_id, count)
            views.forget_contest(contest_id)
            info = await views.contest(state, contest_id, fresh=True)
            view = views.contest_view(info, registered=False, jury=False)
            await events.publish(
                state.redis, contest_id, Audience.PUBLIC, ContestChanged(view, "finalized")
            )


async def run(state: HubState) -> None:
    me = uuid.uuid4().hex
    try:
        await _lead_while_serving(state, me)
    finally:
        await _release(state, me)


async def _lead_while_serving(state: HubState, me: str) -> None:
    last_finalize = 0.0
    while not state.draining:
        started = time.monotonic()
        try:
            if await _lead(state, me):
                await tick(state)
                if started - last_finalize >= _FINALIZE_EVERY_S:
                    last_finalize = started
                    await finalize_due(state)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("leaderboard tick failed; retrying")
        spent = time.monotonic() - started
        await asyncio.sleep(max(0.01, state.settings.leaderboard_tick_s - spent))
