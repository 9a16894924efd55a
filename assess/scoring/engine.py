"""Evaluate one union's inputs against a compiled standard: points, sections, bonus, vetoes,
gates, prerequisites and the grade, each with the reason for the decision.

The conditions are answered by a Decider (durable_rules in production); each item's rule kind
(`assess.rules`) turns its answers into points; everything here is the bookkeeping around it.
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Iterable, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction, exact_sum
from assess.core.per_object import held, once_per_object
from assess.model.evidence import Period, window_start
from assess.model.standard import Standard
from assess.scoring import compiler as C
from assess.scoring.assembled import assembled_many
from assess.scoring.compiler import CompiledStandard, Decider
from assess.scoring.derive import affected, derive_into, derive_many
from assess.scoring.grades import check_grades, grades_reached, prerequisite_honour  # noqa: F401 (callers import them from here)
from assess.scoring.lowering import hidden_names, hidden_values
from assess.scoring.inputs import Inputs
from assess.scoring.items import kept_items, special_items
from assess.scoring.results import (
    EligibilityResult,
    Evaluation,
    ItemResult,
    SectionResult,
    VetoResult,
)
from assess.scoring.whole_sections import whole_column


def compute_values(standard: Standard, inputs: Inputs) -> dict[str, Any]:
    """Every value the standard's conditions and rules read: the declared facts, the derived
    values, and the hidden ones its lowered conditions compare (`assess.scoring.lowering`)."""
    return _derived(standard, inputs, _facts(standard, inputs), None)


def compute_values_many(standard: Standard, inputs: list[Inputs]) -> list[dict[str, Any]]:
    """`[compute_values(standard, one) for one in inputs]`: the same values, each derived value
    worked out for every record at once where it can be (`derive.derive_many`)."""
    facts = [_facts(standard, one) for one in inputs]
    values = derive_many(standard, facts, [one.events for one in inputs],
                         [_window_starts(standard, one.period) for one in inputs], [one.period.end for one in inputs])
    if values is None:
        return [_derived(standard, one, f, None) for one, f in zip(inputs, facts)]
    if hidden_names(standard):
        for one in values:
            one.update(hidden_values(standard, one))
    return values


def _facts(standard: Standard, inputs: Inputs) -> dict[str, Any]:
    """The standard's fields with the record's facts, a dict of the caller's own."""
    names = _field_names(standard)
    given = inputs.facts
    # Most records' facts (check_record's values) are the standard's fields in its order: a copy.
    if type(given) is dict and len(given) == len(names) and tuple(given) == names:
        return given.copy()
    return dict(zip(names, map(given.get, names)))  # {name: inputs.facts.get(name) ...}


@once_per_object()
def _field_names(standard: Standard) -> tuple[str, ...]:
    """The standard's field names in order (once per standard object)."""
    return tuple(standard.fields)


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


_STARTS: dict[tuple, tuple[Standard, dict]] = {}  # (id(standard), period) -> (standard, its window starts)


def _window_starts(standard: Standard, period: Period) -> dict[str, Any]:
    """The first day of each counted window for this period (kept: most records share a period;
    callers must not change it)."""
    key = (id(standard), period.start, period.end)
    hit = _STARTS.get(key)
    if hit is None or hit[0] is not standard:
        if len(_STARTS) >= 256:
            _STARTS.clear()
        hit = _STARTS[key] = (standard, {name: window_start(window, period) for name, window in _counted(standard)})
    return hit[1]


def _derived(standard: Standard, inputs: Inputs, facts: dict[str, Any], only) -> dict[str, Any]:
    """`facts` (the caller's own dict, filled in) with the derived and hidden values. With `only`,
    the counts outside it are worked out too (when a plain count is in it) and left unused: the
    starts stay the kept dict."""
    period = inputs.period
    prior = inputs.prior_honours
    honours = (*inputs.honours, *(h for h, _ in prior)) if prior else inputs.honours
    values = derive_into(standard, facts, inputs.events, _window_starts(standard, period), period.end, honours, only)
    if hidden_names(standard):
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
    sections = [section_result(standard, section, kept.many(section.id, section.items, values, decisions, inputs))
                for section in standard.sections]
    bonus_items = kept.many(None, standard.bonus.items, values, decisions, inputs) if standard.bonus else []
    deductions = kept.many(None, standard.deductions, values, decisions, inputs)
    return assemble(compiled, inputs, values, decisions, sections, bonus_items, deductions)


def evaluate_many(compiled: CompiledStandard, inputs: list[Inputs], decider: Decider) -> list[Evaluation]:
    """`[evaluate(compiled, one, decider) for one in inputs]`, the same evaluations, with each
    derived value (`compute_values_many`), each group of conditions (the decider's `decide_many`,
    when it has one) and each item (`_KeptItems.column`) worked out for every record at once: a
    chunk of a batch pays the loop around each once, not once a record; each record's totals and
    grades are kept per case (`assembled`). Raises what `evaluate` raises for any record."""
    standard = compiled.standard
    values = compute_values_many(standard, inputs)
    decide_many = getattr(decider, "decide_many", None)  # (a decider's own way for many records)
    decisions = decide_many(compiled, values) if decide_many is not None else [decider.decide(compiled, v) for v in values]
    kept = kept_items(compiled)
    special = special_items(inputs)
    sums_kept = _sums_kept(standard)
    # (each section kept whole per combination of its items' cases first: `whole_sections`)
    by_section = [whole_column(kept, section, values, decisions, inputs, special,
                               functools.partial(_section_column, standard, section, kept=kept_sums))
                  for section, kept_sums in zip(standard.sections, sums_kept.sections)]
    no_items: list[list[ItemResult]] = [[] for _ in inputs]
    bonus = kept.columns(None, standard.bonus.items, values, decisions, inputs, special) if standard.bonus else no_items
    deductions = kept.columns(None, standard.deductions, values, decisions, inputs, special)
    places = in_sections, in_bonus = _mandatory_places(standard)

    def mandatory_of(r: int, sections: tuple[SectionResult, ...]) -> list[ItemResult]:
        # (`mandatory_items` of the evaluation: its items are the standard's, in its order)
        mandatory = [m for m in (sections[s].items[i] for s, i in in_sections) if not m.exempt]
        if in_bonus:
            mandatory += [m for m in (bonus[r][i] for i in in_bonus) if not m.exempt]
        return mandatory

    rows = list(zip(*by_section)) if by_section else [() for _ in inputs]
    # (each record's totals and grades' key kept per case: `assembled`)
    return assembled_many(compiled, inputs, values, decisions, rows, bonus, deductions, mandatory_of, places,
                          assemble, totals, condition_results)


@once_per_object()
def _mandatory_places(standard: Standard) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """((section index, item index) of each mandatory item in the sections, the index of each
    among the bonus items)."""
    return (tuple((s, i) for s, section in enumerate(standard.sections) for i, item in enumerate(section.items)
                  if item.mandatory),
            tuple(i for i, item in enumerate(standard.bonus.items if standard.bonus else ()) if item.mandatory))


class _SumsKept:
    """What `evaluate_many` keeps per standard object (a population repeats a few cases): per
    section (`_SectionKept`), its SectionResult by the ids of its item results (held, so the ids
    stay theirs) and its sums (raw, awarded, possible) by each item's (awarded, exempt). The sums
    are the values `section_result` gives; a SectionResult is shared by the records of its case."""

    def __init__(self, standard: Standard) -> None:
        self.sections = [_SectionKept() for _ in standard.sections]


class _SectionKept:
    LIMIT = 4096  # cases kept per dict; past it, it starts again (only costs working them out)
    TRIAL = 512  # lookups by ids after which a section that seldom found one stops looking

    __slots__ = ("by_ids", "by_points", "looked", "found")

    def __init__(self) -> None:
        self.by_ids: dict[tuple, tuple] | None = {}  # None: no longer looked up (an item scored afresh each time)
        self.by_points: dict[tuple, tuple] = {}
        self.looked = self.found = 0


@once_per_object()
def _sums_kept(standard: Standard) -> _SumsKept:
    return _SumsKept(standard)


_SCORED = operator.attrgetter("awarded", "exempt")


def _section_column(standard: Standard, section, rows: list[tuple[ItemResult, ...]],
                    kept: _SectionKept) -> list[SectionResult]:
    """`[section_result(standard, section, list(row)) for row in rows]` (each record's item
    results), kept per case (`_SumsKept`)."""
    results = []
    by_ids, by_points = kept.by_ids, kept.by_points
    found = 0
    for row in rows:
        if by_ids is not None:
            key = tuple(map(id, row))
            hit = by_ids.get(key)
            if hit is not None:
                results.append(hit[1])
                found += 1
                continue
        points = tuple(map(_SCORED, row))
        sums = by_points.get(points)
        if sums is None:
            raw, applicable = _section_sums(row, standard.not_applicable == "full")
            sums = held(by_points, points, (raw, min(section.cap, raw), min(section.cap, applicable)), _SectionKept.LIMIT)
        result = SectionResult(section.id, section.cap, *sums, list(row))
        if by_ids is not None:
            held(by_ids, key, (row, result), _SectionKept.LIMIT)
        results.append(result)
    if by_ids is not None:
        kept.looked += len(rows)
        kept.found += found
        if kept.looked >= kept.TRIAL and kept.found * 4 < kept.looked:  # a row seldom repeats
            kept.by_ids = None
    return results


def assemble(compiled: CompiledStandard, inputs: Inputs, values: dict[str, Any], decisions: dict[str, bool | None],
             sections: list[SectionResult], bonus_items: list[ItemResult], deductions: list[ItemResult],
             mandatory: list[ItemResult] | None = None, sums: tuple | None = None,
             case: tuple | None = None) -> Evaluation:
    """The evaluation around scored items: totals, vetoes, 申报条件, every grade's checks and the
    grade reached (`mandatory`: the evaluation's `grades.mandatory_items`, `sums`: `totals`'
    and `case`: `grades.case_of`'s, each when known)."""
    standard = compiled.standard
    raw_score, possible, score, bonus, taken_off = sums or totals(standard, sections, bonus_items, deductions)
    vetoes, eligibility = condition_results(standard, inputs, values, decisions)
    partial = Evaluation(compiled, values, decisions, sections, bonus_items, raw_score, possible, score, bonus, vetoes,
                         [], None, deductions, taken_off, eligibility)
    partial.grades, partial.grade = grades_reached(partial, inputs, mandatory, case)
    return partial


def condition_results(standard: Standard, inputs: Inputs, values: Mapping[str, Any],
                      decisions: Mapping[str, bool | None]) -> tuple[list[VetoResult], list[EligibilityResult]]:
    """(each veto's result, each 申报条件's), in the standard's order, with the values each
    condition reads (new dicts: each evaluation its own)."""
    veto_reads, eligibility_reads = _condition_reads(standard)
    waived = inputs.waived
    vetoes = [VetoResult(vid, decisions[cid], {f: values.get(f) for f in fields}, waived.get(vid))
              for vid, cid, fields in veto_reads]
    eligibility = [EligibilityResult(eid, decisions[cid], {f: values.get(f) for f in fields})
                   for eid, cid, fields in eligibility_reads]
    return vetoes, eligibility


@once_per_object()
def _condition_reads(standard: Standard) -> tuple[tuple[tuple[str, str, tuple[str, ...]], ...], ...]:
    """(each veto's (id, its condition's id in the compiled standard, the names of the values its
    condition reads: the result keeps them, the scorecard shows them beside it), the same of each
    申报条件)."""
    return (tuple((v.id, C.veto_id(v.id), _fields_of(v.when)) for v in standard.vetoes),
            tuple((e.id, C.eligibility_id(e.id), _fields_of(e.when)) for e in standard.eligibility))


@functools.lru_cache(maxsize=4096)
def _fields_of(condition: str) -> tuple[str, ...]:
    return tuple(sorted(cond.fields(cond.parse(condition))))


def section_result(standard: Standard, section, results: list[ItemResult]) -> SectionResult:
    """A section's points: its items' sum (not-applicable items as full points under
    `not_applicable: full`), capped; and the most its applicable items could earn."""
    raw, applicable = _section_sums(results, standard.not_applicable == "full")
    cap = section.cap
    return SectionResult(section.id, cap, raw, min(cap, raw), min(cap, applicable), results)


def _section_sums(results: list[ItemResult], full: bool) -> tuple[Fraction, Fraction]:
    """(raw, applicable): the points awarded and the points of the items that apply, exempt
    items as full points in both when `full`; the values `exact_sum` gives over each, in one pass.
    As `exact_sum`, numerators and denominators are carried as ints (most points are whole, the
    rest halves), normalised once."""
    raw, raw_den, applicable, app_den = 0, 1, 0, 1
    for r in results:
        points = r.item.points
        if r.exempt:
            if not full:
                continue
            awarded = points
        else:
            awarded = r.awarded
        d = awarded.denominator
        if d == raw_den:
            raw += awarded.numerator
        else:
            raw, raw_den = raw * d + awarded.numerator * raw_den, raw_den * d
        d = points.denominator
        if d == app_den:
            applicable += points.numerator
        else:
            applicable, app_den = applicable * d + points.numerator * app_den, app_den * d
    return (Fraction(raw) if raw_den == 1 else Fraction(raw, raw_den),
            Fraction(applicable) if app_den == 1 else Fraction(applicable, app_den))


_AWARDED, _POSSIBLE, _LOST = operator.attrgetter("awarded"), operator.attrgetter("possible"), operator.attrgetter("lost")


def totals(standard: Standard, sections: list[SectionResult], bonus_items: list[ItemResult],
           deductions: list[ItemResult] = ()) -> tuple[Fraction, Fraction, Fraction, Fraction, Fraction]:
    """(raw score, possible, score, bonus, taken off): the sections' capped sum, what applicable
    items could earn, the score (rescaled to the total under `not_applicable: rescale`, at most the
    total, less what the deductions from the total take off, never below 0), the bonus (at most
    its cap) and what the deductions took off."""
    raw_score = exact_sum(map(_AWARDED, sections))
    possible = exact_sum(map(_POSSIBLE, sections))
    if standard.not_applicable == "rescale":
        score = raw_score * standard.total / possible if possible > 0 else Fraction(0)
    else:
        score = raw_score
    taken_off = exact_sum(map(_LOST, deductions))
    score = max(Fraction(0), min(score, standard.total) - taken_off)
    bonus = Fraction(0)
    if standard.bonus:
        bonus = min(standard.bonus.cap, exact_sum(r.awarded for r in bonus_items if not r.exempt))
    return raw_score, possible, score, bonus, taken_off
