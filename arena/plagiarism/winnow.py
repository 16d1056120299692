"""k-gram hashes and winnowing (Schleimer, Wilkerson, Aiken 2003), over token codes.

Every run of ``k`` tokens is hashed; of each window of ``w`` consecutive hashes the smallest is
kept (the rightmost of equal ones), and a position is recorded once however many windows pick
it. The guarantee the paper proves: any match of at least ``w + k - 1`` tokens shares at least
one fingerprint, and no match shorter than ``k`` tokens shares any.
"""

from __future__ import annotations

from collections.abc import Sequence

_MOD = (1 << 61) - 1  # a Mersenne prime: the rolling hash stays exact in Python's integers
_BASE = 1_000_003


def kgram_hashes(codes: Sequence[int], k: int) -> list[int]:
    """The hash of every run of ``k`` consecutive codes (rolling, Karp-Rabin), in order."""
    if k < 1:
        raise ValueError("k is at least 1")
    n = len(codes)
    if n < k:
        return []
    top = pow(_BASE, k - 1, _MOD)
    h = 0
    for code in codes[:k]:
        h = (h * _BASE + code) % _MOD
    hashes = [h]
    for i in range(k, n):
        h = ((h - codes[i - k] * top) * _BASE + codes[i]) % _MOD
        hashes.append(h)
    return hashes


def winnow(hashes: Sequence[int], w: int) -> list[tuple[int, int]]:
    """(hash, position) of the fingerprints: the minimum of each window of ``w`` hashes.

    A sequence shorter than one window keeps its minimum (a short program still has one
    fingerprint).
    """
    if w < 1:
        raise ValueError("w is at least 1")
    n = len(hashes)
    if n == 0:
        return []
    if n <= w:
        low = min(hashes)
        at = max(i for i in range(n) if hashes[i] == low)
        return [(low, at)]
    picked: list[tuple[int, int]] = []
    last = -1
    for start in range(n - w + 1):
        window_end = start + w
        if last >= start:
            # The kept minimum is still inside: only the newcomer can replace it.
            newcomer = hashes[window_end - 1]
            if newcomer <= hashes[last]:
                last = window_end - 1
                picked.append((newcomer, last))
            continue
        at = start
        low = hashes[start]
        for i in range(start + 1, window_end):
            if hashes[i] <= low:
                low = hashes[i]
                at = i
        last = at
        picked.append((low, at))
    return picked
