"""Tokens, k-grams and winnowing: unit and property tests against the paper's definitions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.plagiarism.tokens import tokenize
from arena.plagiarism.winnow import kgram_hashes, winnow


def test_names_literals_comments_and_layout_do_not_change_python_tokens() -> None:
    one = "total = 0\nfor x in range(10):\n    total += x * 2  # sum\nprint(total, 'done')\n"
    two = 'acc=5\n\nfor item in range(99):\n    acc += item*7\nshow(acc, "ok")\n'
    assert tokenize(one, "python3").codes == tokenize(two, "python3").codes
    # A keyword or an operator is not a name: changing one changes the tokens.
    three = one.replace("for x in", "while x in")
    assert tokenize(one, "python3").codes != tokenize(three, "python3").codes
    assert tokenize(one, "python3").codes != tokenize(one.replace("*", "+"), "python3").codes


def test_c_family_tokens_skip_comments_includes_and_normalize_literals() -> None:
    one = '#include <cstdio>\nint main() { /* read */ int n = 5; printf("%d\\n", n); }\n'
    two = "#include <bits/stdc++.h>\nint main(){int k=7;// x\n puts('a', k);}"
    a, b = tokenize(one, "cpp"), tokenize(two, "cpp")
    assert a.codes == b.codes
    assert one[slice(*a.spans[0])] == "int"  # spans point at the source's characters
    assert [one[s:e] for s, e in a.spans][-3:] == [")", ";", "}"]


@pytest.mark.parametrize("language", ["python3", "cpp", "java", "go", "rust", "kotlin"])
def test_any_text_tokenizes_and_spans_cover_only_its_characters(language: str) -> None:
    source = "x = '\\'; \"unterminated\n /* open comment ```` \x00 ü 数 ++-->>=:="
    tokens = tokenize(source, language)
    assert len(tokens.codes) == len(tokens.spans)
    assert all(0 <= s < e <= len(source) for s, e in tokens.spans)
    assert all(a[1] <= b[0] for a, b in zip(tokens.spans, tokens.spans[1:], strict=False))


def _brute_force_winnow(hashes: list[int], w: int) -> list[tuple[int, int]]:
    """The paper's definition: the rightmost minimum of every window, each position once."""
    if len(hashes) <= w:
        low = min(hashes)
        return [(low, max(i for i, h in enumerate(hashes) if h == low))]
    picked: list[tuple[int, int]] = []
    for start in range(len(hashes) - w + 1):
        window = hashes[start : start + w]
        low = min(window)
        at = start + max(i for i, h in enumerate(window) if h == low)
        if not picked or picked[-1][1] != at:
            picked.append((low, at))
    return picked


@given(st.lists(st.integers(0, 20), min_size=1, max_size=200), st.integers(1, 12))
@settings(max_examples=300)
def test_winnowing_matches_the_definition(hashes: list[int], w: int) -> None:
    assert winnow(hashes, w) == _brute_force_winnow(hashes, w)


@given(st.lists(st.integers(0, 2**32), min_size=0, max_size=100), st.integers(1, 10))
def test_kgram_hashes_depend_only_on_their_k_codes(codes: list[int], k: int) -> None:
    hashes = kgram_hashes(codes, k)
    assert len(hashes) == max(0, len(codes) - k + 1)
    for i, h in enumerate(hashes):
        assert h == kgram_hashes(codes[i : i + k], k)[0]


@given(
    st.lists(st.integers(0, 50), min_size=0, max_size=60),
    st.lists(st.integers(0, 50), min_size=10, max_size=40),
    st.lists(st.integers(0, 50), min_size=0, max_size=60),
    st.lists(st.integers(0, 50), min_size=0, max_size=60),
    st.lists(st.integers(0, 50), min_size=0, max_size=60),
)
@settings(max_examples=300)
def test_a_common_run_of_w_plus_k_minus_1_tokens_shares_a_fingerprint(
    before_a: list[int],
    common: list[int],
    after_a: list[int],
    before_b: list[int],
    after_b: list[int],
) -> None:
    k, w = 5, 6  # the guarantee threshold: w + k - 1 = 10 tokens, the shortest `common`
    a = winnow(kgram_hashes(before_a + common + after_a, k), w)
    b = winnow(kgram_hashes(before_b + common + after_b, k), w)
    assert {h for h, _ in a} & {h for h, _ in b}


def test_a_run_shorter_than_k_shares_no_fingerprint() -> None:
    k = 5
    a = kgram_hashes([1, 2, 3, 4, 9, 9, 9, 9, 9, 9], k)
    b = kgram_hashes([7, 7, 7, 7, 7, 1, 2, 3, 4, 8], k)
    assert not set(a) & set(b)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="k is at least 1"):
        kgram_hashes([1, 2], 0)
    with pytest.raises(ValueError, match="w is at least 1"):
        winnow([1, 2], 0)
