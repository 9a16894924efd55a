"""Standard-level constructs, written with no code: conditions over the honours list ("已受表彰的
不重复参评", "曾获…称号"), vetoes scoped to grades ("不得评为模范" while 合格 stays possible),
deductions from the total outside any item (抽查 "每发现一处扣1分, 最多扣4分"), and 申报条件 that
stop the assessment. Scoring tests run with both deciders and check tests/reference.py agrees."""
from __future__ import annotations

import copy
import dataclasses

from assess.model.evidence import evidence_from_data
from assess.present.renderers.scorecard_text import table
from assess.present.scorecard import assess, build_scorecard
from assess.present.words import Words
from assess.present.explaining import explain_standard, explain_veto
from assess.scoring.compiler import PythonDecider
from assess.scoring.plan import apply_changes, plan_next_grade
from assess.standards.catalog import standard_from_data
from test_rules import DERIVED, FIELDS, item, record, run, standard

PY = PythonDecider()
GRADES = [{"id": "model", "title": "模范职工之家", "min_score": 9}, {"id": "qualified", "title": "合格职工之家", "min_score": 6}]


def _card(std, rec, lang="zh"):
    loaded, le = standard_from_data(std), evidence_from_data(rec)
    ev, inputs = assess(loaded, le, PY)
    return ev, build_scorecard(ev, inputs, le, lang, "python")


def test_already_honoured_units_are_not_assessed_again(decider):
    # "已受表彰的不重复参评": 模范 only for a unit not named 模范职工之家 within the last 3 years.
    derived = dict(DERIVED, model_titles={"label": "近三年获模范职工之家称号次数",
                                          "honours": {"any_of": ["模范职工之家", "model"], "within_years": 3}})
    grades = copy.deepcopy(GRADES)
    grades[0]["requires"] = ["model_titles == 0"]
    std = standard(item(points=10), grades=grades, derived=derived)
    fresh = run(std, record({"has_a": True}, honours=[{"title": "合格职工之家", "year": 2024}]), decider)
    assert fresh.values["model_titles"] == 0 and fresh.grade.id == "model"
    named = run(std, record({"has_a": True}, honours=[{"title": "模范职工之家", "year": 2023}]), decider)
    assert named.values["model_titles"] == 1 and named.grade.id == "qualified"
    long_ago = run(std, record({"has_a": True}, honours=[{"title": "x", "grade": "model", "year": 2021}]), decider)
    assert long_ago.values["model_titles"] == 0 and long_ago.grade.id == "model"
    line = next(l for l in explain_standard(Words(standard_from_data(std).standard)) if "model_titles" in l)
    assert "近 3 年内已获 模范职工之家、model 的次数" in line


def _scoped() -> dict:
    veto = {"id": "accident", "title": "发生较大安全事故", "when": "disputes >= 1", "grades": ["model"]}
    return standard(item(points=10), grades=copy.deepcopy(GRADES), vetoes=[veto])


def test_a_veto_scoped_to_a_grade_leaves_the_others_possible(decider):
    ev = run(_scoped(), record({"has_a": True, "disputes": 1}), decider)
    assert ev.vetoes[0].state is True and ev.grade.id == "qualified"
    assert run(_scoped(), record({"has_a": True, "disputes": 0}), decider).grade.id == "model"
    _, card = _card(_scoped(), record({"has_a": True, "disputes": 1}))
    assert card["vetoes"][0]["grades"] == ["模范职工之家"]
    gap = next(g for g in card["gaps"] if g["kind"] == "veto")
    assert gap["text"] == "一票否决: 发生较大安全事故 (不得评为模范职工之家)"
    assert card["next_grade"]["blockers"][0]["kind"] == "veto"
    words = Words(standard_from_data(_scoped()).standard, "en")
    assert explain_veto(words, words.standard.vetoes[0]).endswith("(rules out 模范职工之家 only)")


def _spot_check(rescale_item=False) -> dict:
    fields = dict(FIELDS, spot_findings={"type": "integer", "label": "抽查发现问题", "unit": "处"})
    items = [item("A", 6), item("B", 4, {"kind": "all_or_nothing", "when": "has_b"})]
    if rescale_item:
        items.append(item("C", 10, applies_if="has_c"))
    std = standard(*items, grades=[{"id": "pass", "title": "合格", "min_score": 8}])
    std["fields"] = fields
    std["deductions"] = [{"id": "spot_check", "title": "抽查发现问题", "points": 4,
                          "rule": {"kind": "per_occurrence", "count": "spot_findings", "deduct": 1},
                          "requirement": "抽查中每发现一处问题扣1分, 最多扣4分。"}]
    return std


def test_deductions_from_the_total_are_capped_and_printed_as_a_line(decider):
    ev = run(_spot_check(), record({"has_a": True, "has_b": True, "spot_findings": 2}), decider)
    assert ev.taken_off == 2 and ev.score == 8 and ev.grade is not None
    capped = run(_spot_check(), record({"has_a": True, "has_b": True, "spot_findings": 9}), decider)
    assert capped.taken_off == 4 and capped.score == 6 and capped.grade is None
    floor = run(_spot_check(), record({"has_a": False, "has_b": False, "spot_findings": 9}), decider)
    assert floor.score == 0  # never below 0
    # Taken off after rescaling: 10 of the 10 points that apply is 20 of 20, less 2.
    rescaled = run(_spot_check(True), record({"has_a": True, "has_b": True, "has_c": False, "spot_findings": 2}), decider)
    assert rescaled.score == 18
    _, card = _card(_spot_check(), record({"has_a": True, "has_b": True, "spot_findings": 9}))
    line = card["deductions"][0]
    assert (line["points"], line["deducted"], card["taken_off"]) == (4, 4, 4)
    assert line["text"] == "spot_check 抽查发现问题: 扣 4 分 (最多扣 4 分)"
    text = table([card], "zh")
    assert "扣分项 (从总分中扣除)  -4" in text and "spot_check 抽查发现问题" in text
    assert any(g["kind"] == "deduction" and g["text"] == "扣分项 spot_check 抽查发现问题: 扣 4 分" for g in card["gaps"])


def test_the_plan_can_bring_a_deduction_down():
    std = _spot_check()
    loaded, le = standard_from_data(std), evidence_from_data(record({"has_a": True, "has_b": True, "spot_findings": 3}))
    ev, inputs = assess(loaded, le, PY)
    plan = plan_next_grade(ev, inputs)
    assert plan.reachable and [f.kind.value for f in plan.fixes] == ["deduction"]
    fixed = apply_changes(le.record, loaded.standard.id, plan.fixes[0].changes)
    assert assess(loaded, dataclasses.replace(le, record=fixed), PY)[0].grade is not None


def _eligibility() -> dict:
    std = standard(item("A", 6), item("B", 4, {"kind": "all_or_nothing", "when": "has_b"}),
                   grades=[{"id": "pass", "title": "合格", "min_score": 6}])
    std["eligibility"] = [{"id": "five_have", "title": "“五有”达标", "when": "has_c",
                           "remediation": "先建齐五有"}]
    return std


def test_eligibility_stops_the_assessment_but_the_points_are_shown(decider):
    ev = run(_eligibility(), record({"has_a": True, "has_b": True, "has_c": False}), decider)
    assert ev.score == 10 and not ev.eligible and ev.grade is None
    assert run(_eligibility(), record({"has_a": True, "has_b": True, "has_c": True}), decider).grade.id == "pass"
    unknown = run(_eligibility(), record({"has_a": True, "has_b": True}), decider)
    assert unknown.eligibility[0].state is None and unknown.grade is None
    _, card = _card(_eligibility(), record({"has_a": True, "has_b": True, "has_c": False}))
    assert card["score"] == 10 and card["eligibility"]["eligible"] is False
    assert card["eligibility"]["text"] == "不具备申报资格: “五有”达标"
    assert card["gaps"][0]["kind"] == "eligibility" and card["gaps"][0]["text"] == "不具备申报资格: “五有”达标"
    assert "申报资格: 不具备申报资格: “五有”达标" in table([card], "zh")
    assert card["next_grade"]["fixes"][0]["kind"] == "eligibility"  # the plan deals with it first
    assert card["next_grade"]["fixes"][0]["title"] == "先具备申报资格: “五有”达标"


def test_cards_of_standards_without_these_constructs_keep_their_shape():
    _, card = _card(standard(item()), record({"has_a": True}))
    assert not {"deductions", "taken_off", "eligibility"} & set(card)


def test_a_standard_none_of_whose_items_applies_says_so_plainly():
    # Every item applies only to bigger unions: rescaled over nothing, the score is 0 of 10, and the
    # plan says why instead of "补齐所有可补项后最高 0 分".
    small = [item("A", points=6, applies_if="employees >= 25"), item("B", points=4, applies_if="employees >= 50")]
    std = standard(*small, grades=copy.deepcopy(GRADES))
    ev, card = _card(std, record({"employees": 10, "has_a": False}))
    assert ev.score == 0 and ev.grade is None
    [blocker] = card["next_grade"]["blockers"]
    assert blocker == {"kind": "score", "ref": "qualified",
                       "text": "无法晋级: 本标准的评分项对该单位均不适用, 无法评分 (得分记为 0, 低于 6 分)"}
    _, en = _card(std, record({"employees": 10, "has_a": False}), "en")
    assert en["next_grade"]["blockers"][0]["text"].startswith("Blocked: none of this standard's items applies to this union")
    # with one item applying, the grade is within reach again
    _, some = _card(std, record({"employees": 30, "has_a": False}))
    assert some["next_grade"]["reachable"] and some["next_grade"]["blockers"] == []
