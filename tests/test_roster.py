"""Federation rosters: one union a row, CSV (UTF-8 with or without BOM, GBK) or xlsx, read as
records; a roster of the fixtures scores as the fixtures do; bad rows to the errors file as
FILE:ROW with the column."""
from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from assess import api
from assess.cli import main
from assess.core.natural import read_as
from assess.intake.roster import roster_columns
from assess.standards import catalog
from assess.workflows.batch import CSV_COLUMNS
from csvrows import rows_by_column

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def _fixtures_of(standard_id: str) -> list[Path]:
    """The fixtures scored against this standard by default."""
    return [p for p in FIXTURES if standard_id in {s.standard.id for s in api.standards_for(api.load_record(p))}]


def _cell(target: tuple[str, str], data: dict, standard) -> str:
    """A fixture's value for a roster column, as a federation clerk types it."""
    what, name = target
    if what == "key":
        part, _, key = name.partition(".")
        if name == "application.grade":
            app = next((a for a in data.get("applications") or [] if a["standard"] == standard.id), None)
            return standard.grade(app["grade"]).title.zh if app else ""
        value = (data.get(part) or {}).get(key) if key else data.get(part)
        return "" if value is None else str(value).replace("-", "/") if part == "period" and key != "label" else str(value)
    if what == "fact":
        raw = (data.get("facts") or {}).get(name)
        value = raw.get("value") if isinstance(raw, dict) else raw
        if value is None:
            return ""
        typed = read_as(standard.fields[name].type, value)
        if isinstance(typed, bool):
            return "是" if typed else "否"
        return f"{float(typed * 100):g}%" if standard.fields[name].type == "ratio" else f"{typed:,}" if isinstance(typed, int) else str(value)
    if what == "event":
        return str(sum(e.get("count", 1) for e in data.get("events") or [] if e["kind"] == name))
    if what in ("judgement", "reason"):
        entry = ((data.get("judgements") or {}).get(standard.id) or {}).get(name)
        return "" if entry is None else str(entry["score"] if what == "judgement" else entry["reason"])
    return "; ".join(f"{h['title']} {h['year']}" for h in data.get("honours") or [])


def _roster_rows(standard_id: str) -> tuple[list[str], list[list[str]], list[Path]]:
    standard = catalog.resolve_standard(standard_id).standard
    columns = roster_columns(standard, "zh")
    fixtures = _fixtures_of(standard_id)
    rows = [[_cell(target, yaml.safe_load(p.read_text(encoding="utf-8")), standard) for _, _, target in columns]
            for p in fixtures]
    return [c[0] for c in columns], rows, fixtures


def _write_csv(path: Path, head: list[str], rows: list[list[str]], encoding: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([head, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))


def _write_xlsx(path: Path, head: list[str], rows: list[list[str]]) -> None:
    wb = Workbook()
    for row in [head, *rows]:
        wb.active.append(row)
    wb.save(path)


def _outcome(card: dict) -> dict:
    """What a roster must agree on with the record: score, grade, and every item's points."""
    items = {it["id"]: (it["awarded"], it["status"]) for s in card["sections"] for it in s["items"]}
    items |= {it["id"]: (it["awarded"], it["status"]) for it in card["bonus_items"]}
    return {"union": card["union"]["id"], "score": card["score"], "bonus": card["bonus"], "grade": card["grade"],
            "items": items, "vetoes": [v["triggered"] for v in card["vetoes"]], "applied_for": card["applied_for"]}


@pytest.mark.parametrize("standard_id", ["bahao-community", "liuyou-grassroots", "model-worker-home"])
@pytest.mark.parametrize("form", ["utf-8", "utf-8-sig", "gbk", "xlsx"])
def test_a_roster_of_the_fixtures_scores_as_the_fixtures_do(standard_id, form, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    head, rows, fixtures = _roster_rows(standard_id)
    roster = tmp_path / ("roster.xlsx" if form == "xlsx" else "roster.csv")
    if form == "xlsx":
        _write_xlsx(roster, head, rows)
    else:
        _write_csv(roster, head, rows, form)
    options = api.ScoreOptions(standard=standard_id, engine="python")
    from_roster = [r.scored[0].card for r in api.score_many(api.read_records([roster], standard_id), options)]
    from_yaml = [api.score_record(p, options).scored[0].card for p in fixtures]
    assert [_outcome(c) for c in from_roster] == [_outcome(c) for c in from_yaml]


def test_batch_scores_every_row_and_sends_bad_rows_to_the_errors_file(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    head, rows, fixtures = _roster_rows("bahao-community")
    members = head.index("会员人数（人）")
    rows[1][members] = "很多"
    roster = tmp_path / "roster.csv"
    _write_csv(roster, head, rows, "gbk")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(roster), "--standard", "bahao-community", "--out", str(out),
                                       "--jobs", "1", "--engine", "python"])
    assert result.exit_code == 2, result.output
    scored = rows_by_column(out, CSV_COLUMNS)
    assert [r["union_id"] for r in scored] == [yaml.safe_load(p.read_text(encoding="utf-8"))["union"]["id"]
                                               for i, p in enumerate(fixtures) if i != 1]
    assert scored[0]["source"] == f"{roster}:2"
    bad = [json.loads(line) for line in (tmp_path / "out.csv.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(bad) == 1 and bad[0]["position"] == f"{roster}:3"
    problem = bad[0]["problems"][0]
    column = chr(ord("A") + members)
    assert (problem["line"], problem["path"]) == (3, "facts.members")
    assert problem["text"] == f"{roster}:{column}3: facts.members: 应为整数, 实际为 很多"


def test_headers_that_name_nothing_stop_the_roster_before_any_row(tmp_path):
    roster = tmp_path / "r.csv"
    _write_csv(roster, ["工会名称", "会员数", "", "职工人数"], [["甲", "1", "x", "2"]], "utf-8")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    text = str(info.value)
    assert f"{roster}:B1: 无法识别的列名 会员数 (是否应为 会员人数?)" in text
    assert f"{roster}:C2: 这一列的列名 (C1) 是空白的" in text  # the cell with content, naming its blank header
    result = CliRunner().invoke(main, ["batch", str(roster), "--standard", "bahao-community", "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "会员数" in result.stderr and not (tmp_path / "o.csv").exists()


def test_a_header_naming_what_the_standard_works_out_says_what_to_fill_in(tmp_path):
    """职工入会率 is worked out from 会员人数 and 职工人数: a clerk copying it from last year's sheet is
    told so, not only that the header is unknown."""
    roster = tmp_path / "r.csv"
    _write_csv(roster, ["工会名称", "职工入会率", "party_union_meetings"], [["甲", "90%", "4"]], "utf-8")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    text = str(info.value)
    assert f"{roster}:B1: 列名 职工入会率 是本标准由其他数据算出的 职工入会率 (membership_rate), 名单中不填; 请填写: 会员人数, 职工人数" in text
    assert f"{roster}:C1: 列名 party_union_meetings 是本标准由其他数据算出的" in text and "请填写: 党总支研究工会工作会议" in text


def test_the_empty_roster_reads_back_and_names_its_standard(tmp_path):
    book = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["template", "model-worker-home", "--roster", str(book)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    assert ws.title == "名单" and ws["A1"].value == "工会编号" and wb["_meta"].sheet_state == "hidden"
    assert {dv.type for dv in ws.data_validations.dataValidation} >= {"list", "whole", "date", "decimal"}
    for col, value in enumerate(["u1", "某工会", "基层工会", "某区总工会", None, "2025-1-1", "2025-12-31", None, "合格职工之家"], 1):
        ws.cell(2, col).value = value
    wb.save(book)
    [record] = api.read_roster(book)  # the standard from the empty roster's meta sheet
    assert record.record.union.kind == "grassroots_union" and record.record.applications[0].standard == "model-worker-home"
    assert record.document.cells["union.name"] == "名单!B2"


def test_a_roster_needs_a_standard_and_a_readable_encoding(tmp_path):
    roster = tmp_path / "r.csv"
    _write_csv(roster, ["工会名称"], [["甲"]], "utf-8")
    [bad] = api.read_records([roster])
    assert "--standard" in str(bad.error)
    text = "工会编号\t工会名称\t工会类型\t考核期开始\t考核期结束\t职工人数\r\nu\t甲\t基层工会\t2025/1/1\t2025/12/31\t１,２００\r\n"
    roster.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))  # Excel's "Unicode text"
    [row] = api.read_roster(roster, "liuyou-grassroots")
    assert row.record.facts == {"employees": "１,２００"} and row.document.cells["facts.employees"] == "F2"
    [card] = api.score_record(row, api.ScoreOptions(engine="python")).scored
    assert card.card["standard"]["id"] == "liuyou-grassroots"


def test_event_counts_and_honours_in_a_row(tmp_path):
    roster = tmp_path / "r.csv"
    _write_csv(roster, ["union.id", "union.name", "union.kind", "period.start", "period.end", "events.workers_congress",
                        "文体活动（次）", "已获荣誉"],
               [["u", "甲", "grassroots_union", "2025-01-01", "2025-12-31", "0", "３", "合格职工之家（2022年）; 区先进 2024"]],
               "utf-8")
    st = catalog.resolve_standard("model-worker-home").standard
    assert st.event_kinds["cultural_activity"].zh == "文体活动"  # the header above, with its unit
    [row] = api.read_roster(roster, "model-worker-home")
    assert [(e.kind, e.count, e.date.isoformat()) for e in row.record.events] == [("cultural_activity", 3, "2025-12-31")]
    assert [(h.title, h.year) for h in row.record.honours] == [("合格职工之家", 2022), ("区先进", 2024)]


@pytest.mark.parametrize("stored, refused", [(1.5, True), (0.935, False)])
def test_a_rate_in_a_percentage_formatted_roster_cell_is_read_as_shown(tmp_path, stored, refused):
    # As in the fill-in workbook: a stored 1.5 in a 0.0% cell shows 150.0% and is no 1.5%.
    head, rows, _ = _roster_rows("bahao-community")
    book = tmp_path / "名单.xlsx"
    _write_xlsx(book, head, rows[:1])
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    col = head.index(next(h for h in head if "劳动合同签订率" in h)) + 1
    ws.cell(2, col).value = stored
    ws.cell(2, col).number_format = "0.0%"
    wb.save(book)
    result = CliRunner().invoke(main, ["score", str(book), "--standard", "bahao-community", "--format", "json"])
    if refused:
        assert result.exit_code == 2 and "labour_contract_rate: 值 150% 大于允许的最大值 100%" in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert "(现 93.5%)" in result.stdout or "93.5%" in result.stdout


@pytest.mark.parametrize("fmt", ["0%", "0.0%"])
def test_a_rate_just_above_its_maximum_in_a_roster_shows_the_digits_that_make_it_so(tmp_path, fmt):
    # 1.0001 in a 0% cell shows 100%: "值 100% 大于允许的最大值 100%" contradicted itself.
    head, rows, _ = _roster_rows("bahao-community")
    book = tmp_path / "名单.xlsx"
    _write_xlsx(book, head, rows[:1])
    wb = load_workbook(book)
    cell = wb.worksheets[0].cell(2, head.index(next(h for h in head if "劳动合同签订率" in h)) + 1)
    cell.value, cell.number_format = 1.0001, fmt
    wb.save(book)
    result = CliRunner().invoke(main, ["score", str(book), "--standard", "bahao-community"])
    assert result.exit_code == 2 and "labour_contract_rate: 值 100.01% 大于允许的最大值 100%" in result.stderr, result.stderr


def test_a_kind_the_standard_does_not_apply_to_is_refused_with_advice_for_the_roster(tmp_path):
    # The advice was override_kind: true in applications, a field of a YAML record; the roster's
    # own way is a column, whose 是 is read as any yes/no value.
    head, rows, _ = _roster_rows("bahao-community")
    row = list(rows[0])
    row[head.index("工会类型")] = "基层工会"
    roster = tmp_path / "r.csv"
    _write_csv(roster, head, [row], "utf-8")
    result = CliRunner().invoke(main, ["score", str(roster), "--standard", "bahao-community"])
    assert result.exit_code == 2
    assert ("不适用于本单位的类型 grassroots_union (基层工会); 如确需按此标准评分, 在名单中加一列, "
            "表头为 application.override_kind, 本行填 是") in result.stderr, result.stderr
    assert "applications" not in result.stderr
    _write_csv(roster, [*head, "application.override_kind"], [[*row, "是"]], "utf-8")  # the advice followed
    result = CliRunner().invoke(main, ["score", str(roster), "--standard", "bahao-community"])
    assert result.exit_code == 0, result.output


def test_an_empty_required_cell_and_an_empty_reason_are_named_at_their_own_columns(tmp_path):
    # A blank 工会类型 was reported at column A, and a missing judgement reason at the score column.
    from openpyxl.utils import get_column_letter

    standard = catalog.resolve_standard("bahao-community").standard
    targets = [target for _, _, target in roster_columns(standard, "zh")]
    head, rows, _ = _roster_rows("bahao-community")
    row = list(rows[0])
    kind = targets.index(("key", "union.kind"))
    score = next(i for i, t in enumerate(targets) if t[0] == "judgement")
    reason = targets.index(("reason", targets[score][1]))
    row[kind], row[score], row[reason] = "", "2", ""
    book = tmp_path / "名单.xlsx"
    _write_xlsx(book, head, [row])
    result = CliRunner().invoke(main, ["score", str(book), "--standard", "bahao-community"])
    assert result.exit_code == 2
    assert f"Sheet!{get_column_letter(kind + 1)}2: union.kind: 缺少必填字段" in result.stderr, result.stderr
    assert f"Sheet!{get_column_letter(reason + 1)}2: judgements.bahao-community.{targets[score][1]}.reason" in result.stderr


def test_a_row_with_a_bad_period_end_has_every_other_cell_checked_and_no_event_date_blamed(tmp_path):
    """A roster dates each event count on the period's last day: a bad last day is the period's
    cell's fault only, and the row's other cells (a duplicate id beside it) are still checked."""
    roster = tmp_path / "名单.csv"
    roster.write_text("工会编号,工会名称,工会类型,考核期开始,考核期结束,会员人数,职工人数,联谊会议\n"
                      "d1,甲,社区工会,2025-01-01,2025-12-31,10,20,1\n"
                      "d1,丙,社区工会,2025-01-01,2025-09-31,很多,20,2\n", encoding="utf-8")
    for command in (["batch", str(roster), "--out", str(tmp_path / "o.csv")], ["score", str(roster)]):
        result = CliRunner().invoke(main, [*command, "--standard", "bahao-community"])
        lines = [line for line in result.stderr.splitlines() if ":A3:" in line or ":E3:" in line or ":F3:" in line
                 or ":H3:" in line]
        assert [line.split(": ")[2] for line in lines] == ["union.id", "period.end", "facts.members"], result.stderr


def test_each_bad_rows_heading_names_its_row(tmp_path):
    """`score` on a roster printed `名单.csv: 共 2 个问题` once for each bad row, naming no row."""
    roster = tmp_path / "名单.csv"
    roster.write_text("工会编号,工会名称,工会类型,考核期开始,考核期结束,会员人数,职工人数\n"
                      "r1,甲,社区工会,2025-01-01,2025-12-31,很多,也很多\n"
                      "r2,乙,社区工会,2025-01-01,2025-12-31,10,20\n"
                      "r3,丙,社区工会,2025-09-31,2025-12-31,少,20\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(roster), "--standard", "bahao-community"])
    headings = [line for line in result.stderr.splitlines() if "个问题" in line]
    assert headings == [f"错误: {roster}:2: 共 2 个问题", f"错误: {roster}:4: 共 2 个问题"], result.stderr


# ---- line endings, encodings, units, empty rosters ------------------------------------------------

_HEAD = "工会编号,工会名称,工会类型,考核期开始,考核期结束"
_ROW = "h1,丙社区工会,社区工会,2025-01-01,2025-12-31"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"], ids=["CR", "LF", "CRLF"])
def test_rows_may_end_in_cr_lf_or_crlf_as_excel_wps_and_numbers_write_them(tmp_path, ending):
    # Excel for Mac's "CSV (Macintosh)" ends rows in CR alone: that was a traceback (_csv.Error).
    roster = tmp_path / "r.csv"
    roster.write_bytes(f"{_HEAD}{ending}{_ROW}{ending}h2,丁社区工会,社区工会,2025-01-01,2025-12-31{ending}".encode())
    [first, second] = api.read_roster(roster, "bahao-community")
    assert (first.record.union.name, second.record.union.id, second.document.cells["union.name"]) == ("丙社区工会", "h2", "B3")
    out = tmp_path / "o.csv"
    result = _run("batch", str(roster), "--standard", "bahao-community", "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert [r["union_id"] for r in rows_by_column(out, CSV_COLUMNS)] == ["h1", "h2"]
    result = _run("score", str(roster), "--standard", "bahao-community")
    assert result.exit_code == 0 and "丁社区工会" in result.stdout, result.output


def test_a_stray_cr_ends_a_row_as_excel_reads_it_and_is_reported_by_cell_never_a_traceback(tmp_path):
    # A lone CR in a cell of an LF file (丙社区\r工会), and one before a header appended to row 1.
    roster = tmp_path / "r.csv"
    roster.write_bytes(f"{_HEAD}\n{_ROW.replace('丙社区', '丙社区' + chr(13))}\n".encode())
    for command in (["batch", str(roster), "--out", str(tmp_path / "o.csv")], ["score", str(roster)]):
        result = _run(*command, "--standard", "bahao-community")
        assert result.exit_code == 2
        assert "Traceback" not in result.output and f"{roster}:C2: union.kind: 缺少必填字段" in result.stderr, result.output
    roster.write_bytes(f"{_HEAD}\r,职工入会率（%）\n{_ROW}\n".encode())
    rows = api.read_roster(roster, "bahao-community")
    assert [r.source if isinstance(r, api.RecordProblems) else r.record.union.id for r in rows] == [f"{roster}:2", "h1"]
    assert "B2: union.name" not in str(rows[0].error) and f"{roster}:A2: union.id: 缺少必填字段" in str(rows[0].error)


def test_a_row_the_csv_module_cannot_read_is_a_problem_naming_the_file_and_line(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(f"{_HEAD}\n{_ROW}\nh2,{'长' * 140_000},社区工会\n", encoding="utf-8")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    assert str(info.value).startswith(f"{roster}:3: 第 3 行无法按 CSV 格式读取 (field larger than field limit")
    result = _run("batch", str(roster), "--standard", "bahao-community", "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2 and "第 3 行无法按 CSV 格式读取" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("raw, where, text", [
    # mostly UTF-8 (with a BOM), a GBK cell pasted in at B3
    ("\ufeff工会编号,工会名称,会员人数\nu1,甲社区工会,12\n".encode() + b"u2," + "乙社区工会".encode("gbk") + b",5\n", "B3",
     "第 3 行有不是 UTF-8 编码的字节 D2 (此前的内容按 UTF-8 读取, 这里可能混入了 GBK 文本)"),
    # GBK, and a byte no GBK text holds at C2
    ("工会编号,工会名称,会员人数\r\nu1,甲社区工会,".encode("gbk") + b"\xff12\r\n", "C2",
     "第 2 行有不是 GBK 编码的字节 FF (此前的内容按 GBK 读取, 这里可能混入了 UTF-8 文本)"),
])
def test_a_file_of_mixed_encodings_names_the_line_and_cell_of_the_first_bad_bytes(tmp_path, raw, where, text):
    roster = tmp_path / "r.csv"
    roster.write_bytes(raw)
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    assert str(info.value).startswith(f"{roster}:{where}: {text}; 请把整个文件用同一种编码"), str(info.value)


def _percent_roster(tmp_path, header: str, value: str) -> Path:
    roster = tmp_path / "r.csv"
    roster.write_text(f"{_HEAD},{header}\n{_ROW},{value}\n", encoding="utf-8")
    return roster


@pytest.mark.parametrize("header", ["劳动合同签订率（%）", "劳动合同签订率(％)", "labour_contract_rate (%)"])
@pytest.mark.parametrize("value, percent", [("1", "1"), ("95", "95"), ("0.5", "0.5"), ("93.5%", "93.5"), ("１", "1")])
def test_a_rate_under_a_percent_header_reads_a_bare_number_as_a_percentage(tmp_path, header, value, percent):
    # 劳动合同签订率（%） with 1 meant 1%, and was read as 1.0 = 100%: the condition counted as met.
    [row] = api.read_roster(_percent_roster(tmp_path, header, value), "bahao-community")
    assert read_as("ratio", row.record.facts["labour_contract_rate"]) == Fraction(percent) / 100


def test_a_rate_of_1_under_a_percent_header_is_1_percent_in_the_scorecard(tmp_path):
    result = _run("score", str(_percent_roster(tmp_path, "劳动合同签订率（%）", "1")), "--standard", "bahao-community")
    assert result.exit_code == 0 and "劳动合同签订率 需达到 95% (现 1%)" in result.stdout, result.output
    result = _run("score", str(_percent_roster(tmp_path, "劳动合同签订率", "1")), "--standard", "bahao-community")
    assert result.exit_code == 0 and "劳动合同签订率 需达到" not in result.stdout  # no unit: 1 is the whole


def test_the_rate_column_of_the_empty_roster_is_headed_in_percent_as_its_cells_show(tmp_path):
    standard = catalog.resolve_standard("bahao-community").standard
    heads = {target: head for head, _, target in roster_columns(standard, "zh")}
    assert heads[("fact", "labour_contract_rate")] == "劳动合同签订率（%）"
    assert heads[("fact", "members")] == "会员人数（人）" and heads[("event", "workers_congress")] == "职工代表大会（次）"
    assert {h for h, _, t in roster_columns(standard, "en") if t == ("fact", "labour_contract_rate")} == {"Labour contract signing rate（%）"}


@pytest.mark.parametrize("header, unit, own", [
    ("劳动合同签订率（‰）", "‰", "%"), ("职工人数（万人）", "万人", "人"), ("职工人数（千人）", "千人", "人"),
    ("职工人数（家）", "家", "人"), ("职工人数（元）", "元", "人"), ("辖区企业数（人）", "人", "家"), ("联谊会议（场）", "场", "次"),
])
def test_a_header_in_another_unit_than_its_fields_is_refused_at_the_header_cell(tmp_path, header, unit, own):
    roster = _percent_roster(tmp_path, header, "1")
    result = _run("batch", str(roster), "--standard", "bahao-community", "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2 and not (tmp_path / "o.csv").exists()
    assert f"{roster}:F1: 列名 {header} 的单位 {unit} 与该字段的单位 {own} 不符; 请换算为 {own} 并去掉或改正单位" in result.stderr


@pytest.mark.parametrize("header", ["职工人数（人）", "职工人数(人)", "employees (people)", "Employees（people）",
                                    "职工代表大会（次）", "events.workers_congress (times)", "会员会籍管理规范（名册、会员证、转接手续齐全）"])
def test_a_header_in_its_fields_own_unit_is_read(tmp_path, header):
    roster = _percent_roster(tmp_path, header, "是" if "会籍" in header else "3")
    [row] = api.read_roster(roster, "bahao-community")
    assert row.record.facts or row.record.events


@pytest.mark.parametrize("header", ["职工入会率", "职工入会率（%）", "职工入会率(％)", "Membership rate (%)"])
def test_a_calculated_value_with_a_unit_is_said_to_be_calculated(tmp_path, header):
    roster = _percent_roster(tmp_path, header, "90")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    assert str(info.value) == (f"{roster}:F1: 列名 {header} 是本标准由其他数据算出的 职工入会率 (membership_rate), "
                               "名单中不填; 请填写: 会员人数, 职工人数")


@pytest.mark.parametrize("header, said", [
    ("入会率", "无法识别的列名 入会率 (是否指 职工入会率? 它是本标准由其他数据算出的 职工入会率 (membership_rate), 名单中不填; "
              "请填写: 会员人数, 职工人数)"),
    ("会员数", "无法识别的列名 会员数 (是否应为 会员人数?)"),
    ("截至2025年12月31日职工人数", "无法识别的列名 截至2025年12月31日职工人数 (是否应为 职工人数?)"),
    ("备案编号", "无法识别的列名 备案编号: 既不是记录字段, 也不是本标准的指标或活动名称"),
])
def test_an_unknown_header_is_given_the_header_it_likely_means(tmp_path, header, said):
    roster = _percent_roster(tmp_path, header, "1")
    with pytest.raises(api.InputError) as info:
        api.read_roster(roster, "bahao-community")
    assert str(info.value) == f"{roster}:F1: {said}"


def test_a_roster_with_no_union_is_refused_as_an_empty_directory_is(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("工会编号,工会名称\n", encoding="utf-8")
    book = tmp_path / "r.xlsx"
    assert _run("template", "bahao-community", "--roster", str(book)).exit_code == 0  # untouched
    for path in (roster, book):
        for command in (["batch", str(path), "--out", str(tmp_path / f"o{path.suffix}.csv")], ["score", str(path)]):
            result = _run(*command, "--standard", "bahao-community")
            assert result.exit_code == 2, (command, result.output)
            assert f"{path}: 名单中没有填写任何工会 (只有表头)" in result.stderr
    roster.write_text("", encoding="utf-8")
    with pytest.raises(api.InputError, match="名单为空"):
        api.read_roster(roster, "bahao-community")


@pytest.mark.parametrize("stored, fmt, percent", [(1, "General", "1"), (95, "General", "95"), (0.935, "0.0%", "93.5")])
def test_a_rate_in_an_xlsx_roster_under_a_percent_header_is_the_percentage_shown(tmp_path, stored, fmt, percent):
    book = tmp_path / "名单.xlsx"
    _write_xlsx(book, [*_HEAD.split(","), "劳动合同签订率（%）"], [[*_ROW.split(","), None]])
    wb = load_workbook(book)
    cell = wb.worksheets[0].cell(2, 6)
    cell.value, cell.number_format = stored, fmt
    wb.save(book)
    [row] = api.read_roster(book, "bahao-community")
    assert read_as("ratio", row.record.facts["labour_contract_rate"]) == Fraction(percent) / 100


def test_a_row_with_a_bad_period_end_names_that_cell_and_its_other_faults_only(tmp_path):
    """Counts are dated on the period's last day: a bad 考核期结束 made every count column say
    没有这个日期 (a row with no other faulty cell), and the API's reading dropped the row's
    other problems (会员人数 above 职工人数), which `batch` reported."""
    roster = tmp_path / "r.csv"
    _write_csv(roster, ["工会编号", "工会名称", "工会类型", "考核期开始", "考核期结束", "职工人数", "会员人数",
                        "events.party_union_meeting", "events.liaison_meeting"],
               [["u1", "甲社区工会", "社区工会", "2025-01-01", "2025-02-30", "100", "200", "2", "3"]], "utf-8")
    [row] = api.read_roster(roster, "bahao-community")
    assert isinstance(row, api.RecordProblems)
    assert sorted((p.cell, p.path) for p in row.problems) == [("E2", "period.end"), ("G2", "facts.members")]
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(main, ["batch", str(roster), "--standard", "bahao-community", "--out", str(out)])
    assert result.exit_code == 2
    [line] = (tmp_path / "o.csv.errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(p["cell"] for p in json.loads(line)["problems"]) == ["E2", "G2"]


@pytest.mark.parametrize("written, said", [("=1+2", "公式 =1+2 没有保存计算结果"), ("", "judgements.bahao-community.{item}.score: 缺少必填字段")])
def test_a_formula_or_a_blank_in_a_score_cell_is_named_at_the_score_cell_not_the_reason(tmp_path, written, said):
    # A score written as a formula never calculated was said at the reason's cell, as 缺少必填字段.
    from openpyxl.utils import get_column_letter

    standard = catalog.resolve_standard("bahao-community").standard
    targets = [target for _, _, target in roster_columns(standard, "zh")]
    head, rows, _ = _roster_rows("bahao-community")
    score = next(i for i, t in enumerate(targets) if t[0] == "judgement")
    reason = targets.index(("reason", targets[score][1]))
    book = tmp_path / "名单.xlsx"
    _write_xlsx(book, head, [list(rows[0])])
    wb = load_workbook(book)
    wb.worksheets[0].cell(2, score + 1).value = written or None
    wb.save(book)
    result = CliRunner().invoke(main, ["score", str(book), "--standard", "bahao-community"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "Sheet!" in line]
    assert len(lines) == 1 and f"Sheet!{get_column_letter(score + 1)}2: " in lines[0], result.stderr
    assert said.format(item=targets[score][1]) in lines[0] and f"Sheet!{get_column_letter(reason + 1)}2" not in result.stderr


def test_a_second_visible_sheet_with_rows_is_refused_naming_it(tmp_path):
    """A district's units split over two sheets: only the first was read, the others' unions left
    unscored without a word (break-it helper). A blank or hidden extra sheet is no problem."""
    head, rows, _ = _roster_rows("liuyou-grassroots")
    path = tmp_path / "名单.xlsx"
    wb = Workbook()
    first = wb.active
    first.title = "一片"
    for row in [head, *rows[:2]]:
        first.append(row)
    wb.create_sheet("空表")
    hidden = wb.create_sheet("草稿")
    hidden.append(["随手记"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    out = tmp_path / "out.csv"
    ok = CliRunner().invoke(main, ["batch", str(path), "--standard", "liuyou-grassroots", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    second = wb.create_sheet("二片")
    for row in [head, *rows[2:]]:
        second.append(row)
    wb.save(path)
    bad = CliRunner().invoke(main, ["batch", str(path), "--standard", "liuyou-grassroots", "--out", str(tmp_path / "o2.csv")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output, bad.output
    assert "二片" in bad.stderr and "一片" in bad.stderr and "空表" not in bad.stderr and "草稿" not in bad.stderr


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
@given(names=st.lists(st.text(alphabet='甲乙"“”,;=() \tab', min_size=1, max_size=12).filter(lambda t: t.strip()),
                      min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_a_csv_roster_s_cells_read_as_excel_writes_them(tmp_path_factory, delimiter, names):
    """Quotes inside a quoted cell are written twice by Excel and WPS; the dialect sniffed from a
    header without quotes took them as never doubled, and `"甲""乙"` was read as `甲"乙""` (a
    union's name changed without a word; fresh user). Any text, any of the three delimiters."""
    from assess.intake.rostercsv import csv_rows

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(["工会编号", "工会名称"])
    writer.writerows([f"u{i}", name] for i, name in enumerate(names))
    path = tmp_path_factory.mktemp("q") / "q.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert csv_rows(str(path))[1:] == [[f"u{i}", name] for i, name in enumerate(names)]
