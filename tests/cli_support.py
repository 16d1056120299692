"""Running the ``arena`` command as a user would: its own process, its settings from the
environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import redis_url


def arena(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout_s: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arena", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def cli_env(
    database_url: str, *, blob_dir: Path | None = None, redis_db: int = 0
) -> dict[str, str]:
    """The command's settings: the tests' database and Redis, and argon2 at its cheapest (the
    tests log in many times; the production cost is a setting, not what is tested here)."""
    env = dict(
        os.environ,
        ARENA_DATABASE_URL=database_url,
        ARENA_REDIS_URL=redis_url(redis_db),
        ARENA_PASSWORD_MEMORY_KIB="8192",
        ARENA_PASSWORD_TIME_COST="1",
    )
    if blob_dir is not None:
        env["ARENA_BLOB_DIR"] = str(blob_dir)
    return env
