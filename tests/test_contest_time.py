"""A contest's clock: phases, extensions and the scoreboard freeze."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arena.contest_time import ContestClock, Phase

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_phases_follow_start_duration_and_extensions() -> None:
    clock = ContestClock(start=START, duration_s=5 * 3600)
    assert clock.phase(at(-1)) == Phase.UPCOMING
    assert clock.phase(at(0)) == Phase.RUNNING
    assert clock.phase(at(300)) == Phase.ENDED
    extended = ContestClock(start=START, duration_s=5 * 3600, extra_s=600)
    assert extended.phase(at(305)) == Phase.RUNNING
    assert extended.end == at(310)


def test_scheduled_freeze_lasts_until_the_reveal() -> None:
    clock = ContestClock(start=START, duration_s=5 * 3600, freeze_duration_s=3600)
    assert clock.freeze_time() == at(240)
    assert not clock.frozen(at(239))
    assert clock.frozen(at(240)) and clock.frozen(at(400))  # still frozen after the end
    # Not a function of the host's clock: the freeze time decides against each submission's
    # own time, before the freeze as during it.
    assert clock.public_cutoff_ms() == 240 * 60_000
    assert clock.public_cutoff() == at(240)
    revealed = ContestClock(
        start=START, duration_s=5 * 3600, freeze_duration_s=3600, unfrozen_at=at(310)
    )
    assert not revealed.frozen(at(311))
    assert revealed.public_cutoff_ms() is None


def test_an_extension_does_not_move_the_scheduled_freeze() -> None:
    clock = ContestClock(start=START, duration_s=5 * 3600, extra_s=1800, freeze_duration_s=3600)
    assert clock.freeze_time() == at(240)


def test_a_moderators_freeze_and_unfreeze() -> None:
    frozen = ContestClock(start=START, duration_s=3600, frozen_at=at(20))
    assert frozen.frozen(at(21)) and frozen.public_cutoff_ms() == 20 * 60_000
    unfrozen = ContestClock(start=START, duration_s=3600, frozen_at=at(20), unfrozen_at=at(30))
    assert not unfrozen.frozen(at(31))
    # Frozen again later: the newest freeze counts.
    again = ContestClock(start=START, duration_s=3600, frozen_at=at(40), unfrozen_at=at(30))
    assert again.frozen(at(41))
    # An unfreeze before a scheduled freeze does not cancel it.
    early = ContestClock(start=START, duration_s=3600, freeze_duration_s=600, unfrozen_at=at(10))
    assert early.frozen(at(55))
    assert early.public_cutoff() == at(50)
    assert ContestClock(start=START, duration_s=3600).public_cutoff() is None
