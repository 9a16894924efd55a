"""How scores move between the versions: counts, exact min/median/mean/max and a histogram."""
from __future__ import annotations

import math

from assess.core.exact import Fraction
from assess.workflows.impact.model import Distribution

_MAX_BUCKETS_PER_SIDE = 5


def distribution(deltas: list[Fraction]) -> Distribution:
    """Counts, exact min/median/mean/max and a histogram of score changes."""
    n = len(deltas)
    up = sum(1 for d in deltas if d > 0)
    down = sum(1 for d in deltas if d < 0)
    if not n:
        return Distribution(0, 0, 0, 0, None, None, None, None, None, [])
    s = sorted(deltas)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    mean = sum(s, Fraction(0)) / n
    width = bucket_width(max(abs(s[0]), abs(s[-1])))
    counts: dict[int, int] = {}
    for d in s:
        k = _bucket(d, width)
        counts[k] = counts.get(k, 0) + 1
    # Every bucket from the lowest to the highest used, and always "no change": gaps show.
    lo, hi = min(min(counts), 0), max(max(counts), 0)
    buckets = [(k, counts.get(k, 0)) for k in range(lo, hi + 1)]
    return Distribution(n, up, down, n - up - down, s[0], median, mean, s[-1], width, buckets)


def bucket_width(largest: Fraction) -> Fraction:
    """The smallest of 0.01, 0.02, 0.05, 0.1 ... that covers `largest` in at most 5 buckets."""
    if largest == 0:
        return Fraction(1)
    exp = -2
    while True:
        for m in (1, 2, 5):
            w = m * Fraction(10) ** exp
            if largest <= w * _MAX_BUCKETS_PER_SIDE:
                return w
        exp += 1


def _bucket(d: Fraction, width: Fraction) -> int:
    if d == 0:
        return 0
    k = math.ceil(abs(d) / width)
    return k if d > 0 else -k


def bucket_bounds(k: int, width: Fraction) -> tuple[Fraction, Fraction]:
    """Bucket k > 0 holds changes in ((k-1)·w, k·w]; k < 0 holds [k·w, (k+1)·w); 0 holds 0."""
    if k > 0:
        return (k - 1) * width, k * width
    if k < 0:
        return k * width, (k + 1) * width
    return Fraction(0), Fraction(0)
