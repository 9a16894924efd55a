"""What a change to the evidence costs a union (整改成本), for the next-grade plan.

Each kind of change has a cost in one unit of effort: one event held, one more of a counted fact
(one member recruited, for a count whose field says how to raise it), one measure adopted (a
yes/no fact made true; one more of any other count), one document provided (missing evidence), a
judged item brought to full points, one percentage point of a rate. The
defaults are `assess.model.standard.Effort`'s; a standard's `effort:` overrides any of them, and
per field or per event kind.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from assess.model.standard import Effort, Standard
from assess.scoring.gaps import Change, ChangeKind

DEFAULT = Effort()


def effort_of(standard: Standard) -> Effort:
    """The standard's costs, or the defaults."""
    return standard.effort or DEFAULT


def change_cost(standard: Standard, change: Change) -> Fraction:
    """The cost of one change: events held x the cost of one event of that kind; a fact given
    where evidence was missing, one document; a yes/no or text fact, one measure; a count raised
    or lowered by n, n units; a rate moved by p percentage points (another number by p), p points;
    a judged item, one judgement. Costs are exact fractions, never negative."""
    e = effort_of(standard)
    if change.kind == ChangeKind.SET_JUDGEMENT:
        return Fraction(e.judgement)
    if change.kind == ChangeKind.ADD_EVENTS:
        return Fraction(change.after) * Fraction(e.events.get(change.name, e.event))
    if change.before is None:
        return Fraction(e.document)
    decl = standard.fields.get(change.name)
    if decl is None or decl.type in ("boolean", "string") or isinstance(change.after, (bool, str)):
        return Fraction(e.fields.get(change.name, e.measure))
    moved = abs(Fraction(change.after) - Fraction(change.before))
    if decl.type == "integer":
        # A count the standard says how to raise ("需再发展 {n} 名会员") is the union's own work,
        # one unit each; another count (commendations received, complaints settled) one measure each.
        return moved * Fraction(e.fields.get(change.name, e.unit if decl.increase else e.measure))
    per = Fraction(e.fields.get(change.name, e.point))
    return moved * 100 * per if decl.type == "ratio" else moved * per


def changes_cost(standard: Standard, changes: Iterable[Change]) -> Fraction:
    """The cost of several changes: their sum."""
    return sum((change_cost(standard, c) for c in changes), Fraction(0))
