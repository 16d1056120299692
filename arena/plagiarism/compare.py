"""Fingerprints of whole programs, and the pairs of programs that share too many of them.

One group holds the submissions of one problem in one comparison group of languages. The
fingerprints of the problem's stub (the code everyone starts from) are removed first; a
fingerprint found in many programs of the group is common idiom, not evidence, and is never
counted as shared (MOSS's ``-m``). Pairs are found through an index from fingerprint to
programs, never by comparing every pair, so 5 000 programs cost about as much as their
fingerprints.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import msgspec

from arena.plagiarism.tokens import tokenize
from arena.plagiarism.winnow import kgram_hashes, winnow


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    k: int = 10  # noise threshold: shorter common runs of tokens are never evidence
    w: int = 5  # any common run of w + k - 1 = 14 tokens is found
    threshold: float = 0.6  # the share of the smaller program's fingerprints found in the other
    min_shared: int = 8  # fewer shared fingerprints is a few lines in common, not a copy
    common_docs: int = 20  # a fingerprint in more programs than this (and than common_share)...
    common_share: float = 0.05  # ... of the group is idiom and never counts
    max_regions: int = 200


class Document(msgspec.Struct, frozen=True):
    """One program's fingerprints: hash → the token positions where a k-gram with it starts."""

    ident: int
    positions: dict[int, list[int]]
    spans: list[tuple[int, int]]  # each token's characters


class Region(msgspec.Struct, frozen=True, array_like=True):
    """A stretch of the first program matched with a stretch of the second (character offsets)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


class Pair(msgspec.Struct, frozen=True):
    a: int  # the smaller ident
    b: int
    similarity: float  # shared / the smaller program's fingerprints
    shared: int
    regions: list[Region]


def fingerprint(
    ident: int, source: str, language: str, settings: Settings, template: frozenset[int]
) -> Document:
    tokens = tokenize(source, language)
    positions: dict[int, list[int]] = defaultdict(list)
    for h, at in winnow(kgram_hashes(tokens.codes, settings.k), settings.w):
        if h not in template:
            positions[h].append(at)
    return Document(ident, dict(positions), tokens.spans)


def template_hashes(stub: str, language: str, settings: Settings) -> frozenset[int]:
    """Every k-gram hash of the stub (not only its winnowed ones: a program that keeps the stub
    may winnow it differently around its own code)."""
    return (
        frozenset(kgram_hashes(tokenize(stub, language).codes, settings.k))
        if stub
        else (frozenset())
    )


def shared_counts(docs: Sequence[Document], settings: Settings) -> dict[tuple[int, int], int]:
    """(i, j) with i < j (indices into ``docs``) → how many uncommon fingerprints they share."""
    index: dict[int, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for h in doc.positions:
            index[h].append(i)
    common = max(settings.common_docs, math.ceil(settings.common_share * len(docs)))
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for holders in index.values():
        n = len(holders)
        if n < 2 or n > common:
            continue
        for x in range(n):
            i = holders[x]
            for y in range(x + 1, n):
                counts[i, holders[y]] += 1
    return counts


def similarity(shared: int, a: Document, b: Document) -> float:
    smaller = min(len(a.positions), len(b.positions))
    return shared / smaller if smaller else 0.0


def regions(a: Document, b: Document, settings: Settings) -> list[Region]:
    """The matched stretches: chains of shared fingerprints that advance together in both."""
    # Anchors first: a fingerprint found once in each program places the match for sure;
    # repeated ones (a loop written twice) only when there are no anchors at all.
    shared = [(at_a, b.positions[h]) for h, at_a in a.positions.items() if h in b.positions]
    anchors = [(at_a[0], at_b[0]) for at_a, at_b in shared if len(at_a) == len(at_b) == 1]
    matches = sorted(anchors or [(pa, pb) for at_a, at_b in shared for pa in at_a for pb in at_b])
    gap = settings.k + settings.w
    # [a_first, a_last, b_first, b_last] in token positions, and how many matches made it
    chains: list[list[int]] = []
    for pa, pb in matches:
        for chain in reversed(chains[-4:]):
            if 0 <= pa - chain[1] <= gap and 0 < pb - chain[3] <= gap:
                chain[1], chain[3] = pa, pb
                chain[4] += 1
                break
        else:
            chains.append([pa, pa, pb, pb, 1])
    # One fingerprint alone is k tokens in common: idiom as often as a copy, so not shown.
    chains = [c for c in chains if c[4] > 1] or chains
    chains.sort(key=lambda c: (c[0] - c[1], c[0]))  # the longest first
    out = []
    for a_first, a_last, b_first, b_last, _ in chains[: settings.max_regions]:
        out.append(
            Region(
                a.spans[a_first][0],
                a.spans[min(a_last + settings.k, len(a.spans)) - 1][1],
                b.spans[b_first][0],
                b.spans[min(b_last + settings.k, len(b.spans)) - 1][1],
            )
        )
    return sorted(out, key=lambda r: r.a_start)


def check_group(
    sources: Sequence[tuple[int, str, str]], stub: dict[str, str], settings: Settings
) -> list[Pair]:
    """The pairs of one group above the threshold, most similar first.

    ``sources``: (ident, language, source); ``stub``: the problem's stub per language.
    """
    templates = {
        language: template_hashes(stub.get(language, ""), language, settings)
        for language in {language for _, language, _ in sources}
    }
    docs = [
        fingerprint(ident, source, language, settings, templates[language])
        for ident, language, source in sources
    ]
    pairs = []
    for (i, j), shared in shared_counts(docs, settings).items():
        if shared < settings.min_shared:
            continue
        score = similarity(shared, docs[i], docs[j])
        if score < settings.threshold:
            continue
        a, b = (docs[i], docs[j]) if docs[i].ident < docs[j].ident else (docs[j], docs[i])
        pairs.append(Pair(a.ident, b.ident, round(score, 4), shared, regions(a, b, settings)))
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return pairs
