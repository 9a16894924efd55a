"""The values handed to durable_rules keep every comparison's outcome (it compares doubles and
cannot read exponent notation)."""
from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.scoring.compiler import durable_value

LITS = (F(0), F(9, 10), F(49, 50), F(1))


@pytest.mark.parametrize("value, expected", [(F(49, 50), 0.98), (0.98, 0.98), (F(1), 1), (0, 0), (True, True), ("a", "a")])
def test_equal_to_a_literal_is_that_literal(value, expected):
    assert durable_value(value, LITS) == expected


def test_below_by_less_than_double_precision_stays_below():
    v = durable_value(F("0.97999999999999999"), LITS)
    assert 0.9 < v < 0.98


@pytest.mark.parametrize("value", [F(3, 10**8), F(-3, 10**8), F(10**17), 10**17, F(1, 3)])
def test_tiny_and_huge_values_are_plain(value):
    out = durable_value(value, LITS)
    assert "e" not in repr(float(out))


@given(st.fractions(min_value=-5, max_value=5), st.lists(st.fractions(min_value=F(1, 1000), max_value=4), max_size=5))
def test_order_against_every_literal_is_kept(x, lits):
    literals = tuple(sorted(set(lits) | {F(0)}))
    out = durable_value(x, literals)
    for lit in literals:
        assert (out >= float(lit)) == (x >= lit)
        assert (out == float(lit)) == (x == lit)
