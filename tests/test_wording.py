"""What a user reads says what it means (faults found by a new user trying the tool): a judged
item's requirement is the most the inspector can give, not "≤ 3" beside 2; a hint to provide
evidence states the comparison the value must meet, as the 要求 column does; a count is raised in
the words of its field; English plan lines start with a capital; an unknown standard id is named
once, with its "did you mean"."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.cli import main
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.model.evidence import evidence_from_data
from assess.present.scorecard import assess, build_scorecard
from assess.scoring.changes import DEFAULT_EFFORT, Change, ChangeKind, change_cost
from assess.scoring.compiler import PythonDecider
from assess.standards.catalog import resolve_standard, standard_from_data
from assess.workflows.batch import CSV_COLUMNS as BATCH_COLUMNS
from csvrows import rows_by_column
from test_rules import item, record, standard

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = "fixtures/tanglang-community.yaml"
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").glob("*.yaml"))


def _score(*args: str) -> str:
    result = CliRunner().invoke(main, ["score", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _gap(card: dict, ref: str) -> dict:
    return next(g for g in card["gaps"] if g.get("ref") == ref)


# ---- 1. a judged item: the most the inspector can give -------------------------------------


@pytest.mark.parametrize("lang, required, label", [("zh", "酌情评分, 满分 3", "要求"), ("en", "judged, out of 3", "Required")])
def test_a_judged_item_requires_the_most_the_inspector_can_give(lang, required, label, monkeypatch):
    monkeypatch.chdir(ROOT)
    card = json.loads(_score(TANGLANG, "--format", "json", "--lang", lang))
    row = next(it for s in card["sections"] for it in s["items"] if it["id"] == "work_pattern")
    assert (row["observed"], row["awarded"], row["points"]) == ("2", 2, 3)
    assert row["required"] == _gap(card, "work_pattern")["required"] == required
    text = _score(TANGLANG, "--lang", lang)
    assert f"{label}: {required}" in text  # the gaps line
    for out in (text, _score(TANGLANG, "--lang", lang, "--format", "markdown"),
                _score(TANGLANG, "--lang", lang, "--format", "html")):
        assert required in out and "≤ 3" not in out


# ---- 2. a hint to provide evidence states the comparison -----------------------------------

_FIELDS = {
    "funds_rate": {"type": "ratio", "label": {"zh": "经费拨缴率", "en": "Funds remittance rate"},
                   "document": {"zh": "经费拨缴凭证", "en": "Remittance receipts"}},
    "disputes": {"type": "integer", "label": {"zh": "未结争议", "en": "Open disputes"}, "unit": {"zh": "件", "en": "cases"}},
    "has_a": {"type": "boolean", "label": {"zh": "已建立调解组织", "en": "Mediation body set up"}},
    "level": {"type": "string", "label": {"zh": "级别", "en": "Level"}, "choices": ["一级", "二级"]},
    "employees": {"type": "integer", "label": {"zh": "职工人数", "en": "Employees"}},
    "members": {"type": "integer", "label": {"zh": "会员人数", "en": "Union members"}, "not_above": "employees"},
}


@pytest.mark.parametrize("condition, facts, zh, en", [
    ("funds_rate >= 95%", {}, "经费拨缴率 ≥ 95%", "Funds remittance rate ≥ 95%"),
    ("funds_rate > 95%", {}, "经费拨缴率 > 95%", "Funds remittance rate > 95%"),
    ("funds_rate <= 5%", {}, "经费拨缴率 ≤ 5%", "Funds remittance rate ≤ 5%"),
    ("funds_rate < 5%", {}, "经费拨缴率 < 5%", "Funds remittance rate < 5%"),
    ("funds_rate == 50%", {}, "经费拨缴率 = 50%", "Funds remittance rate = 50%"),
    ("funds_rate != 50%", {}, "经费拨缴率 ≠ 50%", "Funds remittance rate ≠ 50%"),
    ("disputes > 2", {}, "未结争议 > 2", "Open disputes > 2"),
    ("disputes < 3", {}, "未结争议 < 3", "Open disputes < 3"),
    ("disputes <= 0", {}, "未结争议 = 0", "Open disputes = 0"),
    ("disputes == 2", {}, "未结争议 = 2", "Open disputes = 2"),
    ("has_a", {}, "已建立调解组织", "Mediation body set up"),
    ("not has_a", {}, "已建立调解组织: 否", "not Mediation body set up"),
    ("level == '一级'", {}, "级别 = 一级", "Level = 一级"),
    ("level != '一级'", {}, "级别 ≠ 一级", "Level ≠ 一级"),
    # 95% of 50 employees is 47.5 members: the count it takes is 48.
    ("membership_rate >= 95%", {"employees": 50}, "会员人数 ≥ 48", "Union members ≥ 48"),
])
def test_a_hint_to_provide_evidence_states_the_comparison(condition, facts, zh, en):
    std = standard(item(points=2, rule={"kind": "all_or_nothing", "when": condition}))
    std["fields"] = copy.deepcopy(_FIELDS)
    loaded, le = standard_from_data(std), evidence_from_data(record(facts))
    ev, inputs = assess(loaded, le, PythonDecider())
    for lang, needed in (("zh", zh), ("en", en)):
        actions = build_scorecard(ev, inputs, le, lang, "python")["gaps"][0]["actions"]
        assert len(actions) == 1 and actions[0].endswith(f" ({needed})"), (lang, actions)


def _hints(condition: str, facts: dict, fields: dict, derived: dict | None = None) -> tuple[list[str], object]:
    """The zh actions of the one gap of an item requiring `condition`, and the standard."""
    std = standard(item(points=2, rule={"kind": "all_or_nothing", "when": condition}), derived=derived)
    std["fields"] = copy.deepcopy(fields)
    loaded, le = standard_from_data(std), evidence_from_data(record(facts))
    ev, inputs = assess(loaded, le, PythonDecider())
    return build_scorecard(ev, inputs, le, "zh", "python")["gaps"][0]["actions"], loaded


def test_a_hint_names_the_value_the_record_s_own_caps_require():
    """100 women members are recorded, and members may not be fewer: 98% of 100 employees is not
    enough, the hint asks for what the plan chose (found by the break-it pass)."""
    fields = {**_FIELDS, "women": {"type": "integer", "label": {"zh": "女会员人数", "en": "Women members"},
                                   "not_above": "members"}}
    actions, _ = _hints("membership_rate >= 98%", {"employees": 100, "women": 100}, fields)
    assert actions == ["请提供会员人数 (会员人数 ≥ 100)"]


@pytest.mark.parametrize("budget, op, shown, meets", [
    ("123.449", ">=", "支出 ≥ 111.11", "111.11"),  # 90% of it is 111.1041: never "≥ 111.1"
    ("41.117", "<=", "支出 ≤ 37", "37"),            # 37.0053: never "≤ 37.01"
])
def test_a_computed_bound_is_rounded_to_the_side_that_meets_it(budget, op, shown, meets):
    fields = {"budget": {"type": "number", "label": {"zh": "预算", "en": "Budget"}},
              "spent": {"type": "number", "label": {"zh": "支出", "en": "Spent"}}}
    derived = {"use": {"label": "执行率", "ratio": {"numerator": "spent", "denominator": "budget"}}}
    condition = f"use {op} 90%"
    actions, loaded = _hints(condition, {"budget": budget}, fields, derived)
    assert actions == [f"请提供支出 ({shown})"]
    ev, _ = assess(loaded, evidence_from_data(record({"budget": budget, "spent": meets})), PythonDecider())
    assert ev.items()[0].awarded == 2, "the value the hint names meets the requirement"


@pytest.mark.parametrize("condition, field, shown", [
    ("funds_rate < 0.1%", "funds_rate", "经费拨缴率 < 0.1%"),  # 0 is allowed, but not the only value that meets it
    ("hours < 2.001", "hours", "学时 < 2.001"),
    ("hours <= 2", "hours", "学时 = 2"),                    # at its declared lowest: only 2 meets it
])
def test_a_bound_is_said_to_be_the_lowest_value_only_when_it_is(condition, field, shown):
    fields = {**_FIELDS, "funds_rate": {**_FIELDS["funds_rate"], "min": 0},
              "hours": {"type": "number", "label": {"zh": "学时", "en": "Hours"}, "min": 2}}
    actions, _ = _hints(condition, {}, fields)
    assert len(actions) == 1 and actions[0].endswith(f" ({shown})"), actions


@pytest.mark.parametrize("lang, hint", [("zh", "请提供劳动合同签订情况统计表 (劳动合同签订率 ≥ 95%)"),
                                        ("en", "provide the Labour contract signing statistics (Labour contract signing rate ≥ 95%)")])
def test_the_fixture_hint_reads_as_its_requirement(lang, hint, monkeypatch):
    monkeypatch.chdir(ROOT)
    card = json.loads(_score(TANGLANG, "--format", "json", "--lang", lang))
    assert hint in _gap(card, "rights_work")["actions"]
    assert any(hint in a["text"] for a in card["next_grade"]["alternatives"])


# ---- 3. a count raised in its field's words --------------------------------------------------


@pytest.mark.parametrize("lang, action", [("zh", "需再获得 2 次县级以上工会表彰"),
                                          ("en", "Commendations from county-level or higher unions: 2 more needed")])
def test_commendations_are_asked_for_like_the_other_actions(lang, action, monkeypatch):
    monkeypatch.chdir(ROOT)
    card = json.loads(_score(TANGLANG, "--format", "json", "--lang", lang))
    assert _gap(card, "superior_commendation")["actions"] == [action]


def test_a_commendation_still_costs_a_measure():
    """Worded by `increase:` (which would price it as one member recruited), a commendation is
    still priced as before: one measure, as the standard's effort says."""
    bahao = resolve_standard("bahao-community").standard
    one_more = Change(ChangeKind.SET_FACT, "superior_commendations", 0, 1)
    assert change_cost(bahao, one_more) == Fraction(DEFAULT_EFFORT.measure) == 5


def test_every_english_unit_of_a_shipped_standard_has_its_singular():
    """"1 more union needed", never "1 more unions": the unit after a count of one is singular."""
    units = set()
    for path in sorted((ROOT / "rulesets").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for decl in ((data or {}).get("fields") or {}).values() if isinstance(data, dict) else ():
            if isinstance(decl, dict) and isinstance(decl.get("unit"), dict):
                units.add(decl["unit"]["en"])
    assert {"people", "times", "unions", "federations"} <= units
    singular = {unit: message(f"unit.one.{unit}", "en", default="") for unit in units}
    assert all(singular.values()), sorted(u for u, s in singular.items() if not s)


# ---- 4. English plan lines start with a capital -----------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES)
def test_english_plan_lines_start_with_a_capital(fixture, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = _score(fixture, "--lang", "en")
    # Each card's plan runs to the blank line after it (a record scored under several standards).
    plans = [part.split("\n\n", 1)[0].splitlines() for part in text.split("\nPath to the next grade\n")[1:]]
    assert plans
    for plan in plans:
        # Lines of their own and the blockers (!) and alternatives (~); a fix (*) starts with its
        # item id, an action (-) is also written inside an alternative's brackets.
        starts = [line[4:] if line[:4] in ("  ! ", "  ~ ") else line for line in plan if not line.startswith(("  * ", "    "))]
        assert starts and all(not s[:1].islower() for s in starts), starts


def test_english_plan_headings():
    assert message("plan.target", "en", grade="G", min=80).startswith("Next grade: G")
    for key in ("head.no_gaps", "head.top_grade", "plan.reachable", "plan.cost", "plan.cost_not_proven", "plan.alternative",
                "plan.blocked_veto", "plan.blocked_score"):
        assert message(key, "en")[:1].isupper(), key


# ---- 5. an unknown standard id named once -----------------------------------------------------


@pytest.mark.parametrize("lang, hint", [("zh", "是否应为 bahao-community?"), ("en", "did you mean bahao-community?")])
@pytest.mark.parametrize("command", [
    ["score", TANGLANG, "--standard", "bahao-comunity"], ["explain", "bahao-comunity"], ["show", "bahao-comunity"],
    ["test", "bahao-comunity"], ["lint", "bahao-comunity"], ["schema", "evidence", "--standard", "bahao-comunity"],
    ["batch", TANGLANG, "--standard", "bahao-comunity", "--out", "{tmp}/out.csv"],
    ["diff", "bahao-comunity", "bahao-community", "--evidence", "fixtures"],
    ["inspect", TANGLANG, "--standard", "bahao-comunity", "--out", "{tmp}/inspection.yaml"],
    ["export", "bahao-comunity", "--xlsx", "{tmp}/sheet.xlsx"], ["template", "bahao-comunity", "--xlsx", "{tmp}/form.xlsx"],
], ids=lambda c: c[0])
def test_an_unknown_standard_is_named_once(command, lang, hint, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [a.replace("{tmp}", str(tmp_path)) for a in command] + ["--lang", lang])
    assert result.exit_code == 2, result.output
    assert result.output.count("bahao-comunity") == 1 and hint in result.output, result.output


@pytest.mark.parametrize("args, zh, en", [
    (["--standard", "bahao-community@9"], "bahao-community@9: 没有这个版本 (已有版本: 2025.1",
     "bahao-community@9: no such version (versions: 2025.1"),
    (["--standard", "bahao-community", "--as-of", "2001-01-01"], "bahao-community: 在 2001-01-01 没有生效的版本",
     "bahao-community: no version in force on 2001-01-01"),
    (["--standard", "bahao-community@"], "bahao-community@: 没有这个版本 (已有版本: 2025.1",
     "bahao-community@: no such version (versions: 2025.1"),
])
def test_a_version_not_found_names_the_standard_once(args, zh, en, monkeypatch):
    monkeypatch.chdir(ROOT)
    for lang, expected in (("zh", zh), ("en", en)):
        result = CliRunner().invoke(main, ["score", TANGLANG, *args, "--lang", lang])
        assert result.exit_code == 2 and expected in result.output, result.output
        assert result.output.count("bahao-community") == 1, result.output


@pytest.mark.parametrize("name", ["bahao-community@9", "bahao-community@"])
def test_lint_names_a_version_not_found_as_the_other_commands_do(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["lint", name])
    assert result.exit_code == 2 and f"{name}: 没有这个版本 (已有版本: 2025.1" in result.output, result.output


def test_english_fix_titles_start_with_a_capital():
    for key in ("plan.fix_requirement", "plan.fix_eligibility", "plan.fix_veto"):
        assert message(key, "en")[:1].isupper(), key


def test_a_hint_for_an_ordered_category_states_the_comparison():
    """"事故等级 ≤ 一般", as the requirement reads, not the one category the plan chose."""
    fields = {**_FIELDS, "accident": {"type": "string", "label": {"zh": "事故等级", "en": "Accident level"},
                                      "choices": ["重大", "较大", "一般", "无"], "ordered": True}}
    actions, _ = _hints("accident <= '一般'", {}, fields)
    assert actions == ["请提供事故等级 (事故等级 ≤ 一般)"]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_the_plans_heading_says_when_the_score_already_meets_the_next_grade(fixture, monkeypatch):
    # haixia scores 92.5 with no grade (a mandatory item): its plan's heading "合格职工之家 (≥ 75 分)"
    # above fixes that reach 模范 read as nonsense; it now says the score is there and why not.
    monkeypatch.chdir(ROOT)
    for card in _cards(fixture):
        plan = card["next_grade"]
        if plan is None:
            continue
        met = Fraction(str(card["grade_score"])) >= Fraction(str(plan["min_score"]))
        assert ("已达到" in plan["text"]) == met, plan["text"]
        if met:  # the number is one the card shows: the grade score, with its bonus written out
            shown = (f"得分 {card['score']} + 加分 {card['bonus']} = {card['grade_score']} 分"
                     if card["grade_score"] != card["score"] else f"得分 {card['grade_score']} 分")
            assert f"已达到: {shown};" in plan["text"], plan["text"]


def _cards(fixture: str) -> list[dict]:
    data = json.loads(_score(fixture, "--format", "json"))
    return data if isinstance(data, list) else [data]  # a list when the record applies for several


def test_the_english_heading_of_a_plan_whose_score_is_enough(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = _score("fixtures/haixia-electronics-mandatory.yaml", "--lang", "en")
    assert "(≥ 75 points; met: score 92.5 points; what stands in the way is below)" in out


def _commended(tmp_path, times: int):
    """The tanglang fixture commended `times` times by a higher federation (a bonus that counts
    toward the grade), written to tmp_path/bonus.yaml."""
    data = yaml.safe_load((ROOT / TANGLANG).read_text(encoding="utf-8"))
    data["facts"]["superior_commendations"] = times
    path = tmp_path / "bonus.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_bonus_that_counts_is_shown_beside_the_score_and_in_the_plans_heading(tmp_path, monkeypatch):
    # 87.8 points and a bonus of 3: the grade is decided on 90.8. The header showed only 得分 87.8
    # beside a grade that needs 90, and the heading said "得分 90.8 已达到", a number shown nowhere.
    monkeypatch.chdir(ROOT)
    path = _commended(tmp_path, 3)
    card = _cards(str(path))[0]
    assert card["grade_score"] != card["score"] and card["bonus"] > 0
    header = _score(str(path)).splitlines()[5]
    assert f"评级得分: {card['grade_score']} 分 (得分 {card['score']} + 加分 {card['bonus']})" in header
    plain = _score(TANGLANG).splitlines()[5]
    assert "评级得分" not in plain  # no bonus: the score is the grade score


def test_the_english_plan_does_not_call_the_grade_score_the_score(tmp_path, monkeypatch):
    # tanglang commended twice: a bonus of 2 counts toward the grade. "the score reaches 82.61"
    # named score + bonus the score, beside a header whose score is 76.53; it now says what the zh
    # text says ("可达 82.61 分"): the union reaches 82.61 points.
    monkeypatch.chdir(ROOT)
    path = _commended(tmp_path, 2)
    card = json.loads(_score(str(path), "--format", "json", "--lang", "en"))
    plan = card["next_grade"]
    assert card["bonus"] == 2 and plan["reachable"]
    assert plan["summary"] == f"With the 1 fix below the union reaches {plan['score_after']} points: {plan['title']}"
    zh = json.loads(_score(str(path), "--format", "json"))["next_grade"]
    assert f"可达 {plan['score_after']} 分" in zh["summary"]
    for alt in plan["alternatives"]:
        assert alt["text"].endswith(f"reaching {alt['score_after']} points)")
    text = _score(str(path), "--lang", "en")
    assert "score reaches" not in text and ", score " not in text


def _bonus_card(counts: bool, judged: str, mandatory_met: bool = True) -> dict:
    """A card of a 100-point judged item, a mandatory item of 10 and a bonus of 1 (cap 3)."""
    data = standard(item("A", points=100, rule={"kind": "judgement"}), item("M", points=10, mandatory=True), total=100,
                    bonus={"cap": 3, "counts_toward_grade": counts,
                           "items": [item("B", points=1, rule={"kind": "all_or_nothing", "when": "has_b"})]},
                    grades=[{"id": "top", "title": "优秀", "min_score": 80},
                            {"id": "low", "title": "合格", "min_score": 0, "requires_mandatory": False}], cap=100)
    loaded = evidence_from_data(record({"has_a": mandatory_met, "has_b": True},
                                       judgements={"A": {"score": judged, "reason": "r"}}))
    ev, inputs = assess(standard_from_data(data), loaded, PythonDecider())
    return build_scorecard(ev, inputs, loaded, "zh", "python")


def test_the_grade_score_is_written_as_the_standard_counts_the_bonus():
    # 79.996 points and a bonus of 1 that counts: the text, which guessed from 79.996 + 1 ≠ 81 (the
    # grade score then shown to 2 places) that the bonus did not count, said "加分 1 不计入评级"
    # beside the grade that bonus earned. It now asks the standard (the card's bonus_counts), and
    # a number whose decimal ends within a few places is written with every digit (80.996).
    from assess.present.renderers import scorecard_text
    from assess.present.words import card_grade_score_text

    card = _bonus_card(True, "69.996")
    assert (card["score"], card["bonus"], card["grade_score"], card["bonus_counts"]) == (79.996, 1, 80.996, True)
    assert card["grade"]["id"] == "top"
    header = scorecard_text.table([card], "zh").splitlines()[5]
    assert "评级得分: 80.996 分 (得分 79.996 + 加分 1)" in header and "不计入评级" not in header
    apart = _bonus_card(False, "85", mandatory_met=False)
    assert apart["bonus_counts"] is False and apart["grade_score"] == apart["score"]
    assert card_grade_score_text(apart, "zh") == "得分 85 分 (加分 1 不计入评级)"
    # The plan's heading says it in the same words: 85 meets 优秀's 80, the mandatory item does not.
    assert apart["next_grade"]["text"] == "下一等级: 优秀 (≥ 80 分; 已达到: 得分 85 分 (加分 1 不计入评级); 未评定的原因见下)"
    # A card written before it had bonus_counts: the bonus counted where it was added.
    old = {k: v for k, v in card.items() if k != "bonus_counts"}
    assert card_grade_score_text(old, "zh") == card_grade_score_text(card, "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_count_s_reason_is_in_the_unit_its_observed_value_shows(lang, monkeypatch):
    # "未妥善处理的职工投诉和劳动争议 0 次, 扣 0 分" beside an observed 0件: the reason wrote 次 for
    # every count; it now writes the field's unit, as the observed column does (and 每件, not 每次).
    monkeypatch.chdir(ROOT)
    seen = set()
    for fixture in FIXTURES:
        for card in _cards_in(fixture, lang):
            standard = resolve_standard(card["standard"]["id"]).standard
            for row in [it for s in card["sections"] for it in s["items"]] + card["bonus_items"]:
                rule = standard.find_item(row["id"]).rule
                if rule.kind not in ("per_occurrence", "award_per_occurrence") or row["status"] == "missing":
                    continue
                assert row["observed"] in row["reason"], (fixture, row["id"], row["observed"], row["reason"])
                unit = standard.unit(rule.count, lang)
                if lang == "zh" and unit:
                    assert f" 次" not in row["reason"] and (rule.kind == "per_occurrence" or f"每{unit} " in row["reason"])
                seen.add((rule.kind, standard.unit(rule.count, "zh")))
    assert {("per_occurrence", "件"), ("award_per_occurrence", "件"), ("award_per_occurrence", "次")} <= seen
    card = _cards_in("fixtures/liulian-community.yaml", lang)[0]
    row = next(it for s in card["sections"] for it in s["items"] if it["id"] == "unresolved_complaints")
    assert row["reason"] == {"zh": "未妥善处理的职工投诉和劳动争议 0件, 扣 0 分",
                             "en": "Worker complaints and labour disputes not properly handled: 0 cases; 0 points off"}[lang]


def _cards_in(fixture: str, lang: str) -> list[dict]:
    data = json.loads(_score(fixture, "--format", "json", "--lang", lang))
    return data if isinstance(data, list) else [data]


def test_an_english_prerequisite_blocker_keeps_the_labels_own_words_after_a_colon(monkeypatch):
    # "Model workers' home needs Already named a qualified workers' home first": the label, a
    # sentence of its own in the standard file, now stands after a colon as in the gap's text.
    monkeypatch.chdir(ROOT)
    out = _score("fixtures/county-school-institution.yaml", "--lang", "en")
    assert "Blocked: Model workers' home needs first: Already named a qualified workers' home" in out


def test_the_json_changes_mean_what_the_readme_says(monkeypatch):
    # README "JSON output": for add_events `after` is how many to add (the action's number), not
    # the count after; for set_fact it is the new value.
    monkeypatch.chdir(ROOT)
    card = _cards("fixtures/guiyuan-street.yaml")[0]
    meetings = _gap(card, "party_union_meetings")
    assert meetings["changes"] == [{"kind": "add_events", "name": "party_union_meeting", "before": 1, "after": 3}]
    assert any("需再开展 3 次" in a for a in meetings["actions"])
    aided = _gap(card, "hardship_aid")["changes"]
    assert aided[0]["kind"] == "set_fact" and aided[0]["after"] > aided[0]["before"]
    assert any(f"{aided[0]['after'] - aided[0]['before']} 名" in a for a in _gap(card, "hardship_aid")["actions"])


def test_a_gap_for_want_of_evidence_says_so_in_the_card_and_the_csv(tmp_path, monkeypatch):
    # tanglang's 职工入会率 is unknown: "失 6 分" alone read, in a federation's CSV, as a real shortfall.
    from assess.workflows.batch import run_batch

    monkeypatch.chdir(ROOT)
    card = _cards(TANGLANG)[0]
    assert _gap(card, "membership_rate")["text"] == "membership_rate 职工入会率: 缺少佐证, 失 6 分"
    shortfall = next(g for g in card["gaps"] if g["kind"] == "item" and g["status"] != "missing")
    assert "缺少佐证" not in shortfall["text"]
    run_batch([TANGLANG], "bahao-community", str(tmp_path / "o.csv"), jobs=1)
    row = rows_by_column(tmp_path / "o.csv", BATCH_COLUMNS)[0]
    assert "membership_rate 职工入会率: 缺少佐证, 失 6 分" in (row["gap_1"], row["gap_2"], row["gap_3"])
