"""``ImportFailure``: a problem or contest package that cannot be imported as it is."""

from __future__ import annotations


class ImportFailure(Exception):
    """Reads like ``contest.yaml: duration: expected h:mm:ss, got '5 hours'``.

    ``file`` is the offending file as the user knows it (relative to the package when it is in
    one), ``field`` the key in it, when there is one.
    """

    file: str
    field: str | None
    message: str

    def __init__(self, file: str, field: str | None, message: str) -> None:
        # All attributes go to Exception so that the error survives pickling (``cls(*args)``).
        super().__init__(file, field, message)
        self.file = file
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.field, self.message) if part)
