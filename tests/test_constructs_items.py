"""Items as real score sheets write them, with no code: several clauses in one item (bands plus
deductions, "没有开展活动不得分", per-entry deduction sizes, a band that needs two conditions,
full points when a condition holds else the inspector's judgement), weighted checklist entries,
verification methods the standard declares (听汇报, 网上核查), and weighted composites (季度考评平均
× 50% + ..., panels averaged or trimmed: 去掉一个最高分和一个最低分).

Every scoring test runs with both deciders and checks tests/reference.py agrees (`run`)."""
from __future__ import annotations

import copy
from fractions import Fraction as F

import pytest
import yaml
from openpyxl import load_workbook

from assess.core.problems import InputError
from assess.present.words import Words
from assess.present.explaining import explain_item, explain_standard
from assess.standards.catalog import standard_from_data
from assess.workflows import spreadsheet
from assess.workflows.ruletests.coverage import coverage_units, covered_units
from assess.scoring.compiler import PythonDecider
from test_rules import engine, item, one, record, run, standard
from test_spreadsheet import export, load, param_row

def _rule_text(words: Words, item_id: str = "X") -> str:
    it = words.standard.find_item(item_id)
    return it.rule.describe(it.points, words)


# "入会率达98%以上得6分, 95%以上得4分; 每发生一起劳动争议扣1分, 最多扣2分; 没有开展活动不得分"
CLAUSES = {"kind": "clauses", "clauses": [
    {"award": {"kind": "bands", "value": "membership_rate", "bands": [{"min": "98%", "points": 6}, {"min": "95%", "points": 4}]}},
    {"deduct": {"kind": "per_occurrence", "count": "disputes", "deduct": 1, "cap": 2}},
    {"zero_if": "not has_a"},
]}


def _clauses_std(rule=None, points=6) -> dict:
    return standard(item(points=points, rule=copy.deepcopy(rule or CLAUSES)))


@pytest.mark.parametrize("facts, expected", [
    ({"employees": 100, "members": 99, "disputes": 0, "has_a": True}, (6, "full")),
    ({"employees": 100, "members": 99, "disputes": 1, "has_a": True}, (5, "partial")),
    ({"employees": 100, "members": 96, "disputes": 5, "has_a": True}, (2, "partial")),   # 4 less at most 2
    ({"employees": 100, "members": 90, "disputes": 1, "has_a": True}, (0, "zero")),      # clamped at 0
    ({"employees": 100, "members": 99, "disputes": 0, "has_a": False}, (0, "zero")),     # 不得分 whatever else
    ({"employees": 100, "has_a": False}, (0, "zero")),                                   # even with evidence missing
    ({"employees": 100, "members": 99, "disputes": 0}, (0, "missing")),
])
def test_clauses_apply_in_order_and_clamp(decider, facts, expected):
    assert one(run(_clauses_std(), record(facts), decider)) == expected


def test_a_clause_may_carry_its_own_points(decider):
    # "建立制度得2分, 每开展一次活动加1分 (最多4分)", an item of 5 points
    rule = {"kind": "clauses", "clauses": [{"award": {"kind": "all_or_nothing", "when": "has_b"}, "points": 2},
                                          {"award": {"kind": "award_per_occurrence", "count": "meetings", "award": 1},
                                           "points": 4}]}
    std = _clauses_std(rule, points=5)
    meetings = [{"kind": "meeting", "date": f"2025-0{m}-01"} for m in range(1, 5)]
    assert one(run(std, record({"has_b": True}, events=meetings), decider)) == (5, "full")
    assert one(run(std, record({"has_b": False}, events=meetings[:3]), decider)) == (3, "partial")


def test_per_entry_deduction_sizes(decider):
    # "缺集体合同扣2分, 缺女职工专项合同扣1分"
    rule = {"kind": "per_missing", "entries": [{"when": "has_a", "deduct": 2}, {"when": "has_b", "deduct": 1}]}
    std = standard(item(points=3, rule=rule))
    assert one(run(std, record({"has_a": False, "has_b": True}), decider)) == (1, "partial")
    assert one(run(std, record({"has_a": True, "has_b": False}), decider)) == (2, "partial")
    words = Words(standard_from_data(std).standard)
    assert _rule_text(words) == \
        "3 分; 以下各项缺一项扣相应分数: 缺 甲 扣 2 分; 缺 乙 扣 1 分"


def test_weighted_checklist_entries(decider):
    # "有办公场所得2分, 有工会牌子得1分" in a 3-point item
    rule = {"kind": "checklist", "entries": [{"when": "has_a", "weight": 2}, "has_b"]}
    std = standard(item(points=3, rule=rule))
    assert one(run(std, record({"has_a": True, "has_b": False}), decider)) == (2, "partial")
    assert one(run(std, record({"has_a": False, "has_b": True}), decider)) == (1, "partial")
    assert one(run(std, record({"has_a": True}), decider)) == (2, "missing")  # met entries keep their points
    words = Words(standard_from_data(std).standard, "en")
    assert _rule_text(words) == "points per entry: 甲: 2; 乙: 1"


def test_a_band_that_needs_two_conditions(decider):
    # "入会率达95%以上且建立女职工委员会的得6分, 仅入会率达95%以上的得4分"
    rule = {"kind": "bands", "value": "membership_rate",
            "bands": [{"min": "95%", "points": 6, "when": "has_c"}, {"min": "95%", "points": 4}]}
    std = standard(item(points=6, rule=rule))
    base = {"employees": 100, "members": 96}
    assert one(run(std, record(dict(base, has_c=True)), decider)) == (6, "full")
    assert one(run(std, record(dict(base, has_c=False)), decider)) == (4, "partial")
    assert one(run(std, record(base), decider)) == (0, "missing")  # 6 or 4: cannot be told
    assert one(run(std, record({"employees": 100, "members": 90}), decider)) == (0, "zero")


def test_full_points_when_a_condition_holds_else_judgement(decider):
    # "满意率达90%以上的得满分, 否则由考核组酌情评分"
    std = standard(item(points=4, rule={"kind": "judgement", "full_when": "funds_rate >= 90%"}))
    assert one(run(std, record({"funds_rate": "95%"}), decider)) == (4, "full")
    judged = record({"funds_rate": "80%"}, judgements={"X": {"score": "2.5", "reason": "部分落实"}})
    assert one(run(std, judged, decider)) == (F(5, 2), "partial")
    assert one(run(std, record({"funds_rate": "80%"}), decider)) == (0, "missing")
    # Rule-test units: full points because the condition held, and judged because it did not.
    loaded = standard_from_data(std)
    keys = {u.key for u in coverage_units(loaded.standard, Words(loaded.standard))}
    assert {"band:X:full_when", "band:X:judged"} <= keys
    assert "band:X:full_when" in covered_units(run(std, record({"funds_rate": "95%"}), decider))
    assert "band:X:judged" in covered_units(run(std, judged, decider))


def test_clauses_read_in_plain_words():
    st = standard_from_data(_clauses_std()).standard
    zh = _rule_text(Words(st, "zh"))
    assert zh == ("依次计分, 每步结果在 0 至 6 分之间: (1) 得分: 入会率 ≥ 98% 得 6 分; 入会率 ≥ 95% 得 4 分; 否则得 0 分; "
                  "(2) 扣分: 6 分; 未结争议 每 1 次扣 1 分, 最多扣 2 分; (3) 非甲 时, 此项不得分")
    en = _rule_text(Words(st, "en"))
    assert en.startswith("clauses in order, each result kept between 0 and 6: (1) award: ") and "(3) no points at all when" in en


def test_clauses_have_rule_test_units_and_cases_cover_them(decider):
    loaded = standard_from_data(_clauses_std())
    words = Words(loaded.standard)
    keys = {u.key for u in coverage_units(loaded.standard, words)}
    assert {"band:X:c0:0", "band:X:c0:1", "band:X:c0:below", "deduction:X:c1", "deduction:X:c1:cap",
            "deduction:X:c2:zero"} <= keys
    seen = set()
    for facts in ({"employees": 100, "members": 99, "disputes": 3, "has_a": True},
                  {"employees": 100, "members": 96, "disputes": 0, "has_a": False},
                  {"employees": 100, "members": 50, "disputes": 1, "has_a": True}):
        seen |= covered_units(run(_clauses_std(), record(facts), decider))
    rule_units = {k for k in keys if not k.startswith(("item:", "grade:"))}
    assert rule_units <= seen, rule_units - seen


METHODS = {"listen_report": {"zh": "听汇报", "en": "hearing a report"}, "online_check": "网上核查"}


def test_methods_declared_by_the_standard_read_in_words():
    std = _clauses_std()
    std["methods"] = METHODS
    std["sections"][0]["items"][0]["method"] = ["document_review", "listen_report", "online_check"]
    st = standard_from_data(std).standard
    assert "考核方法: 查阅资料、听汇报、网上核查" in explain_item(Words(st, "zh"), st.find_item("X"))
    assert any("hearing a report" in line for line in explain_item(Words(st, "en"), st.find_item("X")))
    std["sections"][0]["items"][0]["method"] = ["listen_reprot"]
    with pytest.raises(InputError) as info:
        standard_from_data(std)
    assert "listen_report" in str(info.value.problems[0])  # did you mean


# ---- weighted composites ------------------------------------------------------------------------


def _composite() -> dict:
    """"季度考评平均 × 50% + 主席互评 × 20% + 会员民主测评 × 30%", scored in proportion to 100 points."""
    std = standard(item(points=10, rule={"kind": "proportional", "value": "composite", "full": 100}))
    std["fields"].update({
        "quarterly": {"type": "scores", "label": "季度考评", "max": 100},
        "panel": {"type": "scores", "label": "主席互评", "max": 100},
        "poll": {"type": "number", "label": "会员民主测评", "max": 100},
    })
    std["derived"].update({
        "quarterly_mean": {"label": "季度考评平均", "mean": {"of": "quarterly"}},
        "panel_mean": {"label": "主席互评平均", "mean": {"of": "panel", "drop_highest": 1, "drop_lowest": 1}},
        "composite": {"label": "综合得分", "weighted": [{"value": "quarterly_mean", "weight": "50%"},
                                                      {"value": "panel_mean", "weight": "20%"},
                                                      {"value": "poll", "weight": "30%"}]},
    })
    return std


def _marks(*scores, key="by"):
    return [{key: f"Q{k + 1}" if key == "period" else f"评委{k + 1}", "score": s} for k, s in enumerate(scores)]


def test_a_weighted_composite_of_averaged_and_trimmed_scores(decider):
    # Three quarters actually assessed (average 90); five inspectors, highest and lowest left out (80).
    facts = {"quarterly": _marks(92, 88, 90, key="period"), "panel": _marks(100, 80, 70, 85, 75), "poll": 80}
    ev = run(_composite(), record(facts), decider)
    assert (ev.values["quarterly_mean"], ev.values["panel_mean"], ev.values["composite"]) == (90, 80, 85)
    assert one(ev) == (F(17, 2), "partial")
    # A panel of two with both ends dropped leaves nobody: the average is missing, so is the item.
    short = run(_composite(), record(dict(facts, panel=_marks(90, 80))), decider)
    assert short.values["panel_mean"] is None and one(short)[1] == "missing"
    lines = explain_standard(Words(standard_from_data(_composite()).standard))
    assert "派生值 composite 综合得分 = 季度考评平均 × 50% + 主席互评平均 × 20% + 会员民主测评 × 30%" in lines
    assert "派生值 panel_mean 主席互评平均 = 主席互评各次评分的平均分 (去掉 1 个最高分和 1 个最低分)" in lines


def test_scores_out_of_bounds_or_given_twice_are_refused():
    facts = {"quarterly": [{"period": "Q1", "score": 120}, {"period": "Q2", "score": 80}, {"period": "Q2", "score": 70}]}
    with pytest.raises(InputError) as info:
        engine(_composite(), record(facts), PythonDecider())
    texts = [str(p) for p in info.value.problems]
    assert any("120" in t for t in texts) and any("Q2" in t for t in texts), texts


def test_a_scores_field_is_read_only_through_its_average():
    std = _composite()
    std["derived"]["composite"]["weighted"][2]["value"] = "panel"
    with pytest.raises(InputError) as info:
        standard_from_data(std)
    assert "scores-misuse" in repr(info.value.problems) or "评分字段" in str(info.value.problems[0])


# ---- the xlsx round trip ------------------------------------------------------------------------


def test_clauses_entries_and_weights_round_trip_through_xlsx(tmp_path):
    std = _composite()
    std["sections"][0]["items"] += [item("Y", 6, copy.deepcopy(CLAUSES)),
                                     item("Z", 3, {"kind": "checklist", "entries": [{"when": "has_a", "weight": 2}, "has_b"]})]
    std["sections"][0]["cap"] = std["total"] = "19"
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(std, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    book = export(path)
    assert spreadsheet.import_edits(book, path).edits == []  # lossless
    wb = load_workbook(book)
    params = wb["参数"]
    params.cell(param_row(wb, "item", "Y", "rule.clauses[0].award.bands[1].points"), 4).value = 3
    params.cell(param_row(wb, "item", "Y", "rule.clauses[1].deduct.cap"), 4).value = 1
    params.cell(param_row(wb, "item", "Z", "rule.entries[0].weight"), 4).value = 3
    params.cell(param_row(wb, "derived", "composite", "weighted[0].weight"), 4).value = 0.4
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == [], result.problems
    assert len(result.edits) == 4
    spreadsheet.write_import(result)
    st = load(path).standard
    rule = st.find_item("Y").rule
    assert (rule.clauses[0].award.bands[1].points, rule.clauses[1].deduct.cap) == (3, 1)
    assert st.find_item("Z").rule.entries[0].weight == 3
    assert st.derived["composite"].weighted[0].weight == F(2, 5)
    changed = [(a, b) for a, b in zip(before.splitlines(), path.read_text(encoding="utf-8").splitlines()) if a != b]
    assert len(changed) == 4


def test_the_docs_rules_are_valid_rules():
    # Every `rule:` written in docs/constructs.md is a rule the standard format accepts.
    import re
    from pathlib import Path

    from pydantic import TypeAdapter

    from assess.rules import Rule

    doc = (Path(__file__).resolve().parent.parent / "docs" / "constructs.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    rules = []
    for block in blocks:
        for chunk in re.split(r"\n(?=rule:)", block):
            if chunk.startswith("rule:"):
                rules.append(yaml.safe_load(chunk)["rule"])
    assert len(rules) >= 6
    for rule in rules:
        TypeAdapter(Rule).validate_python(rule)


def test_the_evidence_schema_spells_out_a_scores_field():
    from assess.standards import schemas
    from test_schemas import errors

    schema = schemas.evidence_schema(standard_from_data(_composite()))
    facts = schema["definitions"]["EvidenceRecord"]["properties"]["facts"]["properties"]
    quarterly = facts["quarterly"]["anyOf"][0]
    assert quarterly["type"] == "array" and quarterly["items"]["required"] == ["score"]
    assert errors([{"period": "2025Q1", "score": 90}], quarterly, schema) == []
    assert errors([{"period": "2025Q1", "score": 120}], quarterly, schema)
    assert errors([{"period": "2025Q1"}], quarterly, schema)
