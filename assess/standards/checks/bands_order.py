"""Bands not listed highest cut-off first, the way score sheets read (the engine does not mind)."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, items, shown

ID = "bands-order"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            plain = bs.plain()
            for (_, before, _), (i, band, _) in zip(plain, plain[1:]):
                if band > before:
                    yield Hit(loc + ("rule",) + bs.at + ("bands", i, "min"), {
                        "min": shown(standard, bs.value, band), "previous": shown(standard, bs.value, before)})
