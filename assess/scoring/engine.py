"""Evaluate one union's inputs against a compiled standard: points, sections, bonus, vetoes,
gates, prerequisites and the grade, each with the reason for the decision.

The conditions are answered by a Decider (durable_rules in production); everything here is the
arithmetic and bookkeeping that turns answers into points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Mapping

from assess.scoring import compiler as C
from assess.core import conditions as cond
from assess.scoring.compiler import CompiledStandard, Decider
from assess.scoring.derive import derive_values
from assess.model.evidence import Honour, JudgementEntry, Period, window_start
from assess.model.standard import (
    AllOrNothing,
    AwardPerOccurrence,
    Bands,
    Checklist,
    Grade,
    Item,
    Judgement,
    PerMissing,
    PerOccurrence,
    Shortfall,
    Standard,
    rule_inputs,
)

FULL, PARTIAL, ZERO, MISSING, NOT_APPLICABLE = "full", "partial", "zero", "missing", "not_applicable"
WAIVED = "waived"  # exempted by an approved waiver (豁免): counted like an item that does not apply
STATUSES = (FULL, PARTIAL, ZERO, MISSING, NOT_APPLICABLE, WAIVED)
BELOW_BANDS = -1  # ItemResult.band when the value reached no band


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
    # Items and vetoes exempted by approved waivers: id -> the waiver's id (assess.waivers).
    waived: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Reason:
    """A decision's reason as a message key and its parameters; rendered in the user's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemResult:
    item: Item
    section_id: str | None  # None for bonus items
    awarded: Fraction
    status: str
    reason: Reason
    missing: list[str] = field(default_factory=list)  # names whose evidence is missing
    unmet_entries: list[int] = field(default_factory=list)
    judgement: JudgementEntry | None = None
    # Which branch of the rule decided the points, for rule-test coverage (assess.ruletests).
    band: int | None = None  # bands: index of the band chosen, or BELOW_BANDS
    deduction: Fraction | None = None  # shortfall, per_occurrence, per_missing: points taken off, after the cap
    capped: bool = False  # the rule's cap limited the deduction
    failed_entries: list[int] = field(default_factory=list)  # entries decided false (unmet_entries adds unknown ones)

    @property
    def points(self) -> Fraction:
        return self.item.points

    @property
    def exempt(self) -> bool:
        """Left out of the score: the item does not apply, or a waiver exempts it."""
        return self.status in (NOT_APPLICABLE, WAIVED)

    @property
    def lost(self) -> Fraction:
        return Fraction(0) if self.exempt else self.item.points - self.awarded


@dataclass
class SectionResult:
    section_id: str
    cap: Fraction
    raw: Fraction  # sum of awarded points before the cap
    awarded: Fraction
    possible: Fraction  # the most its applicable items could earn, capped
    items: list[ItemResult]


@dataclass
class VetoResult:
    veto_id: str
    state: bool | None  # True triggered, False clear, None undecidable (missing evidence)
    values: dict[str, Any]
    waived: str | None = None  # the id of the waiver that exempts this veto

    @property
    def clear(self) -> bool:
        """Does not block a grade: decided clear, or waived."""
        return self.state is False or self.waived is not None


@dataclass
class Check:
    kind: str  # min_score | veto | mandatory | requires | prerequisite
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class GradeResult:
    grade: Grade
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass
class Evaluation:
    compiled: CompiledStandard
    values: dict[str, Any]
    decisions: dict[str, bool | None]
    sections: list[SectionResult]
    bonus_items: list[ItemResult]
    raw_score: Fraction
    possible: Fraction
    score: Fraction
    bonus: Fraction
    vetoes: list[VetoResult]
    grades: list[GradeResult]
    grade: Grade | None

    @property
    def standard(self) -> Standard:
        return self.compiled.standard

    @property
    def grade_score(self) -> Fraction:
        b = self.standard.bonus
        return self.score + (self.bonus if b is not None and b.counts_toward_grade else 0)

    def items(self) -> list[ItemResult]:
        return [r for s in self.sections for r in s.items] + self.bonus_items

    def item(self, item_id: str) -> ItemResult:
        return next(r for r in self.items() if r.item.id == item_id)


def compute_values(standard: Standard, inputs: Inputs) -> dict[str, Any]:
    starts = {
        name: window_start(d.count_events.window, inputs.period)
        for name, d in standard.derived.items()
        if d.count_events is not None
    }
    facts = {name: inputs.facts.get(name) for name in standard.fields}
    return derive_values(standard, facts, inputs.events, starts, inputs.period.end)


def evaluate(compiled: CompiledStandard, inputs: Inputs, decider: Decider) -> Evaluation:
    standard = compiled.standard
    values = compute_values(standard, inputs)
    decisions = decider.decide(compiled, values)

    sections: list[SectionResult] = []
    for section in standard.sections:
        results = [_score_item(standard, section.id, it, values, decisions, inputs) for it in section.items]
        raw = sum((r.awarded for r in results if not r.exempt), Fraction(0))
        applicable = sum((r.points for r in results if not r.exempt), Fraction(0))
        if standard.not_applicable == "full":
            na = sum((r.points for r in results if r.exempt), Fraction(0))
            raw, applicable = raw + na, applicable + na
        sections.append(SectionResult(section.id, section.cap, raw, min(section.cap, raw), min(section.cap, applicable), results))

    raw_score = sum((s.awarded for s in sections), Fraction(0))
    possible = sum((s.possible for s in sections), Fraction(0))
    if standard.not_applicable == "rescale":
        score = raw_score * standard.total / possible if possible > 0 else Fraction(0)
    else:
        score = raw_score
    score = min(score, standard.total)

    bonus_items: list[ItemResult] = []
    bonus = Fraction(0)
    if standard.bonus:
        bonus_items = [_score_item(standard, None, it, values, decisions, inputs) for it in standard.bonus.items]
        earned = sum((r.awarded for r in bonus_items if not r.exempt), Fraction(0))
        bonus = min(standard.bonus.cap, earned)

    vetoes = []
    for veto in standard.vetoes:
        node_fields = sorted(cond.fields(compiled.conditions[C.veto_id(veto.id)]))
        vetoes.append(VetoResult(veto.id, decisions[C.veto_id(veto.id)], {f: values.get(f) for f in node_fields},
                                 inputs.waived.get(veto.id)))

    partial = Evaluation(compiled, values, decisions, sections, bonus_items, raw_score, possible, score, bonus, vetoes, [], None)
    partial.grades = [_check_grade(partial, g, inputs) for g in standard.grades]
    partial.grade = next((g.grade for g in partial.grades if g.ok), None)
    return partial


# ---- items ---------------------------------------------------------------------------------


def _missing_names(standard: Standard, names, values: Mapping[str, Any]) -> list[str]:
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


def _score_item(standard, section_id, item: Item, values, decisions, inputs: Inputs) -> ItemResult:
    def result(awarded, reason: Reason, missing=None, unmet=None, judgement=None, status=None, **trace) -> ItemResult:
        awarded = max(Fraction(0), min(item.points, Fraction(awarded)))
        if status is None:
            status = FULL if awarded == item.points else ZERO if awarded == 0 else PARTIAL
        return ItemResult(item, section_id, awarded, status, reason, missing or [], unmet or [], judgement, **trace)

    if item.id in inputs.waived:
        return result(0, Reason("reason.waived", {"waiver": inputs.waived[item.id]}), status=WAIVED)
    if item.applies_if:
        applies = decisions[C.applies_id(item.id)]
        if applies is False:
            return result(0, Reason("reason.not_applicable", {"condition": item.applies_if}), status=NOT_APPLICABLE)
        if applies is None:
            names = cond.fields(cond.parse(item.applies_if))
            return result(0, Reason("reason.missing_applicability"), _missing_names(standard, names, values), status=MISSING)

    rule = item.rule
    missing = _missing_names(standard, rule_inputs(rule), values)
    if isinstance(rule, AllOrNothing):
        ok = decisions[C.when_id(item.id)]
        if ok is None:
            return result(0, Reason("reason.missing"), missing, status=MISSING)
        return result(item.points if ok else 0, Reason("reason.condition_met" if ok else "reason.condition_failed", {"condition": rule.when}))

    if isinstance(rule, Bands):
        value = values.get(rule.value)
        if value is None:
            return result(0, Reason("reason.missing"), missing, status=MISSING)
        reached = [b for i, b in enumerate(rule.bands) if decisions[C.band_id(item.id, i)]]
        if reached:
            # The highest cut-off reached, whatever order the file lists the bands in.
            band = max(reached, key=lambda b: b.min)
            return result(band.points, Reason("reason.band", {"name": rule.value, "value": value, "min": band.min, "points": band.points}),
                          band=rule.bands.index(band))
        lowest = min(b.min for b in rule.bands)
        return result(rule.otherwise, Reason("reason.below_bands", {"name": rule.value, "value": value, "min": lowest, "points": rule.otherwise}),
                      band=BELOW_BANDS)

    if isinstance(rule, Shortfall):
        value = values.get(rule.value)
        if value is None:
            return result(0, Reason("reason.missing"), missing, status=MISSING)
        if decisions[C.target_id(item.id)]:
            return result(item.points, Reason("reason.target_met", {"name": rule.value, "value": value, "target": rule.target}))
        steps = (rule.target - Fraction(value)) / rule.per
        steps = Fraction(math.ceil(steps)) if rule.partial == "up" else Fraction(math.floor(steps)) if rule.partial == "down" else steps
        uncapped = steps * rule.deduct
        deduction = uncapped if rule.cap is None else min(uncapped, rule.cap)
        return result(item.points - deduction, Reason("reason.shortfall", {
            "name": rule.value, "value": value, "target": rule.target, "steps": steps, "per": rule.per, "deduction": deduction}),
            deduction=deduction, capped=deduction < uncapped)

    if isinstance(rule, PerOccurrence):
        count = values.get(rule.count)
        if count is None:
            return result(0, Reason("reason.missing"), missing, status=MISSING)
        uncapped = Fraction(count) * rule.deduct
        deduction = uncapped if rule.cap is None else min(uncapped, rule.cap)
        return result(item.points - deduction, Reason("reason.per_occurrence", {"name": rule.count, "count": count, "deduction": deduction}),
                      deduction=deduction, capped=deduction < uncapped)

    if isinstance(rule, AwardPerOccurrence):
        count = values.get(rule.count)
        if count is None:
            return result(0, Reason("reason.missing"), missing, status=MISSING)
        return result(Fraction(count) * rule.award, Reason("reason.per_award", {"name": rule.count, "count": count, "award": rule.award}))

    if isinstance(rule, (Checklist, PerMissing)):
        answers = [decisions[C.entry_id(item.id, i)] for i in range(len(rule.entries))]
        met = sum(1 for a in answers if a)
        unmet = [i for i, a in enumerate(answers) if not a]
        unknown = [i for i, a in enumerate(answers) if a is None]
        trace: dict[str, Any] = {"failed_entries": [i for i, a in enumerate(answers) if a is False]}
        if isinstance(rule, Checklist):
            awarded = item.points * met / len(rule.entries)
        else:
            uncapped = len(unmet) * rule.deduct
            deduction = uncapped if rule.cap is None else min(uncapped, rule.cap)
            awarded = item.points - deduction
            trace.update(deduction=deduction, capped=deduction < uncapped)
        reason = Reason("reason.checklist", {"met": met, "count": len(rule.entries)})
        if unknown:
            names: set[str] = set()
            for i in unknown:
                names |= cond.fields(cond.parse(rule.entries[i]))
            return result(awarded, reason, _missing_names(standard, names, values), unmet, status=MISSING, **trace)
        return result(awarded, reason, unmet=unmet, **trace)

    if isinstance(rule, Judgement):
        entry = inputs.judgements.get(item.id)
        if entry is None:
            return result(0, Reason("reason.judgement_missing"), status=MISSING)
        return result(entry.score, Reason("reason.judgement", {"score": entry.score, "reason": entry.reason, "by": entry.by or ""}), judgement=entry)

    raise AssertionError(f"unknown rule kind {rule!r}")  # the Standard model admits no other


# ---- grades --------------------------------------------------------------------------------


def prerequisite_honour(standard: Standard, grade: Grade, honours, period: Period) -> tuple[int, Honour] | None:
    """The first honour that meets the grade's prerequisite, with its index in the record."""
    pre = grade.prerequisite
    if pre is None:
        return None
    for i, h in enumerate(honours):
        names = {h.title}
        if h.grade and (h.standard in (None, standard.id)):
            names.add(h.grade)
        if not names & set(pre.any_of):
            continue
        if h.year > period.end.year:
            continue
        if pre.within_years is not None and h.year < period.end.year - pre.within_years:
            continue
        return i, h
    return None


def _check_grade(ev: Evaluation, grade: Grade, inputs: Inputs) -> GradeResult:
    standard = ev.standard
    checks = [Check("min_score", ev.grade_score >= grade.min_score, {"score": ev.grade_score, "min": grade.min_score})]
    if grade.blocked_by_veto:
        for v in ev.vetoes:
            checks.append(Check("veto", v.clear, {"veto": v.veto_id, "state": v.state, "waived": v.waived}))
    if grade.requires_mandatory:
        for r in ev.items():
            if r.item.mandatory and not r.exempt:
                checks.append(Check("mandatory", r.status == FULL, {"item": r.item.id, "status": r.status}))
    for i, text in enumerate(grade.requires):
        checks.append(Check("requires", ev.decisions[C.requires_id(grade.id, i)] is True,
                            {"condition": text, "state": ev.decisions[C.requires_id(grade.id, i)], "index": i}))
    if grade.prerequisite is not None:
        own = tuple(inputs.honours)
        found = prerequisite_honour(standard, grade, own + tuple(h for h, _ in inputs.prior_honours), inputs.period)
        detail: dict[str, Any] = {"grade": grade.id, "any_of": grade.prerequisite.any_of,
                                  "within_years": grade.prerequisite.within_years}
        if found:
            i, honour = found
            from_store = i >= len(own)
            source = inputs.prior_honours[i - len(own)][1] if from_store else f"honours[{i}]"
            detail.update({"honour": honour.title, "year": honour.year, "source": source, "from_store": from_store})
        checks.append(Check("prerequisite", found is not None, detail))
    return GradeResult(grade, checks)
