"""Every grade's checks for one evaluation: the 申报条件, the minimum score, the vetoes that rule
it out, the mandatory items, extra conditions and the prerequisite honour (`check_grades`, which
`assess.scoring.engine.assemble` calls and re-exports)."""
from __future__ import annotations

from typing import Any, Protocol

from assess.core.exact import Fraction
from assess.core.per_object import once_per_object
from assess.model.evidence import Honour, Period
from assess.model.standard import Grade, Standard
from assess.rules.base import ItemStatus
from assess.scoring import compiler as C
from assess.scoring.derive import honour_names
from assess.scoring.results import (
    Check,
    CheckKind,
    EligibilityDetail,
    Evaluation,
    GradeResult,
    HonourFound,
    ItemResult,
    MandatoryDetail,
    MinScoreDetail,
    PrerequisiteDetail,
    RequiresDetail,
    VetoDetail,
)


class Inputs(Protocol):
    """What the checks read of the engine's `Inputs` (that module imports this one)."""

    honours: tuple[Honour, ...]
    prior_honours: tuple[tuple[Honour, str], ...]
    period: Period


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


def check_grades(ev: Evaluation, inputs: Inputs) -> list[GradeResult]:
    """Every grade's checks for the evaluation `ev` of `inputs`, in the standard's order of grades."""
    return grades_reached(ev, inputs)[0]


def mandatory_items(ev: Evaluation) -> list[ItemResult]:
    """The evaluation's mandatory items that apply (not exempt), in the order of `ev.items()`."""
    mandatory = [r for s in ev.sections for r in s.items if r.item.mandatory and not r.exempt]
    if ev.bonus_items:
        mandatory += [r for r in ev.bonus_items if r.item.mandatory and not r.exempt]
    return mandatory


def grades_reached(ev: Evaluation, inputs: Inputs, mandatory: list[ItemResult] | None = None,
                   case: tuple | None = None) -> tuple[list[GradeResult], Grade | None]:
    """(`check_grades(ev, inputs)`, the first of those grades whose checks are all met, or None).
    `mandatory`: `mandatory_items(ev)`, when the caller knows it; `case`: `case_of(ev,
    mandatory)`, when the caller knows it (kept for the records it stands for).

    The checks are kept per standard and per distinct case (a population repeats a few cases):
    the minimum scores by the grade score; the rest but the prerequisite by all they read, each
    with its type (the 申报条件' and vetoes' ids and states, the vetoes' waivers, the mandatory
    items' ids and statuses, the answers of the grades' own conditions). The prerequisite reads
    the honours and is checked each time. A case gives the Check objects `_check_grade` gives;
    for a standard without prerequisites, the GradeResults too (the same objects each time)."""
    kept = _kept(ev.standard)
    if mandatory is None:
        mandatory = mandatory_items(ev)
    score = ev.grade_score
    key = (case if case is not None else _case(ev, mandatory, kept)), (score, type(score))
    try:
        whole = kept.whole.get(key) if kept.whole is not None else None
        if whole is not None:
            return list(whole[0]), whole[1]
        fixed, lowest = kept.fixed.get(key[0]), kept.lowest.get(key[1])
    except TypeError:  # a value that cannot be a key: each grade's checks made in turn
        out = [_check_grade(ev, g, inputs, mandatory, kept.blocking[g.id], score) for g in ev.standard.grades]
        return out, next((g.grade for g in out if g.ok), None)
    if fixed is None:
        fixed = _fixed_checks(ev, mandatory, kept)
        kept.keep(kept.fixed, key[0], fixed)
    if lowest is None:
        lowest = tuple(_min_score_check(g, score) for g in ev.standard.grades)
        kept.keep(kept.lowest, key[1], lowest)
    leading, leading_ok, trailing = fixed
    out, reached = [], None
    for grade, low, (rest, rest_ok) in zip(ev.standard.grades, lowest, trailing):
        checks = [*leading, low, *rest]
        ok = leading_ok and low.ok and rest_ok
        if grade.prerequisite is not None:
            pre = _prerequisite_check(ev.standard, grade, inputs)
            checks.append(pre)
            ok = ok and pre.ok
        out.append(GradeResult(grade, checks))
        if ok and reached is None:
            reached = grade
    if kept.whole is not None:
        kept.keep(kept.whole, key, (tuple(out), reached))
    return out, reached


def case_of(ev: Evaluation, mandatory: list[ItemResult]) -> tuple[tuple, tuple]:
    """What `grades_reached` keys the checks by, but the grade score: all they read (the
    申报条件', vetoes' and grades' own conditions' states, the vetoes' waivers, the mandatory
    items' ids and statuses: `mandatory`, `mandatory_items(ev)`), with their types."""
    return _case(ev, mandatory, _kept(ev.standard))


def _case(ev: Evaluation, mandatory: list[ItemResult], kept: "_Kept") -> tuple[tuple, tuple]:
    """All the checks but the minimum scores and the prerequisites read, as a key: the values
    and their types."""
    read: list[Any] = []
    for e in ev.eligibility:
        read += (e.eligibility_id, e.state)
    read.append(len(read))  # where the vetoes start: the key's parts cannot run into each other
    for v in ev.vetoes:
        read += (v.veto_id, v.state, v.waived)
    read.append(len(read))
    for r in mandatory:
        read += (r.item.id, r.status)
    read.append(len(read))
    decisions = ev.decisions
    read += [decisions[cid] for cid in kept.requires_ids]
    return tuple(read), tuple(map(type, read))


class _Kept:
    """A standard's grades as `grades_reached` reads them, and the checks it keeps."""

    LIMIT = 4096  # cases kept per kind; past it they start again (only costs making them again)

    def __init__(self, standard: Standard) -> None:
        self.blocking = {g.id: tuple(v.blocks(g.id) for v in standard.vetoes) for g in standard.grades}
        self.requires_ids = tuple(C.requires_id(g.id, i) for g in standard.grades for i in range(len(g.requires)))
        self.fixed: dict[tuple, tuple[tuple[Check, ...], bool, tuple[tuple[tuple[Check, ...], bool], ...]]] = {}
        self.lowest: dict[tuple, tuple[Check, ...]] = {}
        # Without prerequisites (which read the honours), a case's GradeResults, shared
        self.whole: dict[tuple, tuple] | None = \
            None if any(g.prerequisite is not None for g in standard.grades) else {}

    def keep(self, cache: dict, key: tuple, value: Any) -> None:
        if len(cache) >= self.LIMIT:
            cache.clear()
        cache[key] = value


@once_per_object()
def _kept(standard: Standard) -> _Kept:
    return _Kept(standard)


def _fixed_checks(ev: Evaluation, mandatory: list[ItemResult], kept: _Kept):
    """(the 申报条件' checks, whether all are met, and for each grade (its checks after the
    minimum score but the prerequisite, whether all are met)), as `_check_grade` makes them."""
    trailing = []
    for g in ev.standard.grades:
        rest = tuple(_trailing_checks(ev, g, mandatory, kept.blocking[g.id]))
        trailing.append((rest, all(c.ok for c in rest)))
    leading = tuple(_leading_checks(ev))
    return leading, all(c.ok for c in leading), tuple(trailing)


def _check_grade(ev: Evaluation, grade: Grade, inputs: Inputs, mandatory: list[ItemResult],
                 blocked_by: tuple[bool, ...], score: Fraction) -> GradeResult:
    """Every requirement of one grade, each check made in turn (what `grades_reached` keeps):
    the 申报条件, minimum score (`score`: the evaluation's grade score), the vetoes that rule it
    out (`blocked_by`: whether each of `ev.vetoes` does), the mandatory items that apply
    (`mandatory`), extra conditions and the prerequisite honour."""
    checks = [*_leading_checks(ev), _min_score_check(grade, score), *_trailing_checks(ev, grade, mandatory, blocked_by)]
    if grade.prerequisite is not None:
        checks.append(_prerequisite_check(ev.standard, grade, inputs))
    return GradeResult(grade, checks)


def _leading_checks(ev: Evaluation) -> list[Check]:
    return [_check(CheckKind.ELIGIBILITY, e.met, EligibilityDetail, e.eligibility_id, e.state) for e in ev.eligibility]


def _min_score_check(grade: Grade, score: Fraction) -> Check:
    return _check(CheckKind.MIN_SCORE, score >= grade.min_score, MinScoreDetail, score, grade.min_score)


def _trailing_checks(ev: Evaluation, grade: Grade, mandatory: list[ItemResult], blocked_by: tuple[bool, ...]) -> list[Check]:
    checks = []
    if grade.blocked_by_veto:
        checks += [_check(CheckKind.VETO, v.clear, VetoDetail, v.veto_id, v.state, v.waived)
                   for v, blocks in zip(ev.vetoes, blocked_by) if blocks]
    if grade.requires_mandatory:
        checks += [_check(CheckKind.MANDATORY, r.status == ItemStatus.FULL, MandatoryDetail, r.item.id, r.status)
                   for r in mandatory]
    for i, text in enumerate(grade.requires):
        state = ev.decisions[C.requires_id(grade.id, i)]
        checks.append(_check(CheckKind.REQUIRES, state is True, RequiresDetail, text, state, i))
    return checks


# Checks and their details are frozen values: one object per distinct check (its kind, whether
# it is met, each field with its type), shared by every evaluation; at most this many kept.
_CHECKS: dict[tuple, Check] = {}
CHECK_CACHE_LIMIT = 10_000


def _check(kind: CheckKind, ok: bool, detail: type, *fields: Any) -> Check:
    """`Check(kind, ok, detail(*fields))`, the one object kept for it."""
    key = (kind, ok, fields, tuple(map(type, fields)))
    found = _CHECKS.get(key)
    if found is None:
        if len(_CHECKS) >= CHECK_CACHE_LIMIT:
            _CHECKS.clear()
        found = _CHECKS[key] = Check(kind, ok, detail(*fields))
    return found


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
