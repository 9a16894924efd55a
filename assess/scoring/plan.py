"""The cheapest path to the next grade: the rung directly above the grade reached.

What no score can replace comes first (a veto that cannot be decided, a mandatory item, the
grade's own conditions); then item fixes by the largest gain, each verified by scoring again.
Past events cannot be undone, so a triggered veto or a missing prerequisite honour blocks.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction

from assess.core import conditions as cond
from assess.model.standard import Grade
from assess.rules.base import ItemStatus
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import Inputs, evaluate
from assess.scoring.gaps import Change, ChangeKind, Scenario, fix_item, satisfy
from assess.scoring.results import Check, CheckKind, Evaluation, GradeResult


class FixKind(str, enum.Enum):
    ITEM = "item"          # an item brought to full points (a mandatory item too)
    VETO = "veto"          # evidence that an undecidable veto did not happen
    REQUIRES = "requires"  # a grade's own condition met

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PlanFix:
    """One step of a plan: what it fixes (`ref`: item id, veto id or the condition's text) and
    the evidence changes that do it."""

    kind: FixKind
    ref: str
    changes: list[Change]


class BlockerKind(str, enum.Enum):
    VETO = "veto"                    # a veto triggered: no points make up for it
    PREREQUISITE = "prerequisite"    # an honour the grade needs is not held
    VETO_EVIDENCE = "veto_evidence"  # a veto cannot be decided and no evidence change decides it
    MANDATORY = "mandatory"          # a mandatory item cannot be brought to full points
    REQUIRES = "requires"            # a grade's own condition cannot be met
    SCORE = "score"                  # every possible fix still leaves the score short

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Blocker:
    """Why the next grade cannot be reached. `ref`: the veto, item or grade id, or the
    condition's text; for SCORE, `most` is the best reachable grade score and `min` the cut-off."""

    kind: BlockerKind
    ref: str
    any_of: tuple[str, ...] = ()
    most: Fraction | None = None
    min: Fraction | None = None


@dataclass
class Plan:
    grade: str
    reachable: bool
    fixes: list[PlanFix]  # in the order chosen
    score_after: Fraction | None
    blockers: list[Blocker]


def next_grade(ev: Evaluation) -> Grade | None:
    """The rung directly above the grade reached (the lowest rung with none); None at the top."""
    ladder = ev.standard.grades
    if ev.grade is None:
        return ladder[-1]
    idx = next(i for i, g in enumerate(ladder) if g.id == ev.grade.id)
    return ladder[idx - 1] if idx > 0 else None


def _hard_blockers(status: GradeResult, target: Grade) -> list[Blocker]:
    out = []
    for c in status.checks:
        if c.ok:
            continue
        if c.kind == CheckKind.VETO and c.detail.state is True:
            out.append(Blocker(BlockerKind.VETO, c.detail.veto))
        elif c.kind == CheckKind.PREREQUISITE:
            out.append(Blocker(BlockerKind.PREREQUISITE, target.id, tuple(c.detail.any_of)))
    return out


def _required_fix(ev: Evaluation, c: Check, sc: Scenario, base: Inputs) -> PlanFix | Blocker:
    """A fix for a failed check that no score can replace, applied to `sc`; or why none exists."""
    start = len(sc.changes)
    if c.kind == CheckKind.VETO:
        veto = ev.standard.veto(c.detail.veto)
        if not satisfy(ev.standard, cond.negate(cond.parse(veto.when)), sc, base):
            return Blocker(BlockerKind.VETO_EVIDENCE, veto.id)
        return PlanFix(FixKind.VETO, veto.id, sc.changes[start:])
    if c.kind == CheckKind.MANDATORY:
        r = ev.item(c.detail.item)
        if not fix_item(ev.compiled, r, sc, base):
            return Blocker(BlockerKind.MANDATORY, r.item.id)
        return PlanFix(FixKind.ITEM, r.item.id, sc.changes[start:])
    if not satisfy(ev.standard, cond.parse(c.detail.condition), sc, base):
        return Blocker(BlockerKind.REQUIRES, c.detail.condition)
    return PlanFix(FixKind.REQUIRES, c.detail.condition, sc.changes[start:])


def plan_next_grade(ev: Evaluation, base: Inputs) -> Plan | None:
    """The plan for the next grade, or None at the top grade."""
    target = next_grade(ev)
    if target is None:
        return None
    status = ev.grade_result(target.id)
    blockers = _hard_blockers(status, target)
    if blockers:
        return Plan(target.id, False, [], None, blockers)
    sc = Scenario.of(base)
    chosen: list[PlanFix] = []
    for c in status.checks:
        if c.ok or c.kind not in (CheckKind.VETO, CheckKind.MANDATORY, CheckKind.REQUIRES):
            continue
        step = _required_fix(ev, c, sc, base)
        if isinstance(step, Blocker):
            return Plan(target.id, False, [], None, [step])
        chosen.append(step)
    return _greedy(ev, base, target, sc, chosen)


def _greedy(ev: Evaluation, base: Inputs, target: Grade, sc: Scenario, chosen: list[PlanFix]) -> Plan:
    """Item fixes by the largest gain in grade score until the grade is reached."""
    compiled, decider = ev.compiled, PythonDecider()
    current = evaluate(compiled, sc.inputs(base), decider)
    done = {f.ref for f in chosen if f.kind == FixKind.ITEM}
    while not current.grade_result(target.id).ok:
        best: tuple[Fraction, str, Scenario, Evaluation] | None = None
        for r in current.items():
            if r.status == ItemStatus.FULL or r.exempt or r.item.id in done:
                continue
            trial = sc.copy()
            if not fix_item(compiled, r, trial, base):
                continue
            after = evaluate(compiled, trial.inputs(base), decider)
            gain = after.grade_score - current.grade_score
            # Fewest fixes: take the biggest gain; ties go to the item listed first.
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, r.item.id, trial, after)
        if best is None:
            blocker = Blocker(BlockerKind.SCORE, target.id, most=current.grade_score, min=target.min_score)
            return Plan(target.id, False, chosen, current.grade_score, [blocker])
        _, item_id, trial, current = best
        chosen.append(PlanFix(FixKind.ITEM, item_id, trial.changes[len(sc.changes):]))
        sc = trial
        done.add(item_id)
    return Plan(target.id, True, chosen, current.grade_score, [])


def apply_changes(record, standard_id: str, changes: list[Change]):
    """A copy of an EvidenceRecord with a plan's changes applied (for what-if and for tests)."""
    data = record.model_dump(mode="python")
    for ch in changes:
        if ch.kind == ChangeKind.SET_FACT:
            value = ch.after
            if isinstance(value, Fraction):
                # Exact text keeps 1/3 exact; whole numbers stay numbers.
                value = int(value) if value.denominator == 1 else str(value)
            raw = data["facts"].get(ch.name)
            if isinstance(raw, dict) and "value" in raw:
                raw["value"] = value
            else:
                data["facts"][ch.name] = value
        elif ch.kind == ChangeKind.ADD_EVENTS:
            data["events"].append({"kind": ch.name, "date": record.period.end, "count": ch.after, "title": "plan"})
        else:
            data["judgements"].setdefault(standard_id, {})[ch.name] = {"score": ch.after, "reason": "plan"}
    return type(record).model_validate(data)
