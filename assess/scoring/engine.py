"""Evaluate one union's inputs against a compiled standard: points, sections, bonus, vetoes,
gates, prerequisites and the grade, each with the reason for the decision.

The conditions are answered by a Decider (durable_rules in production); each item's rule kind
(`assess.rules`) turns its answers into points; everything here is the bookkeeping around it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction, exact_sum
from assess.core.per_object import once_per_object
from assess.model.evidence import Honour, JudgementEntry, Period, window_start
from assess.model.standard import Grade, Item, Standard
from assess.rules.base import ItemContext, ItemStatus, Outcome, Reason
from assess.scoring import compiler as C
from assess.scoring.compiler import CompiledStandard, Decider
from assess.scoring.derive import affected, derive_values, honour_names
from assess.scoring.lowering import hidden_values
from assess.scoring.reads import reads_of
from assess.scoring.results import (
    Check,
    CheckKind,
    EligibilityDetail,
    EligibilityResult,
    Evaluation,
    GradeResult,
    HonourFound,
    ItemResult,
    MandatoryDetail,
    MinScoreDetail,
    PrerequisiteDetail,
    RequiresDetail,
    SectionResult,
    VetoDetail,
    VetoResult,
)


@dataclass(frozen=True)
class Inputs:
    """What a standard is applied to: validated facts and the dated, judged, honoured rest."""

    facts: Mapping[str, Any]
    events: tuple[tuple[str, date, int], ...]
    judgements: Mapping[str, JudgementEntry]
    honours: tuple[Honour, ...]
    period: Period
    # Grades read from the results store (assess.store.prior_grades), each with where it came
    # from; consulted after the record's own honours, which win.
    prior_honours: tuple[tuple[Honour, str], ...] = ()
    # Items and vetoes exempted by approved waivers: id -> the waiver's id (assess.scoring.waivers).
    waived: Mapping[str, str] = field(default_factory=dict)


def compute_values(standard: Standard, inputs: Inputs) -> dict[str, Any]:
    """Every value the standard's conditions and rules read: the declared facts, the derived
    values, and the hidden ones its lowered conditions compare (`assess.scoring.lowering`)."""
    facts = {name: inputs.facts.get(name) for name in standard.fields}
    return _derived(standard, inputs, facts, None)


def update_values(standard: Standard, inputs: Inputs, before: Mapping[str, Any], names: Iterable[str] = (),
                  kinds: Iterable[str] = ()) -> dict[str, Any]:
    """`compute_values(standard, inputs)` from `before`, the values of inputs that differ only in
    the facts `names` and the events of `kinds`: only the derived values reading them are worked
    out again (a plan's what-if changes one fact or one kind of event at a time)."""
    facts = dict(before)
    for name in names:
        facts[name] = inputs.facts.get(name)
    return _derived(standard, inputs, facts, affected(standard, names, kinds))


@once_per_object()
def _counted(standard: Standard) -> tuple[tuple[str, Any], ...]:
    """(name, window) of each derived value that counts events, in the standard's order."""
    return tuple((name, d.count_events.window) for name, d in standard.derived.items() if d.count_events is not None)


def _derived(standard: Standard, inputs: Inputs, facts: dict[str, Any], only) -> dict[str, Any]:
    period = inputs.period
    starts = {name: window_start(window, period) for name, window in _counted(standard) if only is None or name in only}
    honours = tuple(inputs.honours) + tuple(h for h, _ in inputs.prior_honours)
    values = derive_values(standard, facts, inputs.events, starts, inputs.period.end, honours, only)
    values.update(hidden_values(standard, values))
    return values


def evaluate(compiled: CompiledStandard, inputs: Inputs, decider: Decider) -> Evaluation:
    """Score one union's inputs: items, sections (capped), the base score (rescaled over what
    applies, or with not-applicable items as full points, less the deductions from the total),
    bonus, vetoes, 申报条件 and every grade's checks."""
    standard = compiled.standard
    values = compute_values(standard, inputs)
    decisions = decider.decide(compiled, values)
    kept = kept_items(compiled)

    def scored(section_id: str | None, item: Item) -> ItemResult:
        return kept(section_id, item, values, decisions, inputs)

    sections = [section_result(standard, section, [scored(section.id, it) for it in section.items])
                for section in standard.sections]
    bonus_items = [scored(None, it) for it in standard.bonus.items] if standard.bonus else []
    deductions = [scored(None, d) for d in standard.deductions]
    return assemble(compiled, inputs, values, decisions, sections, bonus_items, deductions)


def assemble(compiled: CompiledStandard, inputs: Inputs, values: dict[str, Any], decisions: dict[str, bool | None],
             sections: list[SectionResult], bonus_items: list[ItemResult], deductions: list[ItemResult]) -> Evaluation:
    """The evaluation around scored items: totals, vetoes, 申报条件, every grade's checks and the
    grade reached."""
    standard = compiled.standard
    raw_score, possible, score, bonus, taken_off = totals(standard, sections, bonus_items, deductions)
    vetoes = [VetoResult(veto.id, decisions[C.veto_id(veto.id)], _read(veto.when, values), inputs.waived.get(veto.id))
              for veto in standard.vetoes]
    eligibility = [EligibilityResult(e.id, decisions[C.eligibility_id(e.id)], _read(e.when, values))
                   for e in standard.eligibility]
    partial = Evaluation(compiled, values, decisions, sections, bonus_items, raw_score, possible, score, bonus, vetoes,
                         [], None, deductions, taken_off, eligibility)
    partial.grades = check_grades(partial, inputs)
    partial.grade = next((g.grade for g in partial.grades if g.ok), None)
    return partial


def _read(condition: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a condition reads (what the scorecard shows beside it)."""
    return {f: values.get(f) for f in _fields_of(condition)}


@functools.lru_cache(maxsize=4096)
def _fields_of(condition: str) -> tuple[str, ...]:
    return tuple(sorted(cond.fields(cond.parse(condition))))


def section_result(standard: Standard, section, results: list[ItemResult]) -> SectionResult:
    """A section's points: its items' sum (not-applicable items as full points under
    `not_applicable: full`), capped; and the most its applicable items could earn."""
    raw = exact_sum(r.awarded for r in results if not r.exempt)
    applicable = exact_sum(r.points for r in results if not r.exempt)
    if standard.not_applicable == "full":
        na = exact_sum(r.points for r in results if r.exempt)
        raw, applicable = raw + na, applicable + na
    return SectionResult(section.id, section.cap, raw, min(section.cap, raw), min(section.cap, applicable), results)


def totals(standard: Standard, sections: list[SectionResult], bonus_items: list[ItemResult],
           deductions: list[ItemResult] = ()) -> tuple[Fraction, Fraction, Fraction, Fraction, Fraction]:
    """(raw score, possible, score, bonus, taken off): the sections' capped sum, what applicable
    items could earn, the score (rescaled to the total under `not_applicable: rescale`, at most the
    total, less what the deductions from the total take off, never below 0), the bonus (at most
    its cap) and what the deductions took off."""
    raw_score = exact_sum(s.awarded for s in sections)
    possible = exact_sum(s.possible for s in sections)
    if standard.not_applicable == "rescale":
        score = raw_score * standard.total / possible if possible > 0 else Fraction(0)
    else:
        score = raw_score
    taken_off = exact_sum(r.lost for r in deductions)
    score = max(Fraction(0), min(score, standard.total) - taken_off)
    bonus = Fraction(0)
    if standard.bonus:
        bonus = min(standard.bonus.cap, exact_sum(r.awarded for r in bonus_items if not r.exempt))
    return raw_score, possible, score, bonus, taken_off


# ---- items ---------------------------------------------------------------------------------


def missing_names(standard: Standard, names: Iterable[str], values: Mapping[str, Any]) -> list[str]:
    """The declared fields behind `names` whose values are missing (follows derived inputs)."""
    out: list[str] = []

    def visit(name: str) -> None:
        if name in standard.derived:
            for ref in standard.derived[name].inputs:
                visit(ref)
            if not standard.derived[name].inputs and values.get(name) is None:
                out.append(name)
        elif values.get(name) is None and name not in out:
            out.append(name)

    for n in sorted(names):
        visit(n)
    return out


def _result(standard: Standard, section_id: str | None, item: Item, outcome: Outcome, values) -> ItemResult:
    """The item's result: the rule's outcome clamped to [0, points], its status settled."""
    awarded = max(Fraction(0), min(item.points, Fraction(outcome.awarded)))
    status = outcome.status
    if status is None:
        status = ItemStatus.FULL if awarded == item.points else ItemStatus.ZERO if awarded == 0 else ItemStatus.PARTIAL
    missing = missing_names(standard, outcome.missing, values) if outcome.missing else []
    return ItemResult(item, section_id, awarded, status, outcome.reason, missing, list(outcome.unmet), outcome.judgement,
                      outcome.band, outcome.deduction, outcome.capped, list(outcome.failed_entries), outcome.parts,
                      outcome.trace)


def score_item(standard: Standard, section_id: str | None, item: Item, values: Mapping[str, Any],
               decisions: Mapping[str, bool | None], inputs: Inputs) -> ItemResult:
    """Score one item: a waiver or `applies_if` first, then the item's rule kind."""
    if item.id in inputs.waived:
        outcome = Outcome(Fraction(0), Reason("reason.waived", {"waiver": inputs.waived[item.id]}), ItemStatus.WAIVED)
        return _result(standard, section_id, item, outcome, values)
    if item.applies_if:
        applies = decisions[C.applies_id(item.id)]
        if applies is False:
            outcome = Outcome(Fraction(0), Reason("reason.not_applicable", {"condition": item.applies_if}),
                              ItemStatus.NOT_APPLICABLE)
            return _result(standard, section_id, item, outcome, values)
        if applies is None:
            names = frozenset(cond.fields(cond.parse(item.applies_if)))
            outcome = Outcome(Fraction(0), Reason("reason.missing_applicability"), ItemStatus.MISSING, names)
            return _result(standard, section_id, item, outcome, values)
    rule = item.rule
    answers = {key: decisions[cid] for key, cid in rule_condition_ids(item)}
    ctx = ItemContext(values, answers, inputs.judgements.get(item.id))
    return _result(standard, section_id, item, rule.score(item.points, ctx), values)


@once_per_object(limit=4096)
def rule_condition_ids(item: Item) -> tuple[tuple[str, str], ...]:
    """(the rule's key of each of its conditions, that condition's id in the compiled standard),
    worked out once per item: building a rule's conditions writes their texts."""
    return tuple((key, C.rule_condition_id(item.id, key)) for key in item.rule.conditions())


# Item results kept per distinct case, per compiled standard: at most this many in all (a batch
# of 20,000 synthetic 八好 records keeps about 1.7 new cases a record).
ITEM_CACHE_LIMIT = 5_000  # ~1 KB each: a few MB a process
_KEPT: dict[int, tuple[CompiledStandard, dict]] = {}
_KEPT_SIZE = [0]


def kept_items(compiled: CompiledStandard):
    """`score_item` with its results kept per distinct case. An item's result is a function of
    the values it reads (`assess.scoring.reads`, compared with their types), its conditions'
    answers and its waiver; an item with an inspector's entry is scored each time (the entry is
    part of its result), as is one reading a value that cannot be a key (a list of scores). A
    population of records repeats the same cases, so most items are looked up, not scored."""
    hit = _KEPT.get(id(compiled))
    if hit is None or hit[0] is not compiled:
        hit = _KEPT[id(compiled)] = (compiled, {})
    cache, keys = hit[1], reads_of(compiled).keys

    def kept(section_id, item, values, decisions, inputs) -> ItemResult:
        if item.id in inputs.judgements:
            return score_item(compiled.standard, section_id, item, values, decisions, inputs)
        names, cids = keys[item.id]
        read = tuple([values.get(n) for n in names])
        key = (item.id, section_id, inputs.waived.get(item.id), read, tuple([type(v) for v in read]),
               tuple([decisions[c] for c in cids]))
        try:
            found = cache.get(key)
        except TypeError:  # a value that cannot be a key
            return score_item(compiled.standard, section_id, item, values, decisions, inputs)
        if found is None:
            if _KEPT_SIZE[0] >= ITEM_CACHE_LIMIT:
                for _, held in _KEPT.values():
                    held.clear()  # bounded memory; only costs scoring again
                _KEPT_SIZE[0] = 0
            found = cache[key] = score_item(compiled.standard, section_id, item, values, decisions, inputs)
            _KEPT_SIZE[0] += 1
        return found

    return kept


# ---- grades --------------------------------------------------------------------------------


def prerequisite_honour(standard: Standard, grade: Grade, honours, period: Period) -> tuple[int, Honour] | None:
    """The first honour that meets the grade's prerequisite, with its index in the record."""
    pre = grade.prerequisite
    if pre is None:
        return None
    for i, h in enumerate(honours):
        if not honour_names(standard, h) & set(pre.any_of):
            continue
        if h.year > period.end.year:
            continue
        if pre.within_years is not None and h.year < period.end.year - pre.within_years:
            continue
        return i, h
    return None


@once_per_object()
def _blocking(standard: Standard) -> dict[str, tuple[bool, ...]]:
    """Grade id -> whether each veto (in the standard's order) rules that grade out."""
    return {g.id: tuple(v.blocks(g.id) for v in standard.vetoes) for g in standard.grades}


def check_grades(ev: Evaluation, inputs: Inputs) -> list[GradeResult]:
    """Every grade's checks for the evaluation `ev` of `inputs`, in the standard's order of grades."""
    mandatory = [r for r in ev.items() if r.item.mandatory and not r.exempt]
    blocking = _blocking(ev.standard)
    return [_check_grade(ev, g, inputs, mandatory, blocking[g.id]) for g in ev.standard.grades]


def _check_grade(ev: Evaluation, grade: Grade, inputs: Inputs, mandatory: list[ItemResult],
                 blocked_by: tuple[bool, ...]) -> GradeResult:
    """Every requirement of one grade: the 申报条件, minimum score, the vetoes that rule it out
    (`blocked_by`: whether each of `ev.vetoes` does), the mandatory items that apply
    (`mandatory`), extra conditions and the prerequisite honour."""
    checks = [Check(CheckKind.ELIGIBILITY, e.met, EligibilityDetail(e.eligibility_id, e.state)) for e in ev.eligibility]
    checks.append(Check(CheckKind.MIN_SCORE, ev.grade_score >= grade.min_score, MinScoreDetail(ev.grade_score, grade.min_score)))
    if grade.blocked_by_veto:
        checks += [Check(CheckKind.VETO, v.clear, VetoDetail(v.veto_id, v.state, v.waived))
                   for v, blocks in zip(ev.vetoes, blocked_by) if blocks]
    if grade.requires_mandatory:
        checks += [Check(CheckKind.MANDATORY, r.status == ItemStatus.FULL, MandatoryDetail(r.item.id, r.status))
                   for r in mandatory]
    for i, text in enumerate(grade.requires):
        state = ev.decisions[C.requires_id(grade.id, i)]
        checks.append(Check(CheckKind.REQUIRES, state is True, RequiresDetail(text, state, i)))
    if grade.prerequisite is not None:
        checks.append(_prerequisite_check(ev.standard, grade, inputs))
    return GradeResult(grade, checks)


def _prerequisite_check(standard: Standard, grade: Grade, inputs: Inputs) -> Check:
    own = tuple(inputs.honours)
    found = prerequisite_honour(standard, grade, own + tuple(h for h, _ in inputs.prior_honours), inputs.period)
    where = None
    if found:
        i, honour = found
        from_store = i >= len(own)
        source = inputs.prior_honours[i - len(own)][1] if from_store else f"honours[{i}]"
        where = HonourFound(honour.title, honour.year, source, from_store)
    pre = grade.prerequisite
    return Check(CheckKind.PREREQUISITE, found is not None, PrerequisiteDetail(grade.id, pre.any_of, pre.within_years, where))
