"""Declarative routes: each HTTP endpoint is described once, next to its handler.

The Starlette routes and the OpenAPI document (``arena.hub.openapi``) are both made from the same
``Endpoint`` list, so the document cannot name a path or a method the hub does not serve. Bodies
and answers are msgspec types; every error answer is an ``ErrorBody``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from arena.hub.http import INT64_MAX

Handler = Callable[[Request], Awaitable[Response]]
Auth = Literal["none", "optional", "required"]
_PATH_PARAM = re.compile(r"{([a-z_]+)}")


@dataclass(frozen=True)
class Param:
    """A query or path parameter: integer or string, optionally bounded or enumerated."""

    name: str
    kind: type[int] | type[str] = str
    description: str = ""
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None


# Path parameters keep one meaning everywhere, so they are described once.
PATH_PARAMS: dict[str, Param] = {
    "contest_id": Param("contest_id", int, "contest id", minimum=1, maximum=INT64_MAX),
    "user_id": Param("user_id", int, "user id (the caller's own)", minimum=1, maximum=INT64_MAX),
    "submission_id": Param("submission_id", int, "submission id", minimum=1, maximum=INT64_MAX),
    "run_id": Param("run_id", int, "plagiarism check id", minimum=1, maximum=INT64_MAX),
    "upload_id": Param("upload_id", int, "problem upload id", minimum=1, maximum=INT64_MAX),
    "team_id": Param(
        "team_id", int, "a team's registration (its first member's user id)", None, 1, INT64_MAX
    ),
    "slug": Param("slug", str, "problem slug"),
    "label": Param("label", str, "problem label in the contest (A, B, ...)"),
    "file": Param("file", str, "results file", enum=("results.tsv", "awards.json", "results.csv")),
    "username": Param("username", str, "user name (case-insensitive)"),
    "code": Param("code", str, "an invite-only contest's invite code"),
    "organization": Param("organization", str, "organization id (as in the Contest API)"),
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    # Status -> msgspec type of the JSON answer (None: no body).
    responses: dict[int, Any]
    auth: Auth = "none"
    body: Any = None  # the msgspec type of a JSON request body
    # A non-JSON body (multipart form) as a JSON schema, with its media type.
    form_schema: dict[str, Any] | None = None
    query: tuple[Param, ...] = ()
    # Error statuses besides those every endpoint of its kind has (see ``error_statuses``).
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path_params(self) -> list[Param]:
        return [PATH_PARAMS[name] for name in _PATH_PARAM.findall(self.path)]

    def error_statuses(self) -> list[int]:
        implied = set(self.errors)
        if self.body is not None or self.form_schema is not None:
            implied |= {400, 413}
        if self.query:
            implied.add(400)
        if self.auth == "required":
            implied.add(401)
        if self.path_params:
            implied.add(404)
        return sorted(implied)


def routes_for(endpoints: Sequence[Endpoint]) -> list[Route]:
    for endpoint in endpoints:
        for name in _PATH_PARAM.findall(endpoint.path):
            if name not in PATH_PARAMS:
                raise ValueError(f"{endpoint.path}: undescribed path parameter {name!r}")
    return [Route(e.path, e.handler, methods=[e.method]) for e in endpoints]
