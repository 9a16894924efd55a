"""A band with a second condition (`when`) whose cut-off is above the largest value it reads can take
(a rate band at 120% where a rate is at most 100%): the band can never be chosen.

The bounds are the declared ones (`_walk.bounds`: a field's min and max and not_above, and what
sums, differences, multiples and ratios of them can give); where they are unknown nothing is said.
An error, as a plain band above the largest value is (bands-overlap `above-max`): a band that is
never paid is a score sheet that does not say what its authors wrote, most often a rate's cut-off
written bare (95 where 95% was meant), which the message then names."""
from __future__ import annotations

from assess.core.types import format_number
from assess.standards.checks._walk import Hit, bounds, items, shown
from assess.standards.checks.bands_overlap import meant_percent

ID = "band-unreachable"
SEVERITY = "error"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            if not bs.when or not any(bs.when):
                continue
            hi = bounds(standard, bs.value)[1]
            if hi is None:
                continue  # bounds unknown: nothing to say
            for i, ((cut, points), when) in enumerate(zip(bs.bands, bs.when)):
                if when is not None and cut > hi:
                    yield Hit(loc + ("rule",) + bs.at + ("bands", i, "min"), {
                        "n": i + 1, "min": shown(standard, bs.value, cut), "condition": when,
                        "points": format_number(points), "name": bs.value, "max": shown(standard, bs.value, hi),
                        "meant": format_number(cut)}, "percent" if meant_percent(standard, bs.value, cut) else "")
