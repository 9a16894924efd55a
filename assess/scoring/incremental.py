"""Score a changed copy of a union's inputs again, re-scoring only what the change touches.

A plan scores many variants of one record: each differs from it by a few facts, events or an
inspector's score. Each item reads a known set of values (its rule's inputs, the fields of its
conditions as compiled, and the inputs of the derived values among them, transitively); an item
none of whose values, judgement or waiver changed keeps its result, a section none of whose items
changed keeps its total, and a condition none of whose values changed keeps its answer. The
result equals `engine.evaluate` of the changed inputs (a property test holds them together).
"""
from __future__ import annotations

from itertools import compress
from operator import is_, is_not
from typing import Any, Mapping

from assess.core import conditions as cond
from assess.core.per_object import once_per_object
from assess.scoring import compiler as C
from assess.scoring.engine import Inputs, _mandatory_places, assemble, compute_values, section_result
from assess.scoring.grades import case_of
from assess.scoring.items import kept_items
from assess.scoring.reads import reads_of
from assess.scoring.results import Evaluation, ItemResult


_ABSENT = object()


@once_per_object()
def _section_ids(standard) -> tuple[frozenset[str], ...]:
    """The ids of each section's items, in the standard's order (once per standard object)."""
    return tuple(frozenset(item.id for item in section.items) for section in standard.sections)


@once_per_object()
def _case_ids(standard) -> frozenset[str]:
    """The ids of the conditions a grades' case reads (`grades.case_of`): the vetoes', the
    申报条件' and the grades' own (once per standard object)."""
    return frozenset([C.veto_id(v.id) for v in standard.vetoes] + [C.eligibility_id(e.id) for e in standard.eligibility]
                     + [C.requires_id(g.id, i) for g in standard.grades for i in range(len(g.requires))])


def _mandatory(standard, sections, bonus) -> list[ItemResult]:
    """`grades.mandatory_items` of an evaluation with these sections and bonus items, read at
    their places in the standard (not every item scanned for them)."""
    in_sections, in_bonus = _mandatory_places(standard)
    mandatory = [m for m in (sections[s].items[i] for s, i in in_sections) if not m.exempt]
    if in_bonus:
        mandatory += [m for m in (bonus[i] for i in in_bonus) if not m.exempt]
    return mandatory


# The evaluation last re-scored from, its mandatory items and its grades' case: a plan re-scores
# many changed copies of one record (one tuple, replaced whole, so threads read it consistently).
_LAST_CASE: list = [(None, None, None)]


def _case_of(before: Evaluation) -> tuple[list[ItemResult], tuple]:
    """(`before`'s mandatory items, its grades' case), kept for the last evaluation asked."""
    held = _LAST_CASE[0]
    if held[0] is not before:
        mandatory = _mandatory(before.standard, before.sections, before.bonus_items)
        held = _LAST_CASE[0] = (before, mandatory, case_of(before, mandatory))
    return held[1], held[2]


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    """The names whose value differs (in value or type: 1 and 1/1 are told apart). The same
    object is the same value (a scenario's values share the unchanged ones with those before)."""
    if type(before) is dict and type(after) is dict and tuple(before) == tuple(after):
        # The same names in the same order (a scenario's values are a copy of those before, a few
        # worked out again): the values not the same object are picked out in C, and only those
        # compared (about 3 of 60).
        return {k for k in compress(after, map(is_not, before.values(), after.values()))
                if type(old := before[k]) is not type(v := after[k]) or old != v}
    out = {k for k, v in after.items()
           if (old := before.get(k, _ABSENT)) is not v and (old is _ABSENT or type(old) is not type(v) or old != v)}
    return out | (before.keys() - after.keys())


def reevaluate(before: Evaluation, before_inputs: Inputs, inputs: Inputs,
               values: dict[str, Any] | None = None) -> Evaluation:
    """The evaluation of `inputs`, from `before` (the evaluation of `before_inputs`, inputs of the
    same standard, honours, period and waivers). `values`: those of `inputs` when already known.
    Conditions whose values changed are answered in plain Python, which agrees with durable_rules
    on every condition (tests/test_deciders)."""
    compiled = before.compiled
    standard = compiled.standard
    values = values if values is not None else compute_values(standard, inputs)
    reads = reads_of(compiled)
    changed = _changed(before.values, values)
    decisions = dict(before.decisions)
    asked = {cid for name in changed for cid in reads.conditions_reading.get(name, ())}
    for cid in asked:
        decisions[cid] = cond.evaluate(compiled.conditions[cid], values)
    stale = {item_id for name in changed for item_id in reads.items_reading.get(name, ())}
    old_j, new_j, old_w, new_w = before_inputs.judgements, inputs.judgements, before_inputs.waived, inputs.waived
    stale.update(k for k in old_j.keys() | new_j.keys() if old_j.get(k) is not new_j.get(k))
    if old_w is not new_w:
        stale.update(k for k in old_w.keys() | new_w.keys() if old_w.get(k) != new_w.get(k))
    scored = kept_items(compiled)

    def again(section_id: str | None, results: list[ItemResult]) -> list[ItemResult]:
        if not stale:
            return list(results)
        return [scored(section_id, r.item, values, decisions, inputs) if r.item.id in stale else r for r in results]

    sections = []
    for s_def, s, ids in zip(standard.sections, before.sections, _section_ids(standard)):
        if stale.isdisjoint(ids):
            sections.append(s)  # no item of it is scored again: every result is the same object
            continue
        items = again(s.section_id, s.items)
        same = all(a is b for a, b in zip(items, s.items))
        sections.append(s if same else section_result(standard, s_def, items))
    bonus = again(None, before.bonus_items)
    mandatory = _mandatory(standard, sections, bonus)
    # The grades' case is `before`'s when nothing it reads changed: the same answers (the same
    # objects: True, False, None) of the conditions it reads, the same waivers and the same
    # mandatory items' results. Else None: `assemble` works it out.
    case = None
    if old_w is new_w:
        was_mandatory, was = _case_of(before)
        old_d = before.decisions
        if len(was_mandatory) == len(mandatory) and all(map(is_, was_mandatory, mandatory)) and \
                all(decisions[cid] is old_d[cid] for cid in asked & _case_ids(standard)):
            case = was
    return assemble(compiled, inputs, values, decisions, sections, bonus, again(None, before.deductions), mandatory,
                    None, case)
