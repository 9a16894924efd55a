"""A condition of more than 1,000 comparisons, or a standard of more than 2,000 conditions: past
the sizes the rules engine is verified at (durable_rules 2.0.28 itself crashes past 64 firings or
15 `and`/`or` in one rule; assess splits conditions to stay under those, docs/limits.md)."""
from __future__ import annotations

from assess.core import conditions
from assess.standards.checks._walk import Hit, compares, condition_texts, items

ID = "engine-limits"
SEVERITY = "error"
# The sizes tests/test_engine_limits.py decides with durable_rules and plain Python and finds equal.
MAX_COMPARISONS = 1000  # in one condition
MAX_CONDITIONS = 2000  # in one standard: applies_if, bands, targets, entries, vetoes, grade conditions


def count_conditions(standard) -> int:
    """How many named conditions the compiler makes of `standard` (one per band and target too)."""
    outside_rules = sum(1 for loc, _ in condition_texts(standard) if "rule" not in loc)
    return outside_rules + sum(len(item.rule.conditions()) for _, item, _ in items(standard))


def check(standard, doc):
    for loc, text in condition_texts(standard):
        count = sum(1 for _ in compares(conditions.parse(text)))
        if count > MAX_COMPARISONS:
            yield Hit(loc, {"count": count, "limit": MAX_COMPARISONS})
    total = count_conditions(standard)
    if total > MAX_CONDITIONS:
        yield Hit(("sections",), {"count": total, "limit": MAX_CONDITIONS}, "conditions")
