"""What an organiser may set on a contest, and which edits would rewrite history (pure rules).

A contest's past is what its submissions were judged and ranked against: their contest times
(start), the rules that ranked them (scoring, penalty, points), the problems they went to, and
what the public board already showed (the freeze). Once a contest has submissions, an edit that
changes any of these for them is refused with the reason.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from arena.protocol.organise import ContestSettings, EditProblem

__all__ = ["ContestSettings", "EditProblem", "EditRefused", "check", "history_refusal"]

VISIBILITIES = ("public", "private", "invite")
_LABEL = re.compile(r"^[A-Za-z0-9]{1,10}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_DURATION_S = 30 * 24 * 3600


def end_of(settings: ContestSettings) -> datetime:
    return settings.start + timedelta(seconds=settings.duration_s)


class EditRefused(ValueError):
    """The settings are invalid or would rewrite history; the message says which and why."""


def check(settings: ContestSettings) -> None:
    """Refuses settings that make no sense on their own."""
    if not 1 <= len(settings.name.strip()) <= 200:
        raise EditRefused("name: 1 to 200 characters")
    if settings.start.tzinfo is None:
        raise EditRefused("start: a time with its UTC offset (2026-12-06T15:00:00Z)")
    if not 60 <= settings.duration_s <= MAX_DURATION_S:
        raise EditRefused("duration: from one minute to 30 days")
    if not 0 <= settings.freeze_duration_s <= settings.duration_s:
        raise EditRefused("freeze: from 0 to the contest's duration")
    if not 0 <= settings.penalty_minutes <= 1000:
        raise EditRefused("penalty: 0 to 1000 minutes")
    if settings.visibility not in VISIBILITIES:
        raise EditRefused(f"visibility: one of {', '.join(VISIBILITIES)}")
    if not 1 <= settings.max_team_size <= 10:
        raise EditRefused("team size: 1 to 10 members")
    opens, closes = settings.registration_start, settings.registration_end
    if opens is not None and closes is not None and closes <= opens:
        raise EditRefused("registration window: it must close after it opens")
    if closes is not None and closes > end_of(settings):
        raise EditRefused("registration window: it must close by the contest's end")
    labels: set[str] = set()
    slugs: set[str] = set()
    for problem in settings.problems:
        if not _LABEL.match(problem.label):
            raise EditRefused(f"problem {problem.slug}: label {problem.label!r} is 1-10 letters")
        if problem.label.lower() in labels:
            raise EditRefused(f"problem label {problem.label} is used twice")
        if problem.slug in slugs:
            raise EditRefused(f"problem {problem.slug} is in the list twice")
        if problem.color is not None and not _COLOR.match(problem.color):
            raise EditRefused(f"problem {problem.label}: colour is #rrggbb")
        if not 0 <= problem.points <= 10_000:
            raise EditRefused(f"problem {problem.label}: points 0 to 10000")
        labels.add(problem.label.lower())
        slugs.add(problem.slug)


def history_refusal(
    old: ContestSettings,
    new: ContestSettings,
    *,
    submitted: set[str],
    last_submission: datetime | None,
    now: datetime,
) -> str | None:
    """Why the edit would rewrite history, or None. ``submitted``: slugs with submissions."""
    if last_submission is None:
        return None
    if new.start != old.start:
        return "the start cannot move once there are submissions (their contest times would change)"
    if new.scoring != old.scoring:
        return "the scoring cannot change once there are submissions"
    if new.penalty_minutes != old.penalty_minutes:
        return "the penalty cannot change once there are submissions (their ranking would change)"
    if end_of(new) < last_submission:
        return "the contest cannot end before its last submission"
    old_freeze = end_of(old) - timedelta(seconds=old.freeze_duration_s)
    new_freeze = end_of(new) - timedelta(seconds=new.freeze_duration_s)
    if old.freeze_duration_s and new_freeze != old_freeze and min(old_freeze, new_freeze) <= now:
        return "the freeze cannot move once it has begun (the public board already showed it)"
    if not old.freeze_duration_s and new.freeze_duration_s and new_freeze <= now:
        return "a freeze cannot start in the past (the public board already showed those verdicts)"
    kept = {p.slug: p for p in new.problems}
    for problem in old.problems:
        if problem.slug not in submitted:
            continue
        now_problem = kept.get(problem.slug)
        if now_problem is None:
            return f"problem {problem.label} has submissions: it cannot leave the contest"
        if now_problem.points != problem.points:
            return f"problem {problem.label} has submissions: its points cannot change"
    return None
