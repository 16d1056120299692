"""The browser's wire types as one JSON Schema: ``web/src/protocol.ts`` is generated from it.

``python -m arena.protocol.web`` prints the schema; ``web/scripts/protocol.mjs`` turns it into
TypeScript with json-schema-to-typescript (``make protocol`` writes the file, the web build and
``tests/test_web_protocol.py`` fail when it and these Structs disagree).
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec

from arena.limits import MAX_SOURCE_BYTES
from arena.protocol import hub, judging, live, organise, review, status, uploads
from arena.protocol.vocabulary import RATING_TITLES

# What the browser receives: the hub encodes every field unless the Struct omits defaults, so a
# field with a default is optional in TypeScript only then.
RECEIVED: tuple[type[msgspec.Struct], ...] = (
    hub.ErrorBody,
    hub.UserInfo,
    hub.LoginResult,
    hub.PastContest,
    hub.SubmissionSummary,
    hub.RatingPoint,
    hub.Rating,
    hub.Profile,
    hub.PublicProfile,
    hub.ProblemSummary,
    hub.ProblemList,
    hub.Sample,
    hub.ProblemDetail,
    hub.ContestProblemView,
    hub.ContestView,
    hub.ContestList,
    hub.Accepted,
    judging.TestResult,
    hub.RunOutcome,
    hub.SubmissionView,
    hub.BoardCell,
    hub.BoardRow,
    hub.Leaderboard,
    hub.BoardFilter,
    hub.BoardOrganization,
    hub.BoardFilters,
    hub.VirtualView,
    hub.ReplayBoard,
    hub.Clarification,
    hub.Announcement,
    hub.ContestSubmission,
    hub.ProblemStats,
    hub.ContestStats,
    hub.Registration,
    hub.MedalsBody,
    review.Editorial,
    review.SharedSolution,
    review.SolutionList,
    review.Sharing,
    review.PlagiarismRun,
    review.PlagiarismSide,
    review.PlagiarismPair,
    review.PlagiarismReport,
    review.PlagiarismRuns,
    uploads.ProblemUpload,
    uploads.ProblemUploads,
    uploads.PackageCheck,
    uploads.ProblemUploadChanged,
    uploads.ProblemUploadChecked,
    status.WorkerView,
    status.QueueView,
    status.FailedJudgingView,
    status.JudgingStatus,
    status.AuditEntry,
    status.AuditPage,
    status.RejudgeQueued,
    judging.SubmissionProgress,
    judging.SubmissionJudged,
    live.LeaderboardDelta,
    live.AnnouncementMade,
    live.ClarificationUpdate,
    live.ContestChanged,
    live.Envelope,
    live.Snapshot,
    live.ErrorFrame,
    live.Ack,
    organise.EditProblem,
    organise.ContestSettings,
    organise.OrganisedContest,
    organise.TeamView,
    organise.OrganizationBody,
    organise.GroupBody,
    organise.Catalogue,
    organise.InviteTarget,
    organise.ProblemMetaBody,
    organise.ProblemMeta,
    organise.OrganizationLogo,
)
# Unions by the names the browser uses; the members of a sent union may leave defaults out.
UNIONS: dict[str, Any] = {"ContestEvent": live.ContestEvent, "AdminCommand": live.AdminCommand}
SENT_UNIONS = frozenset({"AdminCommand"})
# Constants the browser shares with the hub.
CONSTANTS: dict[str, Any] = {
    "MAX_SOURCE_BYTES": MAX_SOURCE_BYTES,
    "RATING_TITLES": [list(t) for t in RATING_TITLES],
}


def _members(union: Any) -> list[type[msgspec.Struct]]:
    return [t for t in union.__args__ if isinstance(t, type) and issubclass(t, msgspec.Struct)]


def web_schema() -> dict[str, Any]:
    """One schema whose ``$defs`` are every wire type, plus ``x-constants``."""
    types: list[Any] = [*RECEIVED, *UNIONS.values()]
    schemas, defs = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
    for name, union_schema in zip(UNIONS, schemas[len(RECEIVED) :], strict=True):
        defs[name] = {"title": name, "anyOf": union_schema["anyOf"]}
    sent = {t.__name__ for name in SENT_UNIONS for t in _members(UNIONS[name])}
    structs = [*RECEIVED, *(t for union in UNIONS.values() for t in _members(union))]
    for struct in structs:
        received = struct.__name__ not in sent
        if received and not struct.__struct_config__.omit_defaults:
            definition = defs[struct.__name__]
            definition["required"] = list(definition["properties"])
    return {"$defs": dict(sorted(defs.items())), "x-constants": CONSTANTS}


if __name__ == "__main__":
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(web_schema()), indent=2).decode())
    sys.stdout.write("\n")
