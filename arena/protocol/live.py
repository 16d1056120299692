"""Live messages: contest events and snapshots to sockets, moderator commands from them."""

from __future__ import annotations

import msgspec

from arena.protocol.hub import Announcement, BoardRow, Clarification, ContestView, Leaderboard
from arena.protocol.judging import SubmissionJudged, SubmissionProgress
from arena.protocol.vocabulary import Board

# --- the hub: WebSocket messages (server -> client) ---------------------------------------------
# Contest events travel as Envelopes: sequenced per contest and kept in a bounded history, so a
# client that reconnects with its last seq gets exactly what it missed.


class LeaderboardDelta(msgspec.Struct, frozen=True, tag="leaderboard_delta", tag_field="kind"):
    board: Board
    frozen: bool
    total: int
    rows: list[BoardRow]  # whole changed rows; other rows' ranks may have shifted by one
    removed: list[int] = []


class AnnouncementMade(msgspec.Struct, frozen=True, tag="announcement", tag_field="kind"):
    announcement: Announcement


class ClarificationUpdate(msgspec.Struct, frozen=True, tag="clarification", tag_field="kind"):
    clarification: Clarification


class ContestChanged(msgspec.Struct, frozen=True, tag="contest", tag_field="kind"):
    contest: ContestView
    reason: str  # extended, frozen, unfrozen, finalized, registration, personal_time


ContestEvent = (
    SubmissionProgress
    | SubmissionJudged
    | LeaderboardDelta
    | AnnouncementMade
    | ClarificationUpdate
    | ContestChanged
)


class Envelope(msgspec.Struct, frozen=True, omit_defaults=True):
    seq: int
    audience: str  # "public", "jury" or "user:<id>"
    body: msgspec.Raw  # a ContestEvent, already encoded: hubs forward it without decoding
    ts: float | None = None  # publish time (Redis TIME, Unix seconds), for the lag metric


class Snapshot(msgspec.Struct, frozen=True, tag="snapshot", tag_field="kind"):
    """Sent on connect and after a gap too old for the history: start over from this state."""

    seq: int
    contest: ContestView
    leaderboard: Leaderboard
    announcements: list[Announcement]


class ErrorFrame(msgspec.Struct, frozen=True, tag="error", tag_field="kind", omit_defaults=True):
    message: str
    request_id: str | None = None


class Ack(msgspec.Struct, frozen=True, tag="ack", tag_field="kind"):
    request_id: str | None
    action: str
    detail: str


# --- the hub: moderator commands on /ws/admin (client -> server) --------------------------------


class Announce(msgspec.Struct, frozen=True, tag="announce", tag_field="action", kw_only=True):
    contest_id: int
    body: str
    request_id: str | None = None


class Answer(msgspec.Struct, frozen=True, tag="answer", tag_field="action", kw_only=True):
    clarification_id: int
    answer: str
    public: bool = False
    request_id: str | None = None


class RejudgeCommand(msgspec.Struct, frozen=True, tag="rejudge", tag_field="action", kw_only=True):
    contest_id: int
    submission_id: int | None = None
    problem: str | None = None  # label or slug; neither: the whole contest
    request_id: str | None = None


class Disqualify(msgspec.Struct, frozen=True, tag="disqualify", tag_field="action", kw_only=True):
    contest_id: int
    user_id: int
    reason: str = ""  # kept in the audit log (a plagiarism pair, say)
    request_id: str | None = None


class Reinstate(msgspec.Struct, frozen=True, tag="reinstate", tag_field="action", kw_only=True):
    contest_id: int
    user_id: int
    request_id: str | None = None


class ExtendTime(msgspec.Struct, frozen=True, tag="extend", tag_field="action", kw_only=True):
    contest_id: int
    seconds: int
    request_id: str | None = None


class ExtendContestant(
    msgspec.Struct, frozen=True, tag="extend_contestant", tag_field="action", kw_only=True
):
    """Set one contestant's own time past the contest's end (0 takes it back)."""

    contest_id: int
    user_id: int
    seconds: int
    request_id: str | None = None


class Freeze(msgspec.Struct, frozen=True, tag="freeze", tag_field="action", kw_only=True):
    contest_id: int
    request_id: str | None = None


class Unfreeze(msgspec.Struct, frozen=True, tag="unfreeze", tag_field="action", kw_only=True):
    contest_id: int
    request_id: str | None = None


class SetRegistration(
    msgspec.Struct, frozen=True, tag="registration", tag_field="action", kw_only=True
):
    contest_id: int
    open: bool
    request_id: str | None = None


AdminCommand = (
    Announce
    | Answer
    | RejudgeCommand
    | Disqualify
    | Reinstate
    | ExtendTime
    | ExtendContestant
    | Freeze
    | Unfreeze
    | SetRegistration
)
admin_command_decoder = msgspec.json.Decoder(AdminCommand)
envelope_decoder = msgspec.json.Decoder(Envelope)
contest_event_decoder = msgspec.json.Decoder(ContestEvent)
