"""Input faults of the fill-in workbook, the roster and the files `assess` writes, found by
testers (issue 12): each refused with the file, sheet and cell named, exit code 2, never read as
something else or left out in silence."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assess import api
from assess.cli import main
from assess.workflows.batch import CSV_COLUMNS
from csvrows import rows_by_column
from test_roster import _roster_rows, _write_csv, _write_xlsx

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures/tanglang-community.yaml"


def _template_with(tmp_path, edits) -> Path:
    book = tmp_path / "t.xlsx"
    api.write_template("bahao-community", book, record=FIXTURE, force=True)
    wb = load_workbook(book)
    edits(wb)
    wb.save(book)
    return book


def _row(ws, key: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)


def _score(*args: str):
    return CliRunner().invoke(main, ["score", *args])


# ---- files written: a missing directory is refused, never created ----------------------------


@pytest.mark.parametrize("args", [["template", "bahao-community", "--xlsx"], ["template", "bahao-community", "--roster"],
                                  ["schema", "evidence", "--out"], ["score", str(FIXTURE), "--out"],
                                  ["batch", str(FIXTURE), "--standard", "bahao-community", "--out"]])
def test_a_missing_directory_is_refused_not_created(tmp_path, args):
    out = tmp_path / "nonexistent" / "x.xlsx"
    result = CliRunner().invoke(main, [*args, str(out)])
    assert result.exit_code == 2, result.output
    assert str(out.parent) in result.stderr and "不存在" in result.stderr and "Traceback" not in result.output
    assert f"{out}: " in result.stderr  # named by the file asked for (not batch's x.xlsx.rows.jsonl beside it)
    assert not out.parent.exists()


# ---- positions after an entry left out -------------------------------------------------------


def test_problems_after_a_bad_event_name_the_real_cell(tmp_path):
    def edits(wb):
        wb["活动记录"]["B3"] = "2025/2/30"
        wb["活动记录"]["A6"] = "不知道的活动"
        wb["活动记录"]["A9"] = "也不知道"

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    assert ":活动记录!B3: events[1].date: 没有这个日期" in result.stderr
    assert ":活动记录!A6: events[4].kind: 未知的活动类型 不知道的活动" in result.stderr
    assert ":活动记录!A9: events[7].kind: 未知的活动类型 也不知道" in result.stderr
    assert "A5" not in result.stderr and "A8" not in result.stderr


def test_every_problem_of_a_bad_row_is_reported_each_at_its_own_cell(tmp_path):
    # A date that does not exist hid the unknown kind of the same 活动记录 row, and a missing
    # reason the score out of range of the same 酌情评分 row.
    rows: dict = {}

    def edits(wb):
        events, judged = wb["活动记录"], wb["酌情评分"]
        events["A2"], events["B2"] = "不知道的活动", "2025/2/30"
        rows["judged"] = _row(judged, "work_pattern")
        judged.cell(rows["judged"], 4).value, judged.cell(rows["judged"], 5).value = 999, None

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    found = {re.search(r"!([A-Z]+\d+): ", ln).group(1): ln for ln in _problem_lines(result)}
    row = rows["judged"]
    assert set(found) == {"A2", "B2", f"D{row}", f"E{row}"}, result.stderr
    assert "events[0].kind: 未知的活动类型 不知道的活动" in found["A2"] and "events[0].date: 没有这个日期: 2025/2/30" in found["B2"]
    assert "work_pattern.score: 酌情评分 999 超出 0 至 3 分" in found[f"D{row}"]
    assert "work_pattern.reason: 缺少必填字段" in found[f"E{row}"]


def test_a_bad_event_row_of_a_yaml_record_reports_its_unknown_kind_too(tmp_path):
    import yaml

    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["events"][1].update(date="2025/2/30", kind="no_such_kind")
    record = tmp_path / "r.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _score(str(record))
    assert result.exit_code == 2
    assert "events[1].date: 没有这个日期: 2025/2/30" in result.stderr
    assert "events[1].kind: 未知的活动类型 no_such_kind" in result.stderr


def test_problems_after_a_bad_event_name_the_real_line_of_a_yaml_record(tmp_path):
    import yaml

    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["events"][1]["date"] = "2025-02-30"
    data["events"][4]["kind"] = "no_such_kind"
    record = tmp_path / "r.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    line = next(i for i, text in enumerate(record.read_text(encoding="utf-8").splitlines(), start=1)
                if "no_such_kind" in text)
    result = _score(str(record))
    assert result.exit_code == 2
    assert f"r.yaml:{line}" in result.stderr and "events[4].kind" in result.stderr and "events[3]" not in result.stderr


# ---- a key written twice -----------------------------------------------------------------------


@pytest.mark.parametrize("sheet, key, value", [("基本信息", "union.name", "另一个名称"), ("佐证数据", "members", 999),
                                               ("佐证数据", "facts.members", 999), ("基本信息", "application.grade", "示范")])
def test_a_key_written_twice_is_refused_naming_both_cells(tmp_path, sheet, key, value):
    first: dict = {}

    def edits(wb):
        ws = wb[sheet]
        plain = key.removeprefix("facts.")
        first["row"] = _row(ws, plain)
        new = ws.max_row + 1
        ws.cell(new, 1).value, ws.cell(new, 3 if sheet == "基本信息" else 5).value = key, value
        first["new"] = new

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2, result.output
    assert f":{sheet}!A{first['new']}: 字段 {key} 重复填写: {sheet}!A{first['row']} 已填过这一项" in result.stderr


def test_a_judgement_written_twice_is_refused_naming_both_cells(tmp_path):
    rows: dict = {}

    def edits(wb):
        ws = wb["酌情评分"]
        rows["first"], rows["new"] = 2, ws.max_row + 1
        ws.cell(rows["new"], 1).value = ws.cell(2, 1).value
        ws.cell(rows["new"], 4).value = 1

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2, result.output
    assert f":酌情评分!A{rows['new']}: 字段" in result.stderr and "重复填写: 酌情评分!A2 已填过这一项" in result.stderr


# ---- an unknown key with nothing filled in ----------------------------------------------------


@pytest.mark.parametrize("sheet, key, hint", [("佐证数据", "membrs", "members"), ("基本信息", "union.nmae", "union.name"),
                                              ("酌情评分", "work_patern", "work_pattern")])
def test_an_unknown_key_is_refused_even_with_its_value_blank(tmp_path, sheet, key, hint):
    rows: dict = {}

    def edits(wb):
        ws = wb[sheet]
        rows["new"] = ws.max_row + 1
        ws.cell(rows["new"], 1).value = key

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2, result.output
    assert f":{sheet}!" in result.stderr and f"未知字段 {key}" in result.stderr
    assert f"是否应为 {hint}" in result.stderr


def test_a_known_key_left_blank_is_only_missing(tmp_path):
    def edits(wb):
        facts = wb["佐证数据"]
        facts.cell(_row(facts, "members"), 5).value = None

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 0, result.output


# ---- formulas with no saved result; merged cells ----------------------------------------------


def _cache(book: Path, formula: str, value: str) -> None:
    """Save `value` as the formula's result, as Excel does when it saves a workbook."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(book) as zf:
        for info in zf.infolist():
            parts[info.filename] = zf.read(info.filename)
    for name, raw in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = raw.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
    with zipfile.ZipFile(book, "w") as zf:
        for name, raw in parts.items():
            zf.writestr(name, raw)


def _batch(tmp_path, roster: Path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(roster), "--standard", "bahao-community", "--out", str(out),
                                       "--jobs", "1", "--engine", "python"])
    scored = rows_by_column(out, CSV_COLUMNS) if out.exists() else []
    errors = tmp_path / "out.csv.errors.jsonl"
    bad = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()] if errors.exists() else []
    return result, scored, bad


def test_a_workbook_formula_with_no_saved_result_is_refused_at_its_cell(tmp_path):
    rows: dict = {}

    def edits(wb):
        facts = wb["佐证数据"]
        rows["members"] = _row(facts, "members")
        facts.cell(rows["members"], 5).value = "=10+4"

    book = _template_with(tmp_path, edits)
    result = _score(str(book))
    assert result.exit_code == 2, result.output
    assert f":佐证数据!E{rows['members']}: 公式 =10+4 没有保存计算结果" in result.stderr
    assert "请在 Excel/WPS 中打开并保存, 或直接填写数值" in result.stderr
    _cache(book, "10+4", "14")  # saved by Excel: its result is read
    assert api.read_workbook(book).record.facts["members"]["value"] == 14


def test_a_roster_formula_with_no_saved_result_is_that_rows_problem(tmp_path):
    head, rows, fixtures = _roster_rows("bahao-community")
    members = head.index("会员人数（人）")
    letter = chr(ord("A") + members)
    members_value = rows[0][members].replace(",", "")
    rows[0][members] = f"={letter}3*0.9"
    roster = tmp_path / "roster.xlsx"
    _write_xlsx(roster, head, rows)
    result, scored, bad = _batch(tmp_path, roster)
    assert result.exit_code == 2, result.output
    assert len(scored) == len(fixtures) - 1 and len(bad) == 1 and bad[0]["position"] == f"{roster}:2"
    assert any(p["text"] == f"{roster}:Sheet!{letter}2: 公式 ={letter}3*0.9 没有保存计算结果 (由程序生成、未在 Excel 中保存过的表格); "
               "请在 Excel/WPS 中打开并保存, 或直接填写数值" for p in bad[0]["problems"])
    _cache(roster, f"{letter}3*0.9", members_value)
    result, scored, bad = _batch(tmp_path, roster)
    assert result.exit_code == 0 and not bad, result.output


@pytest.mark.parametrize("header", ["工会名称", "工会类型", "考核期开始"])
def test_a_roster_formula_in_a_required_column_is_named_as_a_formula_not_missing(tmp_path, header):
    # A formula with no saved result in 工会名称 read as blank: "union.name: 缺少必填字段", and the
    # row's other unsaved formulas were not reported at all.
    head, rows, _ = _roster_rows("bahao-community")
    col, members = head.index(header), head.index("会员人数（人）")
    rows[0][col], rows[0][members] = '=CONCAT("甲","乙")', "=10+4"
    roster = tmp_path / "roster.xlsx"
    _write_xlsx(roster, head, rows[:1])
    result = _score(str(roster), "--standard", "bahao-community")
    assert result.exit_code == 2
    letter, other = chr(ord("A") + col), chr(ord("A") + members)
    assert f'Sheet!{letter}2: 公式 =CONCAT("甲","乙") 没有保存计算结果' in result.stderr, result.stderr
    assert f"Sheet!{other}2: 公式 =10+4 没有保存计算结果" in result.stderr
    assert "缺少必填字段" not in result.stderr


def test_a_workbook_formula_in_a_required_cell_is_named_as_a_formula_not_missing(tmp_path):
    rows: dict = {}

    def edits(wb):
        basics = wb["基本信息"]
        rows["name"] = _row(basics, "union.name")
        basics.cell(rows["name"], 3).value = '=CONCAT("甲","乙")'

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    assert _problem_lines(result) == [f"错误: {tmp_path / 't.xlsx'}:基本信息!C{rows['name']}: 公式 =CONCAT(\"甲\",\"乙\") "
                                      "没有保存计算结果 (由程序生成、未在 Excel 中保存过的表格); 请在 Excel/WPS 中打开并保存, 或直接填写数值"]


def test_merged_value_cells_are_refused_naming_the_range(tmp_path):
    def edits(wb):
        wb["佐证数据"].merge_cells("E2:E4")

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2, result.output
    assert ":佐证数据!E2:E4: 合并单元格 佐证数据!E2:E4" in result.stderr

    head, rows, fixtures = _roster_rows("bahao-community")
    roster = tmp_path / "roster.xlsx"
    _write_xlsx(roster, head, rows)
    wb = load_workbook(roster)
    wb.active.merge_cells("L2:M2")
    wb.save(roster)
    result, scored, bad = _batch(tmp_path, roster)
    assert result.exit_code == 2 and len(scored) == len(fixtures) - 1
    assert [b["position"] for b in bad] == [f"{roster}:2"]
    assert any(f"{roster}:Sheet!L2:M2: 合并单元格 Sheet!L2:M2" in p["text"] for p in bad[0]["problems"])


# ---- rosters: cells under no header, one union twice --------------------------------------------


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_roster_cell_under_no_header_is_refused_at_the_data_cell(tmp_path, form):
    head = ["工会编号", "工会名称", "会员人数"]
    rows = [["u1", "甲社区工会", "10"], ["u2", "乙社区工会", "12", "", "多出来的"], ["u3", "丙社区工会", "9"]]
    roster = tmp_path / f"r.{form}"
    if form == "csv":
        roster.write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    else:
        _write_xlsx(roster, head, rows)
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    where = "E3" if form == "csv" else "Sheet!E3"
    head_cell = "E1" if form == "csv" else "Sheet!E1"
    assert str(info.value) == f"{roster}:{where}: 这一列的列名 ({head_cell}) 是空白的, 但列中有内容 (内容不会被读取); 请填写列名, 或删除这一列"


@pytest.mark.parametrize("header", ["\u200b", "_x000D_", "\ufeff", " \u2060 "])
@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_roster_header_that_shows_nothing_is_said_to_be_blank_not_an_unknown_empty_name(tmp_path, form, header):
    # a zero-width space or a stray carriage-return code between named columns read as the
    # unknown header "" at C1 (break-it tester)
    head = ["工会编号", "工会名称", header, "会员人数"]
    rows = [["u1", "甲社区工会", "", "10"], ["u2", "乙社区工会", "多出来的", "12"]]
    roster = tmp_path / f"r.{form}"
    if form == "csv":
        roster.write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    else:
        _write_xlsx(roster, head, rows)
    sheet = "" if form == "csv" else "Sheet!"
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    assert str(info.value) == f"{roster}:{sheet}C3: 这一列的列名 ({sheet}C1) 是空白的, 但列中有内容 (内容不会被读取); 请填写列名, 或删除这一列"
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community", lang="en")
    assert "this column's header" in str(info.value) and "give the column a header, or delete the column" in str(info.value)
    roster.unlink()
    if form == "csv":  # a blank column under a header that shows nothing reads as any blank column
        roster.write_text("\n".join(",".join(r[:2] + ["", r[3]]) for r in [head, *rows]) + "\n", encoding="utf-8")
    else:
        _write_xlsx(roster, head, [r[:2] + [None, r[3]] for r in rows])
    assert len(list(api.read_roster(roster, "bahao-community"))) == 2


@pytest.mark.parametrize("written", [str, lambda ident: ident.translate({ord(c): ord(c) + 0xFEE0 for c in ident if "!" <= c <= "~"})])
def test_one_union_twice_in_a_roster_is_the_second_rows_problem(tmp_path, written):
    # The second row's id as the first's, or in full-width letters: the same union (union_key).
    head, rows, fixtures = _roster_rows("bahao-community")
    rows[2][0] = written(rows[0][0])
    roster = tmp_path / "roster.csv"
    _write_csv(roster, head, rows, "utf-8")
    result, scored, bad = _batch(tmp_path, roster)
    assert result.exit_code == 2 and len(scored) == len(fixtures) - 1
    assert [b["position"] for b in bad] == [f"{roster}:4"]
    assert bad[0]["problems"][0]["text"].startswith(f"{roster}:A4: union.id: 工会编号 ")
    assert bad[0]["problems"][0]["line"] == 4  # its row, as every other problem of a row gives it
    assert bad[0]["problems"][0]["text"].endswith(" 与第 2 行重复 (每个工会只能占一行)")


def test_an_unclosed_quote_in_a_csv_roster_is_named_at_its_cell(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text('工会编号,工会名称,会员人数\nu1,"甲社区工会,10\nu2,乙社区工会,12\n', encoding="utf-8")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    text = str(info.value)
    assert text.startswith(f"{roster}:B2: B2 以引号 \" 开头, 但到文件末尾都没有对应的结尾引号 (第 2 行起")
    assert "字段" not in text and "缺少" not in text
    result = _batch(tmp_path, roster)[0]
    assert result.exit_code == 2 and f"{roster}:B2" in result.stderr and "Traceback" not in result.output


def test_a_quoted_cell_over_two_lines_that_is_closed_is_read(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text('工会编号,工会名称,备注\nu1,"甲社区\n工会",x\n', encoding="utf-8")
    rows = list(api.read_roster(roster, "bahao-community"))
    assert len(rows) == 1


# ---- the hidden _meta sheet ---------------------------------------------------------------------


def test_a_meta_sheet_naming_another_standard_is_said_to_be_another_standards_workbook(tmp_path):
    book = _template_with(tmp_path, lambda wb: wb["_meta"].__setitem__("B2", "liuyou-grassroots"))
    result = _score(str(book))
    assert result.exit_code == 2, result.output
    assert ":_meta!B2: _meta 表写的标准是 liuyou-grassroots, 但此填报表是按另一个标准 bahao-community" in result.stderr
    assert "较早" not in result.stderr


def test_a_workbook_whose_meta_sheet_was_deleted_says_so(tmp_path):
    book = _template_with(tmp_path, lambda wb: wb.remove(wb["_meta"]))
    for args in ([str(book)], ["--standard", "bahao-community", str(book)]):
        result = _score(*args)
        assert result.exit_code == 2, result.output
        assert "隐藏的 _meta 工作表缺失" in result.stderr and "读取名单需要指定标准" not in result.stderr


@pytest.mark.parametrize("cell, value, expected", [("A6", "extra", "_meta!A6: _meta 表中的未知项 extra"),
                                                   ("B5", "fr", "_meta!B5: _meta 表的语言 fr 不是可用的语言")])
def test_a_meta_sheet_with_an_unknown_row_or_language_is_refused_at_its_cell(tmp_path, cell, value, expected):
    def edits(wb):
        assert wb["_meta"]["A5"].value == "lang"
        wb["_meta"][cell] = value

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr

    roster = tmp_path / "r.xlsx"
    api.write_roster_template("bahao-community", roster)
    wb = load_workbook(roster)
    wb["_meta"][cell] = value
    wb.save(roster)
    result = _batch(tmp_path, roster)[0]
    assert result.exit_code == 2 and expected in result.stderr, result.output


@pytest.mark.parametrize("option", ["--xlsx", "--roster"])
@pytest.mark.parametrize("name", ["名单.csv", "t.CSV", "t.xls", "t"])
def test_a_template_named_other_than_xlsx_is_refused(tmp_path, option, name):
    """A workbook written under a .csv name reads back as an unreadable CSV (found by a new user:
    `--roster 名单.csv` wrote xlsx bytes, then `assess batch 名单.csv` failed on its encoding)."""
    out = tmp_path / name
    result = CliRunner().invoke(main, ["template", "bahao-community", option, str(out)])
    assert result.exit_code == 2, result.output
    assert ".xlsx" in result.stderr and str(out) in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_a_template_from_a_record_with_bad_facts_is_refused_as_score_refuses_it(tmp_path):
    """`template --from` a record whose fact is misspelt or out of bounds wrote the workbook,
    leaving the misspelt fact out and the bad value in, without a word (break-it helper)."""
    text = Path("fixtures/tanglang-community.yaml").read_text(encoding="utf-8")
    bad = text.replace("  members: {value: 214", "  membres: {value: 214").replace(
        "  enterprises: {value: 14", "  enterprises: {value: -3")
    assert bad.count("membres") == 1 and "value: -3" in bad
    record, out = tmp_path / "bad.yaml", tmp_path / "t.xlsx"
    record.write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(main, ["template", "bahao-community", "--xlsx", str(out), "--from", str(record)])
    assert result.exit_code == 2, result.output
    assert "facts.membres" in result.stderr and "members" in result.stderr, result.stderr
    assert "facts.enterprises" in result.stderr and "-3" in result.stderr
    assert "Traceback" not in result.output and not out.exists()
    scored = CliRunner().invoke(main, ["score", str(record)])
    assert scored.exit_code == 2 and scored.stderr == result.stderr


# ---- a required 基本信息 value left empty -----------------------------------------------------


def test_an_empty_period_end_is_named_by_its_cell_and_the_other_bad_cells_still_reported(tmp_path):
    def edits(wb):
        basics, facts = wb["基本信息"], wb["佐证数据"]
        basics.cell(_row(basics, "period.end"), 3).value = None
        facts.cell(_row(facts, "employees"), 5).value = "abc"
        facts.cell(_row(facts, "members"), 5).value = -3

    book = _template_with(tmp_path, edits)
    result = _score(str(book))
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if "!" in ln]
    fields = [re.search(r"![A-Z]+\d+: ([\w.]+):", ln).group(1) for ln in lines]
    # In the workbook's order of sheets: 基本信息 first, then 佐证数据 by row.
    assert fields[:3] == ["period.end", "facts.employees", "facts.members"], result.stderr
    assert lines[0].startswith(f"错误: {book}:基本信息!C") and "缺少必填字段" in lines[0]
    assert "佐证数据!E" in lines[1] and "abc" in lines[1] and "-3" in lines[2]
    assert all("佐证数据!" in ln for ln in lines[1:])  # only the facts sheet's own problems join in


def test_a_bad_period_alone_reports_nothing_invented_about_the_facts(tmp_path):
    # The facts are checked with stand-ins for the bad basics; a workbook whose facts are fine
    # gets only its own problem (no stand-in's problem leaks out).
    def edits(wb):
        basics = wb["基本信息"]
        basics.cell(_row(basics, "period.end"), 3).value = "2024-01-01"  # before the start

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    problems = [ln for ln in result.stderr.splitlines() if ln.startswith("错误") and "个问题" not in ln]
    assert len(problems) == 1 and "基本信息!C" in problems[0] and "period" in problems[0], result.stderr


# ---- a number in a cell formatted as a percentage --------------------------------------------


@pytest.mark.parametrize("stored, shown", [(1.5, None), (0.935, "93.5%"), (1, "100%")])
def test_a_rate_cell_is_read_as_the_percentage_it_shows(tmp_path, stored, shown):
    # The template formats rate cells as 0.0%: a stored 1.5 shows as 150.0% in Excel and must not
    # be read as 1.5% (a number above 1 typed in a plain cell is read as a percentage).
    def edits(wb):
        facts = wb["佐证数据"]
        facts.cell(_row(facts, "labour_contract_rate"), 5).value = stored

    book = _template_with(tmp_path, edits)
    row = _row(load_workbook(book)["佐证数据"], "labour_contract_rate")
    result = CliRunner().invoke(main, ["score", str(book), "--format", "json"])
    if shown is None:
        assert result.exit_code == 2
        assert f"佐证数据!E{row}: facts.labour_contract_rate: 值 150% 大于允许的最大值 100%" in result.stderr
        return
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    texts = json.dumps(card, ensure_ascii=False)
    assert "150%" not in texts and ("(现 1.5%)" not in texts)
    if shown == "93.5%":
        assert "劳动合同签订率 需达到 95% (现 93.5%)" in texts


@pytest.mark.parametrize("fmt", ["0%", "0.0%"])
def test_a_rate_just_above_its_maximum_shows_the_digits_that_make_it_so(tmp_path, fmt):
    # 1.0001 in a 0% cell shows 100%: "值 100% 大于允许的最大值 100%" contradicted itself.
    def edits(wb):
        facts = wb["佐证数据"]
        cell = facts.cell(_row(facts, "labour_contract_rate"), 5)
        cell.value, cell.number_format = 1.0001, fmt

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    assert "facts.labour_contract_rate: 值 100.01% 大于允许的最大值 100%" in result.stderr, result.stderr


def test_a_float_just_above_its_maximum_is_shown_with_every_digit():
    from decimal import Decimal

    from assess.core.exact import Fraction
    from assess.model.facts import shown

    after_one = Fraction(Decimal(repr(1.0000000000000002)))  # the float after 1
    assert shown(after_one, True, (1,)) == "100.00000000000002%"
    assert shown(Fraction(-1, 10**6), True, (0,)) == "-0.0001%"


class _Cell:
    def __init__(self, value, number_format):
        self.value, self.number_format = value, number_format


@pytest.mark.parametrize("fmt, shown", [("0%", "9350%"), ("0.0%", "9350%"), ('0.0"%"', 93.5), ("0.0\\%", 93.5),
                                        ('"%"0', 93.5), ("0_%", 93.5), ("0*%", 93.5), ("[Red]0.0%", "9350%"),
                                        ('"增长"0.0%', "9350%"), ("0;0%", 93.5), ("General", 93.5)])
def test_only_a_real_percent_sign_makes_a_percentage_format(fmt, shown):
    # 0.0"%" and 0.0\% show the number as stored with a % after it: Excel does not scale them.
    from assess.intake.xlsx import shown_value

    assert shown_value(_Cell(93.5, fmt)) == shown
    assert shown_value(_Cell(-0.5, "0;0%")) == "-50%"  # the negative section has the real %


@pytest.mark.parametrize("fmt", ['0.0"%"', "0.0\\%"])
def test_a_rate_in_a_cell_with_a_literal_percent_sign_is_read_as_shown(tmp_path, fmt):
    def edits(wb):
        facts = wb["佐证数据"]
        cell = facts.cell(_row(facts, "labour_contract_rate"), 5)
        cell.value, cell.number_format = 93.5, fmt  # shown as 93.5%

    result = CliRunner().invoke(main, ["score", str(_template_with(tmp_path, edits)), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "劳动合同签订率 需达到 95% (现 93.5%)" in result.stdout


@pytest.mark.parametrize("field", ["employees", "members"])
def test_a_value_outside_its_bounds_does_not_also_flag_its_correct_neighbour(tmp_path, field):
    # employees = -1 made "会员人数 190 不能大于 职工人数 -1" at the members cell, which was right.
    def edits(wb):
        facts = wb["佐证数据"]
        facts.cell(_row(facts, field), 5).value = -1

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    problems = [ln for ln in result.stderr.splitlines() if "!" in ln]
    assert len(problems) == 1 and f"facts.{field}: 值 -1 小于允许的最小值 0" in problems[0], result.stderr


def test_a_value_above_the_field_it_may_not_exceed_is_still_reported(tmp_path):
    def edits(wb):
        facts = wb["佐证数据"]
        facts.cell(_row(facts, "women_members"), 5).value = facts.cell(_row(facts, "members"), 5).value + 1

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2 and "facts.women_members: 女会员人数" in result.stderr and "不能大于 会员人数" in result.stderr


def _problem_lines(result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if "!" in ln]


def test_every_bad_basics_cell_is_reported_with_the_others(tmp_path):
    # An unknown 工会类型 and a grade the standard lacks were checked only when the other 基本信息
    # values were valid: with an empty 工会编号 they were never mentioned (found by the break-it helper).
    def edits(wb):
        basics, facts = wb["基本信息"], wb["佐证数据"]
        basics.cell(_row(basics, "union.id"), 3).value = None
        basics.cell(_row(basics, "union.kind"), 3).value = "村工会"
        basics.cell(_row(basics, "application.grade"), 3).value = "金牌"
        facts.cell(_row(facts, "members"), 5).value = -1

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    fields = [re.search(r"![A-Z]+\d+: ([\w.\[\]]+):", ln).group(1) for ln in _problem_lines(result)]
    assert fields == ["union.id", "union.kind", "applications[0].grade", "facts.members"], result.stderr
    assert "村工会" in result.stderr and "金牌" in result.stderr


def test_an_empty_period_names_both_its_cells(tmp_path):
    def edits(wb):
        basics = wb["基本信息"]
        for key in ("period.start", "period.end"):
            basics.cell(_row(basics, key), 3).value = None

    lines = _problem_lines(_score(str(_template_with(tmp_path, edits))))
    assert [re.search(r"![A-Z]+\d+: ([\w.]+):", ln).group(1) for ln in lines] == ["period.start", "period.end"]


def test_problems_come_in_reading_order_sheet_by_sheet_row_by_row(tmp_path):
    from datetime import date

    def edits(wb):
        facts, events = wb["佐证数据"], wb["活动记录"]
        facts.cell(_row(facts, "members"), 5).value = -3
        facts.cell(_row(facts, "has_sign"), 5).value = "x"
        row = events.max_row + 1
        events.cell(row, 1).value, events.cell(row, 2).value = "不存在的活动", date(2025, 3, 1)

    lines = _problem_lines(_score(str(_template_with(tmp_path, edits))))
    sheets = [ln.split(":")[2].split("!")[0] if ln.count(":") > 2 else "" for ln in lines]
    assert [s for s in sheets] == ["佐证数据", "佐证数据", "活动记录"], lines
    assert "facts.members" in lines[0] and "facts.has_sign" in lines[1]  # row 5 before a later row


@pytest.mark.parametrize("standard, offered", [("bahao-community", ["社区工会", "社区工联会", "街道总工会"]),
                                               ("liuyou-grassroots", ["基层工会"])])
def test_the_kind_drop_down_offers_only_the_kinds_the_standard_applies_to(tmp_path, standard, offered):
    # 基层工会 was offered on a 八好 workbook, and choosing it was then refused.
    book = tmp_path / "t.xlsx"
    api.write_template(standard, book)
    wb = load_workbook(book)
    row = _row(wb["基本信息"], "union.kind")
    rule = next(dv for dv in wb["基本信息"].data_validations.dataValidation if f"C{row}" in str(dv.sqref))
    listed = [c.value for c in wb["_lists"][rule.formula1.split("!")[1].replace("$", "").split(":")[0][0]] if c.value]
    assert listed == offered


def test_a_renamed_basics_sheet_is_named_with_the_other_problems(tmp_path):
    # Renamed to "基本 信息", the sheet was neither flagged nor missed: only "union: 缺少必填字段".
    def edits(wb):
        wb["基本信息"].title = "基本 信息"
        facts = wb["佐证数据"]
        facts.cell(_row(facts, "members"), 5).value = -1

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    assert "缺少工作表 基本信息" in result.stderr and "无法识别的工作表 “基本 信息”" in result.stderr
    assert "facts.members: 值 -1" in result.stderr


def test_a_renamed_basics_sheet_says_nothing_of_the_values_it_holds(tmp_path):
    # Beside "缺少工作表 基本信息" came "union: 缺少必填字段" and "period: 缺少必填字段" with no cell:
    # consequences of the missing sheet, not more to fix.
    def edits(wb):
        wb["基本信息"].title = "基本 信息"

    result = _score(str(_template_with(tmp_path, edits)))
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if "个问题" not in ln]
    assert len(lines) == 2, result.stderr
    assert lines[0].endswith(": 缺少工作表 基本信息") and "'基本 信息'!A1: 无法识别的工作表 “基本 信息”" in lines[1]


def test_a_kind_the_standard_does_not_apply_to_is_refused_with_advice_for_the_workbook(tmp_path):
    # The advice was override_kind: true in applications, a field of a YAML record.
    def edits(wb):
        basics = wb["基本信息"]
        basics.cell(_row(basics, "union.kind"), 3).value = "基层工会"

    book = _template_with(tmp_path, edits)
    result = _score(str(book))
    assert result.exit_code == 2
    assert ("不适用于本单位的类型 grassroots_union (基层工会); 如确需按此标准评分, 在 基本信息 表中加一行: "
            "字段 列填 application.override_kind, 填报值 列填 是") in result.stderr, result.stderr
    assert "applications" not in result.stderr and "override_kind: true" not in result.stderr
    wb = load_workbook(book)  # the advice followed: scored
    basics = wb["基本信息"]
    basics.cell(basics.max_row + 1, 1).value = "application.override_kind"
    basics.cell(basics.max_row, 3).value = "是"
    wb.save(book)
    assert _score(str(book)).exit_code == 0


def test_an_impossible_date_reads_the_same_in_a_workbook_and_a_yaml_file(tmp_path):
    from assess.core import safe_yaml
    from assess.core.messages import message

    def edits(wb):
        basics = wb["基本信息"]
        basics.cell(_row(basics, "period.end"), 3).value = "2025-09-31"

    result = _score(str(_template_with(tmp_path, edits)))
    assert "period.end: 没有这个日期: 2025-09-31" in result.stderr, result.stderr
    with pytest.raises(safe_yaml.Refused) as info:
        safe_yaml.load("end: 2025-09-31\n")
    assert message(info.value.key, "zh", **info.value.params) == "没有这个日期: 2025-09-31"


def test_a_bad_event_row_beside_a_bad_basics_cell_loses_nothing(tmp_path):
    # An empty 工会编号 plus a bad 活动记录 count hid the unknown 工会类型 and the bad facts.
    def edits(wb):
        basics, facts, events = wb["基本信息"], wb["佐证数据"], wb["活动记录"]
        basics.cell(_row(basics, "union.id"), 3).value = None
        basics.cell(_row(basics, "union.kind"), 3).value = "工会X"
        facts.cell(_row(facts, "members"), 5).value = -1
        events.cell(3, 3).value = "x"

    result = _score(str(_template_with(tmp_path, edits)))
    fields = [re.search(r"![A-Z]+\d+: ([\w.\[\]]+):", ln).group(1) for ln in _problem_lines(result)]
    assert fields == ["union.id", "union.kind", "facts.members", "events[1].count"], result.stderr
