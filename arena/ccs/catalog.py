"""Every Contest API collection by its type name, built from one read of the contest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from arena.ccs import awards, live, objects, scoreboard
from arena.ccs.source import ContestSource, View
from arena.languages import Language
from arena.protocol.ccs import (
    CcsAccess,
    CcsAccount,
    CcsAward,
    CcsClarification,
    CcsContest,
    CcsEndpoint,
    CcsEvent,
    CcsGroup,
    CcsJudgement,
    CcsJudgementType,
    CcsLanguage,
    CcsOrganization,
    CcsPerson,
    CcsProblem,
    CcsRun,
    CcsScoreboard,
    CcsState,
    CcsSubmission,
    CcsTeam,
)


class Inputs(msgspec.Struct, frozen=True):
    source: ContestSource
    view: View
    languages: list[Language]


def problem_ids(inputs: Inputs) -> dict[int, str]:
    """The problems this view may see: Arena's problem number → the API's problem id."""
    shown = {p.id for p in objects.problems(inputs.source, inputs.view)}
    return {p.problem_id: p.slug for p in inputs.source.problems if p.slug in shown}


def _awards(inputs: Inputs) -> list[Any]:
    ranked = scoreboard.ranked(inputs.source)
    return awards.awards(inputs.source, inputs.view, ranked, problem_ids(inputs))


_BUILDERS: dict[str, Callable[[Inputs], list[Any]]] = {
    "judgement-types": lambda i: list(objects.judgement_types(i.source.info)),
    "languages": lambda i: list(objects.languages(i.languages)),
    "problems": lambda i: list(objects.problems(i.source, i.view)),
    "groups": lambda i: list(objects.groups(i.source)),
    "organizations": lambda i: list(objects.organizations(i.source)),
    "teams": lambda i: list(objects.teams(i.source)),
    "persons": lambda i: list(objects.persons(i.source)),
    # Accounts are the jury's; a team member's own is served by the route, outside the feed.
    "accounts": lambda i: list(objects.accounts(i.source)) if i.view.jury else [],
    "submissions": lambda i: list(live.submissions(i.source, i.view)),
    "judgements": lambda i: list(live.judgements(i.source, i.view)),
    "runs": lambda i: list(live.runs(i.source, i.view)),
    "clarifications": lambda i: list(live.clarifications(i.source, i.view)),
    "awards": _awards,
}
COLLECTIONS = tuple(_BUILDERS)
# What a collection needs read besides the contest, its problems and teams.
NEEDS_LIVE = frozenset({"submissions", "judgements", "runs", "clarifications", "awards"})
NEEDS_BOARD = frozenset({"awards"})


def collection(kind: str, inputs: Inputs) -> list[Any]:
    return _BUILDERS[kind](inputs)


# What /access lists: every endpoint Arena serves, with the properties of its objects.
_SHAPES: dict[str, type] = {
    "contest": CcsContest,
    "judgement-types": CcsJudgementType,
    "languages": CcsLanguage,
    "problems": CcsProblem,
    "groups": CcsGroup,
    "organizations": CcsOrganization,
    "teams": CcsTeam,
    "persons": CcsPerson,
    "accounts": CcsAccount,
    "state": CcsState,
    "submissions": CcsSubmission,
    "judgements": CcsJudgement,
    "runs": CcsRun,
    "clarifications": CcsClarification,
    "awards": CcsAward,
    "scoreboard": CcsScoreboard,
    "event-feed": CcsEvent,
}


def access(*, can_submit: bool, jury: bool = False) -> CcsAccess:
    """``post_clar``: a registered team asks, the jury answers and announces."""
    capabilities = ["team_submit", "post_clar"] if can_submit else []
    if jury:
        capabilities = [*capabilities, "admin_clar"]
    return CcsAccess(
        capabilities=capabilities,
        endpoints=[
            CcsEndpoint(kind, [f.name for f in msgspec.structs.fields(shape)])
            for kind, shape in _SHAPES.items()
        ],
    )
