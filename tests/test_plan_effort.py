"""The next-grade plan minimises effort, not the number of items: each kind of change has a cost
(one event held, one member recruited, one measure adopted, one document provided, a judgement),
a standard may override them, the plan is the cheapest verified set, with up to three
alternatives, each of which reaches the grade when applied to the record."""
from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data
from assess.present.scorecard import assess, build_scorecard
from assess.scoring import search as S
from assess.scoring.compiler import PythonDecider
from assess.scoring.changes import change_cost
from assess.scoring.gaps import Change, ChangeKind, Scenario
from assess.scoring.plan import apply_changes, next_grade, plan_next_grade
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards
from test_rules import FIELDS, item, record, standard

PY = PythonDecider()

EVENTS = {"congress": "职工代表大会", "liaison": "联谊会议", "day": "共建日活动", "incident": "事故"}
DERIVED = {
    "congresses": {"label": "职代会次数", "count_events": {"kind": "congress"}},
    "liaisons": {"label": "联谊会议次数", "count_events": {"kind": "liaison"}},
    "days": {"label": "共建日活动次数", "count_events": {"kind": "day"}},
    "incidents": {"label": "事故次数", "count_events": {"kind": "incident"}},
}


def _union_at_74(effort=None) -> dict:
    """74 points; 先进 at 80. One congress (+4) and one liaison meeting (+2) reach it; so do 20
    共建日 activities (+6); the 14 points of the incident item cannot be won back."""
    std = standard(
        item("base", 74, {"kind": "all_or_nothing", "when": "has_a"}),
        item("congress", 4, {"kind": "all_or_nothing", "when": "congresses >= 1"}),
        item("liaison", 2, {"kind": "all_or_nothing", "when": "liaisons >= 1"}),
        item("five_days", 6, {"kind": "award_per_occurrence", "count": "days", "award": "0.3"}),
        item("safety", 14, {"kind": "per_occurrence", "count": "incidents", "deduct": 14}),
        grades=[{"id": "advanced", "title": "先进", "min_score": 80}, {"id": "pass", "title": "合格", "min_score": 60}],
        derived=DERIVED)
    std["event_kinds"] = EVENTS
    if effort is not None:
        std["effort"] = effort
    return std


def _plan(std, rec):
    loaded = standard_from_data(std)
    le = evidence_from_data(rec)
    ev, inputs = assess(loaded, le, PY)
    return ev, inputs, le, loaded, plan_next_grade(ev, inputs)


def _reaches(loaded, le, changes, grade) -> bool:
    fixed = apply_changes(le.record, loaded.standard.id, changes)
    after, _ = assess(loaded, dataclasses.replace(le, record=fixed), PY)
    order = [g.id for g in loaded.standard.grades]
    return after.grade is not None and order.index(after.grade.id) <= order.index(grade)


RECORD_74 = record({"has_a": True}, events=[{"kind": "incident", "date": "2025-05-01"}])


def test_one_congress_and_one_liaison_meeting_beat_twenty_activities():
    ev, inputs, le, loaded, plan = _plan(_union_at_74(), RECORD_74)
    assert ev.grade_score == 74 and plan.reachable and plan.exact
    assert [f.ref for f in plan.fixes] == ["congress", "liaison"]
    assert plan.cost == 4 and plan.score_after == 80  # two events at 2 each
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "advanced")


def test_a_standard_overrides_the_cost_of_an_event_kind():
    # A congress costs 50 here: the cheapest way is now the liaison meeting and 共建日 activities.
    ev, inputs, le, loaded, plan = _plan(_union_at_74({"events": {"congress": 50}}), RECORD_74)
    refs = [f.ref for f in plan.fixes]
    assert "congress" not in refs and "five_days" in refs and plan.reachable
    assert plan.cost < 40  # cheaper than all twenty activities
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "advanced")


def test_alternatives_reach_the_grade_and_cost_no_less():
    ev, inputs, le, loaded, plan = _plan(_union_at_74(), RECORD_74)
    assert 1 <= len(plan.alternatives) <= 3
    for alt in plan.alternatives:
        assert alt.cost >= plan.cost
        assert _reaches(loaded, le, [c for f in alt.fixes for c in f.changes], "advanced")
    card = build_scorecard(ev, inputs, le, "zh", "python")
    nxt = card["next_grade"]
    assert nxt["cost"] == 4 and nxt["exact"] is True and len(nxt["alternatives"]) == len(plan.alternatives)
    assert "整改成本合计 4" in nxt["cost_text"]
    assert all("备选方案" in a["text"] for a in nxt["alternatives"])
    assert [f["cost"] for f in nxt["fixes"]] == [2, 2]


def test_costs_of_each_kind_of_change():
    std = standard_from_data(standard(item())).standard
    assert change_cost(std, Change(ChangeKind.ADD_EVENTS, "meeting", 0, 3)) == 6
    assert change_cost(std, Change(ChangeKind.SET_FACT, "has_a", False, True)) == 5       # a measure
    assert change_cost(std, Change(ChangeKind.SET_FACT, "has_a", None, True)) == F(1, 2)  # a document
    assert change_cost(std, Change(ChangeKind.SET_FACT, "funds_rate", F(9, 10), F(95, 100))) == 10  # 5 points
    assert change_cost(std, Change(ChangeKind.SET_JUDGEMENT, "X", 1, 6)) == 5
    assert change_cost(std, Change(ChangeKind.SET_FACT, "disputes", 3, 0)) == 15  # a count without `increase`
    fields = dict(FIELDS, members=dict(FIELDS["members"], increase="需再发展 {n} 名会员"))
    with_increase = standard(item())
    with_increase["fields"] = fields
    assert change_cost(standard_from_data(with_increase).standard,
                       Change(ChangeKind.SET_FACT, "members", 10, 16)) == 3  # six members at 0.5


def test_gains_that_only_count_together_under_deductions_from_the_total():
    # 3 points held, 5 taken off by the deductions from the total: the score is floored at 0. The
    # congress item (+5) alone gives 3 and the members' item (+4) alone 2, short of 6; together
    # they give 3 + 5 + 4 - 5 = 7 for two documents (cost 1). Ending the deduction costs ten
    # events; the search must not add gains on the floored score, where they look too small.
    std = standard(
        item("base", 3, {"kind": "all_or_nothing", "when": "has_a"}),
        item("congress", 5, {"kind": "all_or_nothing", "when": "has_b"}),
        item("members", 4, {"kind": "bands", "value": "members", "bands": [{"min": "0", "points": "4"}]}),
        grades=[{"id": "pass", "title": "合格", "min_score": 6}], derived=DERIVED)
    std["event_kinds"] = EVENTS
    std["deductions"] = [{"id": "meetings", "title": "会议", "points": 5,
                          "rule": {"kind": "award_per_occurrence", "count": "liaisons", "award": 1}}]
    ev, inputs, le, loaded, plan = _plan(std, record({"has_a": True}))
    assert ev.grade_score == 0 and ev.taken_off == 5
    assert plan.reachable and plan.exact
    assert sorted(f.ref for f in plan.fixes) == ["congress", "members"] and plan.cost == 1
    assert plan.score_after == 7
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "pass")


def test_options_that_undo_one_another_are_not_called_the_cheapest():
    # `a` unknown. Items wanting `a` true and one wanting it false (not applicable, so full, once
    # `a` is true) make the cheapest estimated set set `a` true, false and true again: its real
    # cost exceeds the estimate, so the search cannot claim its plan is the cheapest.
    want = lambda i, pts, when, **x: item(i, pts, {"kind": "all_or_nothing", "when": when}, **x)  # noqa: E731
    std = standard(sections=[
        {"id": "s0", "title": "一", "cap": "1", "items": [want("i0", 1, "has_a")]},
        {"id": "s1", "title": "二", "cap": "3", "items": [
            want("i1", 1, "has_a"), want("i2", 1, "not has_a", applies_if="has_a"),
            want("i3", 1, "not has_a", applies_if="not has_a")]},
        {"id": "s2", "title": "三", "cap": "9", "items": [
            want("i4", 8, "has_a", applies_if="has_a"), want("i5", 1, "has_a", applies_if="has_a")]}],
        na="full", total=13, grades=[{"id": "pass", "title": "合格", "min_score": 10}], derived=DERIVED)
    std["event_kinds"] = EVENTS
    std["deductions"] = [{"id": "d0", "title": "扣分", "points": 2,
                          "rule": {"kind": "award_per_occurrence", "count": "disputes", "award": 1}}]
    ev, inputs, le, loaded, plan = _plan(std, record({"disputes": 0}))
    assert ev.grade_score == 0 and plan.reachable and plan.exact is False
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "pass")


def test_a_bonus_that_alone_reaches_the_grade_under_a_floored_score_is_found():
    # Found by the break-it pass: 3 points held, 5 taken off (score 0); the bonus counts toward
    # the grade and 4 bonus points alone reach 合格 (3). Adding gains before the floor, the search
    # alone would also raise C (a useless fix); the grade score is searched too.
    std = standard(item("A", 3), item("C", 2, {"kind": "all_or_nothing", "when": "has_c"}), na="full",
                   bonus={"cap": 4, "counts_toward_grade": True,
                          "items": [item("Z", 4, {"kind": "all_or_nothing", "when": "has_b"})]},
                   grades=[{"id": "pass", "title": "合格", "min_score": 3}])
    std["deductions"] = [{"id": "D", "title": "扣分", "points": 5,
                          "rule": {"kind": "per_occurrence", "count": "disputes", "deduct": 5}}]
    ev, inputs, le, loaded, plan = _plan(std, record({"has_a": True, "disputes": 1}))
    assert ev.grade_score == 0 and plan.reachable and plan.exact is False  # not proven cheapest
    assert [f.ref for f in plan.fixes] == ["Z"] and plan.cost == F(1, 2)
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "pass")


def test_a_search_that_runs_out_of_room_says_so(monkeypatch):
    monkeypatch.setattr(S, "NODE_LIMIT", 2)
    ev, inputs, le, loaded, plan = _plan(_union_at_74(), RECORD_74)
    assert plan.reachable and plan.exact is False
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], "advanced")
    card = build_scorecard(ev, inputs, le, "en", "python")
    assert "too many choices" in card["next_grade"]["cost_text"]


def _model_optimum(ev, inputs, target):
    """The cheapest set of options (one per group) whose estimated gain covers the need and whose
    changed evidence reaches the grade, by trying every set: what the search claims to find."""
    ctx = S.context(ev, inputs, Scenario.of(inputs), target.id)
    options = S.item_options(ctx, set())
    groups: dict[str, list] = {}
    for o in options:
        groups.setdefault(o.group, []).append(o)
    need = ctx.need(target.min_score)
    best = None
    for choice in itertools.product(*[[None] + g for g in groups.values()]):
        chosen = tuple(o for o in choice if o is not None)
        if not chosen or S.combined_gain(ctx, chosen) < need:
            continue
        found = S.apply_all(ctx, chosen)
        if found is not None and (best is None or sum(o.cost for o in chosen) < best):
            best = sum((o.cost for o in chosen), F(0))
    return best, len(options)


@settings(max_examples=60, **SLOW)
@given(data=st.data())
def test_the_plan_is_the_cheapest_set_when_the_search_is_exact(data):
    std = data.draw(standards())
    loaded = standard_from_data(std)
    ev, inputs = assess(loaded, evidence_from_data(data.draw(records(std))), PY)
    target = next_grade(ev)
    plan = plan_next_grade(ev, inputs)
    if plan is None or not plan.reachable or not plan.exact:
        return
    if any(not c.ok and c.kind.value != "min_score" for c in ev.grade_result(target.id).checks):
        return  # required fixes come first; the search starts after them
    best, n = _model_optimum(ev, inputs, target)
    if n > 10 or best is None:
        return  # too many options to try every set here
    chosen = sum((f.cost for f in plan.fixes), F(0))
    assert chosen == plan.cost
    assert plan.cost <= best


@pytest.mark.parametrize("fixture, standard_id", [("fixtures/guiyuan-street.yaml", "bahao-community"),
                                                  ("fixtures/jinhua-textile-nograde.yaml", "liuyou-grassroots")])
def test_fixture_plans_are_cheaper_than_the_largest_gain_first(fixture, standard_id):
    from assess.api import scoring as A
    from assess.model.evidence import load_evidence

    le = load_evidence(fixture)
    loaded = A.load_standard(standard_id)
    ev, inputs = assess(loaded, le, PY)
    plan = plan_next_grade(ev, inputs)
    assert plan.reachable and plan.exact
    assert _reaches(loaded, le, [c for f in plan.fixes for c in f.changes], plan.grade)
    for alt in plan.alternatives:
        assert _reaches(loaded, le, [c for f in alt.fixes for c in f.changes], plan.grade)


@pytest.mark.parametrize("name", ["haixia-electronics-mandatory", "tanglang-community", "guiyuan-street", "small-shop-18"])
def test_the_plan_names_the_grade_its_fixes_reach(name):
    # haixia reaches no grade only because a mandatory item is short; fixing it earns 模范 (98.5
    # of 100), not just the next rung 合格, and the summary must not say less than the fixes earn.
    from pathlib import Path
    from assess.model.evidence import load_evidence
    from assess.standards import catalog

    loaded = load_evidence(str(Path(__file__).resolve().parent.parent / "fixtures" / f"{name}.yaml"))
    le = catalog.resolve_standard(loaded.record.applications[0].standard)
    ev, inputs = assess(le, loaded, PY)
    plan = plan_next_grade(ev, inputs)
    assert plan is not None and plan.reachable
    changed = apply_changes(loaded.record, le.standard.id, [c for f in plan.fixes for c in f.changes])
    after, _ = assess(le, dataclasses.replace(loaded, record=changed), PY)
    assert after.grade is not None and plan.grade_after == after.grade.id
    card = build_scorecard(ev, inputs, loaded, "zh", "python")
    assert card["next_grade"]["summary"].endswith(after.grade.title.zh)
