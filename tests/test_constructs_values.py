"""Values and conditions real score sheets need, written with no code: ordered categories ("B类以上"),
two values compared with each other (actual >= the unit's own target), differences and constant
multiples, counts per calendar period ("每季召开1次以上, 每次1分"), and history in the record.

Every scoring test runs with both deciders and checks tests/reference.py agrees (`run`)."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from assess.model.evidence import evidence_from_data
from assess.present.scorecard import assess, build_scorecard
from assess.present.words import Words
from assess.present.explaining import explain_standard
from assess.scoring.compiler import PythonDecider, compile_standard
from assess.scoring.plan import apply_changes, plan_next_grade
from assess.standards.catalog import standard_from_data
from test_rules import DERIVED, item, record, run, standard

PY = PythonDecider()


def _with(std: dict, fields=None, derived=None, events=None) -> dict:
    std = copy.deepcopy(std)
    std["fields"].update(fields or {})
    std["derived"].update(derived or {})
    std["event_kinds"].update(events or {})
    return std


ACCIDENT = {"accident_class": {"type": "string", "label": "事故等级", "ordered": True,
                               "choices": ["特大", "重大", "较大", "一般", "无"]}}


def test_ordered_categories_compare_by_their_order(decider):
    # "发生较大及以上事故, 此项不得分": 较大, 重大 and 特大 zero the item; 一般 does not.
    std = _with(standard(item(rule={"kind": "all_or_nothing", "when": 'accident_class < "较大"'})), ACCIDENT)
    for category, points in (("特大", 0), ("重大", 0), ("较大", 0), ("一般", 6), ("无", 6)):
        ev = run(std, record({"accident_class": category}), decider)
        assert ev.item("X").awarded == points, category
    assert run(std, record({}), decider).item("X").status == "missing"


def test_an_ordered_category_reaches_the_rules_engine_as_a_rank():
    std = _with(standard(item(rule={"kind": "all_or_nothing", "when": 'accident_class >= "较大"'})), ACCIDENT)
    compiled = compile_standard(standard_from_data(std).standard)
    node = compiled.conditions["item:X:when"]
    assert (node.field, node.op, node.literal.value) == ("accident_class__rank", ">=", 2)
    words = Words(standard_from_data(std).standard, "zh")
    assert words.condition('accident_class >= "较大"') == "事故等级 ≥ 较大"


def test_two_values_compared_with_each_other(decider):
    fields = {"funds_actual": {"type": "number", "label": "实际拨缴", "unit": "万元"},
              "funds_target": {"type": "number", "label": "应拨缴", "unit": "万元"}}
    std = _with(standard(item(rule={"kind": "all_or_nothing", "when": "funds_actual >= funds_target"})), fields)
    assert run(std, record({"funds_actual": "12.5", "funds_target": 12}), decider).item("X").awarded == 6
    low = run(std, record({"funds_actual": "11.996", "funds_target": 12}), decider)
    assert low.item("X").awarded == 0
    assert run(std, record({"funds_actual": 3}), decider).item("X").status == "missing"
    # Shown with the digits that keep them apart: 11.996 beside 12, not 12 beside 12.
    rec = record({"funds_actual": "11.996", "funds_target": 12})
    loaded, le = standard_from_data(std), evidence_from_data(rec)
    ev, inputs = assess(loaded, le, PY)
    card = build_scorecard(ev, inputs, le, "zh", "python")
    assert "实际拨缴 11.996万元" in card["sections"][0]["items"][0]["observed"]
    plan = plan_next_grade(dataclasses.replace(ev), inputs)
    assert plan is None or plan.reachable


def test_differences_and_constant_multiples(decider):
    derived = dict(DERIVED, not_joined={"label": "未入会人数", "difference": ["employees", "members"]},
                   weighted={"label": "折算人数", "multiple": {"value": "women_members", "by": "1.5"}})
    std = standard(item("A", 4, {"kind": "per_occurrence", "count": "not_joined", "deduct": 1}),
                   item("B", 4, {"kind": "bands", "value": "weighted", "bands": [{"min": 30, "points": 4}]}),
                   derived=derived)
    ev = run(std, record({"employees": 100, "members": 98, "women_members": 20}), decider)
    assert ev.values["not_joined"] == 2 and ev.values["weighted"] == 30
    assert (ev.item("A").awarded, ev.item("B").awarded) == (2, 4)
    lines = explain_standard(Words(standard_from_data(std).standard, "zh"))
    assert "派生值 not_joined 未入会人数 = 职工人数 − 会员人数" in lines
    assert "派生值 weighted 折算人数 = 女会员人数 × 1.5" in lines


def _quarterly(at_least=1) -> dict:
    derived = dict(DERIVED, meeting_quarters={"label": "召开会议的季度", "count_events": {
        "kind": "meeting", "per": "quarter", "at_least": at_least}})
    return standard(item(points=4, rule={"kind": "award_per_occurrence", "count": "meeting_quarters", "award": 1}),
                    derived=derived)


MEETINGS = [{"kind": "meeting", "date": d} for d in ("2025-01-10", "2025-02-20", "2025-07-01")]


def test_counting_quarters_with_at_least_k_events(decider):
    # "每季召开1次以上, 每次1分": Q1 twice and Q3 once are two quarters, not three meetings.
    ev = run(_quarterly(), record({}, MEETINGS), decider)
    assert ev.values["meeting_quarters"] == 2 and ev.item("X").awarded == 2
    assert run(_quarterly(at_least=2), record({}, MEETINGS), decider).values["meeting_quarters"] == 1


def test_the_plan_holds_events_in_the_quarters_that_lack_them():
    std = _quarterly()
    std["grades"] = [{"id": "pass", "title": "合格", "min_score": 4}]
    loaded, le = standard_from_data(std), evidence_from_data(record({}, MEETINGS))
    ev, inputs = assess(loaded, le, PY)
    plan = plan_next_grade(ev, inputs)
    change = plan.fixes[0].changes[0]
    assert change.after == 2 and [d.isoformat() for d in change.dates] == ["2025-06-30", "2025-12-31"]
    words = Words(loaded.standard, "zh")
    assert words.change(change) == "需再开展 2 次会议, 分别在 2025年第2季度、2025年第4季度"
    assert Words(loaded.standard, "en").change(change) == "会议: 2 more, in 2025 Q2, 2025 Q4"
    fixed = apply_changes(le.record, loaded.standard.id, plan.fixes[0].changes)
    after, _ = assess(loaded, dataclasses.replace(le, record=fixed), PY)
    assert after.grade is not None and after.values["meeting_quarters"] == 4


def test_history_reaches_back_and_counts_only_inside_a_window(decider):
    # The last election, past incidents: kept in the record; a 3-year window counts 2023 but not 2019.
    events = [{"kind": "incident", "date": "2019-05-01"}, {"kind": "incident", "date": "2023-05-01"},
              {"kind": "meeting", "date": "2024-11-01"}]
    ev = run(standard(item()), record({"has_a": True}, events), decider)
    assert ev.values["incidents"] == 1 and ev.values["meetings"] == 0


@pytest.mark.parametrize("written, hint", [("重大 ", "重大"), ("一 般", "一般"), ("x", None)])
def test_a_value_not_among_the_choices_is_quoted_with_the_one_it_may_mean(written, hint):
    """"重大 " (a space typed after it) was refused as `值 重大  不在可选范围内`, the space invisible
    and no hint (break-it helper)."""
    from assess.model.facts import _not_a_choice

    text = _not_a_choice(written, ["特大", "重大", "一般"])
    assert f"“{written}”" in text
    assert (f"是否应为 {hint}?" in text) if hint else "是否应为" not in text
