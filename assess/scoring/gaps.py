"""Gaps in the union's own units, and the shortest path to the next grade.

A fix is a set of concrete changes to the evidence (a fact raised, events added, a judgement
improved) that brings an item to full points. The same changes state the gap in words ("需再发展
48 名会员") and, applied to the record and scored again, prove the plan reaches the grade.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from assess.core import conditions as cond
from assess.scoring.compiler import CompiledStandard, PythonDecider
from assess.scoring.engine import (
    FULL,
    MISSING,
    Evaluation,
    Inputs,
    ItemResult,
    compute_values,
    evaluate,
)
from assess.model.evidence import JudgementEntry
from assess.model.standard import (
    AllOrNothing,
    AwardPerOccurrence,
    Bands,
    Checklist,
    Item,
    Judgement,
    PerMissing,
    PerOccurrence,
    Shortfall,
    Standard,
)

_STEP = Fraction(1, 1000)  # smallest raise for a strict ">" on a non-integer value


@dataclass(frozen=True)
class Change:
    kind: str  # set_fact | add_events | set_judgement
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
        if change.kind == "set_fact":
            self.facts[change.name] = change.after
        elif change.kind == "add_events":
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
    values = compute_values(standard, sc.inputs(base))
    if cond.evaluate(node, values) is True:
        return True
    name, op, lit = node.field, node.op, node.literal.value
    if name in standard.fields:
        decl = standard.fields[name]
        if decl.type in ("boolean", "string"):
            if op == "==" and (decl.choices is None or lit in decl.choices):
                new = lit
            elif op == "!=" and isinstance(lit, bool):
                new = not lit
            else:
                return False
        else:
            new = _target_for(op, Fraction(lit), decl.type == "integer")
            if new is None:
                return False
            if (decl.min is not None and new < decl.min) or (decl.max is not None and new > decl.max):
                return False
            if decl.not_above and values.get(decl.not_above) is not None and new > values[decl.not_above]:
                return False
            # Fields capped by this one (women_members <= members) must stay within it.
            floor = max((values[o] for o, d in standard.fields.items() if d.not_above == name and values.get(o) is not None),
                        default=None)
            if floor is not None and new < floor:
                if op not in (">=", ">"):
                    return False
                new = Fraction(floor)
            if decl.type == "integer":
                new = int(new)
        sc.apply(Change("set_fact", name, values.get(name), new))
        return cond.evaluate(node, compute_values(standard, sc.inputs(base))) is True

    derived = standard.derived.get(name)
    if derived is None:
        return False
    current = values.get(name)
    if derived.ratio is not None:
        den = values.get(derived.ratio.denominator)
        if den is None or den == 0 or op not in (">=", ">", "<=", "<"):
            return False
        num_target = Fraction(lit) * Fraction(den)
        return _satisfy_compare(standard, cond.Compare(derived.ratio.numerator, op, cond.Literal(num_target, str(num_target))), sc, base)
    if derived.sum is not None:
        if current is None or op not in (">=", ">"):
            return False
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
    # A count of dated events: more can still happen in the period; past ones cannot be undone.
    if op not in (">=", ">"):
        return False
    need = _target_for(op, Fraction(lit), True) - current
    sc.apply(Change("add_events", derived.count_events.kind[0], current, int(need)))
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


def _full_condition(item: Item) -> cond.Node | None:
    """The condition under which the item earns full points, where one exists."""
    rule = item.rule
    if isinstance(rule, AllOrNothing):
        return cond.parse(rule.when)
    if isinstance(rule, Bands):
        top = max(rule.bands, key=lambda b: (b.points, b.min))
        return cond.Compare(rule.value, ">=", cond.Literal(top.min, str(top.min)))
    if isinstance(rule, Shortfall):
        return cond.Compare(rule.value, ">=", cond.Literal(rule.target, str(rule.target)))
    if isinstance(rule, PerOccurrence):
        return cond.Compare(rule.count, "<=", cond.Literal(0, "0"))
    if isinstance(rule, AwardPerOccurrence):
        need = math.ceil(item.points / rule.award)
        return cond.Compare(rule.count, ">=", cond.Literal(need, str(need)))
    if isinstance(rule, (Checklist, PerMissing)):
        return cond.And(tuple(cond.parse(e) for e in rule.entries)) if len(rule.entries) > 1 else cond.parse(rule.entries[0])
    return None


def fix_item(compiled: CompiledStandard, result: ItemResult, sc: Scenario, base: Inputs) -> bool:
    """Add to `sc` the changes that bring the item to full points."""
    item = result.item
    if isinstance(item.rule, Judgement):
        sc.apply(Change("set_judgement", item.id, result.awarded if result.status != MISSING else None, item.points))
        return True
    node = _full_condition(item)
    return node is not None and satisfy(compiled.standard, node, sc, base)


def item_fix(compiled: CompiledStandard, result: ItemResult, base: Inputs) -> list[Change] | None:
    sc = Scenario.of(base)
    return sc.changes if fix_item(compiled, result, sc, base) else None


# ---- gaps ----------------------------------------------------------------------------------


@dataclass
class Gap:
    kind: str  # item | veto | gate | requires | prerequisite | score
    ref: str  # item, veto or grade id
    grade: str | None = None  # the grade a grade-level gap blocks
    result: ItemResult | None = None
    changes: list[Change] | None = None  # None: no change to the evidence fixes it
    detail: dict[str, Any] = field(default_factory=dict)


def gaps(ev: Evaluation, base: Inputs | None, fixes: bool = True) -> list[Gap]:
    """Everything that costs points or blocks a grade. With `fixes=False` the evidence changes that
    would close each item gap are not worked out (most of the cost; a batch CSV needs only counts)."""
    out: list[Gap] = []
    for r in ev.items():
        if r.status == FULL or r.exempt:
            continue
        changes = item_fix(ev.compiled, r, base) if fixes and base is not None else None
        out.append(Gap("item", r.item.id, result=r, changes=changes))
    for v in ev.vetoes:
        if not v.clear:
            out.append(Gap("veto", v.veto_id, detail={"state": v.state, "values": v.values}))
    reached = ev.grade.id if ev.grade else None
    gates: dict[str, Gap] = {}
    for g in ev.grades:
        if g.grade.id == reached:
            break
        for c in g.checks:
            if c.ok or c.kind in ("veto", "min_score"):
                continue
            if c.kind == "mandatory":
                # One gap per mandatory item, naming the lowest grade it blocks.
                gates[c.detail["item"]] = Gap("gate", c.detail["item"], grade=g.grade.id, detail=c.detail)
                continue
            out.append(Gap(c.kind, g.grade.id, grade=g.grade.id, detail=c.detail))
    return out + list(gates.values())


# ---- the next grade ------------------------------------------------------------------------


@dataclass
class Plan:
    grade: str
    reachable: bool
    fixes: list[tuple[str, list[Change]]]  # (item id, its changes), in the order chosen
    score_after: Fraction | None
    blockers: list[dict[str, Any]]
    requirement_changes: list[Change] = field(default_factory=list)


def next_grade(ev: Evaluation) -> Any:
    ladder = ev.standard.grades
    if ev.grade is None:
        return ladder[-1]
    idx = next(i for i, g in enumerate(ladder) if g.id == ev.grade.id)
    return ladder[idx - 1] if idx > 0 else None


def plan_next_grade(ev: Evaluation, base: Inputs) -> Plan | None:
    target = next_grade(ev)
    if target is None:
        return None
    compiled = ev.compiled
    decider = PythonDecider()
    status = next(g for g in ev.grades if g.grade.id == target.id)
    blockers: list[dict[str, Any]] = []
    for c in status.checks:
        if c.ok:
            continue
        if c.kind == "veto" and c.detail.get("state") is True:
            blockers.append({"kind": "veto", "ref": c.detail["veto"]})
        elif c.kind == "prerequisite":
            blockers.append({"kind": "prerequisite", "ref": target.id, "any_of": c.detail["any_of"]})
    if blockers:
        return Plan(target.id, False, [], None, blockers)

    sc = Scenario.of(base)
    chosen: list[tuple[str, list[Change]]] = []

    def record(item_id: str, before: int) -> None:
        chosen.append((item_id, sc.changes[before:]))

    # First what no score can replace: undecidable vetoes, gates and the grade's own conditions.
    for c in status.checks:
        if c.ok:
            continue
        start = len(sc.changes)
        if c.kind == "veto":
            veto = next(v for v in ev.standard.vetoes if v.id == c.detail["veto"])
            if not satisfy(ev.standard, cond.negate(cond.parse(veto.when)), sc, base):
                return Plan(target.id, False, [], None, [{"kind": "veto_evidence", "ref": veto.id}])
            record(f"veto:{veto.id}", start)
        elif c.kind == "mandatory":
            r = ev.item(c.detail["item"])
            if not fix_item(compiled, r, sc, base):
                return Plan(target.id, False, [], None, [{"kind": "gate", "ref": r.item.id}])
            record(r.item.id, start)
        elif c.kind == "requires":
            if not satisfy(ev.standard, cond.parse(c.detail["condition"]), sc, base):
                return Plan(target.id, False, [], None, [{"kind": "requires", "ref": c.detail["condition"]}])
            record(f"requires:{c.detail['condition']}", start)

    def reached(evaluation: Evaluation) -> bool:
        return any(g.grade.id == target.id and g.ok for g in evaluation.grades)

    current = evaluate(compiled, sc.inputs(base), decider)
    done = {item_id for item_id, _ in chosen}
    while not reached(current):
        best: tuple[Fraction, int, str, Scenario, Evaluation] | None = None
        for order, r in enumerate(current.items()):
            if r.status == FULL or r.exempt or r.item.id in done:
                continue
            trial = sc.copy()
            if not fix_item(compiled, r, trial, base):
                continue
            after = evaluate(compiled, trial.inputs(base), decider)
            gain = after.grade_score - current.grade_score
            if gain <= 0:
                continue
            # Fewest fixes: take the biggest gain; ties go to the item listed first.
            if best is None or gain > best[0]:
                best = (gain, order, r.item.id, trial, after)
        if best is None:
            return Plan(target.id, False, chosen, current.grade_score,
                        [{"kind": "score", "ref": target.id, "max": current.grade_score, "min": target.min_score}])
        _, _, item_id, trial, after = best
        start = len(sc.changes)
        sc = trial
        record(item_id, start)
        done.add(item_id)
        current = after
    return Plan(target.id, True, chosen, current.grade_score, [])


def apply_changes(record, standard_id: str, changes: list[Change]):
    """A copy of an EvidenceRecord with a plan's changes applied (for what-if and for tests)."""
    data = record.model_dump(mode="python")
    for ch in changes:
        if ch.kind == "set_fact":
            value = ch.after
            if isinstance(value, Fraction):
                # Exact text keeps 1/3 exact; whole numbers stay numbers.
                value = int(value) if value.denominator == 1 else str(value)
            raw = data["facts"].get(ch.name)
            if isinstance(raw, dict) and "value" in raw:
                raw["value"] = value
            else:
                data["facts"][ch.name] = value
        elif ch.kind == "add_events":
            data["events"].append({"kind": ch.name, "date": record.period.end, "count": ch.after, "title": "plan"})
        else:
            data["judgements"].setdefault(standard_id, {})[ch.name] = {"score": ch.after, "reason": "plan"}
    return type(record).model_validate(data)
