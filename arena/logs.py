"""Logging for the hub and the worker: plain text, or one JSON object a line for collectors.

The request id (hub) and the submission id (worker) live in context variables, so every line
logged while serving a request or judging a submission carries them without being passed around.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

import msgspec

from arena.settings import Settings

request_id: ContextVar[str | None] = ContextVar("arena_request_id", default=None)
submission_id: ContextVar[int | None] = ContextVar("arena_submission_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id"?, "submission_id"?, "exc"?}``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            line["request_id"] = rid
        sid = submission_id.get()
        if sid is not None:
            line["submission_id"] = sid
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return msgspec.json.encode(line).decode()


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger (stderr); uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())


class _NoConnectionLines(logging.Filter):
    """uvicorn logs two INFO lines per WebSocket (accepted, connection open): at the start of
    a contest that is tens of thousands of lines a minute. They are access-log lines: kept only
    with ``hub_access_log``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg
        if not isinstance(message, str) or record.levelno > logging.INFO:
            return True
        return not (
            message.startswith('%s - "WebSocket %s"')
            or message in ("connection open", "connection closed")
        )


def quiet_connection_lines() -> None:
    logging.getLogger("uvicorn.error").addFilter(_NoConnectionLines())
