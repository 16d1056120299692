"""Each shared limit is stated once in ``arena.limits``; the schema states the source limit too."""

from __future__ import annotations

import re
from pathlib import Path

from arena.ccs.objects import CODE_LIMIT_KIB
from arena.limits import MAX_SOURCE_BYTES

MIGRATIONS = Path(__file__).resolve().parents[1] / "arena" / "storage" / "migrations"


def test_the_schema_refuses_sources_at_the_same_size() -> None:
    schema = (MIGRATIONS / "0001_initial.sql").read_text(encoding="utf-8")
    found = re.search(r"octet_length\(source\) <= (\d+)", schema)
    assert found is not None
    assert int(found.group(1)) == MAX_SOURCE_BYTES


def test_the_contest_api_announces_the_same_limit() -> None:
    assert CODE_LIMIT_KIB * 1024 == MAX_SOURCE_BYTES
