"""A contest's clock as pure functions: phase, submission window and scoreboard freeze."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import msgspec


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"


class ContestClock(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime
    duration_s: int
    extra_s: int = 0  # moderators' extensions
    freeze_duration_s: int = 0
    frozen_at: datetime | None = None  # a moderator's freeze
    unfrozen_at: datetime | None = None  # the reveal

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration_s + self.extra_s)

    def phase(self, now: datetime) -> Phase:
        if now < self.start:
            return Phase.UPCOMING
        return Phase.RUNNING if now < self.end else Phase.ENDED

    def end_for(self, personal_extra_s: int) -> datetime:
        """One contestant's end: the contest's, plus the time a moderator gave them alone."""
        return self.end + timedelta(seconds=max(0, personal_extra_s))

    def phase_for(self, now: datetime, personal_extra_s: int) -> Phase:
        """The phase as one contestant with ``personal_extra_s`` of their own meets it."""
        if now < self.start:
            return Phase.UPCOMING
        return Phase.RUNNING if now < self.end_for(personal_extra_s) else Phase.ENDED

    def contest_ms(self, when: datetime) -> int:
        return (when - self.start) // timedelta(milliseconds=1)

    def freeze_time(self) -> datetime | None:
        """When the public board stops changing (None if it never does).

        A moderator's freeze wins; otherwise the scheduled freeze, counted from the scheduled end
        so that extending a contest extends the frozen hour rather than moving it.
        """
        if self.frozen_at is not None:
            return self.frozen_at
        if self.freeze_duration_s > 0:
            return self.start + timedelta(seconds=self.duration_s - self.freeze_duration_s)
        return None

    def frozen(self, now: datetime) -> bool:
        freeze = self.freeze_time()
        if freeze is None or now < freeze:
            return False
        return self.unfrozen_at is None or self.unfrozen_at < freeze

    def public_cutoff(self) -> datetime | None:
        """From when the public sees verdicts as pending: the freeze time until the reveal.

        Not a function of any host's clock: a submission's own time (Postgres's ``now()`` when
        it was made) against the stored freeze decides, so a worker or hub whose clock lags
        cannot put a verdict made after the freeze on the public board. Before the freeze no
        submission is that late yet, so the answer is the same.
        """
        freeze = self.freeze_time()
        if freeze is None or (self.unfrozen_at is not None and self.unfrozen_at >= freeze):
            return None
        return freeze

    def public_cutoff_ms(self) -> int | None:
        """``public_cutoff`` in contest milliseconds."""
        cutoff = self.public_cutoff()
        return None if cutoff is None else max(0, self.contest_ms(cutoff))
