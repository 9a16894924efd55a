"""The inspection layer and the acceptance conclusion: inspection files applied to their evidence
record, the self-check and inspection side by side with every difference and why, 通过 / 降级通过 /
不通过, mismatched and bad inspection files refused, the `assess inspect` worksheet round trip, and
the CLI (`assess score --inspection`, `assess inspect`)."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess import api
from assess.standards import catalog
from assess.workflows.acceptance import accept
from assess.cli import main
from assess.scoring.compiler import PythonDecider
from assess.model.evidence import load_evidence
from assess.workflows.inspection import apply_inspection, inspection_from_data, load_inspection, worksheet
from assess.core.problems import InputError
from assess.workflows.formats import render_acceptance
from assess.present.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
LIULIAN = "fixtures/liulian-community.yaml"
NANXINCUN = "fixtures/nanxincun-community.yaml"
PASS = "fixtures/inspections/liulian-community.pass.yaml"
DOWNGRADE = "fixtures/inspections/nanxincun-community.downgrade.yaml"
FAIL = "fixtures/inspections/liulian-community.fail.yaml"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def standard_for(evidence):
    return catalog.resolve_standard("bahao-community@2025.1")


def accepted(record: str, inspection: str | dict, decider=None, lang: str = "zh") -> dict:
    evidence = load_evidence(record)
    found = load_inspection(inspection) if isinstance(inspection, str) else inspection_from_data(inspection, "inline.yaml")
    return accept(standard_for(evidence), evidence, found, lang=lang, decider=decider or PythonDecider(),
                  as_of=evidence.record.period.end)


def reference(record: str) -> dict:
    evidence = load_evidence(record)
    r = evidence.record
    return {"union": r.union.id, "period": {"start": r.period.start, "end": r.period.end},
            "evidence_sha256": evidence.sha256, "standard": "bahao-community"}


def item_diffs(result: dict) -> dict[str, dict]:
    return {d["item"]: d for d in result["differences"] if d["kind"] == "item"}


def problems_of(excinfo) -> list:
    return excinfo.value.problems


# ---- the three conclusions -------------------------------------------------------------------


def test_pass_fixture_disagrees_on_three_items_each_with_why(decider):
    result = accepted(LIULIAN, PASS, decider)
    diffs = item_diffs(result)
    assert sorted(diffs) == ["unresolved_complaints", "women_committee", "work_pattern"]
    # A corrected fact: self-reported and observed values both named.
    complaints = diffs["unresolved_complaints"]
    assert (complaints["self_score"], complaints["inspection_score"], complaints["delta"]) == (4, 2, -2)
    assert any("自报 0件" in w and "核实为 1件" in w for w in complaints["why"])
    assert any("欠薪投诉" in w for w in complaints["why"])  # the inspector's note
    # An unverified document: the facts it proves are missing evidence now.
    women = diffs["women_committee"]
    assert (women["self_status"], women["inspection_status"]) == ("full", "missing")
    assert any("材料未核实: 女职工委员会成立批复" in w and "已建立女职工委员会" in w for w in women["why"])
    # A judgement: the inspector's score and reason against the self-assessed one.
    judged = diffs["work_pattern"]
    assert (judged["self_score"], judged["inspection_score"]) == (2.6, 2)
    assert any("考核评分 2 分 (自评 2.6 分)" in w and "职工参与" in w for w in judged["why"])
    c = result["conclusion"]
    assert (c["result"], c["text"], c["against"]) == ("pass", "通过", "application")
    assert c["grade"]["id"] == c["target"]["id"] == "demonstration"
    assert result["self_check"]["score"] == 96.6 and result["inspection"]["score"] == 92


def test_downgrade_fixture_names_the_lower_grade_and_the_shortfall(decider):
    result = accepted(NANXINCUN, DOWNGRADE, decider)
    assert sorted(item_diffs(result)) == ["five_haves", "hardship_aid", "work_pattern"]
    c = result["conclusion"]
    assert (c["result"], c["text"]) == ("downgrade", "降级通过")
    assert c["target"]["id"] == "advanced" and c["grade"]["id"] == "compliant"
    assert "“八好”先进社区工会需 80 分, 考核评级得分 79.5 分, 差 0.5 分" in c["reasons"]
    assert "评定为“八好”达标社区工会" in c["summary"]
    checks = [d for d in result["differences"] if d["kind"] == "grade_check"]
    assert [(d["grade"], d["check"], d["self_ok"], d["inspection_ok"]) for d in checks] == [("advanced", "min_score", True, False)]


def test_fail_fixture_names_the_mandatory_item(decider):
    result = accepted(LIULIAN, FAIL, decider)
    c = result["conclusion"]
    assert (c["result"], c["text"], c["grade"]) == ("fail", "不通过", None)
    assert any("必备项未得满分: org_established" in r for r in c["reasons"])
    # The document was named by its id in the record: the facts citing D04 lost their proof.
    why = item_diffs(result)["org_established"]["why"]
    assert any("材料缺失: D04 关于成立六联社区工会联合会的批复" in w for w in why)
    assert result["inspection"]["grade"] is None and result["self_check"]["grade"]["id"] == "demonstration"


def test_a_failed_grade_condition_is_a_reason():
    # 入会率 below 98%: demonstration's requirement fails although the score clears 90.
    data = {"reference": reference(LIULIAN), "inspector": "张三",
            "items": {"membership_rate": {"observed": {"members": 14800}}}}
    result = accepted(LIULIAN, data)
    c = result["conclusion"]
    assert (c["result"], c["grade"]["id"]) == ("downgrade", "advanced")
    assert any(r.startswith("未满足等级条件: ") and "98%" in r for r in c["reasons"])


def test_a_triggered_or_unknown_veto_is_a_reason(tmp_path):
    # A standard with a fact-read veto; the inspector finds the fact other than reported.
    st = yaml.safe_load(Path("docs/example-standard.yaml").read_text(encoding="utf-8"))
    st["fields"]["serious_cases"] = {"type": "integer", "label": "严重侵权事件", "document": "信访台账"}
    st["vetoes"] = [{"id": "serious", "title": "发生严重侵权事件", "when": "serious_cases >= 1"}]
    (tmp_path / "std.yaml").write_text(yaml.safe_dump(st, allow_unicode=True), encoding="utf-8")
    rec = yaml.safe_load(Path("docs/example-record.yaml").read_text(encoding="utf-8"))
    rec["facts"]["serious_cases"] = 0
    (tmp_path / "rec.yaml").write_text(yaml.safe_dump(rec, allow_unicode=True), encoding="utf-8")
    evidence = load_evidence(str(tmp_path / "rec.yaml"))
    target = catalog.resolve_standard(str(tmp_path / "std.yaml"))
    ref = {"union": evidence.record.union.id, "period": {"start": evidence.record.period.start, "end": evidence.record.period.end},
           "evidence_sha256": evidence.sha256, "standard": target.standard.id}
    found = inspection_from_data({"reference": ref, "facts": {"serious_cases": 1}}, "veto.yaml")
    result = accept(target, evidence, found, decider=PythonDecider())
    vetoes = [d for d in result["differences"] if d["kind"] == "veto"]
    assert vetoes and vetoes[0]["inspection_triggered"] is True
    assert any("自报 0" in w for w in vetoes[0]["why"])
    assert result["conclusion"]["result"] == "fail"
    assert any(r.startswith("触发一票否决: 发生严重侵权事件") for r in result["conclusion"]["reasons"])
    unknown = inspection_from_data({"reference": ref, "documents": [{"document": "信访台账", "status": "missing"}]}, "veto.yaml")
    result = accept(target, evidence, unknown, decider=PythonDecider())
    assert any(r.startswith("无法排除一票否决") for r in result["conclusion"]["reasons"])


def test_no_application_is_judged_against_the_self_check_grade(tmp_path):
    rec = yaml.safe_load(Path(LIULIAN).read_text(encoding="utf-8"))
    del rec["applications"]
    path = tmp_path / "liulian.yaml"
    path.write_text(yaml.safe_dump(rec, allow_unicode=True), encoding="utf-8")
    data = yaml.safe_load(Path(PASS).read_text(encoding="utf-8"))
    data["reference"]["evidence_sha256"] = load_evidence(str(path)).sha256
    result = accepted(str(path), data)
    c = result["conclusion"]
    assert c["against"] == "self_check" and c["target"]["id"] == "demonstration"
    assert c["result"] == "pass"
    assert c["reasons"][0] == "未申报等级, 以自评等级 (“八好”示范社区工会) 作为验收对象"


def test_an_observed_value_outweighs_an_unverified_document():
    data = {"reference": reference(LIULIAN),
            "documents": [{"document": "女职工委员会成立批复", "facts": ["women_committee"], "status": "not_verified"}],
            "facts": {"women_committee": True}}
    evidence = load_evidence(LIULIAN)
    inspected = apply_inspection(inspection_from_data(data), standard_for(evidence), evidence)
    assert not inspected.unproven and inspected.observed["women_committee"] is True


def test_blank_entries_change_nothing_and_chinese_status_words_are_read():
    data = {"reference": reference(LIULIAN), "items": {"women_committee": None, "five_haves": {
        "observed": {"has_sign": None, "has_rules": ""},
        "documents": [{"document": "工会牌子现场照片", "facts": ["has_sign"], "status": "缺失"}]}}}
    result = accepted(LIULIAN, data)
    assert list(item_diffs(result)) == ["five_haves"]
    assert item_diffs(result)["five_haves"]["inspection_status"] == "missing"


# ---- mismatched inspection files ---------------------------------------------------------------


def test_inspection_of_another_union_is_refused():
    with pytest.raises(InputError) as exc:
        accepted(NANXINCUN, PASS)
    [p] = problems_of(exc)
    assert (p.file, p.path) == (PASS, "reference.union")
    assert "liulian-community" in p.message and "nanxincun-community" in p.message


def test_inspection_of_another_period_is_refused(tmp_path):
    rec = Path(LIULIAN).read_text(encoding="utf-8").replace("period: {start: 2025-01-01, end: 2025-12-31, label: 2025年度}",
                                                             "period: {start: 2024-01-01, end: 2024-12-31, label: 2024年度}")
    rec = rec.replace("date: 2025-", "date: 2024-")  # events and documents dated within the period
    path = tmp_path / "liulian-2024.yaml"
    path.write_text(rec, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        accepted(str(path), PASS)
    [p] = problems_of(exc)
    assert p.path == "reference.period" and "2025-01-01 ~ 2025-12-31" in p.message and "2024-01-01 ~ 2024-12-31" in p.message


def test_inspection_of_a_record_changed_since_is_refused(tmp_path):
    path = tmp_path / "liulian.yaml"
    path.write_text(Path(LIULIAN).read_text(encoding="utf-8").replace("{value: 15060,", "{value: 15100,"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        accepted(str(path), PASS)
    [p] = problems_of(exc)
    assert (p.file, p.path, p.line) == (PASS, "reference.evidence_sha256", 9)
    assert "在考核后已被修改" in p.message and "4aebd6f309e7" in p.message
    # Layout and comments are not content: reformatting the record keeps the hash.
    same = tmp_path / "same.json"
    same.write_text(json.dumps(yaml.safe_load(Path(LIULIAN).read_text(encoding="utf-8")), default=str, ensure_ascii=False),
                    encoding="utf-8")
    assert accepted(str(same), PASS)["conclusion"]["result"] == "pass"


def test_inspection_for_another_standard_or_version_is_refused():
    evidence = load_evidence(LIULIAN)
    data = yaml.safe_load(Path(PASS).read_text(encoding="utf-8"))
    data["reference"]["standard_version"] = "2024.1"
    with pytest.raises(InputError) as exc:
        accept(standard_for(evidence), evidence, inspection_from_data(data), decider=PythonDecider())
    assert problems_of(exc)[0].path == "reference.standard_version" and "bahao-community@2024.1" in problems_of(exc)[0].message
    data["reference"].update(standard="liuyou-grassroots", standard_version=None)
    with pytest.raises(InputError) as exc:
        accept(standard_for(evidence), evidence, inspection_from_data(data), decider=PythonDecider())
    assert problems_of(exc)[0].path == "reference.standard"


def test_cli_refuses_mismatched_files_with_exit_2():
    result = run("score", NANXINCUN, "--inspection", PASS)
    assert result.exit_code == 2
    assert f"{PASS}:5: reference.union:" in result.stderr and "Traceback" not in result.output
    result = run("score", NANXINCUN, LIULIAN, "--inspection", PASS)
    assert result.exit_code == 2 and "--inspection" in result.stderr


def test_an_inspection_without_inspector_or_date_is_scored_with_a_note(tmp_path):
    text = Path(PASS).read_text(encoding="utf-8")
    assert "\ninspector:" in text and "\ndate:" in text  # the fixture is signed: the notes below are from the cuts
    unsigned = tmp_path / "unsigned.yaml"
    unsigned.write_text(re.sub(r"\n(inspector|date):[^\n]*", "", text), encoding="utf-8")
    no_inspector = tmp_path / "no-inspector.yaml"
    no_inspector.write_text(re.sub(r"\ninspector:[^\n]*", "", text), encoding="utf-8")
    signed = run("score", LIULIAN, "--inspection", PASS)
    assert signed.exit_code == 0 and "未填写" not in signed.stderr
    result = run("score", LIULIAN, "--inspection", str(no_inspector))
    assert result.exit_code == 0 and f"{no_inspector}: 未填写考核人;" in result.stderr
    assert "考核人: 坪山区总工会考核组 陈立  考核日期: 2026-01-14" in signed.stdout
    assert "考核人: 未填写  考核日期: 2026-01-14" in result.stdout
    result = run("score", LIULIAN, "--inspection", str(unsigned), "--lang", "en")
    assert result.exit_code == 0
    assert f"{unsigned}: no inspector's name or date of the inspection;" in result.stderr
    plan = api.plan_acceptance(LIULIAN, str(unsigned))
    assert plan.unsigned == ("inspector", "date") and api.plan_acceptance(LIULIAN, PASS).notes("zh") == ()
    bad_date = tmp_path / "bad-date.yaml"  # refused: no note that the date is blank
    bad_date.write_text(text.replace("\ndate: 2026-01-14", "\ndate: 明天"), encoding="utf-8")
    result = run("score", LIULIAN, "--inspection", str(bad_date))
    assert result.exit_code == 2 and "date" in result.stderr and "未填写" not in result.stderr


# ---- bad inspection input ----------------------------------------------------------------------


def bad(items=None, **top) -> list:
    data = {"reference": reference(LIULIAN), **top}
    if items is not None:
        data["items"] = items
    with pytest.raises(InputError) as exc:
        accepted(LIULIAN, data)
    return problems_of(exc)


def test_unknown_item_with_a_hint():
    [p] = bad({"work_patern": {"note": "x"}})
    assert p.file == "inline.yaml" and p.path == "items.work_patern" and "是否应为 work_pattern" in p.message


def test_judgement_needs_a_reason_and_a_score_in_range():
    [p] = bad({"work_pattern": {"score": 2}})
    assert p.path == "items.work_pattern.score" and "理由" in p.message
    [p] = bad({"work_pattern": {"score": 2, "reason": "  "}})
    assert "理由" in p.message
    [p] = bad({"work_pattern": {"score": 3.5, "reason": "酌情"}})
    assert p.path == "items.work_pattern.score" and "超出 0 至 3 分" in p.message
    [p] = bad({"work_pattern": {"score": -1, "reason": "酌情"}})
    assert "超出" in p.message
    [p] = bad({"membership_rate": {"score": 2, "reason": "酌情"}})
    assert "不是酌情评分项" in p.message
    [p] = bad({"work_pattern": {"reason": "只有理由"}})
    assert p.path == "items.work_pattern.reason"


def test_unknown_and_derived_facts():
    [p] = bad({"membership_rate": {"observed": {"memebers": 15000}}})
    assert p.path == "items.membership_rate.observed.memebers" and "是否应为 members" in p.message
    [p] = bad({"membership_rate": {"observed": {"membership_rate": "95%"}}})
    assert "members, employees" in p.message
    [p] = bad({"liaison_meetings": {"observed": {"liaison_meetings": 3}}})
    assert "事件" in p.message
    [p] = bad(documents=[{"document": "无名材料", "status": "missing"}])
    assert p.path == "documents[0].document" and "facts" in p.message
    [p] = bad(documents=[{"document": "x", "facts": ["nope"], "status": "missing"}])
    assert p.path == "documents[0].facts[0]"
    [p] = bad(documents=[{"document": "D17", "status": "missing"}])  # a record document no fact cites
    assert p.path == "documents[0].document" and "D17" in p.message


def test_observed_values_are_validated_like_facts_and_point_into_the_inspection():
    problems = bad({"membership_rate": {"observed": {"members": 99999}},
                    "unresolved_complaints": {"observed": {"unresolved_complaints": -1}},
                    "women_committee": {"observed": {"women_committee": "maybe"}}})
    paths = {p.path: p for p in problems}
    assert set(paths) == {"items.membership_rate.observed.members", "items.unresolved_complaints.observed.unresolved_complaints",
                          "items.women_committee.observed.women_committee"}
    assert all(p.file == "inline.yaml" for p in problems)
    assert "不能大于 职工人数 15280" in paths["items.membership_rate.observed.members"].message


def test_contradictions_are_refused():
    [p] = bad({"membership_rate": {"observed": {"members": 15000}}}, facts={"members": 14000})
    assert "不一致" in p.message
    [p] = bad({"women_committee": {"documents": [{"document": "女职工委员会成立批复", "status": "verified"}]}},
              documents=[{"document": "女职工委员会成立批复", "status": "missing"}])
    assert p.path == "documents[0].status"


def test_shape_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("reference:\n  union: liulian-community\n  period: {start: 2025-01-01, end: 2025-12-31}\n"
                    "  evidence_sha256: abc\n  standard: bahao-community\nitems:\n  work_pattern:\n    scroe: 2\n"
                    "  women_committee:\n    documents:\n      - {document: x, status: lost}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_inspection(str(path))
    got = {(p.line, p.path) for p in problems_of(exc)}
    assert got == {(4, "reference.evidence_sha256"), (8, "items.work_pattern.scroe"), (11, "items.women_committee.documents[0].status")}
    result = run("score", LIULIAN, "--inspection", str(path))
    assert result.exit_code == 2 and f"{path}:8: items.work_pattern.scroe" in result.stderr


def test_a_misspelt_status_lists_the_words_of_the_sheet_with_the_closest_one():
    [p] = bad(documents=[{"document": "女职工委员会成立批复", "status": "已核验"}])
    assert p.path == "documents[0].status"
    assert p.message == "应为 已核实 (verified)、未核实 (not_verified)、缺失 (missing) 之一, 实际为 已核验 (是否应为 已核实?)"
    [p] = bad({"org_established": {"documents": [{"document": "D04", "status": "verifed"}]}})
    assert "已核实 (verified)" in p.message and "(是否应为 verified?)" in p.message and "'verified'" not in p.message
    [p] = bad(events=[{"event": 1, "status": "没找到"}])  # nothing close: no guess
    assert p.path == "events[0].status" and "是否应为" not in p.message and "缺失 (missing)" in p.message
    with pytest.raises(InputError) as exc:
        api.accept_record(LIULIAN, {"reference": reference(LIULIAN), "documents": [{"document": "D04", "status": "verifed"}]},
                          api.ScoreOptions(engine="python", lang="en"))
    assert problems_of(exc)[0].message == ("expected verified, not_verified or missing (or 已核实, 未核实, 缺失), got verifed "
                                           "(did you mean verified?)")


def test_a_score_on_an_item_not_judged_says_what_it_is_scored_from_and_asks_no_reason():
    [p] = bad({"membership_rate": {"score": 2}})
    assert p.path == "items.membership_rate.score" and "理由" not in p.message
    assert "不是酌情评分项" in p.message and "会员人数 (members)" in p.message and "核实值" in p.message
    [p] = bad({"liaison_meetings": {"score": 2}})  # an item counting events
    assert "联谊会议 的活动次数" in p.message and "理由" not in p.message
    with pytest.raises(InputError) as exc:
        api.accept_record(LIULIAN, {"reference": reference(LIULIAN), "items": {"membership_rate": {"score": 2}}},
                          api.ScoreOptions(engine="python", lang="en"))
    [p] = problems_of(exc)
    assert "is not scored by judgement" in p.message and "Union members (members)" in p.message and "reason" not in p.message


def test_every_problem_of_an_inspection_comes_in_one_run(tmp_path):
    """One bad entry hides no other: the shape's problems (a bad date, status, score, event
    number, an unknown key) and those against the record and standard, all in one run."""
    data = {"reference": reference(LIULIAN), "date": "2026-13-01",
            "documents": [{"document": "", "status": "missing"}, {"document": "女职工委员会成立批复", "status": "lost"}],
            "events": [{"event": "abc", "status": "缺失"}, {"event": 999, "status": "缺失"}],
            "event_counts": {"liaison_meeting": "两"},
            "items": {"work_pattern": {"scroe": 2, "score": "两分", "reason": "x"},
                      "membership_rate": {"observed": {"members": 99999}, "score": 1},
                      "work_patern": {"note": "x"}, "five_haves": "oops",
                      "org_established": {"documents": [{"document": "D04", "status": "verifed"}]},
                      "unresolved_complaints": {"reason": "only"}}}
    with pytest.raises(InputError) as exc:
        api.accept_record(LIULIAN, data, api.ScoreOptions(engine="python"))
    assert [p.path for p in problems_of(exc)] == [
        "date", "documents[0].document", "documents[1].status", "events[0].event", "events[1].event",
        "event_counts.liaison_meeting", "items.work_pattern.scroe", "items.work_pattern.score",
        "items.membership_rate.observed.members", "items.membership_rate.score", "items.work_patern", "items.five_haves",
        "items.org_established.documents[0].status", "items.unresolved_complaints.reason"]
    # None of a stand-in: the score that was no number asks no more of its reason, nor the event of its number.
    assert len({p.path for p in problems_of(exc)}) == len(problems_of(exc))
    path = tmp_path / "i.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run("score", LIULIAN, "--inspection", str(path))
    assert result.exit_code == 2 and "共 14 个问题" in result.stderr and "Traceback" not in result.output
    assert "items.membership_rate.observed.members: 会员人数 99999 不能大于" in result.stderr


# ---- the worksheet ---------------------------------------------------------------------------


def test_untouched_worksheet_scores_as_the_self_check(tmp_path):
    out = tmp_path / "ws.yaml"
    result = run("inspect", LIULIAN, "--out", str(out), "--engine", "python")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "evidence_sha256: \"4aebd6f309e7" in text and "inspector:" in text
    got = accepted(LIULIAN, str(out))
    mine, theirs = got["self_check"], got["inspection"]
    assert [d for d in got["differences"]] == []
    assert theirs["sections"] == mine["sections"] and theirs["score"] == mine["score"]
    assert got["conclusion"]["result"] == "pass"
    assert theirs["inspection"] == {"file": str(out), "sha256": load_inspection(str(out)).sha256, "inspector": None, "date": None}


def test_worksheet_lists_every_item_with_what_to_check():
    evidence = load_evidence(LIULIAN)
    target = standard_for(evidence)
    text = worksheet(target, evidence, decider=PythonDecider())
    data = yaml.safe_load(text)
    ids = [it.id for _, it in target.standard.all_items()]
    assert list(data["items"]) == ids
    entry = data["items"]["membership_rate"]
    assert entry["check"]["points"] == 6 and entry["check"]["self_score"] == 6
    assert entry["check"]["reported"] == {"employees": 15280, "members": 15060}
    assert entry["check"]["method"] == ["查阅资料", "抽查"]
    assert entry["observed"] == {"employees": None, "members": None}
    assert {d["document"] for d in entry["documents"]} == {"职工花名册", "会员名册"}
    judged = data["items"]["work_pattern"]
    assert "score" in judged and judged["score"] is None and "reason" in judged
    assert "# 自评 2.6 分" in text  # the self-assessed judgement beside the blank
    # Deterministic: the same record gives the same bytes.
    assert worksheet(target, evidence, decider=PythonDecider()) == text
    assert "Inspection worksheet" in worksheet(target, evidence, decider=PythonDecider(), lang="en")


def test_filled_in_worksheet_loads_as_an_inspection(tmp_path):
    out = tmp_path / "ws.yaml"
    assert run("inspect", NANXINCUN, "--out", str(out), "--engine", "python").exit_code == 0
    text = out.read_text(encoding="utf-8")
    # Fill in by hand, keeping the comments: a value after a key, a status, a score with its reason.
    text = text.replace("inspector:", "inspector: 刘敏", 1).replace("date:", "date: 2026-01-09", 1)
    text = re.sub(r"(\n      workers_in_hardship_aided:)", r"\1 18", text, count=1)
    text = re.sub(r"(facts: \[\"has_sign\"\]\n\s+status:)", r"\1 missing", text, count=1)
    text = re.sub(r"(  work_pattern:\n(?:      .*\n|    check:.*\n)*    score:)", r"\1 1.5", text, count=1)
    text = re.sub(r"(  work_pattern:\n(?:.*\n)*?    reason:)", r"\1 职工参与少", text, count=1)
    out.write_text(text, encoding="utf-8")
    got = accepted(NANXINCUN, str(out))
    assert sorted(item_diffs(got)) == ["five_haves", "hardship_aid", "work_pattern"]
    assert got["conclusion"]["result"] == "downgrade"
    assert got["inspection"]["inspection"]["inspector"] == "刘敏"


def test_worksheet_for_missing_evidence_and_several_standards(tmp_path):
    # Missing facts are listed as not reported; filling one in supplies the evidence.
    out = tmp_path / "tanglang.yaml"
    assert run("inspect", "fixtures/tanglang-community.yaml", "--out", str(out), "--engine", "python").exit_code == 0
    assert "职工人数; 自报: 未提供" in out.read_text(encoding="utf-8")
    # A record applying for two standards needs --standard.
    two = run("inspect", "fixtures/minjiang-machinery-factory.yaml", "--out", str(tmp_path / "m.yaml"))
    assert two.exit_code == 2 and "--standard" in two.stderr
    one = run("inspect", "fixtures/minjiang-machinery-factory.yaml", "--standard", "model-worker-home", "--out",
              str(tmp_path / "m.yaml"), "--engine", "python")
    assert one.exit_code == 0
    assert yaml.safe_load((tmp_path / "m.yaml").read_text(encoding="utf-8"))["reference"]["standard"] == "model-worker-home"


def test_inspect_does_not_overwrite_without_force(tmp_path):
    out = tmp_path / "ws.yaml"
    out.write_text("filled in\n", encoding="utf-8")
    result = run("inspect", LIULIAN, "--out", str(out), "--engine", "python")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "filled in\n"
    assert run("inspect", LIULIAN, "--out", str(out), "--force", "--engine", "python").exit_code == 0
    assert run("inspect", "fixtures/nope.yaml", "--out", str(tmp_path / "x.yaml")).exit_code == 2


# ---- CLI, rendering, determinism, store --------------------------------------------------------


@pytest.mark.parametrize("record,inspection,verdict", [(LIULIAN, PASS, "通过"), (NANXINCUN, DOWNGRADE, "降级通过"),
                                                      (LIULIAN, FAIL, "不通过")])
def test_cli_side_by_side_table_and_conclusion(record, inspection, verdict):
    result = run("score", record, "--inspection", inspection, "--engine", "python")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "二级指标" in out and "自评分" in out and "考核分" in out and "差异" in out and "说明" in out
    assert f"验收结论: {verdict} —" in out
    assert out.count("\n* ") + out.count("\n  * ") >= 2  # differences are marked


def test_cli_json_is_deterministic_and_marks_both_layers():
    args = ("score", LIULIAN, "--inspection", PASS, "--format", "json", "--engine", "python")
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["schema"] == "assess.acceptance/1"
    assert data["self_check"]["layer"] == "self_check" and data["inspection"]["layer"] == "inspection"
    assert set(data["inspection"]["inspection"]) == {"file", "sha256", "inspector", "date"}
    assert data["inspection"]["inspection"]["date"] == "2026-01-14"
    assert "inspection" not in data["self_check"]
    assert first.stdout == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_cli_other_formats_and_english():
    en = run("score", NANXINCUN, "--inspection", DOWNGRADE, "--lang", "en", "--engine", "python")
    assert en.exit_code == 0 and "Conclusion: passes at a lower grade" in en.stdout and "Self-check" in en.stdout
    md = run("score", NANXINCUN, "--inspection", DOWNGRADE, "--format", "markdown", "--engine", "python")
    assert "| 二级指标" in md.stdout and "**验收结论: 降级通过" in md.stdout
    csv_out = run("score", NANXINCUN, "--inspection", DOWNGRADE, "--format", "csv", "--engine", "python").stdout_bytes.decode("utf-8-sig")
    rows = [line.split(",") for line in csv_out.splitlines()]
    assert rows[0][7:9] == ["自评分", "考核分"] and rows[0][12] == "有差异"
    assert sum(1 for r in rows[1:] if r[12] == "是") == 3
    html = run("score", NANXINCUN, "--inspection", DOWNGRADE, "--format", "html", "--engine", "python").stdout
    assert html.startswith("<!DOCTYPE html>") and html.count('class="st-') > 20 and "降级通过" in html and "<script" not in html


def test_cli_fail_below_reads_the_inspection_grade():
    result = run("score", NANXINCUN, "--inspection", DOWNGRADE, "--fail-below", "advanced", "--engine", "python")
    assert result.exit_code == 3 and "低于 “八好”先进社区工会" in result.stderr
    assert run("score", NANXINCUN, "--inspection", DOWNGRADE, "--fail-below", "compliant", "--engine", "python").exit_code == 0


def test_cli_db_saves_both_cards(tmp_path):
    db = tmp_path / "results.sqlite"
    result = run("score", LIULIAN, "--inspection", PASS, "--db", str(db), "--by", "陈立", "--engine", "python")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        cards = [json.loads(c) for (c,) in conn.execute("SELECT card FROM scorecards ORDER BY id")]
    assert [c["layer"] for c in cards] == ["self_check", "inspection"]
    assert [c["score"] for c in cards] == [96.6, 92]


def test_render_is_a_function_of_the_result_only():
    result = accepted(LIULIAN, PASS)
    again = json.loads(json.dumps(result, ensure_ascii=False))
    assert render_acceptance(result, "table", "zh") == render_acceptance(again, "table", "zh")
    self_card = score(standard_for(load_evidence(LIULIAN)), load_evidence(LIULIAN), decider=PythonDecider())
    self_card["layer"] = "self_check"
    assert result["self_check"] == self_card


def test_every_text_is_in_the_catalogue_in_both_languages():
    from assess.core.messages import catalogue

    texts = catalogue()
    used: set[str] = set()
    modules = [path for pattern in ("workflows/inspection/*.py", "workflows/acceptance.py",
                                    "present/renderers/acceptance_*.py", "cli/scoring.py")
               for path in sorted((ROOT / "assess").glob(pattern))]
    assert len(modules) >= 6
    for module in modules:
        source = module.read_text(encoding="utf-8")
        used |= set(re.findall(r'"((?:inspection|acceptance|inspect)\.[a-z_.]+)"', source))
    # Keys built from a value: every value they can take.
    used |= {f"acceptance.why.{s}" for s in ("not_verified", "missing")}
    used |= {f"acceptance.{k}.{r}" for k in ("result", "summary") for r in ("pass", "downgrade", "fail")}
    used |= {f"acceptance.col.{c}" for c in ("item", "points", "self", "inspection", "delta", "note")}
    used -= {"acceptance.why.", "acceptance.col.", "acceptance.result.", "acceptance.summary."}
    assert len(used) > 60
    for key in sorted(used):
        assert key in texts and set(texts[key]) == {"zh", "en"} and all(texts[key].values()), key


def test_a_correction_that_breaks_another_fact_names_the_inspection_file(tmp_path):
    """The inspection corrects 会员人数 to 1; 女会员人数 (6120, left alone) is then above it. The
    problem was reported at the evidence file's line 40, which says 15060 members (break-it
    helper): it names the inspection file, the correction and its line."""
    text = (ROOT / "fixtures" / "inspections" / "liulian-community.pass.yaml").read_text(encoding="utf-8")
    assert text.count("observed: {unresolved_complaints: 1}") == 1
    path = tmp_path / "insp.yaml"
    path.write_text(text.replace("observed: {unresolved_complaints: 1}", "observed: {members: 1}"), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "members: 1}" in row)
    result = CliRunner().invoke(main, ["score", str(ROOT / "fixtures" / "liulian-community.yaml"), "--inspection", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith(f"错误: {path}:{line}: ") and "members = 1" in result.stderr, result.stderr
    assert "facts.women_members" in result.stderr and "6120" in result.stderr


def _xlsx_texts(data: bytes) -> str:
    import io

    from openpyxl import load_workbook
    return "\n".join(str(c) for ws in load_workbook(io.BytesIO(data)).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row if c is not None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_correction_that_changes_no_score_is_listed_among_the_differences_in_every_output(lang):
    data = yaml.safe_load(Path(PASS).read_text(encoding="utf-8"))
    data["items"].setdefault("membership_rate", {})["observed"] = {"members": 15000}  # 入会率 stays in its band
    result = api.accept_record(LIULIAN, data, api.ScoreOptions(engine="python", lang=lang)).result
    assert not any(d["kind"] == "item" and d["item"] == "membership_rate" for d in result["differences"])
    quiet = [d for d in result["differences"] if d["kind"] == "correction"]
    assert [(d["fact"], d["reported"], d["observed"]) for d in quiet] == [("members", 15060, 15000)]
    line = quiet[0]["text"]
    assert ("15060" in line and "15000" in line and
            ("会员人数" in line and "未改变任何指标得分" in line if lang == "zh" else "no item's score changes" in line))
    # a correction some differing item already gives as its reason is not listed twice
    assert not any(d["kind"] == "correction" and d["fact"] == "unresolved_complaints" for d in result["differences"])
    for fmt in ("table", "markdown", "html", "json"):
        out = render_acceptance(result, fmt, lang)
        shown = out if isinstance(out, str) else out.data.decode("utf-8")
        if fmt == "html":  # escaped, and a sentence there: capitalised, with a full stop
            import html
            shown, line = html.unescape(shown), line[1:]
        assert (json.dumps(line, ensure_ascii=False)[1:-1] if fmt == "json" else line) in shown, fmt
    assert quiet[0]["text"] in _xlsx_texts(render_acceptance(result, "xlsx", lang).data)
