"""Rating a contest: arena/rating.py against a literal transliteration of the reference code.

    .venv/bin/python bench/rating.py [--sizes 500,2000,10000] [--baseline-max 2000]

The baseline recomputes each seed over every participant at every bisection step, as the
reference (Java) code does; Arena's sums over distinct ratings and remembers each rating's seed.
Both must give the same ratings (checked). Prints the load average: the host is shared.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time

from arena.rating import Standing, places, rating_changes


def _div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def reference(standings: list[Standing]) -> dict[int, int]:
    """The reference algorithm, step by step, without any caching."""
    n = len(standings)
    ratings = [s.rating for s in standings]
    place = places([s.points for s in standings])

    def p(ra: float, rb: float) -> float:
        return 1.0 / (1.0 + 10.0 ** ((rb - ra) / 400.0))

    def seed_of(rating: int) -> float:
        return 1.0 + sum(p(r, rating) for r in ratings)

    deltas = []
    for i in range(n):
        seed = 1.0 + sum(p(ratings[j], ratings[i]) for j in range(n) if j != i)
        mid = math.sqrt(place[i] * seed)
        low, high = 1, 8000
        while high - low > 1:
            m = (low + high) // 2
            if seed_of(m) < mid:
                high = m
            else:
                low = m
        deltas.append(_div(low - ratings[i], 2))
    inc = _div(-sum(deltas), n) - 1
    deltas = [d + inc for d in deltas]
    order = sorted(range(n), key=lambda i: (-ratings[i], place[i], standings[i].user_id))
    top = min(4 * round(math.sqrt(n)), n)
    inc = min(max(_div(-sum(deltas[i] for i in order[:top]), top), -10), 0)
    return {s.user_id: s.rating + d + inc for s, d in zip(standings, deltas, strict=True)}


def field(n: int, rnd: random.Random) -> list[Standing]:
    return [Standing(i, rnd.randint(900, 3000), float(rnd.randint(0, 60))) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="500,2000,10000")
    parser.add_argument("--baseline-max", type=int, default=2000)
    args = parser.parse_args()
    rnd = random.Random(1)
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")
    print(f"{'n':>7} {'arena s':>9} {'reference s':>12} {'speed-up':>9}")
    for n in (int(x) for x in args.sizes.split(",")):
        standings = field(n, rnd)
        started = time.process_time()
        ours = {c.user_id: c.new_rating for c in rating_changes(standings)}
        arena_s = time.process_time() - started
        if n <= args.baseline_max:
            started = time.process_time()
            theirs = reference(standings)
            ref_s = time.process_time() - started
            assert ours == theirs, "the two implementations disagree"
            print(f"{n:>7} {arena_s:>9.3f} {ref_s:>12.3f} {ref_s / arena_s:>8.1f}x")
        else:
            print(f"{n:>7} {arena_s:>9.3f} {'-':>12} {'-':>9}")
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")


if __name__ == "__main__":
    main()
