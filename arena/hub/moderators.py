"""The hub's side of who moderates a contest (the rule: ``arena.storage.moderators``).

Global moderators and admins are answered from the role alone, without a query; anyone else
costs a lookup of ``contest_moderators``, batched with the other requests of the moment (a
contest page at the start asks it for every contestant) and never cached: removing a
per-contest moderator takes effect on their next request or command.
"""

from __future__ import annotations

from arena.hub.http import ApiError
from arena.hub.state import HubState
from arena.protocol import UserInfo
from arena.storage import moderators
from arena.storage.moderators import GLOBAL_ROLES


async def moderates(state: HubState, contest_id: int, user: UserInfo | None) -> bool:
    if user is None:
        return False
    if user.role in GLOBAL_ROLES:
        return True
    return bool(await state.lookups.listed_moderators.get((contest_id, user.id)))


async def moderates_any(state: HubState, user: UserInfo | None) -> bool:
    if user is None:
        return False
    if user.role in GLOBAL_ROLES:
        return True
    async with state.db.acquire() as conn:
        return await moderators.moderates_any(conn, user.id, user.role)


async def require(state: HubState, contest_id: int, user: UserInfo, what: str) -> None:
    """A 403 for a user who does not moderate the contest (``what``: what they asked for)."""
    if not await moderates(state, contest_id, user):
        raise ApiError(403, "forbidden", f"{what} for admins and this contest's moderators")
