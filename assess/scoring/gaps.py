"""Gaps in the union's own units: what costs points or blocks a grade, each with the concrete
changes to the evidence (`assess.scoring.changes`) that close it ("需再发展 48 名会员")."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from assess.core.exact import Fraction
from assess.rules.base import ItemStatus
from assess.scoring.changes import Change, ChangeKind, Scenario, satisfy
from assess.scoring.compiler import CompiledStandard
from assess.scoring.engine import Inputs
from assess.scoring.results import Check, CheckKind, EligibilityResult, Evaluation, ItemResult, VetoResult

__all__ = ["Change", "ChangeKind", "Gap", "GapKind", "Scenario", "fix_item", "gaps", "item_fix", "satisfy"]


def fix_item(compiled: CompiledStandard, result: ItemResult, sc: Scenario, base: Inputs) -> bool:
    """Add to `sc` the changes that bring the item to full points: the inspector's score for a
    judged item, else the fewest changes that make the rule's full-points condition hold."""
    item = result.item
    if item.rule.judged:
        before = result.awarded if result.status != ItemStatus.MISSING else None
        sc.apply(Change(ChangeKind.SET_JUDGEMENT, item.id, before, item.points))
        return True
    node = item.rule.full_condition(item.points)
    return node is not None and satisfy(compiled.standard, node, sc, base)


def item_fix(compiled: CompiledStandard, result: ItemResult, base: Inputs) -> list[Change] | None:
    """The changes that bring the item to full points from the record as it is, or None."""
    sc = Scenario.of(base)
    return sc.changes if fix_item(compiled, result, sc, base) else None


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
        lost = self.result.lost
        return min(lost, self.room) if self.room is not None and self.room > 0 else lost


def _rooms(ev: Evaluation) -> dict[str | None, Fraction | None]:
    """What each capped total can still take: each section's (by id) and the bonus's (None: the
    bonus items' section id), None where there is no bonus."""
    bonus = ev.standard.bonus
    rooms: dict[str | None, Fraction | None] = {s.section_id: s.cap - s.awarded for s in ev.sections}
    rooms[None] = bonus.cap - ev.bonus if bonus is not None else None
    return rooms


def gaps(ev: Evaluation, base: Inputs | None, fixes: bool = True) -> list[Gap]:
    """Everything that costs points or blocks a grade, in the order a scorecard lists them. With
    `fixes=False` the evidence changes that would close each item gap are not worked out (most of
    the cost; a batch CSV needs only counts).

    An item short of full points whose total is at its cap (the bonus at 加分上限, or a section
    whose items add up to more than its cap) is no gap: no points are lost, and an action to
    raise it would add nothing. A mandatory item stays one: the grade needs it at full points."""
    out: list[Gap] = [Gap(GapKind.ELIGIBILITY, e.eligibility_id, eligibility=e) for e in ev.eligibility if not e.met]
    rooms = _rooms(ev)
    for kind, results in ((GapKind.ITEM, ev.items()), (GapKind.DEDUCTION, ev.deductions)):
        for r in results:
            if r.status == ItemStatus.FULL or r.exempt:
                continue
            room = rooms[r.section_id] if kind == GapKind.ITEM else None
            if room is not None and room <= 0 and not r.item.mandatory:
                continue
            changes = item_fix(ev.compiled, r, base) if fixes and base is not None else None
            out.append(Gap(kind, r.item.id, result=r, changes=changes, room=room))
    out += [Gap(GapKind.VETO, v.veto_id, veto=v) for v in ev.vetoes if not v.clear]
    reached = ev.grade.id if ev.grade else None
    mandatory: dict[str, Gap] = {}
    for g in ev.grades:
        if g.grade.id == reached:
            break
        for c in g.checks:
            if c.ok or c.kind in (CheckKind.VETO, CheckKind.MIN_SCORE, CheckKind.ELIGIBILITY):
                continue
            if c.kind == CheckKind.MANDATORY:
                # One gap per mandatory item, naming the lowest grade it blocks.
                mandatory[c.detail.item] = Gap(GapKind.MANDATORY, c.detail.item, grade=g.grade.id, check=c)
                continue
            out.append(Gap(GapKind(c.kind.value), g.grade.id, grade=g.grade.id, check=c))
    return out + list(mandatory.values())
