"""The ICPC Contest API (CCS spec, "draft" after 2023-06) objects served under ``/api/v4``.

Shapes follow the JSON schemas of icpc/ccs-specs: ids are strings, absolute times are ISO 8601
with milliseconds (``2026-05-01T10:00:00.000Z``), durations are RELTIME (``5:00:00.000``).
A property that the spec wants absent (not null) in some cases is ``UNSET`` by default; a
property that is "null or a value" is ``None``.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType


class CcsError(msgspec.Struct, frozen=True):
    """Every error of the Contest API (its own shape, not the hub's ErrorBody)."""

    code: int
    message: str


class CcsProvider(msgspec.Struct, frozen=True):
    name: str
    version: str


class CcsApiInfo(msgspec.Struct, frozen=True):
    version: str
    version_url: str
    provider: CcsProvider


class CcsEndpoint(msgspec.Struct, frozen=True):
    type: str
    properties: list[str]


class CcsAccess(msgspec.Struct, frozen=True):
    capabilities: list[str]
    endpoints: list[CcsEndpoint]


class CcsContest(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    name: str
    formal_name: str
    start_time: str | None
    duration: str
    scoreboard_freeze_duration: str | None
    scoreboard_thaw_time: str | None
    scoreboard_type: str
    penalty_time: str | UnsetType = UNSET  # pass-fail only; must be absent for score


class CcsJudgementType(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    name: str
    solved: bool
    penalty: bool | UnsetType = UNSET  # present iff the contest has a penalty time


class CcsCommand(msgspec.Struct, frozen=True):
    command: str
    args: str | None


class CcsLanguage(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    name: str
    entry_point_required: bool
    extensions: list[str]
    compiler: CcsCommand | None
    runner: CcsCommand | None
    entry_point_name: str | UnsetType = UNSET  # present iff entry_point_required


class CcsProblem(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    label: str
    name: str
    ordinal: int
    rgb: str | None
    color: str | None
    time_limit: float
    memory_limit: int  # MiB
    output_limit: int  # MiB
    code_limit: int  # KiB
    test_data_count: int
    max_score: float | UnsetType = UNSET  # score contests only


class CcsImageRef(msgspec.Struct, frozen=True):
    """A FILE object of an image: ``href`` relative to the API's root."""

    href: str
    filename: str
    mime: str
    width: int
    height: int
    hash: str  # the bytes' SHA-256: a client that holds them need not fetch them again


class CcsOrganization(msgspec.Struct, frozen=True):
    id: str
    name: str
    formal_name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3
    logo: list[CcsImageRef] | UnsetType = UNSET  # absent when it has none


class CcsGroup(msgspec.Struct, frozen=True):
    id: str
    name: str


class CcsPerson(msgspec.Struct, frozen=True):
    """A team member. Arena keeps no real names or e-mail addresses: the name is the username."""

    id: str
    name: str
    role: str
    team_ids: list[str]
    icpc_id: str | None = None


class CcsAccount(msgspec.Struct, frozen=True):
    """A team member's login (never its password: Arena keeps only a hash, never served)."""

    id: str
    username: str
    name: str
    type: str
    team_id: str | None
    person_id: str | None


class CcsTeam(msgspec.Struct, frozen=True):
    id: str
    name: str
    label: str
    display_name: str | None
    organization_id: str | None
    hidden: bool
    group_ids: list[str] = []


class CcsState(msgspec.Struct, frozen=True):
    started: str | None
    frozen: str | None
    ended: str | None
    thawed: str | None
    finalized: str | None
    end_of_updates: str | None


class CcsFileRef(msgspec.Struct, frozen=True):
    href: str
    filename: str
    mime: str


class CcsSubmission(msgspec.Struct, frozen=True):
    id: str
    language_id: str
    problem_id: str
    team_id: str
    time: str
    contest_time: str
    entry_point: str | None
    files: list[CcsFileRef]  # empty for viewers who may not download the source


class CcsJudgement(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    submission_id: str
    judgement_type_id: str | None
    current: bool
    start_time: str
    start_contest_time: str
    end_time: str | None
    end_contest_time: str | None
    max_run_time: float | None
    score: float | UnsetType = UNSET  # score contests only


class CcsRun(msgspec.Struct, frozen=True):
    id: str
    judgement_id: str
    ordinal: int
    judgement_type_id: str
    time: str
    contest_time: str
    run_time: float


class CcsClarification(msgspec.Struct, frozen=True):
    id: str
    from_team_id: str | None
    to_team_id: str | None
    reply_to_id: str | None
    problem_id: str | None
    text: str
    time: str
    contest_time: str


class CcsAward(msgspec.Struct, frozen=True):
    id: str
    citation: str
    team_ids: list[str] | None


class CcsScore(msgspec.Struct, frozen=True, omit_defaults=True):
    # The schema wants ``time`` present even when null; the other fields depend on the type.
    time: str | None
    num_solved: int | UnsetType = UNSET
    total_time: str | UnsetType = UNSET
    score: float | UnsetType = UNSET


class CcsProblemScore(msgspec.Struct, frozen=True, omit_defaults=True):
    problem_id: str
    num_judged: int
    num_pending: int
    solved: bool | UnsetType = UNSET  # pass-fail
    score: float | UnsetType = UNSET  # score
    time: str | UnsetType = UNSET  # present iff solved or score > 0


class CcsScoreboardRow(msgspec.Struct, frozen=True):
    rank: int
    team_id: str
    score: CcsScore
    problems: list[CcsProblemScore]


class CcsScoreboard(msgspec.Struct, frozen=True):
    time: str
    contest_time: str
    state: CcsState
    rows: list[CcsScoreboardRow]


class CcsEvent(msgspec.Struct, frozen=True):
    """One event-feed line; ``data`` is the object's JSON as stored, or null for a deletion."""

    type: str
    id: str | None
    data: msgspec.Raw | None
    token: str


class CcsSubmitFile(msgspec.Struct, frozen=True):
    data: str  # base64 of a zip archive holding the source file at its root
    mime: str | None = None
    filename: str | None = None


class CcsClarificationBody(msgspec.Struct, frozen=True):
    """``POST /contests/{id}/clarifications``: a team's question, or the jury's answer (with
    ``reply_to_id``) or announcement (without)."""

    text: str
    problem_id: str | None = None
    from_team_id: str | None = None
    to_team_id: str | None = None
    reply_to_id: str | None = None
    # Set by the server: a client that sends them is refused.
    id: str | None = None
    time: str | None = None
    contest_time: str | None = None


class CcsSubmitBody(msgspec.Struct, frozen=True):
    """``POST /contests/{id}/submissions`` as a team (capability ``team_submit``)."""

    problem_id: str
    language_id: str
    files: list[CcsSubmitFile]
    entry_point: str | None = None
    team_id: str | None = None  # if given, must be the caller's team
    # Set by the server for team submissions: a client that sends them is refused.
    id: str | None = None
    time: str | None = None
    contest_time: str | None = None
