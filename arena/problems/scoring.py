"""Scores of scoring problems: per-test results aggregated over the test data groups.

Two rule sets, one per package format:

- legacy: the Kattis default grader runs on every group over its sub-results (test cases and
  subgroups, in name order): ``accept_score`` / ``reject_score`` per test case, scores combined by
  the ``sum``/``avg``/``min``/``max`` grader flag, verdicts by ``worst_error``/``first_error``/
  ``always_accept`` (+ ``accept_if_any_accepted``, ``ignore_sample`` at the root). With
  ``on_reject: break`` (the default) a group's grader sees its sub-results only up to the first
  rejected one. The submission's score is the root's score if the root's verdict is AC; the
  specification ignores the score of a rejected result, so it is 0 then.
- 2023-07: ``secret`` has ``max_score`` (default 100) and ``score_aggregation`` (default ``sum``);
  its groups default to ``pass-fail`` and to a share of their parent's points that nobody claimed
  (the draft's inference rule). A failed test case scores 0, an accepted one its maximum; samples
  never score. The verdict is the first failing test's, AC when every test is accepted.

The judge runs every test of a scoring problem, so the verdicts in hand are complete; building a
plan (``scoring_plan``) reads and checks the package, ``score_submission`` is a pure function.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import msgspec

from arena.protocol import GroupScore, TestResult, Verdict

from .errors import PackageError
from .groups import GroupSettings, group_file_names, read_root_settings
from .package import ProblemPackage

__all__ = ["ScoreNode", "ScoreOutcome", "ScoringPlan", "score_submission", "scoring_plan"]

Aggregation = Literal["sum", "min", "max", "avg", "pass-fail"]
VerdictMode = Literal["worst_error", "first_error", "always_accept"]
# The legacy default grader's "worst" order; JE never reaches the grader here.
_WORST_FIRST = (Verdict.RTE, Verdict.MLE, Verdict.TLE, Verdict.OLE, Verdict.WA)
# Scores are sums of floats: a group at its maximum may exceed it by rounding noise.
_EPSILON = 1e-9


class ScoreNode(msgspec.Struct, frozen=True, kw_only=True):
    """One test data group with its scoring settings resolved. ``name`` is the path under
    ``data/`` (``""`` is ``data/`` itself, the legacy root). Unbounded is None (JSON has no inf)."""

    name: str
    aggregation: Aggregation = "sum"
    # The group's maximum: 2023-07 resolved ``max_score``; legacy, the all-accepted score.
    max_score: float | None = None
    # 2023-07: the maximum of each test case directly in the group.
    test_max_score: float | None = None
    # Legacy default grader.
    accept_score: float = 1.0
    reject_score: float = 0.0
    range_low: float | None = None
    range_high: float | None = None
    on_reject: Literal["break", "continue"] = "break"
    verdict_mode: VerdictMode = "worst_error"
    ignore_sample: bool = False
    accept_if_any_accepted: bool = False


class ScoringPlan(msgspec.Struct, frozen=True, kw_only=True):
    """How a scoring problem's tests become a score; stored with the problem version."""

    format: Literal["legacy", "2023-07"]
    # Parents before children.
    groups: list[ScoreNode]
    max_score: float | None


class ScoreOutcome(msgspec.Struct, frozen=True):
    verdict: Verdict
    score: float
    groups: list[GroupScore]


class _Result(msgspec.Struct, frozen=True):
    name: str
    verdict: Verdict
    score: float


def _parent(name: str) -> str:
    return name.rpartition("/")[0]


def _key(name: str, rank: int) -> tuple[str, int]:
    return name.rpartition("/")[2], rank


class _Tree:
    """Children (test names and group names) of every group, in the order tests run."""

    def __init__(self, nodes: Sequence[ScoreNode], test_names: Sequence[str]) -> None:
        self.nodes = {node.name: node for node in nodes}
        self.children: dict[str, list[tuple[str, bool]]] = {node.name: [] for node in nodes}
        keyed: dict[str, list[tuple[tuple[str, int], str, bool]]] = {n: [] for n in self.nodes}
        # In a directory, test x comes before group x/ (the package's order of test paths).
        for node in nodes:
            if node.name and _parent(node.name) in keyed:
                keyed[_parent(node.name)].append((_key(node.name, 1), node.name, True))
        for test in test_names:
            if _parent(test) in keyed:
                keyed[_parent(test)].append((_key(test, 0), test, False))
        for name, entries in keyed.items():
            self.children[name] = [(child, is_group) for _, child, is_group in sorted(entries)]


# --- evaluation ----------------------------------------------------------------------------


def score_submission(
    plan: ScoringPlan,
    test_names: Sequence[str],
    results: Sequence[TestResult],
    reported_scores: Mapping[str, float] | None = None,
) -> ScoreOutcome:
    """The verdict, score and group scores of one submission.

    ``results`` holds a result per test of ``test_names`` that was run; a test without one (the
    container was lost) counts as failed like the test that lost it. ``reported_scores`` maps a
    test name to the score its output validator reported (``score.txt``), for accepted tests.
    """
    if any(r.verdict == Verdict.JE for r in results):
        # Judging stopped on a judging error: nothing here can be trusted, and JE is retried.
        return ScoreOutcome(Verdict.JE, 0.0, [])
    verdicts = {r.name: r.verdict for r in results}
    lost = next((r.verdict for r in results if r.verdict != Verdict.AC), Verdict.RTE)
    for name in test_names:
        verdicts.setdefault(name, lost)
    tree = _Tree(plan.groups, test_names)
    reported = reported_scores or {}
    if plan.format == "legacy":
        return _Legacy(tree, verdicts, reported).outcome()
    return _Modern(tree, verdicts, reported, test_names).outcome()


def _clamp(score: float, low: float | None, high: float | None) -> float:
    # A score outside the range is a package bug; the all-accepted score is checked at load.
    if high is not None and score > high:
        return high
    if low is not None and score < low:
        return low
    return score


def _combine_legacy(node: ScoreNode, subs: list[_Result]) -> tuple[Verdict, float]:
    if not subs:
        return Verdict.AC, 0.0
    verdict = Verdict.AC
    failures = [s.verdict for s in subs if s.verdict != Verdict.AC]
    if failures and node.verdict_mode == "first_error":
        verdict = failures[0]
    elif failures and node.verdict_mode == "worst_error":
        verdict = min(failures, key=lambda v: _WORST_FIRST.index(v) if v in _WORST_FIRST else 99)
    if node.accept_if_any_accepted and len(failures) < len(subs):
        verdict = Verdict.AC
    scores = [s.score for s in subs]
    aggregate = {
        "sum": math.fsum(scores),
        "avg": math.fsum(scores) / len(scores),
        "min": min(scores),
        "max": max(scores),
    }
    score = aggregate.get(node.aggregation, math.fsum(scores))
    return verdict, _clamp(score, node.range_low, node.range_high)


class _Legacy:
    def __init__(
        self, tree: _Tree, verdicts: Mapping[str, Verdict], reported: Mapping[str, float]
    ) -> None:
        self.tree = tree
        self.verdicts = verdicts
        self.reported = reported
        self.groups: list[GroupScore] = []

    def outcome(self) -> ScoreOutcome:
        root = self.evaluate(self.tree.nodes[""])
        self.groups.sort(key=lambda g: [part for part in g.name.split("/")])
        score = root.score if root.verdict == Verdict.AC else 0.0
        return ScoreOutcome(root.verdict, score, self.groups)

    def evaluate(self, node: ScoreNode) -> _Result:
        subs: list[_Result] = []
        for child, is_group in self.tree.children[node.name]:
            if is_group:
                sub = self.evaluate(self.tree.nodes[child])
            else:
                verdict = self.verdicts[child]
                if verdict == Verdict.AC:
                    score = self.reported.get(child, node.accept_score)
                else:
                    score = node.reject_score
                sub = _Result(child, verdict, score)
            subs.append(sub)
            if node.on_reject == "break" and sub.verdict != Verdict.AC:
                break
        if node.ignore_sample:
            subs = [sub for sub in subs if sub.name != "sample"]
        verdict, score = _combine_legacy(node, subs)
        if node.name:
            self.groups.append(GroupScore(node.name, score, node.max_score, verdict))
        return _Result(node.name, verdict, score)


class _Modern:
    def __init__(
        self,
        tree: _Tree,
        verdicts: Mapping[str, Verdict],
        reported: Mapping[str, float],
        test_names: Sequence[str],
    ) -> None:
        self.tree = tree
        self.verdicts = verdicts
        self.reported = reported
        self.test_names = test_names
        self.groups: list[GroupScore] = []

    def outcome(self) -> ScoreOutcome:
        failing = (self.verdicts[name] for name in self.test_names)
        verdict = next((v for v in failing if v != Verdict.AC), Verdict.AC)
        secret = self.tree.nodes.get("secret")
        score = self.evaluate(secret).score if secret is not None else 0.0
        self.groups.sort(key=lambda g: [part for part in g.name.split("/")])
        return ScoreOutcome(verdict, score, self.groups)

    def test_score(self, node: ScoreNode, name: str) -> float:
        if self.verdicts[name] != Verdict.AC:
            return 0.0
        # Unbounded tests must report their score; plans without a custom validator are refused.
        return _clamp(self.reported.get(name, node.test_max_score or 0.0), 0.0, node.test_max_score)

    def evaluate(self, node: ScoreNode) -> _Result:
        subs = [
            self.evaluate(self.tree.nodes[child])
            if is_group
            else _Result(child, self.verdicts[child], self.test_score(node, child))
            for child, is_group in self.tree.children[node.name]
        ]
        verdict = next((s.verdict for s in subs if s.verdict != Verdict.AC), Verdict.AC)
        if node.aggregation == "pass-fail":
            score = (node.max_score or 0.0) if verdict == Verdict.AC else 0.0
        elif node.aggregation == "min":
            score = min((s.score for s in subs), default=0.0)
        else:
            score = math.fsum(s.score for s in subs)
        score = _clamp(score, 0.0, node.max_score)
        self.groups.append(GroupScore(node.name, score, node.max_score, verdict))
        return _Result(node.name, verdict, score)


# --- plans ---------------------------------------------------------------------------------


def scoring_plan(package: ProblemPackage) -> ScoringPlan | None:
    """The scoring rules of a scoring problem (None for pass-fail problems). Raises
    ``PackageError`` naming the group's settings file when they do not add up."""
    if package.type != "scoring":
        return None
    if package.format == "legacy":
        return _legacy_plan(package)
    return _modern_plan(package)


def _settings_path(package: ProblemPackage, group: str) -> Path:
    directory = package.root / "data" / group if group else package.root / "data"
    names = group_file_names(package.format == "2023-07")
    existing = [directory / name for name in names if (directory / name).is_file()]
    return existing[0] if existing else directory / names[0]


def _error(package: ProblemPackage, group: str, message: str) -> PackageError:
    return PackageError(_settings_path(package, group), message, root=package.root)


def _legacy_node(package: ProblemPackage, name: str, settings: GroupSettings) -> ScoreNode:
    aggregation = settings.score_aggregation or "sum"
    if aggregation == "pass-fail":
        raise _error(package, name, "score_aggregation: legacy groups use grader_flags instead")
    low, high = settings.range or (-math.inf, math.inf)
    return ScoreNode(
        name=name,
        aggregation=aggregation,
        accept_score=1.0 if settings.accept_score is None else settings.accept_score,
        reject_score=0.0 if settings.reject_score is None else settings.reject_score,
        range_low=low if math.isfinite(low) else None,
        range_high=high if math.isfinite(high) else None,
        on_reject=settings.on_reject or "break",
        verdict_mode=settings.verdict_aggregation or "worst_error",
        ignore_sample=settings.ignore_sample,
        accept_if_any_accepted=settings.accept_if_any_accepted,
    )


def _legacy_plan(package: ProblemPackage) -> ScoringPlan:
    root = read_root_settings(package.root / "data", package.root, is_2023=False)
    nodes = [_legacy_node(package, "", root)]
    nodes += [_legacy_node(package, g.name, g.settings) for g in package.groups]
    test_names = [t.name for t in package.tests]
    all_accepted = dict.fromkeys(test_names, Verdict.AC)
    # A group's maximum is its score when every test is accepted: the default grader's
    # aggregations never score a rejection above an acceptance unless reject_score says so.
    best = _Legacy(_Tree(nodes, test_names), all_accepted, {})
    total = best.evaluate(nodes[0]).score
    maxima = {g.name: g.score for g in best.groups} | {"": total}
    for node in nodes:
        if node.range_low is None and node.range_high is None:
            continue
        # The score before the group's own range clamps it: accepted submissions must fit.
        unranged = [
            msgspec.structs.replace(n, range_low=None, range_high=None) if n is node else n
            for n in nodes
        ]
        tree = _Tree(unranged, test_names)
        raw = _Legacy(tree, all_accepted, {}).evaluate(tree.nodes[node.name]).score
        low = -math.inf if node.range_low is None else node.range_low
        high = math.inf if node.range_high is None else node.range_high
        if not low - _EPSILON <= raw <= high + _EPSILON:
            raise _error(
                package,
                node.name,
                f"range: the score with every test accepted, {raw:g}, is outside {low:g} {high:g}",
            )
    nodes = [msgspec.structs.replace(n, max_score=maxima.get(n.name)) for n in nodes]
    return ScoringPlan(format="legacy", groups=nodes, max_score=total)


def _modern_plan(package: ProblemPackage) -> ScoringPlan:
    settings = {g.name: g.settings for g in package.groups if g.name.split("/")[0] == "secret"}
    if "secret" not in settings:
        return ScoringPlan(format="2023-07", groups=[], max_score=0.0)
    tests_in: dict[str, int] = dict.fromkeys(settings, 0)
    for test in package.tests:
        if test.group in tests_in:
            tests_in[test.group] += 1
    nodes: dict[str, ScoreNode] = {}
    for name, own in settings.items():
        parent = nodes.get(_parent(name))
        aggregation = own.score_aggregation or ("sum" if parent is None else "pass-fail")
        if aggregation not in ("pass-fail", "sum", "min"):
            raise _error(package, name, "score_aggregation: expected pass-fail, sum or min")
        if parent is not None and parent.aggregation == "pass-fail" and aggregation != "pass-fail":
            raise _error(package, name, "score_aggregation: a pass-fail group's groups must be too")
        max_score = _max_score(package, name, own, parent, settings, tests_in)
        if max_score is None and aggregation == "pass-fail":
            raise _error(package, name, "max_score: a pass-fail group needs a bounded max_score")
        if max_score is None and not package.custom_validator:
            raise _error(
                package, name, "max_score: unbounded scores need a custom output validator"
            )
        nodes[name] = ScoreNode(
            name=name,
            aggregation=aggregation,
            max_score=max_score,
            test_max_score=_test_max(package, name, aggregation, max_score, settings, tests_in),
        )
    secret_max = nodes["secret"].max_score
    return ScoringPlan(format="2023-07", groups=list(nodes.values()), max_score=secret_max)


def _max_score(
    package: ProblemPackage,
    name: str,
    own: GroupSettings,
    parent: ScoreNode | None,
    settings: Mapping[str, GroupSettings],
    tests_in: Mapping[str, int],
) -> float | None:
    """The group's maximum score; None for unbounded."""
    if parent is None:
        value = 100.0 if own.max_score is None else own.max_score
        return None if math.isinf(value) else value
    if own.max_score is None:
        if parent.max_score is None:
            return None
        if parent.aggregation == "min":
            return parent.max_score
        claimed, shares = _claimed(parent.name, settings, tests_in)
        return max(0.0, parent.max_score - claimed) / shares
    if math.isinf(own.max_score):
        if parent.max_score is not None:
            raise _error(package, name, "max_score: unbounded inside a bounded group")
        return None
    return own.max_score


def _claimed(
    group: str, settings: Mapping[str, GroupSettings], tests_in: Mapping[str, int]
) -> tuple[float, int]:
    """(points claimed by subgroups with an explicit max_score, number of unclaimed shares)."""
    subgroups = [name for name in settings if _parent(name) == group]
    claimed = math.fsum(
        s for s in (settings[n].max_score for n in subgroups) if s is not None and math.isfinite(s)
    )
    shares = sum(settings[n].max_score is None for n in subgroups) + tests_in[group]
    return claimed, shares


def _test_max(
    package: ProblemPackage,
    name: str,
    aggregation: str,
    max_score: float | None,
    settings: Mapping[str, GroupSettings],
    tests_in: Mapping[str, int],
) -> float | None:
    if max_score is None:
        return None
    claimed, shares = _claimed(name, settings, tests_in)
    if aggregation == "sum" and claimed > max_score + _EPSILON:
        raise _error(
            package,
            name,
            f"max_score: the groups in it claim {claimed:g} points, more than its {max_score:g}",
        )
    if aggregation == "min":
        return max_score
    return max(0.0, max_score - claimed) / shares if shares else 0.0
