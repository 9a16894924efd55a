"""The inspector's worksheet as a workbook (assess inspect --xlsx), read back with --inspection; and
inspections that correct event counts (an observed count per kind, single events not verified)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from assess import api
from assess.cli import main

ROOT = Path(__file__).resolve().parent.parent
LIULIAN = ROOT / "fixtures/liulian-community.yaml"
PASS = ROOT / "fixtures/inspections/liulian-community.pass.yaml"
PYTHON = api.ScoreOptions(engine="python")
VOLATILE = ("inspection",)


def _workbook(tmp_path: Path, record: Path = LIULIAN) -> Path:
    out = tmp_path / "i.xlsx"
    result = CliRunner().invoke(main, ["inspect", str(record), "--xlsx", str(out), "--engine", "python"])
    assert result.exit_code == 0, result.output
    return out


def _row(ws, item: str, key: str | None = None) -> int:
    return next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 1).value == item and (key is None or ws.cell(r, 9).value == key))


def _key_row(ws, key, col: int = 1) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == key)


def _same(a: dict, b: dict) -> None:
    """Two acceptance results agree on everything but the inspection file's name and hash."""
    strip = lambda card: {k: v for k, v in card.items() if k != "inspection"}  # noqa: E731
    assert strip(a["inspection"]) == strip(b["inspection"]) and a["self_check"] == b["self_check"]
    assert a["conclusion"] == b["conclusion"]
    assert [d.get("why") for d in a["differences"]] == [d.get("why") for d in b["differences"]]


def test_the_workbook_has_one_row_per_item_and_fact_and_hidden_meta(tmp_path):
    wb = load_workbook(_workbook(tmp_path))
    assert wb.sheetnames[:5] == ["考核信息", "考核表", "材料核查", "活动次数", "活动明细"] and wb.active.title == "考核信息"
    ws = wb["考核表"]
    assert [c.value for c in ws[1]] == ["编号", "一级指标", "二级指标", "标准分", "自评分", "检查内容", "考核方法", "核查指标",
                                        "字段", "自报值", "核实值", "考核分", "说明"]
    standard = api.load_standard("bahao-community").standard
    assert {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)} == {it.id for _, it in standard.all_items()}
    methods = {m for r in range(2, ws.max_row + 1) for m in str(ws.cell(r, 7).value or "").split("、") if m}
    assert {"查阅资料", "实地查看", "个别谈话"} <= methods
    assert ws.cell(_row(ws, "org_established"), 10).value == "是"
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    assert meta["evidence_sha256"] == api.load_record(LIULIAN).sha256 and wb["_meta"].sheet_state == "hidden"


def test_an_untouched_workbook_scores_as_the_self_check(tmp_path):
    done = api.accept_record(LIULIAN, _workbook(tmp_path), PYTHON).result
    assert done["differences"] == [] and done["inspection"]["score"] == done["self_check"]["score"]


def test_a_filled_workbook_reads_as_the_same_yaml_inspection(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    info, items, docs = wb["考核信息"], wb["考核表"], wb["材料核查"]
    info["C2"], info["C3"], info["C4"] = "坪山区总工会考核组 陈立", "2026年1月14日", "台账齐全、活动扎实；女职委材料和投诉办结情况需补正。"
    r = _row(items, "unresolved_complaints", "unresolved_complaints")
    items.cell(r, 11).value, items.cell(r, 13).value = "１", "台账第 37 号欠薪投诉（2025-11-06 受理）未办结"
    r = _row(items, "work_pattern")
    items.cell(r, 12).value = 2
    items.cell(r, 13).value = "个别谈话（6 人）显示小微企业职工对工联会活动知晓率低，“职工参与”不足，扣 1 分。"
    r = _key_row(docs, "D12")
    docs.cell(r, 4).value = "已核实"
    r = _key_row(docs, "女职工委员会成立批复")
    docs.cell(r, 4).value, docs.cell(r, 5).value = "未核实", "现场未能提供批复原件，仅有会议照片"
    wb.save(book)
    same = yaml.safe_load(PASS.read_text(encoding="utf-8"))
    same["items"]["women_committee"]["documents"][0].pop("facts")  # the workbook names the document alone
    _same(api.accept_record(LIULIAN, book, PYTHON).result, api.accept_record(LIULIAN, same, PYTHON).result)
    result = CliRunner().invoke(main, ["score", str(LIULIAN), "--inspection", str(book)])
    assert result.exit_code == 0 and "通过" in result.stdout


def test_problems_in_the_workbook_are_named_by_cell(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    items = wb["考核表"]
    r = _row(items, "five_haves", "union_staff")
    items.cell(r, 11).value = "很多"
    s = _row(items, "work_pattern")
    items.cell(s, 12).value = 9
    items.cell(s, 13).value = "x"
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    text = str(info.value)
    # named by the column's heading, never by the path of the YAML file the workbook stands for
    assert f"i.xlsx:考核表!K{r}: 核实值: 应为整数, 实际为 很多" in text
    assert f"i.xlsx:考核表!L{s}: 考核分: " in text and "items." not in text


def test_a_score_without_its_reason_names_the_note_cell_not_the_yaml_key(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    items = wb["考核表"]
    s = _row(items, "work_pattern")
    items.cell(s, 12).value = 2
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    assert str(info.value).endswith(f"i.xlsx:考核表!L{s}: 考核分: 考核评分必须说明理由: 请写在 说明 列 (考核表!M{s})")
    assert "reason" not in str(info.value)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, api.ScoreOptions(engine="python", lang="en"))
    assert f"考核分: an inspection score needs a reason: write it in the 说明 column (考核表!M{s})" in str(info.value)


def test_a_score_on_a_counted_item_names_the_event_count_cells_where_corrections_go(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    items, counts = wb["考核表"], wb["活动次数"]
    s = _row(items, "five_days")
    items.cell(s, 12).value = 3
    wb.save(book)
    rows = sorted(_key_row(counts, k) for k in ("co_building_day", "study_day", "deliberation_day", "hygiene_day", "service_day"))
    assert rows == list(range(rows[0], rows[0] + 5))
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    text = str(info.value)
    assert f"考核表!L{s}: 考核分: 指标 five_days 不是酌情评分项" in text
    assert f"请在 活动次数 表 核实值 列 (E{rows[0]}:E{rows[-1]}) 填写核实值" in text
    # an item scored from facts: the 核实值 cells of its own rows
    items.cell(s, 12).value = None
    m = _row(items, "membership_rate")
    items.cell(m, 12).value = 2
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    assert f"请在 考核表 表 核实值 列 (K{m}:K{m + 1}) 填写核实值" in str(info.value)


def test_event_counts_and_unverified_events_correct_the_counted_items(tmp_path):
    record = api.load_record(LIULIAN).record
    meetings = [i + 1 for i, e in enumerate(record.events) if e.kind == "party_union_meeting"]
    inspection = yaml.safe_load(PASS.read_text(encoding="utf-8"))
    inspection["event_counts"] = {"联谊会议": 1}  # by label: 4 reported, 1 found
    inspection["events"] = [{"event": meetings[0], "status": "未核实", "note": "无会议记录"}]
    done = api.accept_record(LIULIAN, inspection, PYTHON).result
    items = {it["id"]: it for s in done["inspection"]["sections"] for it in s["items"]}
    self_items = {it["id"]: it for s in done["self_check"]["sections"] for it in s["items"]}
    assert items["liaison_meetings"]["awarded"] < self_items["liaison_meetings"]["awarded"]
    assert items["party_union_meetings"]["awarded"] == self_items["party_union_meetings"]["awarded"] - 1
    why = {d["item"]: d["why"] for d in done["differences"] if d["kind"] == "item"}
    assert why["liaison_meetings"][0] == "联谊会议: 自评 4 次, 考核核实 1 次"
    assert why["party_union_meetings"][0].startswith(f"第 {meetings[0]} 项活动") and "未核实, 不计入 (无会议记录)" in why[
        "party_union_meetings"][0]
    event = record.events[meetings[0] - 1]
    dated = f"{event.date.isoformat()} {event.title}" if event.title else event.date.isoformat()
    assert f"({dated}, 党总支研究工会工作会议)" in why["party_union_meetings"][0]  # no stray space without a title


def test_the_event_count_workbook_sheets_read_back(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    counts, events = wb["活动次数"], wb["活动明细"]
    counts.cell(_key_row(counts, "liaison_meeting"), 5).value = 1
    events.cell(2, 6).value, events.cell(2, 7).value = "缺失", "无会议记录"
    wb.save(book)
    loaded = api.load_inspection(book)
    assert loaded.model.event_counts == {"liaison_meeting": 1}
    assert [(e.event, e.status, e.note) for e in loaded.model.events] == [(1, "missing", "无会议记录")]


def test_bad_event_findings_are_errors_with_hints():
    inspection = yaml.safe_load(PASS.read_text(encoding="utf-8"))
    inspection["event_counts"] = {"liaison_meting": 1, "workers_congress": "两次", "party_union_meeting": -1}
    inspection["events"] = [{"event": 999, "status": "缺失"}]
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, inspection, PYTHON)
    text = str(info.value)
    assert "event_counts.liaison_meting: 标准 bahao-community 不统计活动类型 liaison_meting (是否应为 liaison_meeting?)" in text
    assert "event_counts.workers_congress: 应为整数, 实际为 两次" in text and "次数不能为负数" in text
    assert "events[0].event: 记录中没有第 999 项活动" in text


def test_the_yaml_worksheet_offers_event_counts(tmp_path):
    out = tmp_path / "w.yaml"
    api.write_worksheet(LIULIAN, out, PYTHON)
    sheet = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(sheet["event_counts"]) >= {"party_union_meeting", "liaison_meeting"} and sheet["events"] == []
    assert "联谊会议: 自报 4 次 (2025-01-01 起)" in out.read_text(encoding="utf-8")


def test_inspect_needs_one_output():
    assert CliRunner().invoke(main, ["inspect", str(LIULIAN)]).exit_code == 2


def test_a_veto_incident_found_on_site_has_its_blank_and_rules_the_grade_out(tmp_path):
    """An inspector's most consequential finding, a 群体性事件 the union did not report, has a blank
    in both worksheets (the kinds a veto counts, not only those an item counts)."""
    out = tmp_path / "w.yaml"
    api.write_worksheet(LIULIAN, out, PYTHON)
    assert {"serious_rights_violation", "mass_incident"} <= set(yaml.safe_load(out.read_text(encoding="utf-8"))["event_counts"])
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    counts = wb["活动次数"]
    counts.cell(_key_row(counts, "mass_incident"), 5).value = 1
    wb.save(book)
    done = api.accept_record(LIULIAN, book, PYTHON).result
    assert done["self_check"]["grade"] is not None and done["inspection"]["grade"] is None
    assert [d["inspection_triggered"] for d in done["differences"] if d["kind"] == "veto"] == [True]


def test_an_event_count_row_named_by_its_label_only_is_read_by_the_label(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    counts = wb["活动次数"]
    row = _key_row(counts, "liaison_meeting")
    counts.cell(row, 1).value, counts.cell(row, 5).value = None, 1  # 字段 blank, as in a row a person adds
    wb.save(book)
    assert api.load_inspection(book).model.event_counts == {"联谊会议": 1}


def test_a_document_or_event_title_is_headed_as_a_name_not_as_an_item(tmp_path):
    wb = load_workbook(_workbook(tmp_path))
    assert wb["考核表"].cell(1, 3).value == "二级指标"
    assert wb["材料核查"].cell(1, 2).value == "名称" and wb["活动明细"].cell(1, 5).value == "名称"


def test_a_status_not_on_the_drop_down_lists_the_drop_down_words(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    docs, events = wb["材料核查"], wb["活动明细"]
    docs.cell(2, 4).value, events.cell(2, 6).value = "已核验", "没找到"
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    assert [str(p) for p in info.value.problems] == [
        f"{book}:材料核查!D2: 核查结果: 应为 已核实、未核实、缺失 之一, 实际为 已核验 (是否应为 已核实?)",
        f"{book}:活动明细!F2: 核查结果: 应为 已核实、未核实、缺失 之一, 实际为 没找到"]
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, api.ScoreOptions(engine="python", lang="en"))
    assert info.value.problems[0].message == ("expected 已核实 (verified), 未核实 (not verified) or 缺失 (missing), "
                                              "got 已核验 (did you mean 已核实?)")


def test_a_misspelt_status_gets_the_same_hint_as_in_the_yaml_worksheet(tmp_path):
    """One hint for both sheets (statuses.refused): a look-alike or same-meaning character (己核实,
    没核实) gets its word, and a misspelt id the drop-down's word for it."""
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    docs, events = wb["材料核查"], wb["活动明细"]
    docs.cell(2, 4).value, events.cell(2, 6).value, events.cell(3, 6).value = "己核实", "没核实", "verifed"
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    assert [p.message.split("实际为 ")[-1] for p in info.value.problems] == [
        "己核实 (是否应为 已核实?)", "没核实 (是否应为 未核实?)", "verifed (是否应为 已核实?)"]


def test_every_problem_of_a_workbook_comes_in_one_run(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    info, items, docs = wb["考核信息"], wb["考核表"], wb["材料核查"]
    info["C3"] = "2026年13月1日"
    r = _row(items, "five_haves", "union_staff")
    items.cell(r, 11).value = "很多"
    s = _row(items, "membership_rate")
    items.cell(s, 12).value = 2  # no judgement item: no reason asked for
    docs.cell(2, 4).value = "verifed"
    wb.save(book)
    with pytest.raises(api.InputError) as raised:
        api.accept_record(LIULIAN, book, PYTHON)
    cells = [p.cell for p in raised.value.problems]
    assert cells == ["考核信息!C3", f"考核表!K{r}", f"考核表!L{s}", "材料核查!D2"]
    assert "不是酌情评分项" in raised.value.problems[2].message and "理由" not in raised.value.problems[2].message


def test_event_dates_are_date_cells_and_text_dates_still_read(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    events, counts = wb["活动明细"], wb["活动次数"]
    first = api.load_record(LIULIAN).record.events[0]
    assert events.cell(2, 3).is_date and events.cell(2, 3).value.date() == first.date
    assert events.cell(2, 3).number_format == "yyyy-mm-dd" and counts.cell(2, 3).is_date
    events.cell(2, 6).value = "缺失"
    events.cell(3, 3).value, events.cell(3, 6).value = "2025-03-12", "未核实"  # a date typed as text, as older workbooks hold
    wb.save(book)
    loaded = api.load_inspection(book)
    assert [(e.event, e.status) for e in loaded.model.events] == [(1, "missing"), (2, "not_verified")]
    assert api.accept_record(LIULIAN, book, PYTHON).result["inspection"]["score"] is not None


def test_an_unverified_event_without_a_title_reads_without_a_stray_space(tmp_path):
    data = yaml.safe_load(LIULIAN.read_text(encoding="utf-8"))
    first = next(i for i, e in enumerate(data["events"]) if e["kind"] == "party_union_meeting")
    data["events"][first].pop("title", None)
    record = tmp_path / "r.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sheet = tmp_path / "w.yaml"
    api.write_worksheet(record, sheet, PYTHON)
    inspection = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    inspection["events"] = [{"event": first + 1, "status": "未核实"}]
    done = api.accept_record(record, inspection, PYTHON).result
    [why] = [d["why"][0] for d in done["differences"] if d.get("item") == "party_union_meetings"]
    assert " ," not in why and f"({data['events'][first]['date']}, " in why, why


@pytest.mark.parametrize("written", ["是", "有", "Y"])
def test_a_yes_written_in_words_is_reported_as_yes_not_excels_true(tmp_path, written):
    # A record from a fill-in workbook holds 是 as written: its 自报值 cell is 是, not TRUE.
    record = tmp_path / "r.yaml"
    record.write_text(LIULIAN.read_text(encoding="utf-8").replace("org_established: {value: true,", f"org_established: {{value: {written},"),
                      encoding="utf-8")
    assert f"org_established: {{value: {written}," in record.read_text(encoding="utf-8")
    ws = load_workbook(_workbook(tmp_path, record))["考核表"]
    assert ws.cell(_row(ws, "org_established"), 10).value == "是"


def test_a_date_cell_outside_the_dates_a_record_means_and_a_formula_without_its_result_are_refused(tmp_path):
    """考核日期 -5 (Excel shows 1899-12-25) is no inspection date, and a formula never calculated
    (=TODAY() written by a script) is not a blank inspector: each is said at its cell."""
    out = _workbook(tmp_path)
    wb = load_workbook(out)
    info = wb["考核信息"]
    info["C2"], info["C3"] = "=A1", -5
    info["C3"].number_format = "yyyy-mm-dd"
    wb.save(out)
    with pytest.raises(api.InputError) as refused:
        api.accept_record(str(LIULIAN), str(out), PYTHON)
    texts = [str(p) for p in refused.value.problems]
    assert any("考核信息!C2" in t and "=A1" in t for t in texts), texts
    assert any("考核信息!C3" in t and "实际为 -5" in t for t in texts), texts


def test_a_fill_in_workbook_date_of_serial_1_is_refused_at_its_cell(tmp_path):
    book = tmp_path / "t.xlsx"
    record = api.load_record(str(LIULIAN))
    api.write_template(api.standards_for(record)[0], book, record=str(LIULIAN))
    wb = load_workbook(book)
    ws = wb["基本信息"]
    row = _key_row(ws, "period.start", col=1) if any(c.value == "period.start" for c in ws["A"]) else None
    cell = ws.cell(row, 3) if row else next(c for r in ws.iter_rows() for c in r if c.value == record.record.period.start)
    cell.value = 1
    wb.save(book)
    with pytest.raises(api.InputError) as refused:
        api.read_workbook(book)
    assert any("实际为 1" in str(p) and "基本信息!" in str(p) for p in refused.value.problems), refused.value.problems


@pytest.mark.parametrize("written, said", [("#N/A", "公式错误值 #N/A"), (True, "逻辑值 TRUE"),
                                           (__import__("datetime").date(2026, 1, 14), "日期 2026-01-14")])
def test_an_inspector_cell_holding_no_name_is_refused_at_its_cell(tmp_path, written, said):
    """#N/A, TRUE or a date in 考核人 used to be taken as the inspector's name and stamped on the card."""
    out = _workbook(tmp_path)
    wb = load_workbook(out)
    info = wb["考核信息"]
    info["C2"] = written
    wb.save(out)
    with pytest.raises(api.InputError) as refused:
        api.accept_record(str(LIULIAN), str(out), PYTHON)
    texts = [str(p) for p in refused.value.problems]
    assert texts == [f"{out}:考核信息!C2: 考核人: 考核人应填写姓名 (文字), 实际为{said}"], texts
    info["C2"] = "陈立"
    wb.save(out)
    assert api.accept_record(str(LIULIAN), str(out), PYTHON)


@pytest.mark.parametrize("day", ["2024-06-30", "2025-06-30", "2025-12-31"])
def test_an_inspection_date_before_the_period_ends_is_refused_at_its_cell(tmp_path, day):
    out = _workbook(tmp_path)
    wb = load_workbook(out)
    wb["考核信息"]["C3"] = day
    wb.save(out)
    with pytest.raises(api.InputError) as refused:
        api.accept_record(str(LIULIAN), str(out), PYTHON)
    texts = [str(p) for p in refused.value.problems]
    assert any(t.startswith(f"{out}:考核信息!C3: 考核日期: 考核日期 {day} 不在考核期 (2025-01-01 ~ 2025-12-31) 结束之后")
               for t in texts), texts
    wb["考核信息"]["C3"] = "2026-01-01"
    wb.save(out)
    assert api.accept_record(str(LIULIAN), str(out), PYTHON)


def test_the_inspection_sheet_heads_the_inspectors_column_as_the_inspections_and_reads_the_old_heading(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    assert [c.value for c in wb["考核信息"][1]] == ["字段", "项目", "考核值"]
    out = tmp_path / "en.xlsx"
    result = CliRunner().invoke(main, ["inspect", str(LIULIAN), "--xlsx", str(out), "--engine", "python", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert [c.value for c in load_workbook(out)["Inspection"][1]] == ["Key", "Item", "Inspection value"]
    # a workbook made before the rename, its column headed 填报值, still reads
    wb["考核信息"]["C1"], wb["考核信息"]["C2"] = "填报值", "区总工会考核组 李明"
    wb.save(book)
    assert api.accept_record(LIULIAN, book, PYTHON).result["inspection"]["inspection"]["inspector"] == "区总工会考核组 李明"


def test_a_document_the_workbook_cannot_tie_to_facts_is_not_told_to_use_a_yaml_key(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    docs = wb["材料核查"]
    r = docs.max_row + 1
    docs.cell(r, 1).value, docs.cell(r, 4).value = "现场台账", "已核实"
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    text = str(info.value)
    assert f"材料核查!A{r}: 材料: 无法确定材料“现场台账”证明哪些事实" in text and "请改填证据记录中的文件编号或标准中的佐证材料名称" in text
    assert "facts:" not in text


def test_a_count_of_events_corrected_on_the_items_sheet_is_sent_to_the_event_counts_sheet(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    items = wb["考核表"]
    r = items.max_row + 1
    items.cell(r, 1).value, items.cell(r, 9).value, items.cell(r, 11).value = "liaison_meetings", "liaison_meetings", 1
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    text = str(info.value)
    assert f"考核表!K{r}: 核实值: liaison_meetings 是事件计数, 不能在考核表上更正; 请在 活动次数 表填写核实的次数" in text
    assert "note" not in text


def test_a_hidden_sheet_with_content_is_refused_naming_it_and_a_blank_one_is_not(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    wb.create_sheet("空表").sheet_state = "hidden"
    wb["考核表"].sheet_state = "hidden"  # a sheet of the workbook hidden: read as it is
    wb.save(book)
    api.accept_record(LIULIAN, book, PYTHON)
    draft = wb.create_sheet("复核")
    draft["B3"] = 5
    draft.sheet_state = "veryHidden"
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    assert "i.xlsx:复核!B3: 工作表 “复核” 是隐藏的, 但填了内容" in str(info.value)


def test_a_correction_that_breaks_the_record_is_named_by_its_cell_not_a_yaml_path_and_line(tmp_path):
    book = _workbook(tmp_path)
    wb = load_workbook(book)
    items = wb["考核表"]
    r = _row(items, "membership_rate", "members")
    items.cell(r, 11).value = 100  # below 女会员人数 6120
    wb.save(book)
    with pytest.raises(api.InputError) as info:
        api.accept_record(LIULIAN, book, PYTHON)
    text = str(info.value)
    assert f"考核表!K{r}: 核实值: 按考核文件的更正 (考核表!K{r} = 100) 改过之后" in text
    assert "items." not in text and "第 ? 行" not in text
