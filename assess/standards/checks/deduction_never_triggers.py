"""A deduction that can never take a point off: 0 points per step or a cap of 0, an occurrence count
whose largest value is 0, or a shortfall target at or below the smallest value possible.

A warning, not an error: the engine's arithmetic stays well defined (the item always earns full
points), so scores are consistent; but the sheet says something that never happens."""
from __future__ import annotations

from assess.model.standard import PerMissing, PerOccurrence, Shortfall
from assess.standards.checks._walk import Hit, bounds, items, shown

ID = "deduction-never-triggers"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        rule = item.rule
        if not isinstance(rule, (Shortfall, PerOccurrence, PerMissing)):
            continue
        if rule.deduct == 0:
            yield Hit(loc + ("rule", "deduct"), {"item": item.id}, "zero")
        elif rule.cap is not None and rule.cap == 0:
            yield Hit(loc + ("rule", "cap"), {"item": item.id}, "zero-cap")
        elif isinstance(rule, PerOccurrence):
            hi = bounds(standard, rule.count)[1]
            if hi is not None and hi <= 0:
                yield Hit(loc + ("rule", "count"), {"item": item.id, "name": rule.count}, "max-zero")
        elif isinstance(rule, Shortfall):
            lo = bounds(standard, rule.value)[0]
            if lo is not None and rule.target <= lo:
                yield Hit(loc + ("rule", "target"), {"item": item.id, "name": rule.value,
                                                     "target": shown(standard, rule.value, rule.target),
                                                     "lo": shown(standard, rule.value, lo)}, "target")
