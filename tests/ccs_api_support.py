"""Helpers of the Contest API's tests: HTTP basic auth, validated GETs, the event feed without
streaming, submitting a zip and waiting for verdicts."""

from __future__ import annotations

import asyncio
import base64
import io
import time
import uuid
import zipfile
from typing import Any

import httpx
from ccs_support import validate, validate_event_line
from hub_support import PASSWORD, bearer

AC = "a, b = map(int, input().split())\nprint(a + b)\n"
COLLECTIONS = [
    "judgement-types", "languages", "problems", "groups", "organizations", "teams", "persons",
    "accounts", "submissions",
    "judgements", "runs", "clarifications", "awards",
]  # fmt: skip


def zipped(source: str, name: str = "main.py") -> str:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr(name, source)
    return base64.b64encode(packed.getvalue()).decode()


def basic(username: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def get_valid(http: httpx.AsyncClient, path: str, schema: str, **kw: Any) -> Any:
    answer = await http.get("/api/v4" + path, **kw)
    assert answer.status_code == 200, (path, answer.text)
    assert answer.headers["access-control-allow-origin"] == "*"
    validate(schema, answer.json())
    return answer.json()


async def all_endpoints(http: httpx.AsyncClient, key: str, **kw: Any) -> dict[str, Any]:
    """Every endpoint of the contest, each validated; a few single objects too."""
    base = f"/contests/{key}"
    found = {"contest": await get_valid(http, base, "contest", **kw)}
    for name, schema in (("access", "access"), ("state", "state"), ("scoreboard", "scoreboard")):
        found[name] = await get_valid(http, f"{base}/{name}", schema, **kw)
    for name in COLLECTIONS:
        found[name] = await get_valid(http, f"{base}/{name}", name, **kw)
    singles = {"submissions": "submission", "teams": "team", "judgements": "judgement"}
    for name, schema in singles.items():
        for item in found[name][:2]:
            one = await get_valid(http, f"{base}/{name}/{item['id']}", schema, **kw)
            assert one == item
    return found


async def feed(http: httpx.AsyncClient, key: str, query: str = "", **kw: Any) -> list[Any]:
    """The event feed without streaming: every line validated, tokens increasing."""
    answer = await http.get(f"/api/v4/contests/{key}/event-feed?stream=false{query}", **kw)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    events = [validate_event_line(line.encode()) for line in answer.text.splitlines() if line]
    tokens = [int(e["token"]) for e in events]
    assert tokens == sorted(set(tokens))
    return events


async def wait_judged(http: httpx.AsyncClient, token: str, submission_id: int) -> str:
    deadline = time.monotonic() + 300  # a busy machine's sandboxes can be slow
    while time.monotonic() < deadline:
        view = (await http.get(f"/api/submissions/{submission_id}", headers=bearer(token))).json()
        if view["status"] in ("done", "failed"):
            return str(view["verdict"])
        await asyncio.sleep(0.2)
    raise AssertionError(f"submission {submission_id} was not judged in time")


async def wait_state(http: httpx.AsyncClient, key: str, milestone: str) -> None:
    deadline = time.monotonic() + 60
    while (await get_valid(http, f"/contests/{key}/state", "state"))[milestone] is None:
        assert time.monotonic() < deadline, f"the contest's state never got {milestone}"
        await asyncio.sleep(0.2)


async def submit(http: httpx.AsyncClient, key: str, source: str, **kw: Any) -> Any:
    body = {"problem_id": kw.pop("problem"), "language_id": "python3", "files": [{"data": source}]}
    return await http.post(f"/api/v4/contests/{key}/submissions", json=body, **kw)


async def keyed_contest(db: Any, problem_id: int, prefix: str) -> tuple[int, str]:
    """A new contest with a random external id (its key in the API's paths): (id, key)."""
    from hub_support import new_contest

    contest_id = await new_contest(db, problem_id)
    key = f"{prefix}-{uuid.uuid4().hex[:8]}"
    await db.execute("UPDATE contests SET external_id = $2 WHERE id = $1", contest_id, key)
    return contest_id, key
