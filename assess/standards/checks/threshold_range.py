"""A number in a condition, band or target that the rules engine cannot read exactly: not 0 and
smaller than 0.001 or at least 10^15 in size (durable_rules rejects numbers written with an exponent)."""
from __future__ import annotations

from fractions import Fraction

from assess.core import conditions
from assess.model.standard import Bands, Shortfall
from assess.standards.checks._walk import Hit, compares, condition_texts, is_numeric, items, value_type

ID = "threshold-range"
SEVERITY = "error"
TINY, HUGE = Fraction(1, 1000), Fraction(10**15)


def _bad(value) -> bool:
    return value != 0 and not (TINY <= abs(Fraction(value)) < HUGE)


def check(standard, doc):
    for loc, text in condition_texts(standard):
        for node in compares(conditions.parse(text)):
            if is_numeric(value_type(standard, node.field)) and node.literal.is_number and _bad(node.literal.value):
                yield Hit(loc, {"name": node.field, "value": node.literal.text})
    for loc, item, _ in items(standard):
        rule = item.rule
        if not is_numeric(value_type(standard, getattr(rule, "value", None) or "")):
            continue
        if isinstance(rule, Bands):
            for i, band in enumerate(rule.bands):
                if _bad(band.min):
                    yield Hit(loc + ("rule", "bands", i, "min"), {"name": rule.value, "value": f"{float(band.min):g}"})
        elif isinstance(rule, Shortfall) and _bad(rule.target):
            yield Hit(loc + ("rule", "target"), {"name": rule.value, "value": f"{float(rule.target):g}"})
