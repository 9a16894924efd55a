"""Two bands with the same cut-off, or a band that can never be chosen: its cut-off is above the
largest value possible, or the value always reaches a higher band."""
from __future__ import annotations

from assess.model.standard import Bands
from assess.standards.checks._walk import Hit, bounds, items, shown

ID = "bands-overlap"
SEVERITY = "error"


def check(standard, doc):
    for loc, item, _ in items(standard):
        rule = item.rule
        if not isinstance(rule, Bands):
            continue
        lo, hi = bounds(standard, rule.value)
        show = lambda v: shown(standard, rule.value, v)  # noqa: E731
        seen: dict = {}
        for i, band in enumerate(rule.bands):
            at = loc + ("rule", "bands", i, "min")
            if band.min in seen:
                yield Hit(at, {"min": show(band.min), "other": seen[band.min]})
                continue
            seen[band.min] = i + 1  # as a reader counts bands
            if hi is not None and band.min > hi:
                yield Hit(at, {"min": show(band.min), "name": rule.value, "max": show(hi)}, "above-max")
                continue
            higher = [b.min for b in rule.bands if b.min > band.min and (hi is None or b.min <= hi)]
            if lo is not None and higher and min(higher) <= lo:
                yield Hit(at, {"min": show(band.min), "name": rule.value, "lo": show(lo), "higher": show(min(higher))}, "shadowed")
