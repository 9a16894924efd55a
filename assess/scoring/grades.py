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


@once_per_object()
def _blocking(standard: Standard) -> dict[str, tuple[bool, ...]]:
    """Grade id -> whether each veto (in the standard's order) rules that grade out."""
    return {g.id: tuple(v.blocks(g.id) for v in standard.vetoes) for g in standard.grades}


def check_grades(ev: Evaluation, inputs: Inputs) -> list[GradeResult]:
    """Every grade's checks for the evaluation `ev` of `inputs`, in the standard's order of grades."""
    mandatory = [r for r in ev.items() if r.item.mandatory and not r.exempt]
    blocking = _blocking(ev.standard)
    score = ev.grade_score
    return [_check_grade(ev, g, inputs, mandatory, blocking[g.id], score) for g in ev.standard.grades]


def _check_grade(ev: Evaluation, grade: Grade, inputs: Inputs, mandatory: list[ItemResult],
                 blocked_by: tuple[bool, ...], score: Fraction) -> GradeResult:
    """Every requirement of one grade: the 申报条件, minimum score (`score`: the evaluation's
    grade score), the vetoes that rule it out (`blocked_by`: whether each of `ev.vetoes` does),
    the mandatory items that apply (`mandatory`), extra conditions and the prerequisite honour."""
    checks = [_check(CheckKind.ELIGIBILITY, e.met, EligibilityDetail, e.eligibility_id, e.state) for e in ev.eligibility]
    checks.append(_check(CheckKind.MIN_SCORE, score >= grade.min_score, MinScoreDetail, score, grade.min_score))
    if grade.blocked_by_veto:
        checks += [_check(CheckKind.VETO, v.clear, VetoDetail, v.veto_id, v.state, v.waived)
                   for v, blocks in zip(ev.vetoes, blocked_by) if blocks]
    if grade.requires_mandatory:
        checks += [_check(CheckKind.MANDATORY, r.status == ItemStatus.FULL, MandatoryDetail, r.item.id, r.status)
                   for r in mandatory]
    for i, text in enumerate(grade.requires):
        state = ev.decisions[C.requires_id(grade.id, i)]
        checks.append(_check(CheckKind.REQUIRES, state is True, RequiresDetail, text, state, i))
    if grade.prerequisite is not None:
        checks.append(_prerequisite_check(ev.standard, grade, inputs))
    return GradeResult(grade, checks)


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
