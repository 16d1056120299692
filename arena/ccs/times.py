"""The Contest API's two time formats: absolute ISO 8601 and relative RELTIME, both with ms."""

from __future__ import annotations

from datetime import UTC, datetime


def abstime(when: datetime) -> str:
    """``2026-05-01T10:00:00.000Z``: UTC, with milliseconds (the spec wants one form)."""
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def maybe_abstime(when: datetime | None) -> str | None:
    return None if when is None else abstime(when)


def reltime(ms: int) -> str:
    """``(-)h:mm:ss.uuu`` from milliseconds, e.g. ``5:00:00.000`` or ``-0:15:32.457``."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{sign}{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def minutes(value: int) -> str:
    """A whole number of minutes as RELTIME (the ranking counts penalty in minutes)."""
    return reltime(value * 60_000)
