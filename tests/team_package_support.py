"""A Contest Package with team files (two teams, a judge, an admin) for the import's tests."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from support import make_problem

from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

# A cheap argon2id for tests (the hub's settings are the real ones).
HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def _u(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class Names:
    """Fresh ids and usernames for one package (the catalogue and users are shared)."""

    def __init__(self) -> None:
        self.contest = _u("teams-")
        self.org = _u("org-")
        self.group = _u("grp-")
        self.t1, self.t2 = _u("t1-"), _u("t2-")
        self.ann, self.ben, self.cat = _u("ann"), _u("ben"), _u("cat")
        self.judge, self.admin = _u("judge"), _u("admin")


async def team_package(conn: Any, blobs: DiskBlobStore, root: Path, n: Names) -> Path:
    slug = _u("p-")
    make_problem(root / "src", {"sample/1": ("1\n", "1\n")})
    await import_problem(conn, blobs, root / "src", slug=slug)
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "contest.yaml").write_text(
        f"id: {n.contest}\nname: Teams\nstart_time: 2030-04-01T10:00:00Z\nduration: 5:00:00\n"
    )
    (pkg / "problems.yaml").write_text(f"- id: {slug}\n  label: A\n")
    orgs = [{"id": n.org, "name": "Uni", "formal_name": "The University", "country": "NLD"}]
    (pkg / "organizations.json").write_text(json.dumps(orgs, indent=1))
    groups = [{"id": n.group, "name": "Students", "hidden": True}]
    (pkg / "groups.json").write_text(json.dumps(groups, indent=1))
    teams = [
        {"id": n.t1, "name": "Two Of Us", "label": n.t1, "organization_id": n.org,
         "group_ids": [n.group]},
        {"id": n.t2, "name": "Solo", "label": n.t2, "organization_id": None},
    ]  # fmt: skip
    (pkg / "teams.json").write_text(json.dumps(teams, indent=1))
    (pkg / "accounts.yaml").write_text(
        f"- id: {n.ann}\n  username: {n.ann}\n  password: ann-secret-1\n  type: team\n"
        f"  team_id: {n.t1}\n"
        f"- username: {n.ben}\n  type: team\n  team_id: {n.t1}\n"  # no password
        f"- username: {n.cat}\n  password: cat-secret-1\n  type: team\n  team_id: {n.t2}\n"
        f"- username: {n.judge}\n  password: judge-secret\n  type: judge\n"
        f"- username: {n.admin}\n  password: admin-secret\n  type: admin\n"
    )
    return pkg
