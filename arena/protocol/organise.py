"""The organisers' HTTP bodies: the contest editor, teams, organizations and groups, invitations."""

from __future__ import annotations

from datetime import datetime

import msgspec

from arena.protocol.vocabulary import Scoring


class EditProblem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    slug: str
    label: str
    color: str | None = None  # #rrggbb
    points: int = 1


class ContestSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything the editor sets, as one value: an edit replaces the whole."""

    name: str
    start: datetime
    duration_s: int
    freeze_duration_s: int = 0
    penalty_minutes: int = 20
    scoring: Scoring = Scoring.PASS_FAIL
    visibility: str = "public"  # public, private, invite
    registration_start: datetime | None = None
    registration_end: datetime | None = None
    max_team_size: int = 3
    problems: list[EditProblem] = []


class OrganisedContest(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    settings: ContestSettings
    invite_code: str | None  # for invite-only contests: /join/<code>
    submissions: int
    phase: str


class CloneBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    start: datetime


class TeamBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A team made by an organiser: its first member is the registration it ranks as."""

    name: str
    members: list[str]  # usernames
    organization: str | None = None  # organization id
    groups: list[str] = []  # group ids


class TeamEdit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An organiser's change to a team: all of its name, organization and groups (a field left
    out is cleared, not kept)."""

    name: str
    organization: str | None = None  # organization id
    groups: list[str] = []  # group ids


class TeamView(msgspec.Struct, frozen=True, kw_only=True):
    id: int  # the team's registration (its first member's user id)
    name: str
    members: list[str]
    organization: str | None
    groups: list[str]
    join_code: str | None
    disqualified: bool


class OrganizationBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str
    formal_name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3


class GroupBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str
    hidden: bool = False


class Catalogue(msgspec.Struct, frozen=True):
    """The organizations and groups teams may name."""

    organizations: list[OrganizationBody]
    groups: list[GroupBody]


class RegisterBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Register alone (no fields), as a new team (``team_name``), or into a team
    (``join_code``); ``invite`` is an invite-only contest's code."""

    team_name: str | None = None
    join_code: str | None = None
    invite: str | None = None
    organization: str | None = None
    groups: list[str] = []


class InviteTarget(msgspec.Struct, frozen=True):
    contest_id: int
    name: str


class ProblemMetaBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A live problem's metadata as the editor saves it (the whole, not a patch)."""

    title: str
    difficulty: str  # easy, medium, hard
    tags: list[str]
    author: str = ""
    source: str = ""
    # The revision the editor loaded: a save over someone else's newer edit is a 409.
    meta_rev: int | None = None
    # The statement languages offered (of the package's) and the default among them; left out:
    # unchanged.
    statement_langs: list[str] | None = None
    statement_lang: str | None = None


class ProblemMeta(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    author: str
    source: str
    version: int  # the live package version (unchanged by metadata edits)
    meta_rev: int  # bumped by each metadata edit
    package_langs: list[str] = []  # the package's statement languages (English first)
    statement_langs: list[str] = []  # those offered
    statement_lang: str = ""  # the default


class OrganizationLogo(msgspec.Struct, frozen=True, kw_only=True):
    """An organization's logo as stored: where it is served, its checked type and size."""

    href: str
    mime: str  # image/png or image/jpeg
    width: int
    height: int
    sha256: str
