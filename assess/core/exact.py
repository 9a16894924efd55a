"""Exact sums without the cost of `Fraction` arithmetic at every step.

Scores are exact fractions (½ point, 2/3 of a band), but most are whole numbers and the rest
share a few denominators. Adding them as `Fraction`s normalises after every addition; here the
numerator and denominator are carried as ints and normalised once.
"""
from __future__ import annotations

import fractions
from typing import Iterable, Union

# The one Fraction of assess: quicktions' (the stdlib's `fractions.Fraction` compiled with Cython,
# the same values, text and hashes, about 8x faster). Scores are exact fractions; with it, a warm
# scorecard takes about 30% fewer instructions. Every module takes Fraction from here, so values
# never mix the two classes in the hot path.
from quicktions import Fraction

# What counts as an exact fraction where a value is tested for one: ours, and the stdlib's (a
# library caller or a test may pass `fractions.Fraction`; arithmetic mixing the two gives the
# stdlib's, with the same value).
RATIONAL = (Fraction, fractions.Fraction)

Number = Union[int, Fraction]


def exact_sum(values: Iterable[Number]) -> Fraction:
    """The exact sum of ints and Fractions, as a Fraction (0 when empty); the same value as
    `sum(values, Fraction(0))`. Raises TypeError for anything without an exact numerator and
    denominator (a float)."""
    num, den = 0, 1
    for x in values:
        d = x.denominator
        if d == den:
            num += x.numerator
        else:
            num, den = num * d + x.numerator * den, den * d
    return Fraction(num, den)
