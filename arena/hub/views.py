"""Read models shared by the HTTP routes and the sockets: contests, boards, snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import msgspec

from arena.contest import ContestInfo
from arena.contest_time import Phase
from arena.hub import moderators
from arena.hub.http import ApiError, not_found
from arena.hub.http_cache import SharedBuild
from arena.hub.participants import contestant, is_registered, participation_of
from arena.hub.state import HubState
from arena.hub.ttl_cache import TtlCache
from arena.protocol import (
    Announcement,
    BoardCell,
    BoardRow,
    Clarification,
    ContestProblemView,
    ContestView,
    Leaderboard,
    Snapshot,
    UserInfo,
    json_encoder,
)
from arena.protocol.vocabulary import Board
from arena.storage import (
    board_filters,
    contest_edit,
    events,
    keys,
    participation,
    ranking_cache,
    ratings,
)
from arena.storage.contest_state import load_contest

_contests: TtlCache[int, ContestInfo] = TtlCache(ttl_s=1.0)


def now() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def contest(state: HubState, contest_id: int, *, fresh: bool = False) -> ContestInfo:
    """The contest, cached for a second per hub process (a start burst reads it 15k times)."""
    hit = _contests.get(contest_id)
    if hit is not None and not fresh:
        return hit
    async with state.db.acquire() as conn:
        info = await load_contest(conn, contest_id)
    if info is None:
        raise not_found(f"contest {contest_id}")
    return _contests.put(contest_id, info)


def forget_contest(contest_id: int) -> None:
    _contests.pop(contest_id)


def can_see(info: ContestInfo, user: UserInfo | None) -> bool:
    return info.public or (user is not None and user.role in ("moderator", "admin"))


def contest_view(
    info: ContestInfo, *, registered: bool, jury: bool, personal_extra_s: int = 0
) -> ContestView:
    """The contest as the caller meets it: a contestant with time of their own past the end
    sees it running until their own end."""
    at = now()
    mine = personal_extra_s if registered else 0
    phase = info.clock.phase_for(at, mine)
    shown = jury or phase != Phase.UPCOMING
    return ContestView(
        id=info.id,
        name=info.name,
        start=iso(info.clock.start) or "",
        end=iso(info.clock.end) or "",
        phase=phase.value,
        scoring=info.scoring,
        frozen=info.clock.frozen(at),
        freeze_time=iso(info.clock.freeze_time()),
        registration_open=info.registration_open and phase != Phase.ENDED,
        registered=registered,
        public=info.public,
        problems=[
            ContestProblemView(p.label, p.slug, p.title, p.points, p.color)
            for p in info.problems
            if shown
        ],
        my_end=iso(info.clock.end_for(personal_extra_s))
        if registered and personal_extra_s
        else None,
        my_extra_s=mine,
    )


# Ratings change only when a rated contest is finalized: a board may show one a few seconds late.
_ratings: TtlCache[int, tuple[int | None]] = TtlCache(ttl_s=15.0, max_entries=200_000)


async def ratings_of(state: HubState, user_ids: Iterable[int]) -> dict[int, int]:
    """Current ratings of these users (the never rated left out), cached per hub process."""
    found: dict[int, int] = {}
    missing: list[int] = []
    for user_id in user_ids:
        hit = _ratings.get(user_id)
        if hit is None:
            missing.append(user_id)
        elif hit[0] is not None:
            found[user_id] = hit[0]
    if not missing:
        return found
    if len(missing) == 1:  # a socket's own row: the sockets opening together share a query
        rating = await state.lookups.ratings.get(missing[0])
        fresh = {} if rating is None else {missing[0]: rating}
    else:
        async with state.db.acquire() as conn:
            fresh = await ratings.current(conn, missing)
    for user_id in missing:
        _ratings.put(user_id, (fresh.get(user_id),))
    found.update(fresh)
    return found


def board_row(
    info: ContestInfo,
    ranked: ranking_cache.RankedRow,
    first: dict[int, int],
    rated: Mapping[int, int] | None = None,
) -> BoardRow:
    cells: dict[str, BoardCell] = {}
    for problem in info.problems:
        cell = ranked.row.cells.get(problem.problem_id)
        if cell is None:
            continue
        cells[problem.label] = BoardCell(
            attempts=cell.attempts,
            pending=cell.pending,
            solved=cell.solved,
            minute=cell.minute,
            score=cell.score,
            first=cell.solved and first.get(problem.problem_id) == ranked.user_id,
        )
    return BoardRow(
        user_id=ranked.user_id,
        username=ranked.username,
        rank=ranked.rank,
        solved=ranked.row.solved,
        penalty=ranked.row.penalty,
        score=ranked.row.score,
        key=ranked.key,
        cells=cells,
        rating=None if rated is None else rated.get(ranked.user_id),
    )


async def contest_for_rows(
    state: HubState, info: ContestInfo, rows: list[ranking_cache.RankedRow]
) -> ContestInfo:
    """The contest as fresh as the rows: a cached copy may predate a change of its problems."""
    known = {p.problem_id for p in info.problems}
    if all(problem in known for r in rows for problem in r.row.cells):
        return info
    return await contest(state, info.id, fresh=True)


async def board_for(state: HubState, contest_id: int, user: UserInfo | None) -> Board:
    """The jury board for whoever moderates the contest (``arena.storage.moderators``)."""
    return Board.JURY if await moderators.moderates(state, contest_id, user) else Board.PUBLIC


async def ensure_board(state: HubState, contest_id: int) -> None:
    """A cache Redis lost (or never had) is rebuilt from Postgres before it is read."""
    if not await state.redis.exists(keys.ranking_built(contest_id)):
        async with state.db.acquire() as conn:
            await ranking_cache.rebuild(conn, state.redis, contest_id)


async def leaderboard(
    state: HubState,
    info: ContestInfo,
    user: UserInfo | None,
    page: int,
    board: Board,
    *,
    organization: str | None = None,
    group: str | None = None,
) -> Leaderboard:
    await ensure_board(state, info.id)
    seq = await events.current_seq(state.redis, info.id)
    size = state.settings.page_size
    if organization is None and group is None:
        ranked, total = await ranking_cache.read_page(
            state.redis, info.id, board, (page - 1) * size, size
        )
    else:
        # A filtered board keeps each team's rank on the whole board (as DOMjudge's does).
        async with state.db.acquire() as conn:
            chosen = await board_filters.teams_in(
                conn, info.id, organization=organization, group=group
            )
        rows = await ranking_cache.read_rows(state.redis, info.id, board, chosen)
        rows.sort(key=lambda r: (r.rank, r.username, r.user_id))
        total = len(rows)
        ranked = rows[(page - 1) * size : page * size]
    first = await ranking_cache.first_solvers(state.redis, info.id, board)
    mine = []
    if user is not None:
        acting = await contestant(state, info.id, user)  # a team member's row is the team's
        mine = await ranking_cache.read_rows(state.redis, info.id, board, [acting.id])
    info = await contest_for_rows(state, info, ranked + mine)
    rated = await ratings_of(state, [r.user_id for r in ranked + mine])
    me = board_row(info, mine[0], first, rated) if mine else None
    return Leaderboard(
        contest_id=info.id,
        board=board,
        frozen=board == Board.PUBLIC and info.clock.frozen(now()),
        seq=seq,
        page=page,
        page_size=size,
        total=total,
        rows=[board_row(info, r, first, rated) for r in ranked],
        me=me,
        organization=organization,
        group=group,
    )


async def announcements(state: HubState, contest_id: int) -> list[Announcement]:
    async with state.db.acquire() as conn:
        rows = await participation.announcements(conn, contest_id)
    return [announcement(r) for r in rows]


def announcement(row: participation.AnnouncementRow) -> Announcement:
    return Announcement(row.id, row.body, iso(row.created_at) or "")


def clarification(row: participation.ClarificationRow) -> Clarification:
    return Clarification(
        id=row.id,
        problem=row.label,
        question=row.question,
        answer=row.answer,
        public=row.public,
        asked_at=iso(row.asked_at) or "",
        answered_at=iso(row.answered_at),
    )


async def snapshot(state: HubState, info: ContestInfo, user: UserInfo | None) -> Snapshot:
    # The seq is read before the state: events after it may already show, and are re-sent
    # (full rows and idempotent updates), but none before it can be missing.
    seq = await events.current_seq(state.redis, info.id)
    board_of = await board_for(state, info.id, user)
    jury = board_of == Board.JURY
    extra = await participation_of(state, info.id, user)
    board = await leaderboard(state, info, user, 1, board_of)
    return Snapshot(
        seq=seq,
        contest=contest_view(
            info, registered=extra is not None, jury=jury, personal_extra_s=extra or 0
        ),
        leaderboard=board,
        announcements=await announcements(state, info.id),
    )


class SnapshotText(msgspec.Struct, frozen=True):
    seq: int
    text: str


# Anonymous snapshots of a contest at a given seq are identical: spectators connecting (or
# resyncing) together share one, instead of each reading Redis and Postgres. Some changes come
# without an event (the clock reaching the freeze): one is kept a second at most.
_shared_snapshots: TtlCache[int, SnapshotText] = TtlCache(ttl_s=1.0)


class _SharedSnapshot(msgspec.Struct, frozen=True):
    """A snapshot encoded once without its ``me`` row, cut where each socket's row goes."""

    seq: int
    head: str  # up to and including '"me":'
    tail: str  # from what follows the leaderboard's ``me``
    info: ContestInfo
    first: dict[int, int]


# Only the leaderboard has a field named "me" (inside JSON strings quotes are escaped), so the
# hole occurs once, whatever fields follow it.
_ME_HOLE = ',"me":null'
# Contestant and moderator snapshots of one contest, board and seq share everything but the own
# row: the start of a contest opens thousands of sockets within seconds, each would otherwise
# read the board page and the announcements and encode them again.
_user_snapshots: SharedBuild[tuple[int, Board, bool, int, int], _SharedSnapshot] = SharedBuild(
    ttl_s=1.0, max_entries=256
)


async def _shared_for_users(
    state: HubState, info: ContestInfo, board: Board, registered: bool, seq: int, personal: int
) -> _SharedSnapshot:
    async def build() -> _SharedSnapshot:
        board_page = await leaderboard(state, info, None, 1, board)
        snap = Snapshot(
            seq=seq,
            contest=contest_view(
                info, registered=registered, jury=board == Board.JURY, personal_extra_s=personal
            ),
            leaderboard=board_page,
            announcements=await announcements(state, info.id),
        )
        text = json_encoder.encode(snap).decode()
        at = text.index(_ME_HOLE)
        first = await ranking_cache.first_solvers(state.redis, info.id, board)
        return _SharedSnapshot(
            seq, text[: at + len(',"me":')], text[at + len(',"me":null') :], info, first
        )

    # A contestant with time of their own sees their own end: part of the key.
    return await _user_snapshots.get((info.id, board, registered, seq, personal), build)


async def snapshot_text(state: HubState, info: ContestInfo, user: UserInfo | None) -> SnapshotText:
    if user is not None:
        board = await board_for(state, info.id, user)
        # Contestant sockets open only for registered contestants (ws.py checks it first).
        registered = board == Board.PUBLIC or await is_registered(state, info.id, user)
        personal = 0
        if board == Board.PUBLIC:
            personal = await participation_of(state, info.id, user) or 0
        # The seq is read before the state: later events may already show (and are re-sent:
        # full rows, idempotent), but none before it can be missing.
        # Both reads are shared with the sockets opening at the same moment (one round trip).
        raw_seq = await state.lookups.redis_reads.get(keys.contest_seq(info.id))
        seq = 0 if raw_seq is None else int(raw_seq)
        shared = await _shared_for_users(state, info, board, registered, seq, personal)
        acting = await contestant(state, info.id, user)  # a team member's row is the team's
        row = await state.lookups.own_rows.get((info.id, board, acting.id))
        mine = [] if row is None else [row]
        me = None
        if mine:
            rows_info = await contest_for_rows(state, shared.info, mine)
            rated = await ratings_of(state, [acting.id])
            me = board_row(rows_info, mine[0], shared.first, rated)
        own = json_encoder.encode(me).decode()
        return SnapshotText(shared.seq, shared.head + own + shared.tail)
    seq = await events.current_seq(state.redis, info.id)
    cached = _shared_snapshots.get(info.id)
    if cached is not None and cached.seq == seq:
        return cached
    snap = await snapshot(state, info, None)
    made = SnapshotText(snap.seq, json_encoder.encode(snap).decode())
    # Never replace a newer snapshot with an older one built concurrently.
    current = _shared_snapshots.get(info.id)
    if current is None or current.seq <= made.seq:
        _shared_snapshots.put(info.id, made)
    return made


async def visible(state: HubState, info: ContestInfo, user: UserInfo | None) -> bool:
    """A public contest to anyone; a private or invite-only one to its registered teams'
    members and its moderators (and the global jury) only."""
    if can_see(info, user):
        return True
    if user is None:
        return False
    async with state.db.acquire() as conn:
        return await contest_edit.is_insider(conn, info.id, user.id)


async def require_visible(state: HubState, info: ContestInfo, user: UserInfo | None) -> None:
    """Not found, as for a contest that does not exist: a private contest's existence is private."""
    if not await visible(state, info, user):
        raise ApiError(404, "not_found", f"contest {info.id} does not exist")
