"""Bands not listed highest cut-off first, the way score sheets read (the engine does not mind)."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, items, shown

ID = "bands-order"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            for i in range(1, len(bs.bands)):
                before, band = bs.bands[i - 1][0], bs.bands[i][0]
                if band > before:
                    yield Hit(loc + ("rule",) + bs.at + ("bands", i, "min"), {
                        "min": shown(standard, bs.value, band), "previous": shown(standard, bs.value, before)})
