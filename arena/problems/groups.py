"""Test data group settings: legacy ``testdata.yaml`` and 2023-07 ``test_group.yaml``.

Settings are inherited key by key from the closest ancestor directory that sets them (this is what
problemtools does), starting from an optional file in ``data/`` itself. In the 2023-07 format
``max_score`` and ``score_aggregation`` describe one group only, so they are not inherited: the
format gives them location-dependent defaults, which the scoring code applies.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal, cast

import msgspec

from .errors import Key, PackageError, YamlDoc

__all__ = [
    "GroupSettings",
    "TestGroup",
    "group_file_names",
    "read_group_settings",
    "read_root_settings",
]

ScoreAggregation = Literal["sum", "min", "max", "avg", "pass-fail"]
VerdictAggregation = Literal["worst_error", "first_error", "always_accept"]
_AGGREGATIONS: tuple[ScoreAggregation, ...] = ("sum", "min", "max", "avg", "pass-fail")
# Legacy default-grader flags that pick how scores and verdicts combine; the last one given wins.
_GRADER_AGGREGATIONS = frozenset({"sum", "min", "max", "avg"})
_GRADER_VERDICTS = frozenset({"worst_error", "first_error", "always_accept"})
_NOT_INHERITED_2023 = frozenset({"max_score", "score_aggregation"})


class GroupSettings(msgspec.Struct, frozen=True):
    """Settings of one test data group; None means "not set here or in any ancestor"."""

    accept_score: float | None = None
    reject_score: float | None = None
    range: tuple[float, float] | None = None
    on_reject: Literal["break", "continue"] | None = None
    grader_flags: list[str] = []
    score_aggregation: ScoreAggregation | None = None
    # Legacy default grader only; None means its default, worst_error.
    verdict_aggregation: VerdictAggregation | None = None
    ignore_sample: bool = False
    accept_if_any_accepted: bool = False
    max_score: float | None = None
    input_validator_flags: list[str] | dict[str, list[str]] = []
    output_validator_flags: list[str] = []
    full_feedback: bool | None = None


class TestGroup(msgspec.Struct, frozen=True):
    """A directory under ``data/``, named by its path relative to it (``secret/group1``)."""

    __test__ = False  # keeps pytest from collecting this class as a test

    name: str
    settings: GroupSettings


def group_file_names(is_2023: bool) -> tuple[str, str]:
    """The settings file to read, preferred first; the other name is accepted as a fallback."""
    return ("test_group.yaml", "testdata.yaml") if is_2023 else ("testdata.yaml", "test_group.yaml")


def _score_range(doc: YamlDoc, key: Key) -> tuple[float, float]:
    value = doc.get(key)
    words = value.split() if isinstance(value, str) else value
    if isinstance(words, list) and len(words) == 2:
        try:
            low, high = (float(word) for word in words)
        except (TypeError, ValueError):
            pass
        else:
            if not (math.isnan(low) or math.isnan(high)) and low <= high:
                return (low, high)
    raise doc.error(key, "expected two numbers 'low high' with low <= high")


def _max_score(doc: YamlDoc, key: Key) -> float:
    if doc.get(key) == "unbounded":
        return math.inf
    value = doc.number(key)
    if value is None or value < 0:
        raise doc.error(key, "expected a non-negative number or 'unbounded'")
    return value


def _input_flags(doc: YamlDoc, key: Key) -> list[str] | dict[str, list[str]]:
    value = doc.get(key)
    if not isinstance(value, dict):
        return doc.flags_value(key, value)
    # Legacy spells one validator as {name: ..., flags: ...}; 2023-07 maps each name to its flags.
    if set(value) <= {"name", "flags"} and isinstance(value.get("name"), str):
        return {value["name"]: doc.flags_value((*key, "flags"), value.get("flags", ""))}
    return {str(name): doc.flags_value((*key, str(name)), flags) for name, flags in value.items()}


def _parse_group_file(doc: YamlDoc) -> dict[str, Any]:
    """The settings one file sets, validated, under GroupSettings field names."""
    found: dict[str, Any] = {}
    for name in ("accept_score", "reject_score"):
        if doc.has((name,)):
            found[name] = doc.number((name,))
    if doc.has(("range",)):
        found["range"] = _score_range(doc, ("range",))
    if doc.has(("on_reject",)):
        on_reject = doc.string(("on_reject",))
        if on_reject not in ("break", "continue"):
            raise doc.error(("on_reject",), "expected 'break' or 'continue'")
        found["on_reject"] = on_reject
    if doc.has(("grader_flags",)):
        found["grader_flags"] = doc.flags(("grader_flags",))
    if doc.has(("grading",)):
        grading = doc.string(("grading",))
        if grading == "custom":
            # Custom graders are programs run on the group results; not supported (yet).
            raise doc.error(("grading",), "custom graders are not supported; use grader_flags")
        if grading != "default":
            raise doc.error(("grading",), "expected 'default' or 'custom'")
    if doc.has(("score_aggregation",)):
        aggregation = doc.string(("score_aggregation",))
        if aggregation not in _AGGREGATIONS:
            raise doc.error(("score_aggregation",), "expected one of " + ", ".join(_AGGREGATIONS))
        found["score_aggregation"] = aggregation
    if doc.has(("max_score",)):
        found["max_score"] = _max_score(doc, ("max_score",))
    # The 2023-07 draft renamed *_flags to *_args (lists); both spellings mean the same.
    for key in ("input_validator_flags", "input_validator_args"):
        if doc.has((key,)):
            found["input_validator_flags"] = _input_flags(doc, (key,))
    for key in ("output_validator_flags", "output_validator_args"):
        if doc.has((key,)):
            found["output_validator_flags"] = doc.flags((key,))
    if doc.has(("full_feedback",)):
        full_feedback = doc.get(("full_feedback",))
        if not isinstance(full_feedback, bool):
            raise doc.error(("full_feedback",), "expected true or false")
        found["full_feedback"] = full_feedback
    return found


def _settings(merged: dict[str, Any]) -> GroupSettings:
    values = dict(merged)
    grader_flags: list[str] = values.get("grader_flags", [])
    if "score_aggregation" not in values:
        chosen = [flag for flag in grader_flags if flag in _GRADER_AGGREGATIONS]
        if chosen:
            values["score_aggregation"] = cast(ScoreAggregation, chosen[-1])
    verdict_modes = [flag for flag in grader_flags if flag in _GRADER_VERDICTS]
    if verdict_modes:
        values["verdict_aggregation"] = cast(VerdictAggregation, verdict_modes[-1])
    values["ignore_sample"] = "ignore_sample" in grader_flags
    values["accept_if_any_accepted"] = "accept_if_any_accepted" in grader_flags
    return GroupSettings(**values)


def _read_file(directory: Path, root: Path, is_2023: bool) -> dict[str, Any]:
    for file_name in group_file_names(is_2023):
        path = directory / file_name
        if path.is_file():
            return _parse_group_file(YamlDoc.load(path, root))
    return {}


def read_root_settings(data_dir: Path, root: Path, *, is_2023: bool) -> GroupSettings:
    """Settings of ``data/`` itself: the legacy grader of the whole result (``ignore_sample``)."""
    return _settings(_read_file(data_dir, root, is_2023))


def read_group_settings(
    data_dir: Path, group_dirs: list[Path], root: Path, *, is_2023: bool
) -> list[TestGroup]:
    """Settings of each directory in ``group_dirs`` (under ``data_dir``), with inheritance.

    ``group_dirs`` must list every parent before its children, which sorted relative paths do.
    """
    merged_by_dir: dict[Path, dict[str, Any]] = {data_dir: _read_file(data_dir, root, is_2023)}
    groups: list[TestGroup] = []
    for directory in group_dirs:
        parent = merged_by_dir.get(directory.parent)
        if parent is None:
            raise PackageError(directory, "group listed before its parent", root=root)
        merged = _read_file(directory, root, is_2023)
        for key, value in parent.items():
            if not (is_2023 and key in _NOT_INHERITED_2023):
                merged.setdefault(key, value)
        merged_by_dir[directory] = merged
        name = directory.relative_to(data_dir).as_posix()
        groups.append(TestGroup(name, _settings(merged)))
    return groups
