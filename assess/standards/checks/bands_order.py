"""Bands not listed highest cut-off first, the way score sheets read (the engine does not mind)."""
from __future__ import annotations

from assess.model.standard import Bands
from assess.standards.checks._walk import Hit, items, shown

ID = "bands-order"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        rule = item.rule
        if not isinstance(rule, Bands):
            continue
        for i in range(1, len(rule.bands)):
            before, band = rule.bands[i - 1], rule.bands[i]
            if band.min > before.min:
                yield Hit(loc + ("rule", "bands", i, "min"), {
                    "min": shown(standard, rule.value, band.min), "previous": shown(standard, rule.value, before.min)})
