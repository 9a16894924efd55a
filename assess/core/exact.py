"""Exact sums without the cost of `Fraction` arithmetic at every step.

Scores are exact fractions (½ point, 2/3 of a band), but most are whole numbers and the rest
share a few denominators. Adding them as `Fraction`s normalises after every addition; here the
numerator and denominator are carried as ints and normalised once.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Union

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
