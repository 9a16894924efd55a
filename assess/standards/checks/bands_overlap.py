"""Two bands with the same cut-off, a band that can never be chosen (its cut-off is above the
largest value possible, or the value always reaches a higher band), or a band that pays less than
one with a lower cut-off reached with it, or than `otherwise`: the highest cut-off reached is the
one paid, so improving would lose points."""
from __future__ import annotations

from assess.core import conditions
from assess.core.messages import message
from assess.core.types import format_number
from assess.standards.checks._walk import Hit, bounds, items, shown
from assess.standards.checks.condition_unmeetable import can_hold

ID = "bands-overlap"
SEVERITY = "error"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            yield from _check_bands(standard, loc + ("rule",) + bs.at, bs)
            yield from _pays_less(standard, loc + ("rule",) + bs.at, bs)


def meant_percent(standard, name: str, cut) -> bool:
    """Whether a cut-off above a rate's largest value reads as a percentage written bare (95 for
    95%, up to 100): in a record a bare 95 is 95%, in a standard it is 9500%."""
    return standard.is_percent(name) and 1 < cut <= 100


def _check_bands(standard, at, bs):
    """Same cut-offs and bands never chosen, among the bands without a second condition."""
    lo, hi = bounds(standard, bs.value)
    show = lambda v: shown(standard, bs.value, v)  # noqa: E731
    plain = bs.plain()
    cuts = [m for _, m, _ in plain]
    seen: dict = {}
    for i, cut, _ in plain:
        where = at + ("bands", i, "min")
        if cut in seen:
            yield Hit(where, {"min": show(cut), "other": seen[cut]})
            continue
        seen[cut] = i + 1  # as a reader counts bands
        if hi is not None and cut > hi:
            yield Hit(where, {"min": show(cut), "name": bs.value, "max": show(hi), "meant": format_number(cut)},
                      "above-max-percent" if meant_percent(standard, bs.value, cut) else "above-max")
            continue
        higher = [m for m in cuts if m > cut and (hi is None or m <= hi)]
        if lo is not None and higher and min(higher) <= lo:
            yield Hit(where, {"min": show(cut), "name": bs.value, "lo": show(lo), "higher": show(min(higher))}, "shadowed")


def _pays_less(standard, at, bs):
    """Each band that some value reaches together with a band of a lower cut-off paying more (the
    one paying most named), else that pays less than `otherwise`."""
    for j, (cut, points) in enumerate(bs.bands):
        lower = [i for i, (m, p) in enumerate(bs.bands)
                 if m < cut and p > points and _together(standard, bs, i, j)]
        params = {"high": _band(standard, bs, j)}
        if lower:
            i = max(lower, key=lambda k: (bs.bands[k][1], -k))
            yield Hit(at + ("bands", j, "points"), dict(
                params, low=_band(standard, bs, i), loss=format_number(bs.bands[i][1] - points)), "pays-less")
        elif points < bs.otherwise and _together(standard, bs, j, j):
            yield Hit(at + ("bands", j, "points"), dict(
                params, otherwise=format_number(bs.otherwise), loss=format_number(bs.otherwise - points)), "below-otherwise")


def _together(standard, bs, i: int, j: int) -> bool:
    """Whether some value within the declared bounds reaches bands i and j both (True when unsure)."""
    if not bs.reach:
        return True
    return can_hold(standard, conditions.And((bs.reach[i], bs.reach[j])))


def _band(standard, bs, i: int) -> str:
    """A band as a reader finds it: its number, cut-off (and second condition) and points."""
    cut = shown(standard, bs.value, bs.bands[i][0])
    when = bs.when[i] if bs.when else None
    if when:
        cut = message("check.bands-overlap.cut-when", min=cut, condition=when)
    return message("check.bands-overlap.band", n=i + 1, min=cut, points=format_number(bs.bands[i][1]))
