"""Limits that several layers must agree on, each stated once.

The database states the source limit too (``migrations/0001_initial.sql``: a CHECK on
``submissions.source``); ``tests/test_limits.py`` keeps the two equal.
"""

from __future__ import annotations

# A submission's source: the hub refuses more, storage refuses more, and the Contest API
# announces it as the languages' code limit.
MAX_SOURCE_BYTES = 64 * 1024
