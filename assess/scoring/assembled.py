"""Each record's totals and grades kept per case, for `engine.evaluate_many`.

`engine.assemble` works out, a record at a time, the totals (the sections' sums, the rescaled
score, the bonus, what the deductions take off) and every grade's checks, kept per case by a key
of all they read (`grades.grades_reached`). Both read few things. Past the sections' sums (raw
and possible, which nearly every record has its own of), the totals read each bonus item's
(awarded, exempt) and each deduction's points lost. The grades read the grade score and their
case: the states of the 申报条件, the vetoes and the grades' own conditions, the vetoes' waivers
and the mandatory items' statuses. A population repeats a few of each, so the totals are kept by
the sums and those points, and (for a standard without prerequisites, which read the honours)
the GradeResults by the states and statuses, made a column at a time, and the score and bonus:
a record meeting kept cases pays two sums and two lookups, not the totals' arithmetic, the
grades' key made afresh and `assemble`'s calls. A record with a waiver goes through `assemble`.
"""
from __future__ import annotations

import operator
from itertools import chain, repeat
from typing import Any, Callable, Iterable, Mapping

from assess.core.exact import exact_sum
from assess.core.per_object import held, once_per_object
from assess.model.standard import Standard
from assess.rules.base import ItemStatus
from assess.scoring import compiler as C
from assess.scoring.grades import case_of
from assess.scoring.inputs import Inputs
from assess.scoring.results import Evaluation, ItemResult, SectionResult

_AWARDED, _POSSIBLE = operator.attrgetter("awarded"), operator.attrgetter("possible")
_SCORED = operator.attrgetter("awarded", "exempt")
_LOST = operator.attrgetter("lost")
_STATUS = operator.attrgetter("status")
_WAIVED = operator.attrgetter("waived")
_STATES = frozenset({bool, type(None)})  # answers that are their own types' only values (True is not 1 here)
_STATUSES = frozenset({ItemStatus})  # (a str would equal its member: "full" == ItemStatus.FULL)


class _Kept:
    """What `assembled_many` keeps per standard object: the ids of the conditions the grades
    read, the totals by (raw, possible, the bonus items' and deductions' points) and the grades'
    keys by (states, the mandatory items' statuses)."""

    LIMIT = 4096  # cases kept per dict; past it, it starts again (only costs working them out)

    __slots__ = ("states_of", "sums", "cases", "graded")

    def __init__(self, standard: Standard) -> None:
        cids = [C.veto_id(v.id) for v in standard.vetoes] + [C.eligibility_id(e.id) for e in standard.eligibility]
        cids += [C.requires_id(g.id, i) for g in standard.grades for i in range(len(g.requires))]
        self.states_of = operator.itemgetter(*cids) if len(cids) > 1 else \
            (lambda d, cid=cids[0]: (d[cid],)) if cids else (lambda d: ())
        self.sums: dict[tuple, tuple] = {}
        self.cases: dict[tuple, tuple] = {}
        # (case, score, bonus, their types) -> (GradeResults, grade reached), as `grades_reached`
        # keeps them whole: None for a standard with prerequisites (they read the honours)
        self.graded: dict[tuple, tuple] | None = \
            None if any(g.prerequisite is not None for g in standard.grades) else {}


@once_per_object()
def _kept(standard: Standard) -> _Kept:
    return _Kept(standard)


def assembled_many(compiled, inputs: list[Inputs], values: list[dict[str, Any]],
                   decisions: list[dict[str, bool | None]], rows: list[tuple[SectionResult, ...]],
                   bonus: list[list[ItemResult]], deductions: list[list[ItemResult]],
                   mandatory_of: Callable[[int, tuple[SectionResult, ...]], list[ItemResult]], places: tuple,
                   assemble: Callable[..., Evaluation], totals: Callable[..., tuple],
                   condition_results: Callable[..., tuple[list, list]]) -> list[Evaluation]:
    """`[assemble(compiled, inputs[r], values[r], decisions[r], list(rows[r]), bonus[r],
    deductions[r], mandatory_of(r, rows[r])) for r ...]`: the same evaluations, each record's
    totals and grades' key kept per case (see the module); a record whose grades are kept whole
    (`grades.kept_whole`) is made here, as `assemble` makes it. `rows`: each record's
    SectionResults; `places`: `engine._mandatory_places`; `totals`: `engine.totals`;
    `condition_results`: `engine.condition_results`."""
    standard = compiled.standard
    kept = _kept(standard)
    sums, cases, graded = kept.sums, kept.cases, kept.graded
    local = _case_keys(kept, inputs, decisions, rows, bonus, places)
    scored = zip(map(tuple, map(map, repeat(_SCORED), bonus)) if standard.bonus else repeat(()),
                 map(tuple, map(map, repeat(_LOST), deductions)) if standard.deductions else repeat(()))
    out = []
    for r, (one, row, case_key, points) in enumerate(zip(inputs, rows, local, scored)):
        sections = list(row)
        key = exact_sum(map(_AWARDED, sections)), exact_sum(map(_POSSIBLE, sections)), points
        try:
            found = sums.get(key)
        except TypeError:  # a value that cannot be a key (a Fraction can: this guards anything else)
            key = found = None
        if found is None:
            found = totals(standard, sections, bonus[r], deductions[r])
            if key is not None:
                held(sums, key, found, _Kept.LIMIT)
        graded_key = None
        if case_key is not None and graded is not None:
            # (the grades read the grade score: the score, and the bonus when it counts)
            score, bonus_points = found[2], found[3]
            graded_key = case_key, score, type(score), bonus_points, type(bonus_points)
            reached = graded.get(graded_key)
            if reached is not None:  # `assemble`'s evaluation, with the grades kept for its case
                vetoes, eligibility = condition_results(standard, one, values[r], decisions[r])
                out.append(Evaluation(compiled, values[r], decisions[r], sections, bonus[r], found[0], found[1],
                                      score, bonus_points, vetoes, list(reached[0]), reached[1], deductions[r],
                                      found[4], eligibility))
                continue
        mandatory = mandatory_of(r, row)
        case = cases.get(case_key) if case_key is not None else None
        ev = assemble(compiled, one, values[r], decisions[r], sections, bonus[r], deductions[r], mandatory, found, case)
        if case_key is not None:
            if case is None:
                held(cases, case_key, case_of(ev, mandatory), _Kept.LIMIT)
            if graded_key is not None:
                held(graded, graded_key, (tuple(ev.grades), ev.grade), _Kept.LIMIT)
        out.append(ev)
    return out


def _case_keys(kept: _Kept, inputs: list[Inputs], decisions: list[Mapping[str, bool | None]],
               rows: list[tuple[SectionResult, ...]], bonus: list[list[ItemResult]],
               places: tuple) -> Iterable[tuple | None]:
    """Each record's (states, the mandatory items' statuses): all `grades.case_of` reads but the
    vetoes' waivers (None for a record with a waiver, and for all when an answer is not a boolean
    or None or a status not an ItemStatus)."""
    states = list(map(kept.states_of, decisions))
    in_sections, in_bonus = places
    statuses = [[_STATUS(row[s].items[i]) for row in rows] for s, i in in_sections]
    statuses += [[_STATUS(items[i]) for items in bonus] for i in in_bonus]
    if not _STATES.issuperset(map(type, chain.from_iterable(states))) or \
            not _STATUSES.issuperset(map(type, chain.from_iterable(statuses))):
        return repeat(None)
    keys: list[tuple | None] = list(zip(states, *statuses))
    if any(map(_WAIVED, inputs)):  # a veto's waiver is in the grades' key: such records' are made as before
        for r, one in enumerate(inputs):
            if one.waived:
                keys[r] = None
    return keys
