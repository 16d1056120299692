"""Pairs of programs: disguised copies of the example bank's solutions are found, independent
solutions are not, the stub and common idiom are no evidence, regions point at the matches."""

from __future__ import annotations

import random
from collections import defaultdict

from plagiarism_support import bank_accepted, disguise, synthetic_python

from arena.plagiarism.compare import Settings, check_group, fingerprint
from arena.plagiarism.tokens import comparison_group, tokenize

SETTINGS = Settings()


def _big_enough(source: str, language: str) -> bool:
    """A copy of a one-liner is not evidence of anything: too few fingerprints to tell."""
    return len(fingerprint(0, source, language, SETTINGS, frozenset()).positions) >= 2 * (
        SETTINGS.min_shared
    )


def test_a_renamed_copy_of_each_bank_solution_is_found() -> None:
    solutions = [s for s in bank_accepted() if _big_enough(s[3], s[2])]
    assert len(solutions) >= 20  # the measure means something
    for seed, (problem, name, language, source) in enumerate(solutions):
        copy = disguise(source, language, seed)
        assert copy != source
        pairs = check_group([(1, language, source), (2, language, copy)], {}, SETTINGS)
        assert [(p.a, p.b) for p in pairs] == [(1, 2)], f"{problem}/{name}"
        assert pairs[0].similarity >= 0.9, f"{problem}/{name}: {pairs[0].similarity}"


# Solutions of *different* problems by the bank's one author that share their whole input
# loop (``scanf n; for i < n: scanf x``) and little else: the method rightly sees the same code.
SAME_SKELETON = {
    frozenset({"arraysum/arraysum.cpp", "average/average.cpp"}),
    frozenset({"distinct/distinct.cpp", "runningmedian/runningmedian.cpp"}),
    frozenset({"palindrome/palindrome.cpp", "reverse/reverse.cpp"}),
}


def test_independent_bank_solutions_are_not_flagged_and_copies_among_them_are() -> None:
    per_problem: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    per_language: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    names = {}
    for ident, (problem, name, language, source) in enumerate(bank_accepted(), start=1):
        per_problem[problem, comparison_group(language)].append((ident, language, source))
        per_language[comparison_group(language)].append((ident, language, source))
        names[ident] = f"{problem}/{name}"
    # As the check runs (per problem and language): nothing flagged.
    for key, group in per_problem.items():
        assert check_group(group, {}, SETTINGS) == [], key
    # All of a language's solutions together (other problems: surely independent), with a
    # disguised copy of each one big enough to tell: every copy is found with its original,
    # and nothing else is flagged but programs of the same skeleton.
    for language, group in per_language.items():
        copies = {
            100_000 + ident: ident for ident, lang, source in group if _big_enough(source, lang)
        }
        by_id = {ident: (lang, source) for ident, lang, source in group}
        planted = [
            (copy, by_id[ident][0], disguise(by_id[ident][1], by_id[ident][0], ident))
            for copy, ident in copies.items()
        ]
        found = {(p.a, p.b) for p in check_group(group + planted, {}, SETTINGS)}
        for copy, ident in copies.items():
            assert (ident, copy) in found, names[ident]
        for a, b in found:
            a, b = copies.get(a, a), copies.get(b, b)
            assert a == b or frozenset({names[a], names[b]}) in SAME_SKELETON, (
                language,
                names[a],
                names[b],
            )


def test_the_stub_is_no_evidence() -> None:
    rng = random.Random(3)
    stub = synthetic_python(rng, 30)
    one, two = synthetic_python(rng, 8), synthetic_python(rng, 8)
    sources = [(1, "python3", stub + one), (2, "python3", stub + two)]
    assert [(p.a, p.b) for p in check_group(sources, {}, SETTINGS)] == [(1, 2)]
    assert check_group(sources, {"python3": stub}, SETTINGS) == []
    # The stub of another language is not this one's.
    assert check_group(sources, {"cpp": stub}, SETTINGS) != []


def test_idiom_many_programs_share_is_no_evidence() -> None:
    rng = random.Random(5)
    idiom = synthetic_python(rng, 40)
    group = [(i, "python3", idiom + synthetic_python(rng, 15)) for i in range(1, 41)]
    assert check_group(group, {}, SETTINGS) == []  # 40 programs share it: over common_docs
    assert check_group(group[:2], {}, SETTINGS) != []  # two alone: a copy


def test_independent_programs_are_not_flagged_and_a_planted_copy_is() -> None:
    rng = random.Random(11)
    group = [(i, "python3", synthetic_python(rng, 50)) for i in range(1, 301)]
    assert check_group(group, {}, SETTINGS) == []
    group.append((999, "python3", disguise(group[41][2], "python3", 1)))
    assert [(p.a, p.b) for p in check_group(group, {}, SETTINGS)] == [(42, 999)]


def test_regions_cover_the_copied_code_in_both_programs() -> None:
    rng = random.Random(8)
    original = synthetic_python(rng, 40)
    own = synthetic_python(rng, 25)
    copy = own + disguise(original, "python3", 2)
    (pair,) = check_group([(1, "python3", original), (2, "python3", copy)], {}, SETTINGS)
    assert pair.regions
    for region in pair.regions:
        a_text = original[region.a_start : region.a_end]
        b_text = copy[region.b_start : region.b_end]
        # Each region is the same code in both, up to names and layout.
        assert tokenize(a_text, "python3").codes == tokenize(b_text, "python3").codes
        assert region.b_start >= len(own) - 1  # never inside the copier's own code
    covered = sum(r.a_end - r.a_start for r in pair.regions)
    assert covered >= 0.8 * len(original.strip())


def test_threshold_and_minimum_shared_are_honoured() -> None:
    rng = random.Random(9)
    base = synthetic_python(rng, 40)
    extra = synthetic_python(rng, 120)
    sources = [(1, "python3", base), (2, "python3", disguise(base, "python3", 3) + extra)]
    (pair,) = check_group(sources, {}, SETTINGS)  # all of the smaller one is in the larger
    assert pair.similarity >= 0.9
    strict = Settings(min_shared=pair.shared + 1)
    assert check_group(sources, {}, strict) == []
    assert check_group(sources, {}, Settings(threshold=1.01)) == []
