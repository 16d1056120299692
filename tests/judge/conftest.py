"""The judge tests' own database (db_support.own_database_url says why)."""

from __future__ import annotations

import pytest
from db_support import own_database_url

database_url = pytest.fixture(scope="session", name="database_url")(own_database_url)
