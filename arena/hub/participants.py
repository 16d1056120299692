"""How a user takes part in a contest (the registration they act as, their own time), as the
hub's pages and sockets read it: remembered in-process for a few seconds
(``arena.hub.local_cache``) and forgotten on every hub when a registration changes."""

from __future__ import annotations

import msgspec

from arena.hub.local_cache import Participation
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.storage import account_events


async def taking_part(
    state: HubState, contest_id: int, user: UserInfo, *, fresh: bool = False
) -> Participation:
    """How the user takes part, remembered in-process for a few seconds (arena.hub.local_cache:
    dropped when a hub registers, disqualifies or gives own time). What decides what a
    contestant may *do* (submit, ask) reads Postgres: ``fresh``."""
    found = None if fresh else state.local.participation(contest_id, user.id)
    if found is None:
        generation = state.local.generation
        row = await state.lookups.taking_part.get((contest_id, user.id))
        acting, extra = (user.id, None) if row is None else row
        found = Participation(acting, extra)
        state.local.keep_participation(contest_id, user.id, found, generation)
    return found


async def is_registered(
    state: HubState, contest_id: int, user: UserInfo | None, *, fresh: bool = False
) -> bool:
    """Registered alone or in a team, and not disqualified."""
    if user is None:
        return False
    return (await taking_part(state, contest_id, user, fresh=fresh)).registered


async def participation_of(
    state: HubState, contest_id: int, user: UserInfo | None, *, fresh: bool = False
) -> int | None:
    """The caller's own time past the end when taking part (registered, not disqualified),
    else None."""
    if user is None:
        return None
    return (await taking_part(state, contest_id, user, fresh=fresh)).extra_s


async def contestant(
    state: HubState, contest_id: int, user: UserInfo, *, fresh: bool = False
) -> UserInfo:
    """The user as the contest knows it: a team member acts as its team's registration."""
    acting = (await taking_part(state, contest_id, user, fresh=fresh)).acting_id
    if acting == user.id:
        return user
    return msgspec.structs.replace(user, id=acting)


async def changed(state: HubState, contest_id: int, *user_ids: int) -> None:
    """These registrations changed (in Postgres, already): this hub forgets them at once, and
    the others when the message arrives."""
    for user_id in set(user_ids):
        state.local.forget_participation(contest_id, user_id)
        await account_events.participation_changed(state.redis, contest_id, user_id)
