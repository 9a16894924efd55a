"""Gaps in the union's own units: what costs points or blocks a grade, each with the concrete
changes to the evidence (`assess.scoring.changes`) that close it ("需再发展 48 名会员")."""
from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from typing import Any, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.per_object import once_per_object
from assess.rules.base import ItemStatus
from assess.scoring.changes import Change, ChangeKind, Scenario, satisfy, satisfy_reads, satisfying_changes
from assess.scoring.compiler import CompiledStandard
from assess.scoring.engine import Inputs
from assess.scoring.results import Check, CheckKind, EligibilityResult, Evaluation, ItemResult, VetoResult

__all__ = ["Change", "ChangeKind", "Gap", "GapKind", "Scenario", "fix_item", "gaps", "item_fix", "item_lost", "most_lost",
           "other_gaps", "satisfy", "short_items"]


def fix_item(compiled: CompiledStandard, result: ItemResult, sc: Scenario, base: Inputs) -> bool:
    """Add to `sc` the changes that bring the item to full points: the inspector's score for a
    judged item, else the fewest changes that make the rule's full-points condition hold."""
    item = result.item
    if item.rule.judged:
        before = result.awarded if result.status != ItemStatus.MISSING else None
        sc.apply(Change(ChangeKind.SET_JUDGEMENT, item.id, before, item.points))
        return True
    node = full_condition(item)
    return node is not None and satisfy(compiled.standard, node, sc, base)


@once_per_object(limit=4096)
def full_condition(item) -> cond.Node | None:
    """The item's full-points condition (`rule.full_condition(points)`), built once per item: a
    batch asks it of the same items record after record (read only)."""
    return item.rule.full_condition(item.points)


def item_fix(compiled: CompiledStandard, result: ItemResult, base: Inputs,
             values: Mapping[str, Any] | None = None) -> list[Change] | None:
    """The changes that bring the item to full points from the record as it is, or None.
    `result` is the item's result in the evaluation of `base`; `values` that evaluation's values
    (compute_values of `base`), when the caller has them."""
    if result.item.rule.judged:
        sc = Scenario.of(base)
        return sc.changes if fix_item(compiled, result, sc, base) else None
    extra = _extra_reads(compiled, result.item)
    key = None
    if extra is not None:
        if values is None:
            values = Scenario.of(base).values(compiled.standard, base)
        read = tuple([values.get(n) for n in extra])
        period = base.period
        key = (id(result), period.start, period.end, read, tuple([type(v) for v in read]))
        try:
            hit = _FIXES.get(key)
        except TypeError:  # a value that cannot be a key (a list of scores)
            hit = key = None
        if hit is not None and hit[0] is result and hit[1] is compiled:
            return None if hit[2] is None else list(hit[2])
    # `fix_item`'s changes read without applying them to a scenario (each applied change copies
    # the facts; a card asks this of every item short of full points).
    node = full_condition(result.item)
    if node is None:
        return None
    ok, changes = satisfying_changes(compiled.standard, node, Scenario.of(base), base)
    if key is not None:
        if len(_FIXES) >= FIX_LIMIT:
            _FIXES.clear()  # bounded memory; only costs working them out again
        _FIXES[key] = (result, compiled, changes if ok else None)
    return list(changes) if ok else None


# An item's fix kept per result object (held, so its id stays its own), period and the values
# it reads beyond what the result stands for (`_extra_reads`): the engine hands out one result
# object per distinct case, so a population's cards repeat them. -> (result, compiled, the
# changes or None).
FIX_LIMIT = 5_000  # as many as the kept rows and gaps of `present.scorecard`
_FIXES: dict[tuple, tuple] = {}
_EXTRA: dict[int, tuple] = {}


def _extra_reads(compiled: CompiledStandard, item) -> tuple[str, ...] | None:
    """The names satisfying the item's full-points condition reads (`satisfy_reads`: the values
    it compares, their derived inputs, the facts capping them) beyond the rule's own inputs,
    which the item's result object is kept by with their types (`items._Slot.key`); None where
    the result does not stand for them (a judged item, a rule reading only answers, events whose
    dates are read) or there is no such condition. Once per item and compiled standard."""
    hit = _EXTRA.get(id(item))
    if hit is None or hit[0] is not item or hit[1] is not compiled:
        node = full_condition(item)
        rule = item.rule
        extra = None
        if node is not None and not rule.judged and not rule.answers_only:
            reached = satisfy_reads(compiled.standard, node)
            if not reached.dated:
                extra = tuple(sorted(reached.name_set - frozenset(rule.inputs())))
        if len(_EXTRA) >= 4096:
            _EXTRA.clear()
        hit = _EXTRA[id(item)] = (item, compiled, extra)
    return hit[2]


# ---- gaps ----------------------------------------------------------------------------------


class GapKind(str, enum.Enum):
    """What a gap is about; the values are the scorecard's gap `kind` strings."""

    ELIGIBILITY = "eligibility"    # a 申报条件 not met: no grade at all
    ITEM = "item"                  # an item below full points
    DEDUCTION = "deduction"        # points taken off the total (扣分项)
    VETO = "veto"                  # a veto triggered or undecidable
    MANDATORY = "mandatory"        # 必备: a mandatory item short of full points blocks a grade
    REQUIRES = "requires"          # a grade's own condition not met
    PREREQUISITE = "prerequisite"  # an honour the grade needs is not held

    def __str__(self) -> str:
        return self.value


@dataclass
class Gap:
    """Something that costs points or blocks a grade. `changes`: the evidence changes that close
    it (None: no change to the evidence can); `check`: the grade check behind a grade-level gap."""

    kind: GapKind
    ref: str  # item, veto or grade id
    grade: str | None = None  # the grade a grade-level gap blocks
    result: ItemResult | None = None
    changes: list[Change] | None = None
    veto: VetoResult | None = None
    check: Check | None = None
    eligibility: EligibilityResult | None = None
    room: Fraction | None = None  # an item's: what its capped total (section, bonus) can still take

    @property
    def lost(self) -> Fraction:
        """An item gap's points lost: the item's shortfall, but no more than its section or the
        bonus can still take (bonus 2 of a 3-point cap: an item short by 2 loses 1)."""
        return item_lost(self.result, self.room)


def item_lost(result: ItemResult, room: Fraction | None) -> Fraction:
    """The points an item gap loses (`Gap.lost`) from its result and its capped total's room."""
    lost = result.lost
    return min(lost, room) if room is not None and room > 0 else lost


def capped_room(ev: Evaluation, section_id: str | None) -> Fraction | None:
    """What a capped total can still take, in points: the section's with this id (the last of
    that id), or the bonus's (None: the bonus items' section id; None where there is no bonus).
    Raises KeyError for an id of no section."""
    if section_id is None:
        bonus = ev.standard.bonus
        return bonus.cap - ev.bonus if bonus is not None else None
    for s in reversed(ev.sections):
        if s.section_id == section_id:
            return s.cap - s.awarded
    raise KeyError(section_id)


def short_items(ev: Evaluation) -> list[ItemResult]:
    """The results of the items that are gaps (`GapKind.ITEM`), in the scorecard's order: every
    item below full points and not exempt, except one whose capped total (section or bonus) can
    take no more points (nothing is lost) unless it is mandatory."""
    # Whether each total has room (`capped_room(...) > 0`, or there is no bonus), by comparing: the
    # room itself (a subtraction) is worked out only where a gap needs it.
    bonus = ev.standard.bonus
    has_room = {s.section_id: s.cap > s.awarded for s in ev.sections}
    has_room[None] = bonus is None or bonus.cap > ev.bonus
    full = ItemStatus.FULL
    # each section's results read where they are (not gathered first, as ev.items() does): a
    # batch's CSV row asks this of every record
    out = [r for s in ev.sections for r in s.items
           if r.status != full and not r.exempt and (has_room[r.section_id] or r.item.mandatory)]
    out += [r for r in ev.bonus_items if r.status != full and not r.exempt and (has_room[r.section_id] or r.item.mandatory)]
    return out


def most_lost(ev: Evaluation, short: list[ItemResult], n: int) -> list[tuple[ItemResult, Fraction]]:
    """The `n` item gaps of `short` (`short_items(ev)`) that lose the most points, each as its
    result and the points it loses (`Gap.lost`), as `sorted(item gaps, key=lambda g: g.lost,
    reverse=True)[:n]` gives them (ties in the scorecard's order). What an item loses is worked
    out only for the few that can be among them: never more than its shortfall (`ItemResult.lost`)."""
    if n <= 0 or not short:
        return []
    rooms: dict[str | None, Fraction | None] = {}
    picked: list[tuple[ItemResult, Fraction]] = []
    bar = None  # the n-th most points lost of those picked
    capped = False  # whether one picked loses less than its shortfall
    # Shortfalls from the largest, ties in the scorecard's order. Once n are picked, an item short
    # by less than the bar cannot be among the n; nor one short by just the bar while no picked
    # item lost less than its shortfall (it would tie with items before it in that order).
    for r in sorted(short, key=_SHORTFALL, reverse=True):
        shortfall = r.lost
        if bar is not None and (shortfall < bar or (not capped and shortfall == bar)):
            break
        section = r.section_id
        room = rooms[section] if section in rooms else rooms.setdefault(section, capped_room(ev, section))
        lost = item_lost(r, room)
        if lost != shortfall:
            capped = True
        picked.append((r, lost))
        if len(picked) >= n:  # uncapped, the picked are in order: the last is the n-th
            bar = sorted([p[1] for p in picked])[-n] if capped else lost
    if capped:
        place = {id(r): i for i, r in enumerate(short)}
        picked.sort(key=lambda p: place[id(p[0])])  # the scorecard's order among equal points lost
        picked.sort(key=lambda p: p[1], reverse=True)
    return picked[:n]


_SHORTFALL = operator.attrgetter("lost")


def gaps(ev: Evaluation, base: Inputs | None, fixes: bool = True) -> list[Gap]:
    """Everything that costs points or blocks a grade, in the order a scorecard lists them. With
    `fixes=False` the evidence changes that would close each item gap are not worked out (most of
    the cost; a batch CSV needs only counts).

    An item short of full points whose total is at its cap (the bonus at 加分上限, or a section
    whose items add up to more than its cap) is no gap: no points are lost, and an action to
    raise it would add nothing. A mandatory item stays one: the grade needs it at full points."""
    fix = fixes and base is not None
    out = [Gap(GapKind.ELIGIBILITY, e.eligibility_id, eligibility=e) for e in ev.eligibility if not e.met]
    rooms: dict[str | None, Fraction | None] = {}
    for r in short_items(ev):
        room = rooms[r.section_id] if r.section_id in rooms else rooms.setdefault(r.section_id, capped_room(ev, r.section_id))
        out.append(Gap(GapKind.ITEM, r.item.id, result=r, changes=item_fix(ev.compiled, r, base, ev.values) if fix else None, room=room))
    return out + other_gaps(ev, base if fix else None, eligibility=False)


# Grade checks that are no gaps of their own: a veto and eligibility are gaps already, and the
# score's cut-off is what the items' gaps close.
_NOT_GAPS = (CheckKind.VETO, CheckKind.MIN_SCORE, CheckKind.ELIGIBILITY)
_GAP_KIND = {k: GapKind(k.value) for k in CheckKind if k not in _NOT_GAPS}


def other_gaps(ev: Evaluation, base: Inputs | None = None, eligibility: bool = True) -> list[Gap]:
    """The gaps that are not items (`gaps` without its `GapKind.ITEM` gaps), in the scorecard's
    order: unmet eligibility (unless `eligibility` is False), deductions, vetoes, then what blocks
    each grade below the one reached. `base`: the record, to work out a deduction's fixes."""
    out: list[Gap] = [Gap(GapKind.ELIGIBILITY, e.eligibility_id, eligibility=e)
                      for e in ev.eligibility if not e.met] if eligibility and ev.eligibility else []
    if ev.deductions:
        full = ItemStatus.FULL
        out += [Gap(GapKind.DEDUCTION, r.item.id, result=r, changes=item_fix(ev.compiled, r, base, ev.values) if base is not None else None)
                for r in ev.deductions if r.status != full and not r.exempt]
    out += [Gap(GapKind.VETO, v.veto_id, veto=v) for v in ev.vetoes if not v.clear]
    reached = ev.grade.id if ev.grade else None
    mandatory: dict[str, Gap] = {}
    for g in ev.grades:
        if g.grade.id == reached:
            break
        for c in g.checks:
            if c.ok or c.kind in _NOT_GAPS:
                continue
            if c.kind == CheckKind.MANDATORY:
                # One gap per mandatory item, naming the lowest grade it blocks.
                mandatory[c.detail.item] = Gap(GapKind.MANDATORY, c.detail.item, grade=g.grade.id, check=c)
                continue
            out.append(Gap(_GAP_KIND[c.kind], g.grade.id, grade=g.grade.id, check=c))
    return (out + list(mandatory.values())) if mandatory else out
