"""What every sub-command shares."""

from __future__ import annotations


class UsageError(Exception):
    """A user-facing error (bad file, unknown language…): one line on stderr, exit status 2."""
