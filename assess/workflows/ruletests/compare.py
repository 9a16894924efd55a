"""Comparing a case's evaluation with what it expects: every difference as a `Failure` in plain
words, with the details that explain it (the items that lost points, the checks that stopped a grade)."""
from __future__ import annotations

from typing import Any

from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import number_out
from assess.model.standard import Standard
from assess.present.words import Words
from assess.rules.base import ItemStatus
from assess.scoring.results import CheckKind, Evaluation, ItemResult
from assess.workflows.ruletests.cases import Expectation, ItemExpectation
from assess.workflows.ruletests.results import Failure


def _n(value) -> Any:
    return number_out(value)


def compare(expect: Expectation, ev: Evaluation, words: Words) -> list[Failure]:
    """Every way the evaluation differs from the expectation, in plain words."""
    standard = ev.standard
    out: list[Failure] = []
    if "grade" in expect.model_fields_set:
        actual = ev.grade.id if ev.grade else None
        if actual != expect.grade:
            out.append(Failure("grade", None, expect.grade, actual, message(
                "ruletest.fail.grade", expected=_grade_title(standard, expect.grade, words),
                actual=_grade_title(standard, actual, words)), _grade_details(ev, expect.grade, words)))
    if expect.eligible is not None and expect.eligible != ev.eligible:
        out.append(Failure("eligible", None, expect.eligible, ev.eligible, message(
            "ruletest.fail.eligible", expected=_eligible_text(expect.eligible), actual=_eligible_text(ev.eligible))))
    if expect.deducted is not None and _n(expect.deducted) != _n(ev.taken_off):
        out.append(Failure("deducted", None, _n(expect.deducted), _n(ev.taken_off), message(
            "ruletest.fail.deducted", expected=words.number(expect.deducted), actual=words.number(ev.taken_off))))
    for key, actual_value in (("score", ev.score), ("bonus", ev.bonus)):
        wanted = getattr(expect, key)
        if wanted is not None and _n(actual_value) != _n(wanted):
            details = _lost_items(ev, words) if key == "score" else [
                _item_detail(r, words) for r in ev.bonus_items if r.status != ItemStatus.NOT_APPLICABLE]
            out.append(Failure(key, None, _n(wanted), _n(actual_value), message(
                f"ruletest.fail.{key}", expected=words.number(wanted), actual=words.number(actual_value)), details))
    for item_id, want in expect.items.items():
        r = ev.item(item_id)
        want = ItemExpectation(status=want) if isinstance(want, str) else want
        bad_status = want.status is not None and r.status != want.status
        bad_points = want.points is not None and _n(r.awarded) != _n(want.points)
        if bad_status or bad_points:
            expected = _expected_item_text(want, words)
            actual = words.status(r.status) if want.points is None else message(
                "ruletest.points_of", status=words.status(r.status), points=words.number(r.awarded))
            out.append(Failure("item", item_id, {"status": want.status, "points": _n(want.points)},
                               {"status": r.status, "points": _n(r.awarded)},
                               message("ruletest.fail.item", item=item_id, title=words.text(r.item.title), expected=expected,
                                       actual=actual, detail=_item_detail(r, words, with_title=False))))
    for veto_id, want in expect.vetoes.items():
        v = next(x for x in ev.vetoes if x.veto_id == veto_id)
        if v.state is not want:
            veto = standard.veto(veto_id)
            observed = words.observed(veto.when, v.values)
            out.append(Failure("veto", veto_id, want, v.state, message(
                "ruletest.fail.veto", title=words.text(veto.title), expected=_veto_state(want), actual=_veto_state(v.state),
                observed=observed)))
    return out


def _eligible_text(eligible: bool) -> str:
    return message("eligibility.eligible" if eligible else "ruletest.not_eligible")


def _veto_state(state: bool | None) -> str:
    return message({True: "ruletest.veto.triggered", False: "ruletest.veto.clear", None: "ruletest.veto.unknown"}[state])


def _grade_title(standard: Standard, grade_id: str | None, words: Words) -> str:
    if grade_id is None:
        return message("head.no_grade", words.lang)
    grade = standard.grade(grade_id)
    return words.text(grade.title) if grade else grade_id


def _expected_item_text(want: ItemExpectation, words: Words) -> str:
    if want.points is None:
        return words.status(want.status)
    if want.status is None:
        return message("ruletest.points", points=words.number(want.points))
    return message("ruletest.points_of", status=words.status(want.status), points=words.number(want.points))


def _item_detail(r: ItemResult, words: Words, with_title: bool = True) -> str:
    """'membership_rate 职工入会率 得 4 分（满分 6 分），因为 …' from the scorecard's own reason."""
    reason = words.reason(r.reason)
    if r.missing:
        reason = message("ruletest.reason_missing", reason=reason, names="、".join(words.label(m) for m in r.missing)
                         if words.lang == "zh" else ", ".join(words.label(m) for m in r.missing))
    key = "ruletest.item_detail" if with_title else "ruletest.item_detail_short"
    return message(key, item=r.item.id, title=words.text(r.item.title), awarded=words.number(r.awarded),
                   points=words.number(r.points), reason=reason)


_MAX_ITEMS_SHOWN = 6


def _lost_items(ev: Evaluation, words: Words) -> list[str]:
    lost = [r for s in ev.sections for r in s.items if r.status != ItemStatus.NOT_APPLICABLE and r.lost > 0]
    lines = [_item_detail(r, words) for r in lost[:_MAX_ITEMS_SHOWN]]
    if len(lost) > _MAX_ITEMS_SHOWN:
        lines.append(message("ruletest.more_items", n=len(lost) - _MAX_ITEMS_SHOWN))
    return lines


def _grade_details(ev: Evaluation, expected: str | None, words: Words) -> list[str]:
    """Why the expected grade was not the outcome: the checks that stopped it, or, when the case
    did better than expected, the checks that let the actual grade through."""
    order = [g.id for g in ev.standard.grades]
    rank = lambda g: order.index(g) if g in order else len(order)  # noqa: E731 - no grade ranks lowest
    actual = ev.grade.id if ev.grade else None
    out: list[str] = []
    if rank(expected) < rank(actual):
        result = next(g for g in ev.grades if g.grade.id == expected)
        for c in result.checks:
            if c.ok:
                continue
            d = c.detail
            if c.kind == CheckKind.MIN_SCORE:
                out.append(message("ruletest.because.min_score", score=words.number(d.score), min=words.number(d.min)))
                out += _lost_items(ev, words)
            elif c.kind == CheckKind.VETO:
                veto = ev.standard.veto(d.veto)
                out.append(message("ruletest.because.veto" if d.state else "ruletest.because.veto_unknown", title=words.text(veto.title)))
            elif c.kind == CheckKind.MANDATORY:
                out.append(message("ruletest.because.mandatory", detail=_item_detail(ev.item(d.item), words)))
            elif c.kind == CheckKind.REQUIRES:
                out.append(message("ruletest.because.requires", condition=words.condition(d.condition),
                                   observed=_observed(ev, d.condition, words)))
            else:
                out.append(message("ruletest.because.prerequisite", label=words.text(ev.standard.grade(d.grade).prerequisite.label)))
    elif actual is not None:
        result = next(g for g in ev.grades if g.grade.id == actual)
        out.append(message("ruletest.because.reached", grade=words.text(result.grade.title),
                           checks="; ".join(words.check(c) for c in result.checks)))
    return out


def _observed(ev: Evaluation, condition: str, words: Words) -> str:
    return words.observed(condition, ev.values)
