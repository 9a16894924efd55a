"""A deduction that can never take a point off: 0 points per step or a cap of 0, an occurrence count
whose largest value is 0, or a shortfall target at or below the smallest value possible.

A warning, not an error: the engine's arithmetic stays well defined (the item always earns full
points), so scores are consistent; but the sheet says something that never happens."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, bounds, items, shown

ID = "deduction-never-triggers"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for d in item.rule.deductions():
            hit = _never(standard, loc + ("rule",) + d.at, item.id, d)
            if hit is not None:
                yield hit


def _never(standard, at, item_id, d):
    if d.deduct == 0:
        return Hit(at + ("deduct",), {"item": item_id}, "zero")
    if d.cap is not None and d.cap == 0:
        return Hit(at + ("cap",), {"item": item_id}, "zero-cap")
    if d.trigger == "per_count":
        hi = bounds(standard, d.name)[1]
        if hi is not None and hi <= 0:
            return Hit(at + ("count",), {"item": item_id, "name": d.name}, "max-zero")
    elif d.trigger == "shortfall":
        lo = bounds(standard, d.name)[0]
        if lo is not None and d.target <= lo:
            return Hit(at + ("target",), {"item": item_id, "name": d.name, "target": shown(standard, d.name, d.target),
                                          "lo": shown(standard, d.name, lo)}, "target")
    return None
