"""The cheapest path to the next grade: the rung directly above the grade reached.

What no score can replace comes first (a veto that cannot be decided, a mandatory item, the
grade's own conditions); then the set of item levels that reaches the grade for the least effort
(`assess.scoring.search`, costs from `assess.scoring.effort`), verified by scoring again, with up
to three alternatives. Past events cannot be undone, so a triggered veto or a missing
prerequisite honour blocks.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from assess.core.exact import RATIONAL, Fraction, exact_sum
from assess.core import conditions as cond
from assess.model.standard import Grade
from assess.scoring import search as S
from assess.scoring.changes import changes_cost
from assess.scoring.engine import Inputs
from assess.scoring.changes import Change, ChangeKind, Scenario, known_values, satisfy
from assess.scoring.gaps import fix_item
from assess.scoring.results import Check, CheckKind, Evaluation, GradeResult


class FixKind(str, enum.Enum):
    ELIGIBILITY = "eligibility"  # a 申报条件 met
    ITEM = "item"          # an item brought to full points (a mandatory item too)
    DEDUCTION = "deduction"  # a deduction from the total brought down
    VETO = "veto"          # evidence that an undecidable veto did not happen
    REQUIRES = "requires"  # a grade's own condition met

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PlanFix:
    """One step of a plan: what it fixes (`ref`: item id, veto id or the condition's text), the
    evidence changes that do it and what they cost (整改成本)."""

    kind: FixKind
    ref: str
    changes: list[Change]
    cost: Fraction = Fraction(0)


class BlockerKind(str, enum.Enum):
    ELIGIBILITY = "eligibility"      # a 申报条件 no evidence change can meet
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


@dataclass(frozen=True)
class Alternative:
    """Another set of fixes that reaches the same grade, at its cost and score."""

    fixes: list[PlanFix]
    cost: Fraction
    score_after: Fraction


@dataclass
class Plan:
    """The next-grade plan: the cheapest verified fixes (`cost` their total), whether the search
    proved it cheapest (`exact`), and up to three alternatives."""

    grade: str
    reachable: bool
    fixes: list[PlanFix]  # required fixes first, then items in the standard's order
    score_after: Fraction | None
    blockers: list[Blocker]
    cost: Fraction = Fraction(0)
    exact: bool = True
    alternatives: list[Alternative] = field(default_factory=list)
    # The grade the fixes reach when applied and scored again: the target, or one above it when
    # the same fixes earn more (a mandatory item that blocked every grade).
    grade_after: str | None = None


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
    if c.kind == CheckKind.ELIGIBILITY:
        entry = next(e for e in ev.standard.eligibility if e.id == c.detail.eligibility)
        if not satisfy(ev.standard, cond.parse(entry.when), sc, base):
            return Blocker(BlockerKind.ELIGIBILITY, entry.id)
        return _fix(ev, FixKind.ELIGIBILITY, entry.id, sc.changes[start:])
    if c.kind == CheckKind.VETO:
        veto = ev.standard.veto(c.detail.veto)
        if not satisfy(ev.standard, cond.negate(cond.parse(veto.when)), sc, base):
            return Blocker(BlockerKind.VETO_EVIDENCE, veto.id)
        return _fix(ev, FixKind.VETO, veto.id, sc.changes[start:])
    if c.kind == CheckKind.MANDATORY:
        r = ev.item(c.detail.item)
        if not fix_item(ev.compiled, r, sc, base):
            return Blocker(BlockerKind.MANDATORY, r.item.id)
        return _fix(ev, FixKind.ITEM, r.item.id, sc.changes[start:])
    if not satisfy(ev.standard, cond.parse(c.detail.condition), sc, base):
        return Blocker(BlockerKind.REQUIRES, c.detail.condition)
    return _fix(ev, FixKind.REQUIRES, c.detail.condition, sc.changes[start:])


def _fix(ev: Evaluation, kind: FixKind, ref: str, changes: list[Change]) -> PlanFix:
    return PlanFix(kind, ref, list(changes), changes_cost(ev.standard, changes))


# The order required fixes come in: what no score can replace, eligibility first.
_REQUIRED = (CheckKind.ELIGIBILITY, CheckKind.VETO, CheckKind.MANDATORY, CheckKind.REQUIRES)


def plan_next_grade(ev: Evaluation, base: Inputs) -> Plan | None:
    """The plan for the next grade, or None at the top grade."""
    target = next_grade(ev)
    if target is None:
        return None
    known_values(ev.standard, base, ev.values)  # ev is the evaluation of base
    status = ev.grade_result(target.id)
    blockers = _hard_blockers(status, target)
    if blockers:
        return Plan(target.id, False, [], None, blockers)
    sc = Scenario.of(base)
    required: list[PlanFix] = []
    for c in sorted((c for c in status.checks if not c.ok and c.kind in _REQUIRED), key=lambda c: _REQUIRED.index(c.kind)):
        step = _required_fix(ev, c, sc, base)
        if isinstance(step, Blocker):
            return Plan(target.id, False, [], None, [step])
        required.append(step)
    return _cheapest(ev, base, target, sc, required)


def _cheapest(ev: Evaluation, base: Inputs, target: Grade, sc: Scenario, required: list[PlanFix]) -> Plan:
    """The least-effort item levels that, with the required fixes, reach the grade."""
    ctx = S.context(ev, base, sc, target.id)
    spent = exact_sum(f.cost for f in required)
    if ctx.current.grade_result(target.id).ok:
        return Plan(target.id, True, required, ctx.current.grade_score, [], spent, grade_after=_reached(ctx.current))
    done = {f.ref for f in required if f.kind == FixKind.ITEM}
    options = S.item_options(ctx, done) + S.deduction_options(ctx)
    search = S.Search(ctx, options, ctx.need(target.min_score))
    found, exact = search.run(), search.exact
    if S.bonus_alone_may_reach(ctx, target.min_score):
        # The score is floored at 0 and the bonus alone may reach the grade: sets the search
        # above does not look for. Looked for on the grade score too, and neither proven cheapest.
        floored = S.context(ev, base, sc, target.id, floor=True)
        other = S.Search(floored, S.item_options(floored, done) + S.deduction_options(floored),
                         floored.need(target.min_score)).run()
        found, exact = _cheapest_of(found + other), False
    if not found:
        best, after = greedy(ctx, options)
        if best is None:
            blocker = Blocker(BlockerKind.SCORE, target.id, most=after.grade_score, min=target.min_score)
            return Plan(target.id, False, required, after.grade_score, [blocker], spent)
        found, exact = [best], False
    plans = [(_item_fixes(ev, f), f.cost, f.evaluation.grade_score) for f in found]
    fixes, cost, score = plans[0]
    alternatives = [Alternative(required + fx, spent + c, sc_) for fx, c, sc_ in plans[1:]]
    return Plan(target.id, True, required + fixes, score, [], spent + cost, exact, alternatives,
                _reached(found[0].evaluation))


def _cheapest_of(found: list[S.Found]) -> list[S.Found]:
    """The verified sets of two searches, cheapest first, each set of groups once (at most KEEP)."""
    seen, out = set(), []
    for f in sorted(found, key=lambda f: (f.cost, len(f.chosen))):
        groups = frozenset(o.group for o in f.chosen)
        if groups not in seen:
            seen.add(groups)
            out.append(f)
    return out[:S.KEEP]


def _reached(after: Evaluation) -> str | None:
    return after.grade.id if after.grade is not None else None


def _item_fixes(ev: Evaluation, found: S.Found) -> list[PlanFix]:
    """The verified changes grouped by the item (or deduction) they fix, in the standard's order."""
    by_ref: dict[str, list[Change]] = {}
    kinds: dict[str, FixKind] = {}
    for option, changes in found.parts:
        by_ref.setdefault(option.ref, []).extend(changes)
        kinds[option.ref] = FixKind(option.kind)
    return [_fix(ev, kinds[ref], ref, changes) for ref, changes in by_ref.items() if changes]


def apply_changes(record, standard_id: str, changes: list[Change]):
    """A copy of an EvidenceRecord with a plan's changes applied (for what-if and for tests)."""
    data = record.model_dump(mode="python")
    for ch in changes:
        if ch.kind == ChangeKind.SET_FACT:
            value = ch.after
            if isinstance(value, RATIONAL):
                # Exact text keeps 1/3 exact; whole numbers stay numbers.
                value = int(value) if value.denominator == 1 else str(value)
            raw = data["facts"].get(ch.name)
            if isinstance(raw, dict) and "value" in raw:
                raw["value"] = value
            else:
                data["facts"][ch.name] = value
        elif ch.kind == ChangeKind.ADD_EVENTS and ch.dates:
            data["events"] += [{"kind": ch.name, "date": day, "count": 1, "title": "plan"} for day in ch.dates]
        elif ch.kind == ChangeKind.ADD_EVENTS:
            data["events"].append({"kind": ch.name, "date": record.period.end, "count": ch.after, "title": "plan"})
        else:
            data["judgements"].setdefault(standard_id, {})[ch.name] = {"score": ch.after, "reason": "plan"}
    return type(record).model_validate(data)


def greedy(ctx: S.Context, options: list[S.Option]) -> tuple[S.Found | None, Evaluation]:
    """The fallback: options by gain per unit of cost (a group's later option replaces its earlier
    one when it gains more), added until the changed evidence reaches the grade. Returns the set,
    or None and the evaluation with every group at its highest level (the best reachable)."""
    chosen: dict[str, S.Option] = {}
    for option in sorted(options, key=lambda o: (o.cost / o.gain, o.order)):
        held = chosen.get(option.group)
        if held is not None and held.gain >= option.gain:
            continue
        chosen[option.group] = option
        found = S.apply_all(ctx, tuple(chosen.values()))
        if found is not None:
            return found, found.evaluation
    highest: dict[str, S.Option] = {}
    for o in options:
        if o.group not in highest or o.gain > highest[o.group].gain:
            highest[o.group] = o
    found = S.apply_all(ctx, tuple(highest.values()))
    if found is not None:
        return found, found.evaluation
    done = S._applied(ctx, tuple(highest.values())) if highest else None
    return None, done[1] if done is not None else ctx.current
