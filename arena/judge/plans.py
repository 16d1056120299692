"""Grading plans for stored problem versions: limits and tests from Postgres, data from blobs.

A problem version never changes once imported, so a plan is cached for the worker's lifetime.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from arena.functions import Signature, parse_signature
from arena.judge.grader import GradingPlan
from arena.judge.validators import ProgramFile, ValidatorPlan, program_plan
from arena.languages import LanguageTable
from arena.problems.checker import DefaultValidatorFlags
from arena.problems.package import TestCase
from arena.problems.scoring import ScoringPlan
from arena.storage.blobs import BlobStore


class PlanError(LookupError):
    pass


class PlanCache:
    def __init__(self, db: Any, blobs: BlobStore, languages: LanguageTable | None = None) -> None:
        self._db = db
        self._blobs = blobs
        # Picks the language of a problem's own output validator.
        self._languages = languages
        self._plans: dict[tuple[int, int], GradingPlan] = {}

    async def get(self, problem_id: int, version: int) -> GradingPlan:
        key = (problem_id, version)
        plan = self._plans.get(key)
        if plan is None:
            plan = await self._load(problem_id, version)
            self._plans[key] = plan
        return plan

    async def _load(self, problem_id: int, version: int) -> GradingPlan:
        async with self._db.acquire() as conn:
            head = await conn.fetchrow(
                "SELECT problem_type, time_limit_ms, memory_mib, output_mib, validator, scoring,"
                " function_signature FROM problem_versions WHERE problem_id = $1 AND version = $2",
                problem_id,
                version,
            )
            if head is None:
                raise PlanError(f"problem {problem_id} has no version {version}")
            rows = await conn.fetch(
                "SELECT name, is_sample, input_hash, answer_hash FROM problem_tests"
                " WHERE problem_id = $1 AND version = $2 ORDER BY ordinal",
                problem_id,
                version,
            )
        tests = [
            TestCase(
                name=r["name"],
                input_path=self._path(r["input_hash"]),
                answer_path=self._path(r["answer_hash"]),
                group=r["name"].rpartition("/")[0],
                is_sample=r["is_sample"],
            )
            for r in rows
        ]
        return GradingPlan(
            tests=tests,
            time_limit_s=head["time_limit_ms"] / 1000,
            memory_mib=head["memory_mib"],
            output_mib=head["output_mib"],
            checker=checker_flags(head["validator"]),
            validator=self._validator(problem_id, version, head["validator"]),
            stop_at_first_failure=head["problem_type"] == "pass-fail",
            scoring=scoring_rules(head["scoring"]),
            function=stored_signature(head["function_signature"]),
        )

    def _validator(
        self, problem_id: int, version: int, stored: str | dict[str, Any]
    ) -> ValidatorPlan | None:
        data = json.loads(stored) if isinstance(stored, str) else stored
        if not data.get("custom_validator"):
            return None
        program = data.get("program")
        if program is None:
            raise PlanError(
                f"problem {problem_id} version {version} has a custom validator but no stored"
                " program (imported before validators were stored, or multi-pass): re-import it"
            )
        if self._languages is None:
            raise PlanError("a problem with its own output validator needs the language table")
        files = [ProgramFile(f["name"], self._path(f["hash"])) for f in program["files"]]
        limits = data.get("validation_limits", {})
        return ValidatorPlan(
            program=program_plan((program["name"], files), self._languages),
            interactive=bool(data.get("interactive")),
            flags=list(data.get("validator_flags", [])),
            group_flags={k: list(v) for k, v in data.get("group_flags", {}).items()},
            time_s=limits.get("time_s", 60),
            memory_mib=limits.get("memory_mib", 2048),
            output_mib=limits.get("output_mib", 8),
        )

    def _path(self, digest: str) -> Path:
        path = self._blobs.path_for(digest)
        if path is None:
            raise PlanError(f"blob {digest} is not on a local disk")
        return path


def scoring_rules(stored: str | bytes | dict[str, Any] | None) -> ScoringPlan | None:
    """The stored scoring rules of a scoring problem's version (None for pass-fail)."""
    if stored is None:
        return None
    if isinstance(stored, dict):
        return msgspec.convert(stored, ScoringPlan)
    return msgspec.json.decode(stored, type=ScoringPlan)


def stored_signature(stored: str | bytes | dict[str, Any] | None) -> Signature | None:
    """A function problem's signature as ``problem_versions.function_signature`` holds it."""
    if stored is None:
        return None
    return parse_signature(json.loads(stored) if isinstance(stored, str | bytes) else stored)


def checker_flags(validator: str | dict[str, Any]) -> DefaultValidatorFlags:
    data = json.loads(validator) if isinstance(validator, str) else validator
    fields = {f.name for f in msgspec.structs.fields(DefaultValidatorFlags)}
    return msgspec.convert({k: v for k, v in data.items() if k in fields}, DefaultValidatorFlags)
