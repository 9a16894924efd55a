"""Gaps in the union's own units, and the shortest path to the next grade.

A fix is a set of concrete changes to the evidence (a fact raised, events added, a judgement
improved) that brings an item to full points. The same changes state the gap in words ("需再发展
48 名会员") and, applied to the record and scored again, prove the plan reaches the grade.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from assess.core import conditions as cond
from assess.model.evidence import JudgementEntry
from assess.model.standard import Standard
from assess.rules.base import ItemStatus
from assess.scoring.compiler import CompiledStandard
from assess.scoring.engine import Inputs, compute_values
from assess.scoring.results import Check, CheckKind, Evaluation, ItemResult, VetoResult

_STEP = Fraction(1, 1000)  # smallest raise for a strict ">" on a non-integer value


class ChangeKind(str, enum.Enum):
    SET_FACT = "set_fact"            # a fact raised, lowered or provided
    ADD_EVENTS = "add_events"        # more events of a kind held in the period
    SET_JUDGEMENT = "set_judgement"  # the inspector's score for a judged item

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Change:
    """One concrete change to the evidence."""

    kind: ChangeKind
    name: str  # field name, event kind or item id
    before: Any
    after: Any  # the new value; for add_events, how many events to add


@dataclass
class Scenario:
    """Inputs with changes applied, for what-if scoring."""

    facts: dict[str, Any]
    extra_events: dict[str, int] = field(default_factory=dict)
    judgements: dict[str, JudgementEntry] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    @classmethod
    def of(cls, inputs: Inputs) -> "Scenario":
        return cls(dict(inputs.facts), {}, dict(inputs.judgements), [])

    def copy(self) -> "Scenario":
        return Scenario(dict(self.facts), dict(self.extra_events), dict(self.judgements), list(self.changes))

    def inputs(self, base: Inputs) -> Inputs:
        added = tuple((kind, base.period.end, n) for kind, n in sorted(self.extra_events.items()))
        return replace(base, facts=dict(self.facts), events=base.events + added, judgements=dict(self.judgements))

    def apply(self, change: Change) -> None:
        if change.kind == ChangeKind.SET_FACT:
            self.facts[change.name] = change.after
        elif change.kind == ChangeKind.ADD_EVENTS:
            self.extra_events[change.name] = self.extra_events.get(change.name, 0) + change.after
        else:
            self.judgements[change.name] = JudgementEntry(score=change.after, reason="plan")
        self.changes.append(change)


# ---- satisfying a condition ---------------------------------------------------------------


def _target_for(op: str, lit: Fraction, integer: bool) -> Fraction | None:
    if op == ">=":
        return Fraction(math.ceil(lit)) if integer else lit
    if op == ">":
        return Fraction(math.floor(lit) + 1) if integer else lit + _STEP
    if op == "<=":
        return Fraction(math.floor(lit)) if integer else lit
    if op == "<":
        return Fraction(math.ceil(lit) - 1) if integer else lit - _STEP
    if op == "==":
        return lit if (not integer or Fraction(lit).denominator == 1) else None
    return None


def _satisfy_compare(standard: Standard, node: cond.Compare, sc: Scenario, base: Inputs) -> bool:
    """Apply to `sc` the change of one value that makes `field OP literal` hold."""
    values = compute_values(standard, sc.inputs(base))
    if cond.evaluate(node, values) is True:
        return True
    if node.field in standard.fields:
        new = _new_fact_value(standard, node, values)
        if new is None:
            return False
        sc.apply(Change(ChangeKind.SET_FACT, node.field, values.get(node.field), new))
        return cond.evaluate(node, compute_values(standard, sc.inputs(base))) is True
    if node.field in standard.derived:
        return _satisfy_derived(standard, node, values, sc, base)
    return False


def _new_fact_value(standard: Standard, node: cond.Compare, values: dict[str, Any]) -> Any:
    """The value a declared fact must take for the comparison to hold, within its declared bounds
    and the facts it caps or is capped by; None when no allowed value does."""
    name, op, lit = node.field, node.op, node.literal.value
    decl = standard.fields[name]
    if decl.type in ("boolean", "string"):
        if op == "==" and (decl.choices is None or lit in decl.choices):
            return lit
        return (not lit) if op == "!=" and isinstance(lit, bool) else None
    new = _target_for(op, Fraction(lit), decl.type == "integer")
    if new is None:
        return None
    if (decl.min is not None and new < decl.min) or (decl.max is not None and new > decl.max):
        return None
    if decl.not_above and values.get(decl.not_above) is not None and new > values[decl.not_above]:
        return None
    # Fields capped by this one (women_members <= members) must stay within it.
    floor = max((values[o] for o, d in standard.fields.items() if d.not_above == name and values.get(o) is not None),
                default=None)
    if floor is not None and new < floor:
        if op not in (">=", ">"):
            return None
        new = Fraction(floor)
    return int(new) if decl.type == "integer" else new


def _satisfy_derived(standard: Standard, node: cond.Compare, values: dict[str, Any], sc: Scenario, base: Inputs) -> bool:
    """A derived value made to satisfy the comparison through its inputs: a ratio's numerator,
    one part of a sum, or more events of a counted kind (past events cannot be undone)."""
    name, op, lit = node.field, node.op, node.literal.value
    derived, current = standard.derived[name], values.get(name)
    if derived.ratio is not None:
        den = values.get(derived.ratio.denominator)
        if den is None or den == 0 or op not in (">=", ">", "<=", "<"):
            return False
        num_target = Fraction(lit) * Fraction(den)
        return _satisfy_compare(standard, cond.Compare(derived.ratio.numerator, op, cond.Literal(num_target, str(num_target))), sc, base)
    if current is None or op not in (">=", ">"):
        return False
    if derived.sum is not None:
        for part in derived.sum:
            part_value = values.get(part)
            if part_value is None:
                continue
            goal = Fraction(part_value) + Fraction(lit) - Fraction(current)
            trial = sc.copy()
            if _satisfy_compare(standard, cond.Compare(part, op, cond.Literal(goal, str(goal))), trial, base):
                sc.__dict__.update(trial.__dict__)
                return True
        return False
    need = _target_for(op, Fraction(lit), True) - current
    sc.apply(Change(ChangeKind.ADD_EVENTS, derived.count_events.kind[0], current, int(need)))
    return cond.evaluate(node, compute_values(standard, sc.inputs(base))) is True


def satisfy(standard: Standard, node: cond.Node, sc: Scenario, base: Inputs) -> bool:
    """Apply to `sc` the fewest simple changes that make `node` hold; False if none can."""
    node = cond.to_nnf(node)
    if isinstance(node, cond.Compare):
        return _satisfy_compare(standard, node, sc, base)
    if isinstance(node, cond.And):
        return all(satisfy(standard, term, sc, base) for term in node.terms)
    if isinstance(node, cond.Or):
        best: Scenario | None = None
        for term in node.terms:
            trial = sc.copy()
            if satisfy(standard, term, trial, base) and (best is None or len(trial.changes) < len(best.changes)):
                best = trial
        if best is None:
            return False
        sc.__dict__.update(best.__dict__)
        return True
    return False


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
    sc = Scenario.of(base)
    return sc.changes if fix_item(compiled, result, sc, base) else None


# ---- gaps ----------------------------------------------------------------------------------


class GapKind(str, enum.Enum):
    """What a gap is about; the values are the scorecard's gap `kind` strings."""

    ITEM = "item"                  # an item below full points
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


def gaps(ev: Evaluation, base: Inputs | None, fixes: bool = True) -> list[Gap]:
    """Everything that costs points or blocks a grade, in the order a scorecard lists them. With
    `fixes=False` the evidence changes that would close each item gap are not worked out (most of
    the cost; a batch CSV needs only counts)."""
    out: list[Gap] = []
    for r in ev.items():
        if r.status == ItemStatus.FULL or r.exempt:
            continue
        changes = item_fix(ev.compiled, r, base) if fixes and base is not None else None
        out.append(Gap(GapKind.ITEM, r.item.id, result=r, changes=changes))
    out += [Gap(GapKind.VETO, v.veto_id, veto=v) for v in ev.vetoes if not v.clear]
    reached = ev.grade.id if ev.grade else None
    mandatory: dict[str, Gap] = {}
    for g in ev.grades:
        if g.grade.id == reached:
            break
        for c in g.checks:
            if c.ok or c.kind in (CheckKind.VETO, CheckKind.MIN_SCORE):
                continue
            if c.kind == CheckKind.MANDATORY:
                # One gap per mandatory item, naming the lowest grade it blocks.
                mandatory[c.detail.item] = Gap(GapKind.MANDATORY, c.detail.item, grade=g.grade.id, check=c)
                continue
            out.append(Gap(GapKind(c.kind.value), g.grade.id, grade=g.grade.id, check=c))
    return out + list(mandatory.values())
