"""Configuration objects of the Contest API: contest, state, judgement types, languages, problems,
teams. Pure functions of the contest's rows and the view (who looks, and when)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from msgspec import UNSET, UnsetType

from arena.ccs.source import ContestSource, OrganizationFacts, View, contest_key
from arena.ccs.times import abstime, maybe_abstime, minutes, reltime
from arena.contest import ContestInfo
from arena.images import EXTENSIONS
from arena.languages import Language
from arena.limits import MAX_SOURCE_BYTES
from arena.protocol.ccs import (
    CcsAccount,
    CcsCommand,
    CcsContest,
    CcsGroup,
    CcsImageRef,
    CcsJudgementType,
    CcsLanguage,
    CcsOrganization,
    CcsPerson,
    CcsProblem,
    CcsState,
    CcsTeam,
)
from arena.protocol.vocabulary import Scoring

API_VERSION = "draft"
API_VERSION_URL = "https://ccs-specs.icpc.io/draft/contest_api"
CODE_LIMIT_KIB = MAX_SOURCE_BYTES // 1024  # the hub refuses larger sources
_RGB = re.compile(r"^#[0-9A-Fa-f]{3}([0-9A-Fa-f]{3})?$")
# (id, name, solved, penalty): Arena's verdicts are already the spec's ids.
_JUDGEMENT_TYPES = (
    ("AC", "Accepted", True, False),
    ("WA", "Wrong Answer", False, True),
    ("TLE", "Time Limit Exceeded", False, True),
    ("MLE", "Memory Limit Exceeded", False, True),
    ("RTE", "Run-Time Error", False, True),
    ("OLE", "Output Limit Exceeded", False, True),
    # Free tries in Arena's ranking (arena.ranking): the contestant's code never ran, or we failed.
    ("CE", "Compile Error", False, False),
    ("JE", "Judging Error", False, False),
)
# Languages whose entry point is a class name: Arena always runs class Main.
ENTRY_POINTS = {"java": ("Main class", "Main"), "kotlin": ("Main class", "MainKt")}


def contest(info: ContestInfo) -> CcsContest:
    pass_fail = info.scoring == Scoring.PASS_FAIL
    return CcsContest(
        id=contest_key(info),
        name=info.name,
        formal_name=info.name,
        start_time=abstime(info.clock.start),
        duration=reltime((info.clock.duration_s + info.clock.extra_s) * 1000),
        scoreboard_freeze_duration=reltime(info.clock.freeze_duration_s * 1000),
        scoreboard_thaw_time=maybe_abstime(info.clock.unfrozen_at),
        scoreboard_type=info.scoring,
        penalty_time=minutes(info.penalty_minutes) if pass_fail else UNSET,
    )


def state(info: ContestInfo, now: datetime) -> CcsState:
    """The contest's milestones reached by ``now``; only ever a function of thresholds, so the
    same rows give the same state until the next milestone."""
    clock = info.clock
    started = clock.start if now >= clock.start else None
    ended = clock.end if started is not None and now >= clock.end else None
    freeze = clock.freeze_time()
    frozen = freeze if started is not None and freeze is not None and now >= freeze else None
    if frozen is not None and ended is not None and frozen >= ended:
        frozen = None  # a freeze set after the end never hid anything
    thawed = None
    if frozen is not None and clock.unfrozen_at is not None and clock.unfrozen_at >= frozen:
        thawed = clock.unfrozen_at if now >= clock.unfrozen_at else None
    finalized = info.finalized_at if ended is not None else None
    end_of_updates = None
    if finalized is not None and (frozen is None or thawed is not None):
        end_of_updates = max(finalized, thawed) if thawed is not None else finalized
    return CcsState(
        started=maybe_abstime(started),
        frozen=maybe_abstime(frozen),
        ended=maybe_abstime(ended),
        thawed=maybe_abstime(thawed),
        finalized=maybe_abstime(finalized),
        end_of_updates=maybe_abstime(end_of_updates),
    )


def judgement_types(info: ContestInfo) -> list[CcsJudgementType]:
    pass_fail = info.scoring == Scoring.PASS_FAIL
    return [
        CcsJudgementType(id=i, name=name, solved=solved, penalty=p if pass_fail else UNSET)
        for i, name, solved, p in _JUDGEMENT_TYPES
    ]


def _command(argv: list[str], source_file: str) -> CcsCommand | None:
    if not argv:
        return None
    args = " ".join(a.replace("{source}", source_file) for a in argv[1:])
    return CcsCommand(command=argv[0], args=args or None)


def languages(table: Iterable[Language]) -> list[CcsLanguage]:
    out = []
    for row in sorted(table, key=lambda item: item.id):
        lang = row.for_source(b"")  # the commands as they run for the default entry point
        entry = ENTRY_POINTS.get(lang.id)
        out.append(
            CcsLanguage(
                id=lang.id,
                name=lang.name,
                entry_point_required=entry is not None,
                extensions=list(dict.fromkeys(lang.extensions)),
                compiler=_command(lang.compile, lang.source_file),
                runner=_command(lang.run, lang.source_file),
                entry_point_name=entry[0] if entry is not None else UNSET,
            )
        )
    return out


def problems(source: ContestSource, view: View) -> list[CcsProblem]:
    """The problem set; the public sees it from the start."""
    info = source.info
    if not view.jury and view.now < info.clock.start:
        return []
    score = info.scoring != Scoring.PASS_FAIL
    return [
        CcsProblem(
            id=p.slug,
            label=p.label,
            name=p.title,
            ordinal=p.ordinal,
            rgb=p.rgb if p.rgb is not None and _RGB.match(p.rgb) else None,
            color=p.color,
            time_limit=p.time_limit_ms / 1000,
            memory_limit=p.memory_mib,
            output_limit=p.output_mib,
            code_limit=CODE_LIMIT_KIB,
            test_data_count=p.test_count,
            max_score=(p.max_score or float(p.points)) if score else UNSET,
        )
        for p in source.problems
    ]


def team_id(user_id: int) -> str:
    return str(user_id)


def teams(source: ContestSource) -> list[CcsTeam]:
    """Registered contestants; disqualified ones stay (their submissions refer to them), hidden."""
    return [
        CcsTeam(
            id=team_id(t.user_id),
            name=t.username,
            label=team_id(t.user_id),
            display_name=None,
            organization_id=t.organization,
            hidden=t.disqualified,
            group_ids=list(t.groups),
        )
        for t in sorted(source.teams, key=lambda t: t.user_id)
    ]


def persons(source: ContestSource) -> list[CcsPerson]:
    """Every member of a registered team (a lone contestant is their team's one member)."""
    out = [
        CcsPerson(id=str(member), name=name, role="contestant", team_ids=[team_id(t.user_id)])
        for t in source.teams
        for member, name in zip(t.member_ids, t.member_names, strict=True)
    ]
    return sorted(out, key=lambda p: int(p.id))


def accounts(source: ContestSource) -> list[CcsAccount]:
    """The team members' accounts: the jury's list (a team member sees only their own)."""
    return [
        CcsAccount(
            id=p.id,
            username=p.name,
            name=p.name,
            type="team",
            team_id=p.team_ids[0],
            person_id=p.id,
        )
        for p in persons(source)
    ]


def _logo(o: OrganizationFacts) -> list[CcsImageRef] | UnsetType:
    """The logo's FILE reference; none for a logo of unknown size (the spec requires it)."""
    if o.logo_sha256 is None or o.logo_width is None or o.logo_height is None:
        return UNSET
    mime = o.logo_mime or ""
    if mime not in EXTENSIONS:
        return UNSET
    return [
        CcsImageRef(
            href=f"organizations/{quote(o.id, safe='')}/logo",
            filename=f"logo.{EXTENSIONS[mime]}",
            mime=mime,
            width=o.logo_width,
            height=o.logo_height,
            hash=o.logo_sha256,
        )
    ]


def organizations(source: ContestSource) -> list[CcsOrganization]:
    return [
        CcsOrganization(
            id=o.id, name=o.name, formal_name=o.formal_name, country=o.country, logo=_logo(o)
        )
        for o in sorted(source.organizations, key=lambda o: o.id)
    ]


def groups(source: ContestSource) -> list[CcsGroup]:
    return [CcsGroup(id=g.id, name=g.name) for g in sorted(source.groups, key=lambda g: g.id)]
