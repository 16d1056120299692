"""Validation against the ICPC Contest API JSON schemas of ../shared/conformance/ccs-specs.

The schemas are read where they are, at test time (never copied into the project); they refer to
each other by relative ``$ref``, resolved here through their ``$id``s.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parent.parent
_SCHEMAS = Path("shared", "conformance", "ccs-specs", "json-schema")
# Next to the repository; a git worktree further down (../wt/<name>) finds them higher up.
SCHEMA_DIR = next(
    (base / _SCHEMAS for base in REPO.parents if (base / _SCHEMAS).is_dir()),
    REPO.parent / _SCHEMAS,
)


def _multiple_of(validator: Any, step: Any, instance: Any, schema: Any) -> Any:
    """``multipleOf`` on the decimal values JSON carries: jsonschema divides binary floats, and
    0.043 / 0.001 is 42.99999999999999 there, so a run time of 43 ms would "fail"."""
    if not validator.is_type(instance, "number"):
        return
    if (Fraction(repr(instance)) / Fraction(repr(step))).denominator != 1:
        yield ValidationError(f"{instance!r} is not a multiple of {step}")


_Validator = extend(Draft202012Validator, {"multipleOf": _multiple_of})
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@cache
def _schemas() -> tuple[Registry, dict[str, dict[str, Any]]]:
    if not SCHEMA_DIR.is_dir():
        raise AssertionError(f"the ICPC Contest API schemas are missing: {SCHEMA_DIR}")
    by_name: dict[str, dict[str, Any]] = {}
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        # Without its "$schema", a schema reached through a $ref is checked by this module's
        # validator too: with it, jsonschema picks the stock 2020-12 class there, whose float
        # multipleOf fails 0.051 (a judgement's max_run_time) inside judgements.json.
        if schema.pop("$schema", _DIALECT) != _DIALECT:
            raise AssertionError(f"{path}: not a JSON Schema 2020-12 schema")
        by_name[path.stem] = schema
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        resources.append((schema["$id"], resource))
    return Registry().with_resources(resources), by_name


def schema_version() -> str:
    """What the schemas say the API version is (api_information.json's ``version``)."""
    return str(_schemas()[1]["api_information"]["properties"]["version"]["const"])


def validate(name: str, instance: Any) -> None:
    """Raise AssertionError naming the schema, the path and the reason on the first mismatch."""
    registry, by_name = _schemas()
    validator = _Validator(by_name[name], registry=registry)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise AssertionError(
            f"{name}.json: {where}: {error.message}\n{json.dumps(instance)[:2000]}"
        )


def validate_event_line(line: bytes) -> dict[str, Any]:
    """One event-feed NDJSON line: the notification, and its data as its own endpoint's object."""
    event: dict[str, Any] = json.loads(line)
    validate("event-feed", event)
    data = event["data"]
    if data is not None:
        single = {"contest": "contest", "state": "state"}.get(event["type"])
        validate(single or _SINGULAR[event["type"]], data)
    return event


_SINGULAR = {
    "judgement-types": "judgement-type",
    "languages": "language",
    "problems": "problem",
    "organizations": "organization",
    "teams": "team",
    "persons": "person",
    "accounts": "account",
    "submissions": "submission",
    "judgements": "judgement",
    "runs": "run",
    "clarifications": "clarification",
    "awards": "award",
}
