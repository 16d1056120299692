"""The moderators' channel: one handler per command, each acknowledged and audited.

Each command is for one contest, and only that contest's moderators may give it (admins and
global moderators: every contest; a per-contest moderator: the contests listing them), the rule
of ``arena.storage.moderators``.

A table maps each command type to its handler; a handler changes Postgres first (with the audit
row), then refreshes caches and broadcasts, so a crash between the two loses no decision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import msgspec

from arena.hub import moderators, participants, views
from arena.hub.http import ApiError
from arena.hub.state import HubState
from arena.protocol import (
    Ack,
    AdminCommand,
    Announce,
    Announcement,
    AnnouncementMade,
    Answer,
    ClarificationUpdate,
    ContestChanged,
    Disqualify,
    ErrorFrame,
    ExtendContestant,
    ExtendTime,
    Freeze,
    Reinstate,
    RejudgeCommand,
    SetRegistration,
    Unfreeze,
    UserInfo,
    admin_command_decoder,
)
from arena.protocol.vocabulary import Audience, user_audience
from arena.storage import (
    events,
    moderation,
    participation,
    queue,
    ranking_cache,
    submissions,
    teams,
)
from arena.storage import moderators as moderator_rows

Handler = Callable[[HubState, UserInfo, Any], Awaitable[str]]
MAX_TEXT = 10_000


async def _contest_changed(state: HubState, contest_id: int, reason: str) -> None:
    views.forget_contest(contest_id)
    info = await views.contest(state, contest_id, fresh=True)
    view = views.contest_view(info, registered=False, jury=False)
    await events.publish(state.redis, contest_id, Audience.PUBLIC, ContestChanged(view, reason))


async def announce(state: HubState, user: UserInfo, cmd: Announce) -> str:
    body = cmd.body.strip()
    if not body or len(body) > MAX_TEXT:
        raise moderation.ModerationError(f"an announcement has 1 to {MAX_TEXT} characters")
    async with state.db.acquire() as conn:
        row = await moderation.announce(conn, user.id, cmd.contest_id, body)
    made = Announcement(row["id"], row["body"], views.iso(row["created_at"]) or "")
    await events.publish(state.redis, cmd.contest_id, Audience.PUBLIC, AnnouncementMade(made))
    return f"announcement {made.id}"


async def answer(state: HubState, user: UserInfo, cmd: Answer) -> str:
    text = cmd.answer.strip()
    if not text or len(text) > MAX_TEXT:
        raise moderation.ModerationError(f"an answer has 1 to {MAX_TEXT} characters")
    async with state.db.acquire() as conn:
        contest_id = await moderation.answer(conn, user.id, cmd.clarification_id, text, cmd.public)
        row = await participation.clarification(conn, cmd.clarification_id)
    update = ClarificationUpdate(views.clarification(row))
    audience = Audience.PUBLIC if cmd.public or row.user_id is None else user_audience(row.user_id)
    await events.publish(state.redis, contest_id, audience, update)
    if audience != Audience.PUBLIC:
        await events.publish(state.redis, contest_id, Audience.JURY, update)
    return f"clarification {cmd.clarification_id} answered"


async def _rejudge(state: HubState, user: UserInfo, cmd: RejudgeCommand) -> str:
    problem_id = None
    if cmd.problem is not None:
        info = await views.contest(state, cmd.contest_id)
        problem = info.problem_by_label(cmd.problem)
        if problem is None:
            raise moderation.ModerationError(f"contest has no problem {cmd.problem!r}")
        problem_id = problem.problem_id
    queued = await queue.rejudge(
        state.db,
        state.redis,
        actor_id=user.id,
        submission_id=cmd.submission_id,
        problem_id=problem_id,
        contest_id=cmd.contest_id,
    )
    return f"queued {len(queued)} submissions for rejudging"


async def _disqualify(state: HubState, user: UserInfo, cmd: Disqualify | Reinstate) -> str:
    disqualified = isinstance(cmd, Disqualify)
    reason = cmd.reason.strip() if isinstance(cmd, Disqualify) else ""
    if len(reason) > MAX_TEXT:
        raise moderation.ModerationError(f"a reason has at most {MAX_TEXT} characters")
    async with state.db.acquire() as conn:
        await moderation.set_disqualified(
            conn, user.id, cmd.contest_id, cmd.user_id, disqualified, reason
        )
        await ranking_cache.refresh_user(conn, state.redis, cmd.contest_id, cmd.user_id)
    await participants.changed(state, cmd.contest_id, cmd.user_id)
    verb = "disqualified" if disqualified else "reinstated"
    return f"user {cmd.user_id} {verb}"


async def _extend(state: HubState, user: UserInfo, cmd: ExtendTime) -> str:
    async with state.db.acquire() as conn:
        await moderation.extend(conn, user.id, cmd.contest_id, cmd.seconds)
    await _contest_changed(state, cmd.contest_id, "extended")
    return f"contest {cmd.contest_id} extended by {cmd.seconds} s"


async def _extend_contestant(state: HubState, user: UserInfo, cmd: ExtendContestant) -> str:
    async with state.db.acquire() as conn:
        team_user, _ = await moderation.extend_contestant(
            conn, user.id, cmd.contest_id, cmd.user_id, cmd.seconds
        )
    # The team's registration: its members (who act as it) are forgotten with it.
    await participants.changed(state, cmd.contest_id, cmd.user_id, team_user)
    views.forget_contest(cmd.contest_id)
    info = await views.contest(state, cmd.contest_id, fresh=True)
    # The team's sockets (every member listens on its registration's audience) learn the team's
    # own end; others see nothing change.
    view = views.contest_view(info, registered=True, jury=False, personal_extra_s=cmd.seconds)
    changed = ContestChanged(view, "personal_time")
    await events.publish(state.redis, cmd.contest_id, user_audience(team_user), changed)
    async with state.db.acquire() as conn:
        found = await teams.team(conn, cmd.contest_id, team_user)
    # The moderator knows the team by its name (a lone contestant's is the username).
    who = f"#{team_user}" if found is None else f"{found.name} (#{team_user})"
    return f"{who} has {cmd.seconds} s past the end"


async def _freeze(state: HubState, user: UserInfo, cmd: Freeze | Unfreeze) -> str:
    frozen = isinstance(cmd, Freeze)
    async with state.db.acquire() as conn:
        await moderation.freeze(conn, user.id, cmd.contest_id, frozen)
        if not frozen:
            # The reveal: the public board becomes the jury board.
            await ranking_cache.rebuild(conn, state.redis, cmd.contest_id)
    await _contest_changed(state, cmd.contest_id, "frozen" if frozen else "unfrozen")
    return f"contest {cmd.contest_id} {'frozen' if frozen else 'unfrozen'}"


async def _registration(state: HubState, user: UserInfo, cmd: SetRegistration) -> str:
    async with state.db.acquire() as conn:
        await moderation.set_registration(conn, user.id, cmd.contest_id, cmd.open)
    await _contest_changed(state, cmd.contest_id, "registration")
    return f"registration {'opened' if cmd.open else 'closed'}"


HANDLERS: dict[type[Any], Handler] = {
    Announce: announce,
    Answer: answer,
    RejudgeCommand: _rejudge,
    Disqualify: _disqualify,
    Reinstate: _disqualify,
    ExtendTime: _extend,
    ExtendContestant: _extend_contestant,
    Freeze: _freeze,
    Unfreeze: _freeze,
    SetRegistration: _registration,
}


async def _refusal(state: HubState, user: UserInfo, command: AdminCommand) -> str | None:
    """Why the user may not give this command, or None: every command acts in one contest (an
    answer in its clarification's), and only that contest's moderators act there
    (``arena.storage.moderators``). Checked before the handler runs, so a refused command
    changes nothing and is not audited."""
    if isinstance(command, Answer):
        if user.role in moderator_rows.GLOBAL_ROLES:
            return None  # the handler says when the clarification does not exist
        async with state.db.acquire() as conn:
            contest_id = await moderator_rows.clarification_contest(conn, command.clarification_id)
        # A missing clarification and one of another contest read the same: ids stay private.
        if contest_id is None or not await moderators.moderates(state, contest_id, user):
            return f"clarification {command.clarification_id} is not in a contest you moderate"
        return None
    if not await moderators.moderates(state, command.contest_id, user):
        return f"you do not moderate contest {command.contest_id}"
    return None


async def handle(state: HubState, user: UserInfo, data: bytes) -> Ack | ErrorFrame:
    try:
        command: AdminCommand = admin_command_decoder.decode(data)
    except msgspec.ValidationError as exc:
        return ErrorFrame(f"invalid command: {exc}")
    except msgspec.DecodeError as exc:
        return ErrorFrame(f"not JSON: {exc}")
    try:
        refused = await _refusal(state, user, command)
        if refused is not None:
            return ErrorFrame(refused, command.request_id)
        detail = await HANDLERS[type(command)](state, user, command)
    except (moderation.ModerationError, submissions.SubmissionError) as exc:
        return ErrorFrame(str(exc), command.request_id)
    except ApiError as exc:
        return ErrorFrame(exc.body.message, command.request_id)
    except asyncpg.DataError as exc:  # an id out of range, a NUL in a text
        return ErrorFrame(f"invalid value: {exc}", command.request_id)
    action = msgspec.inspect.type_info(type(command)).tag  # type: ignore[attr-defined]
    return Ack(command.request_id, str(action), detail)
