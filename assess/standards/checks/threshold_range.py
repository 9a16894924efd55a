"""A number in a condition, band or target that the rules engine cannot read exactly: not 0 and
smaller than 0.001 or at least 10^15 in size (durable_rules rejects numbers written with an exponent)."""
from __future__ import annotations


from assess.core import conditions
from assess.core.exact import Fraction, fraction
from assess.standards.checks._walk import Hit, compares, condition_texts, is_numeric, items, value_type

ID = "threshold-range"
SEVERITY = "error"
TINY, HUGE = Fraction(1, 1000), Fraction(10**15)


def _bad(value) -> bool:
    return value != 0 and not (TINY <= abs(fraction(value)) < HUGE)


def check(standard, doc):
    for loc, text in condition_texts(standard):
        for node in compares(conditions.parse(text)):
            if is_numeric(value_type(standard, node.field)) and node.literal.is_number and _bad(node.literal.value):
                yield Hit(loc, {"name": node.field, "value": node.literal.text})
    for loc, item, _ in items(standard):
        for at, name, value in item.rule.thresholds():
            if is_numeric(value_type(standard, name)) and _bad(value):
                yield Hit(loc + ("rule",) + at, {"name": name, "value": f"{float(value):g}"})
