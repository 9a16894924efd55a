"""Two bands with the same cut-off, or a band that can never be chosen: its cut-off is above the
largest value possible, or the value always reaches a higher band."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, bounds, items, shown

ID = "bands-overlap"
SEVERITY = "error"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            yield from _check_bands(standard, loc + ("rule",) + bs.at, bs)


def _check_bands(standard, at, bs):
    lo, hi = bounds(standard, bs.value)
    show = lambda v: shown(standard, bs.value, v)  # noqa: E731
    cuts = [m for m, _ in bs.bands]
    seen: dict = {}
    for i, cut in enumerate(cuts):
        where = at + ("bands", i, "min")
        if cut in seen:
            yield Hit(where, {"min": show(cut), "other": seen[cut]})
            continue
        seen[cut] = i + 1  # as a reader counts bands
        if hi is not None and cut > hi:
            yield Hit(where, {"min": show(cut), "name": bs.value, "max": show(hi)}, "above-max")
            continue
        higher = [m for m in cuts if m > cut and (hi is None or m <= hi)]
        if lo is not None and higher and min(higher) <= lo:
            yield Hit(where, {"min": show(cut), "name": bs.value, "lo": show(lo), "higher": show(min(higher))}, "shadowed")
