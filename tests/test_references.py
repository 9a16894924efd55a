"""Names a record uses for what a standard defines are checked: each misreading that used to pass
silently and change results is now read right, or is an error with a hint."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess import api
from assess.cli import main

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = ROOT / "fixtures/tanglang-community.yaml"
LIULIAN = ROOT / "fixtures/liulian-community.yaml"
PASS = ROOT / "fixtures/inspections/liulian-community.pass.yaml"
PYTHON = api.ScoreOptions(engine="python")


def _data(path: Path = TANGLANG) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _card(data: dict, options: api.ScoreOptions = PYTHON) -> dict:
    return api.score_record(data, options).scored[0].card


def _problems(data: dict, options: api.ScoreOptions = PYTHON) -> str:
    with pytest.raises(api.InputError) as info:
        api.score_record(data, options)
    return str(info.value)


@pytest.mark.parametrize("written", ["demonstration", "示范", "“八好”示范社区工会", "八好示范社区工会", "Eight Goods demonstration community union"])
def test_the_applied_grade_by_id_short_title_or_title(written):
    data = _data()
    data["applications"][0]["grade"] = written
    assert _card(data)["applied_for"] == _card(_data())["applied_for"]
    assert _card(data)["applied_for"]["grade"] == "demonstration"


def test_an_unknown_applied_grade_lists_the_grades():
    data = _data()
    data["applications"][0]["grade"] = "示范级社区"
    text = _problems(data)
    assert "applications[0].grade: 申报等级 示范级社区 不是标准 bahao-community 的等级" in text
    assert "demonstration (“八好”示范社区工会), advanced (“八好”先进社区工会), compliant (“八好”达标社区工会)" in text


def test_the_acceptance_conclusion_reads_a_grade_written_as_its_short_title(tmp_path):
    # 示范 used to be "not reached" everywhere, the signed conclusion included.
    data = _data(LIULIAN)
    data["applications"][0]["grade"] = "示范"
    record = tmp_path / "r.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    inspection = _data(PASS)
    inspection["reference"]["evidence_sha256"] = api.load_record(record).sha256
    by_title = api.accept_record(record, inspection, PYTHON).result["conclusion"]
    by_id = api.accept_record(LIULIAN, PASS, PYTHON).result["conclusion"]
    assert by_title == by_id


def test_event_kinds_by_label_count_like_their_ids():
    data = _data()
    labelled = copy.deepcopy(data)
    labels = api.load_standard("bahao-community").standard.event_kinds
    for ev in labelled["events"]:
        ev["kind"] = labels[ev["kind"]].zh
    assert _card(labelled)["score"] == _card(data)["score"]
    assert _card(labelled)["sections"] == _card(data)["sections"]


def test_an_event_kind_misspelt_by_one_letter_is_an_error_with_a_suggestion():
    data = _data()
    data["events"][0]["kind"] = "party_union_meting"
    text = _problems(data)
    assert "events[0].kind: 未知的活动类型 party_union_meting" in text
    assert "是否应为 party_union_meeting (党总支研究工会工作会议)?" in text


def test_an_event_kind_misspelt_in_chinese_gets_its_hint_in_english_too():
    # A Chinese workbook read with --lang en: the hint is found among the labels of both languages.
    data = _data()
    data["events"][0]["kind"] = "党总支研究工会工作"
    text = _problems(data, api.ScoreOptions(engine="python", lang="en"))
    assert "did you mean party_union_meeting (" in text, text


def test_union_kinds_by_chinese_name_and_unknown_kinds_with_a_hint():
    data = _data()
    data["union"]["kind"] = "社区工会"
    assert _card(data)["union"]["kind"] == "community_union"
    data["union"]["kind"] = "社区工会会"
    text = _problems(data, api.ScoreOptions(standard="bahao-community", engine="python"))
    assert "union.kind: 未知的工会类型 社区工会会 (是否应为 社区工会?)" in text


def test_a_standard_for_other_kinds_of_union_is_an_error_unless_overridden():
    data = _data(ROOT / "fixtures/small-shop-18.yaml")  # a grassroots union
    options = api.ScoreOptions(standard="bahao-community", engine="python")
    text = _problems(data, options)
    assert "union.kind: 标准 bahao-community 适用于 community_union (社区工会)" in text and "override_kind: true" in text
    data["applications"] = [{"standard": "bahao-community", "grade": "达标", "override_kind": True}]
    assert _card(data, options)["standard"]["id"] == "bahao-community"


def test_judgements_under_an_unknown_standard_are_an_error():
    data = _data()
    data["judgements"]["bahao-comunity"] = data["judgements"].pop("bahao-community")
    assert "judgements.bahao-comunity: 酌情评分所列的标准 bahao-comunity 不是已知标准 (是否应为 bahao-community?)" in _problems(
        data, api.ScoreOptions(standard="bahao-community", engine="python"))


def test_an_application_for_an_unknown_standard_is_an_error_when_another_is_given():
    data = _data()
    data["applications"].append({"standard": "liuyou-grasroots", "grade": "demonstration"})
    assert "是否应为 liuyou-grassroots?" in _problems(data, api.ScoreOptions(standard="bahao-community", engine="python"))


def test_a_misspelt_application_is_named_where_it_stands_with_the_records_other_problems(tmp_path):
    """Without --standard a misspelt applications[].standard used to say only 未知标准, with no
    file or line, and hid every other problem of the record."""
    text = TANGLANG.read_text(encoding="utf-8").replace("standard: bahao-community", "standard: bahao-comunity")
    text = text.replace("members: {value: 214,", "memberz: {value: 214,")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2, result.output
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "bahao-comunity" in t)
    assert f"r.yaml:{line}: applications[0].standard: 申报的标准 bahao-comunity 不是已知标准 (是否应为 bahao-community?)" in result.output
    assert "facts.memberz: 未知字段 memberz" in result.output and "共 2 个问题" in result.output


def test_a_misspelt_application_beside_a_refused_value_says_both(tmp_path):
    data = _data()
    data["applications"][0]["standard"] = "bahao-comunity"
    data["period"]["end"] = "2025-13-31"
    text = _problems(data)
    assert "period.end: 没有这个日期" in text and "applications[0].standard: 申报的标准 bahao-comunity" in text


def test_judgements_a_copied_standard_does_not_read_are_noted(tmp_path):
    """A standard copied under a new id reads no judgement filed under the old id: the item counts
    as missing evidence, and a note beside the card says why (it used to pass in silence)."""
    copy_path = tmp_path / "my-bahao.yaml"
    copy_path.write_text((ROOT / "rulesets/bahao-community.yaml").read_text(encoding="utf-8").replace(
        "\nid: bahao-community", "\nid: my-bahao"), encoding="utf-8")
    [scored] = api.score_record(_data(), api.ScoreOptions(standard=copy_path, engine="python")).scored
    applied, note = scored.notes
    assert "applications: 记录申报的是 bahao-community demonstration, 没有按 my-bahao 申报; 本评分卡不显示申报等级" in applied
    assert scored.card["applied_for"] is None
    assert "judgements.bahao-community.work_pattern: 酌情评分 work_pattern 记在标准 bahao-community 名下, 按 my-bahao" in note
    assert [i for s in scored.card["sections"] for i in s["items"] if i["id"] == "work_pattern"][0]["status"] == "missing"
    data = _data()
    data["judgements"]["my-bahao"] = copy.deepcopy(data["judgements"]["bahao-community"])
    data["applications"].append({"standard": "my-bahao", "grade": "advanced"})
    assert api.score_record(data, api.ScoreOptions(standard=copy_path, engine="python")).scored[0].notes == ()
    assert api.score_record(_data(), PYTHON).scored[0].notes == ()


def test_counts_written_as_text_are_decimal_never_octal():
    data = _data()
    data["facts"]["members"] = {"value": "0214", "documents": ["T02"]}
    assert _card(data) == _card(_data()) | {"evidence_sha256": _card(data)["evidence_sha256"]}


def test_a_count_with_a_leading_zero_in_yaml_is_decimal(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(TANGLANG.read_text(encoding="utf-8").replace("members: {value: 214,", "members: {value: 0214,"),
                    encoding="utf-8")
    card = api.score_record(path, PYTHON).scored[0].card
    assert {k: v for k, v in card.items() if not k.startswith("evidence")} == {
        k: v for k, v in _card(_data()).items() if not k.startswith("evidence")}


def test_a_full_width_percent_is_read_with_no_english_in_the_chinese_interface(tmp_path):
    case = ROOT / "tests/data/fullwidth-percent.yaml"  # `member_satisfaction: 94％`, from the field
    result = CliRunner().invoke(main, ["score", str(case), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = _data(case)
    data["facts"]["member_satisfaction"]["value"] = "九十四"
    result = CliRunner().invoke(main, ["score", str(_write(tmp_path, data))])
    assert result.exit_code == 2
    assert "应为比率 (如 93.5%、0.935 或 93.5; 大于 1 的数按百分数读), 实际为 九十四" in result.stderr
    assert "expected" not in result.stderr


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_full_width_colon_is_named_by_its_line(tmp_path):
    text = TANGLANG.read_text(encoding="utf-8").replace("  union_staff: 3", "  union_staff： 3")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  union_staff： 3") + 1
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line}:14: 这里用了全角冒号 ：, 请改为半角冒号 : 并在其后加空格\n" == result.stderr.split("错误: ")[1]
    flow = text.replace("  union_staff： 3", "  union_staff: 3").replace(
        "{kind: liaison_meeting, date: 2025-04-22,", "{kind: liaison_meeting，date: 2025-04-22,")
    path.write_text(flow, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2 and "这里用了全角逗号 ，, 请改为半角逗号 ," in result.stderr


def test_natural_spellings_in_yaml_and_all_problems_in_one_pass_with_a_count(tmp_path):
    data = _data()
    data["period"] = {"start": "2025/1/1", "end": "2025年12月31日", "label": "2025年度"}
    data["facts"]["has_sign"] = "√"
    data["facts"]["union_staff"] = "３"
    data["events"][0]["date"] = "2025.3.10"
    assert _card(data) == _card(_data()) | {"evidence_sha256": _card(data)["evidence_sha256"]}
    data["facts"]["has_office"] = "大概"
    data["events"][1]["date"] = "2025年6月31日"  # (a bare 2025-6-31 is refused by the YAML reader itself)
    data["documents"][0]["date"] = "去年"
    result = CliRunner().invoke(main, ["score", str(_write(tmp_path, data))])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].endswith("共 3 个问题") and len(lines) == 4
    assert "documents[0].date" in lines[1] and "events[1].date: 没有这个日期" in result.stderr and "facts.has_office" in result.stderr


def test_a_problem_of_the_whole_record_is_reported_not_salvaged(tmp_path):
    data = _data()
    data["documents"].append(dict(data["documents"][0]))  # a document id twice
    data["facts"]["has_sign"] = "也许"
    result = CliRunner().invoke(main, ["score", str(_write(tmp_path, data))])
    assert result.exit_code == 2 and "文件编号重复: T01" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("written", ["Advanced", " advanced", "ADVANCED ", "Ａｄｖａｎｃｅｄ"])
def test_an_applied_grade_with_case_or_spaces_is_the_same_grade_id(written):
    data = _data()
    data["applications"][0]["grade"] = written
    assert _card(data)["applied_for"]["grade"] == "advanced"


def test_a_misspelt_applied_grade_says_which_it_may_be_as_an_honours_grade_does():
    data = _data()
    data["applications"][0]["grade"] = "demonstraton"
    assert "申报等级 demonstraton 不是标准 bahao-community 的等级 (是否应为 demonstration?); 可选: " in _problems(data)
    data = _data()
    data["honours"] = [{"title": "示范", "year": 2024, "standard": "bahao-community", "grade": "demonstraton"}]
    assert "(是否应为 demonstration?)" in _problems(data)


@pytest.mark.parametrize("field", ["applications", "honours"])
@pytest.mark.parametrize("written", [" bahao-community", "bahao-community ", "Bahao-Community"])
def test_a_standard_id_with_spaces_or_capitals_is_refused_shown_as_written_with_a_hint(field, written):
    # never read as another id; the spaces shown, which would otherwise not be seen
    data = _data()
    if field == "applications":
        data["applications"][0]["standard"] = written
    else:
        data["honours"] = [{"title": "示范", "year": 2024, "standard": written, "grade": "demonstration"}]
    text = _problems(data, api.ScoreOptions(standard="bahao-community", engine="python"))
    shown = written if written == written.strip() else f'"{written}"'
    assert f"{field}[0].standard: " in text and f"{shown} 不是已知标准 (是否应为 bahao-community?)" in text
