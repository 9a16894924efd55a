"""Exact sums without the cost of `Fraction` arithmetic at every step.

Scores are exact fractions (½ point, 2/3 of a band), but most are whole numbers and the rest
share a few denominators. Adding them as `Fraction`s normalises after every addition; here the
numerator and denominator are carried as ints and normalised once.
"""
from __future__ import annotations

import fractions
from decimal import Decimal
from typing import Iterable, Union

# The one Fraction of assess: quicktions' (the stdlib's `fractions.Fraction` compiled with Cython,
# the same values, text and hashes, about 8x faster). Scores are exact fractions; with it, a warm
# scorecard takes about 30% fewer instructions. Every module takes Fraction from here, so values
# never mix the two classes in the hot path.
from quicktions import Fraction


def fraction(value) -> Fraction:
    """`Fraction(value)` for a value that may be a text ("2", "1/3", "93.5", "1e-05"); use it
    wherever a text can reach Fraction. Raises as Fraction does (ValueError, TypeError,
    ZeroDivisionError).

    quicktions (every release to 1.24, checked 2026-12-01) reads a text of one digit into
    CPython's shared one-byte object b"\\0", which `b"\\0" * 1` returns, and leaves it changed
    for the rest of the process: after `Fraction("2")`, b"\\0" is b"2" in every module (every
    join, hash key and file written with it; a batch's checkpoint digest among them). So a text
    of one decimal digit is read here as the int it names; any other single character is
    refused by quicktions before it writes anything (tests/test_exact.py)."""
    if isinstance(value, str) and len(value) == 1 and value.isdecimal():
        return Fraction(int(value))
    return Fraction(value)


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


def float_is_exact(text: str, value: float) -> bool:
    """Whether `value` (the float read from the decimal text `text`, as JSON or YAML reads a
    number) stands for exactly the number written: a value is taken on as its shortest text
    (repr), so a text with more digits than a float holds (0.97999999999999999999, which reads as
    0.98) or beyond its range (1e-400, which reads as 0) would be silently misread. Texts of at
    most 15 characters without an exponent always are exact (15 significant digits)."""
    if len(text) <= 15 and "e" not in text and "E" not in text:
        return True
    if value != value or value in (float("inf"), float("-inf")):
        return False
    # Decimal compares exactly without building 10**exponent (a Fraction of 1e-99999999 would).
    try:
        return Decimal(text) == Decimal(repr(value))
    except ArithmeticError:  # an exponent past Decimal's own range (1e-99999999999999999999)
        return False


def shown_number(text: str) -> str:
    """A number's text as a message quotes it: one of over 40 characters cut in the middle."""
    return text if len(text) <= 40 else f"{text[:20]}…{text[-12:]}"
