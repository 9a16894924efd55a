"""What a revision does to the whole population, beyond the grades: how each item's points move
over all the unions compared (even when no grade moves), the fields the new version needs that
most records lack, and the versions used outside their period in force."""
from __future__ import annotations

from datetime import date

from assess.core.exact import Fraction
from assess.standards.catalog import LoadedStandard
from assess.workflows.impact.model import NEW, OLD, ItemChange, MissingField, UnionResult, VersionNote, awarded


def item_changes(unions: list[UnionResult]) -> list[ItemChange]:
    """Per item of either version, over the unions both versions score: how many unions' points
    or status for it changed, and the total change in points (the mean is over every union
    compared, so it adds up to the mean change of the score before caps). Items that changed
    for nobody are left out; the largest total change first, ties in the standard's order."""
    both = [u for u in unions if u.old.in_scope and u.new.in_scope]
    found: dict[str, ItemChange] = {}
    for u in both:
        for c in u.causes:
            if c.kind != "item":
                continue
            change = found.setdefault(c.ref, ItemChange(c.ref, 0, Fraction(0), len(both), c.old is None, c.new is None))
            change.affected += 1
            change.total += awarded(c.new) - awarded(c.old)
    # sorted is stable: equal changes keep the order the causes first named them in.
    return sorted(found.values(), key=lambda ch: -abs(ch.total))


def missing_fields(unions: list[UnionResult], new: LoadedStandard) -> list[MissingField]:
    """The fields the new version's items read that more than half of the records it scores lack
    (missing evidence), and that fewer records lack under the old version: the new version loses
    those unions points for a fact nobody was asked for yet. In the new version's field order."""
    scored = [u for u in unions if u.new.in_scope]
    counts = {OLD: _missing_counts(u.old for u in unions if u.old.in_scope), NEW: _missing_counts(u.new for u in scored)}
    out = []
    for name in new.standard.fields:
        n = counts[NEW].get(name, 0)
        if 2 * n > len(scored) and n > counts[OLD].get(name, 0):
            out.append(MissingField(name, n, len(scored), counts[OLD].get(name, 0)))
    return out


def _missing_counts(outcomes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        for name in {n for r in o.evaluation.items() for n in r.missing}:
            counts[name] = counts.get(name, 0) + 1
    return counts


def version_notes(old: LoadedStandard, new: LoadedStandard, dated: list[tuple[str, date]]) -> list[VersionNote]:
    """For each version, the records scored with it whose as-of date (the end of their period)
    falls outside its period in force: the warning `assess score` gives, once per version.
    `dated`: (side, as-of date) for every record scored under that side."""
    out = []
    for side, loaded in ((OLD, old), (NEW, new)):
        outside = sorted(on for s, on in dated if s == side and not loaded.in_force(on))
        if outside:
            out.append(VersionNote(side, loaded, len(outside), sum(1 for s, _ in dated if s == side), outside[0], outside[-1]))
    return out
