"""The fill-in workbook (自评填报表): generated from a standard, filled in natural spellings, read
back as a record; lossless from a record; every problem named by its sheet and cell."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import intake_fill
from assess import api
from assess.cli import main
from assess.core.natural import read_as
from assess.intake.template import record_workbook
from assess.model.evidence import check_record
from assess.standards import catalog

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").glob("*.yaml"))
VOLATILE = ("evidence_file", "evidence_sha256")


def _cards(source, engine: str = "python") -> list[dict]:
    result = api.score_record(source, api.ScoreOptions(engine=engine))
    return [{k: v for k, v in s.card.items() if k not in VOLATILE} for s in result.scored]


def _data(fixture: str) -> dict:
    return yaml.safe_load((ROOT / fixture).read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_a_template_filled_in_natural_spellings_scores_like_the_yaml(fixture, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    record = api.load_record(fixture)
    target = api.standards_for(record)[0]
    empty, filled = tmp_path / "empty.xlsx", tmp_path / "filled.xlsx"
    api.write_template(target, empty)
    intake_fill.fill_workbook(str(empty), str(filled), _data(fixture), target.standard)
    assert _cards(str(filled)) == _cards(fixture)


def _as_read(loaded, standard, lineage=()):
    """What a standard reads of a record: the record (facts aside), each declared fact's value,
    every citation and note, and the facts of other standards as written."""
    resolved, values = check_record(loaded, standard, catalog.known_names((standard,)), lineage)
    rec = resolved.record
    cites = {n: ((raw.get("documents") or []), raw.get("note")) if isinstance(raw, dict) else ([], None)
             for n, raw in rec.facts.items()}
    others = {n: read_as("number", rec.fact_value(n)) if isinstance(rec.fact_value(n), (int, float, str))
              and not isinstance(rec.fact_value(n), bool) and str(rec.fact_value(n)).replace(".", "").isdigit()
              else rec.fact_value(n) for n in rec.facts if n not in standard.fields}
    return rec.model_dump(exclude={"facts"}), values, cites, others


@pytest.mark.parametrize("fixture", FIXTURES)
def test_record_to_workbook_to_record_is_lossless(fixture, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    record = api.load_record(fixture)
    for target in api.standards_for(record):
        book = tmp_path / f"{target.standard.id}.xlsx"
        book.write_bytes(record_workbook(target.standard, "zh", record.record))
        back = api.read_workbook(book)
        assert back.made_for == (target.standard.id,) and back.notes == ()
        assert _as_read(back, target.standard) == _as_read(record, target.standard)
        assert back.record.applications == record.record.applications  # grades read back as ids


def test_formula_like_texts_are_written_as_text_and_read_back(tmp_path):
    """A union named `=1+2`, an event titled `@SUM(A1)`: text cells, never formulas (they would run
    in Excel, and a formula without a saved result is refused when read back), with Excel's quote
    prefix; the record reads back as written. The inspection workbook likewise."""
    data = _data("fixtures/tanglang-community.yaml")
    data["union"]["name"], data["period"]["label"] = "=1+2", "+lbl()"
    data["events"][0]["title"] = "@SUM(A1)"
    record = api.load_record(data)
    st = catalog.resolve_standard("bahao-community").standard
    book = tmp_path / "t.xlsx"
    book.write_bytes(record_workbook(st, "zh", record.record))
    sheet = tmp_path / "i.xlsx"
    api.write_worksheet(data, sheet, fmt="xlsx")
    for path in (book, sheet):
        cells = [c for ws in load_workbook(path) for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], path
        marked = {c.value for c in cells if c.quotePrefix}
        assert {"=1+2", "@SUM(A1)"} <= marked, (path, marked)
    back = api.read_workbook(book)
    assert back.record.union.name == "=1+2" and back.record.period.label == "+lbl()"
    assert _as_read(back, st) == _as_read(record, st)


def test_the_same_record_gives_the_same_bytes_and_english_headers_read_too(tmp_path):
    record = api.load_record(ROOT / "fixtures/tanglang-community.yaml")
    st = catalog.resolve_standard("bahao-community").standard
    assert record_workbook(st, "zh", record.record) == record_workbook(st, "zh", record.record)
    book = tmp_path / "en.xlsx"
    book.write_bytes(record_workbook(st, "en", record.record))
    assert _as_read(api.read_workbook(book), st) == _as_read(record, st)


def test_the_template_has_the_contract_sheets_validation_and_a_hidden_meta(tmp_path):
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(main, ["template", "bahao-community", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[:7] == ["填报说明", "基本信息", "佐证数据", "活动记录", "材料清单", "荣誉称号", "酌情评分"]
    assert wb["_meta"].sheet_state == "hidden" and wb["_lists"].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    st = catalog.resolve_standard("bahao-community").standard
    assert (meta["standard"], meta["version"], meta["sha256"]) == (st.id, st.version, st.sha256)
    assert [c.value for c in wb["基本信息"][1]] == ["字段", "项目", "填报值", "说明"]
    assert [c.value for c in wb["活动记录"][1]][:4] == ["类型", "日期", "次数", "名称"]
    facts = wb["佐证数据"]
    assert [facts.cell(r, 1).value for r in range(2, 2 + len(st.fields))] == list(st.fields)
    kinds = {dv.type for dv in facts.data_validations.dataValidation}
    assert {"list", "whole", "decimal"} <= kinds  # 是/否 drop-down, counts, rates
    rate_row = list(st.fields).index("labour_contract_rate") + 2
    assert facts.cell(rate_row, 5).number_format == "0.0%"
    lists = [v for row in wb["_lists"].iter_rows(values_only=True) for v in row if v]
    assert "社区工会" in lists and "“八好”示范社区工会" in lists and "职工代表大会" in lists and "是" in lists
    assert not wb.vba_archive  # no macros


def _template_with(tmp_path, edits) -> Path:
    book = tmp_path / "t.xlsx"
    api.write_template("bahao-community", book, record=ROOT / "fixtures/tanglang-community.yaml", force=True)
    wb = load_workbook(book)
    edits(wb)
    wb.save(book)
    return book


def _row(ws, key: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)


def test_every_problem_is_named_by_sheet_and_cell_all_in_one_pass(tmp_path):
    # (Only a bad period stops the rest: the standard's version and the event windows hang on it.)
    def edits(wb):
        facts, basics, events = wb["佐证数据"], wb["基本信息"], wb["活动记录"]
        facts.cell(_row(facts, "members"), 5).value = "很多"
        facts.cell(_row(facts, "has_sign"), 5).value = "可能"
        wb["材料清单"].cell(3, 4).value = "2025年2月30日"
        basics.cell(_row(basics, "application.grade"), 3).value = "特等"
        events.cell(2, 1).value = "党总支会义"

    result = CliRunner().invoke(main, ["score", str(_template_with(tmp_path, edits))])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "共 5 个问题" in lines[0]
    text = result.stderr
    fields = list(catalog.resolve_standard("bahao-community").standard.fields)
    assert f":佐证数据!E{fields.index('members') + 2}: facts.members: 应为整数, 实际为 很多" in text
    assert f":佐证数据!E{fields.index('has_sign') + 2}: facts.has_sign: 应为 是 或 否" in text
    assert ":材料清单!D3: documents[1].date: 没有这个日期: 2025年2月30日" in text
    assert ":基本信息!C10: applications[0].grade: 申报等级 特等 不是标准 bahao-community 的等级; 可选: demonstration" in text
    assert ":活动记录!A2: events[0].kind: 未知的活动类型 党总支会义" in text and "party_union_meeting" in text


def test_unknown_keys_columns_and_sheets_with_content_are_errors(tmp_path):
    def edits(wb):
        facts = wb["佐证数据"]
        facts.cell(facts.max_row + 1, 1).value = "membrs"
        facts.cell(facts.max_row, 5).value = 3
        facts.cell(1, 9).value = "备忘"
        facts.cell(3, 9).value = "x"
        basics = wb["基本信息"]
        basics.cell(basics.max_row + 1, 3).value = "值但无字段"
        wb.create_sheet("Sheet9")["B2"] = "stray"

    with pytest.raises(api.InputError) as info:
        api.read_workbook(_template_with(tmp_path, edits))
    text = str(info.value)
    assert "佐证数据!I1: 无法识别的列 备忘" in text
    assert "Sheet9!B2: 无法识别的工作表 “Sheet9”" in text
    assert "不知道填的是哪一项" in text
    with pytest.raises(api.InputError) as info:
        api.score_record(_template_with(tmp_path, lambda wb: (wb["佐证数据"].cell(wb["佐证数据"].max_row + 1, 1, "membrs"),
                                                               wb["佐证数据"].cell(wb["佐证数据"].max_row, 5, 3))))
    assert "facts.membrs: 未知字段 membrs" in str(info.value) and "members" in str(info.value)


def test_columns_may_move_and_a_tool_may_fill_english_headers(tmp_path):
    def edits(wb):
        ws = wb["活动记录"]
        ws.insert_cols(1)  # an inserted column, left empty, is nothing
        ws.cell(1, 2).value = "Kind"

    st = catalog.resolve_standard("bahao-community").standard
    back = api.read_workbook(_template_with(tmp_path, edits))
    assert _as_read(back, st) == _as_read(api.load_record(ROOT / "fixtures/tanglang-community.yaml"), st)


def test_a_stale_template_is_recognised_and_said(tmp_path):
    def edits(wb):
        wb["_meta"]["B4"] = "0" * 64  # sha256 row: as if made from an earlier content of the standard

    book = _template_with(tmp_path, edits)
    assert "较早的内容生成" in api.read_workbook(book).notes[0]
    result = CliRunner().invoke(main, ["score", str(book)])
    assert result.exit_code == 0 and "assess template bahao-community --xlsx" in result.stderr


def test_a_workbook_that_is_none_of_ours_is_refused(tmp_path):
    book = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    Workbook().save(book)
    with pytest.raises(api.InputError) as info:
        api.read_workbook(book)
    assert "assess template" in str(info.value)


def test_inspect_and_batch_read_a_workbook_as_a_record(tmp_path):
    book = tmp_path / "t.xlsx"
    api.write_template("bahao-community", book, record=ROOT / "fixtures/tanglang-community.yaml")
    sheet = api.write_worksheet(book, tmp_path / "w.yaml")
    assert sheet.standard.standard.id == "bahao-community"
    done = api.score_batch([book], tmp_path / "o.jsonl", api.ScoreOptions(standard="bahao-community", engine="python"), jobs=1)
    assert (done.scored, done.bad) == (1, 0)
    card = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert card["score"] == _cards(ROOT / "fixtures/tanglang-community.yaml")[0]["score"]


def test_a_record_applying_under_another_standard_is_said_when_its_workbook_is_made(tmp_path):
    # guiyuan-street applies for 八好 达标 (bahao-community compliant): a 六有 workbook made from it
    # carries that application, which makes `assess score` score the workbook as 八好
    book, record = tmp_path / "t.xlsx", ROOT / "fixtures/guiyuan-street.yaml"
    result = CliRunner().invoke(main, ["template", "liuyou-grassroots", "--from", str(record), "--xlsx", str(book)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"注意: {record} 申报的是 bahao-community 的等级 “八好”达标社区工会 (compliant), 已原样带入工作簿 "
        "(基本信息表 applications.bahao-community 一行); 不改动的话, assess score 会按 bahao-community 评分, "
        "而不是 liuyou-grassroots。如要申报 liuyou-grassroots 的等级, 请删除该行, 并在“申报等级”一行中选择\n")
    assert [c["standard"]["id"] for c in _cards(book)] == ["bahao-community"]  # what the note warns of
    done = api.write_template("liuyou-grassroots", tmp_path / "en.xlsx", record=record, lang="en")
    assert done.notes == (f"note: {record} applies for the grade 'Eight Goods compliant community union' (compliant) of "
                          "bahao-community; it is carried into the workbook as it is (row applications.bahao-community "
                          "of the sheet Basics), so as it stands assess score will score the workbook against "
                          "bahao-community, not liuyou-grassroots. To apply for a grade of liuyou-grassroots, delete "
                          "that row and pick one in the row 'Grade applied for'",)
    # a record applying under this standard and another: scored against both, said so
    both = api.write_template("model-worker-home", tmp_path / "b.xlsx", record=ROOT / "fixtures/minjiang-machinery-factory.yaml")
    [note] = both.notes
    assert "还申报了 liuyou-grassroots 的等级 “六有”示范工会 (demonstration)" in note and "同时按 liuyou-grassroots 评分" in note
    # its own standard's application only, or none: nothing to say
    assert api.write_template("bahao-community", tmp_path / "own.xlsx", record=record).notes == ()
    assert api.write_template("liuyou-grassroots", tmp_path / "empty.xlsx").notes == ()


def test_template_command_usage(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["template", "bahao-community"]).exit_code == 2
    out = tmp_path / "t.xlsx"
    assert runner.invoke(main, ["template", "bahao-community", "--xlsx", str(out)]).exit_code == 0
    again = runner.invoke(main, ["template", "bahao-community", "--xlsx", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert runner.invoke(main, ["template", "no-such", "--xlsx", str(tmp_path / "x.xlsx")]).exit_code == 2


HOSTILE_CELLS = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                          st.booleans(), st.dates(), st.sampled_from(["=A1", "是", "2025年2月30日", "９４％", "1,2,3", " "]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["基本信息", "佐证数据", "活动记录", "材料清单", "荣誉称号", "酌情评分"]),
                          st.integers(1, 30), st.integers(1, 9), HOSTILE_CELLS), min_size=1, max_size=6))
@example(edits=[("材料清单", 2, 4, 0)])  # a 0 in a cell formatted as a time of day reads as time(0, 0)
def test_any_cell_written_anywhere_is_read_or_refused_never_a_traceback(tmp_path, edits):
    def apply(wb):
        for sheet, row, col, value in edits:
            wb[sheet].cell(row, col).value = value

    book = _template_with(tmp_path, apply)
    try:
        api.score_record(book, api.ScoreOptions(engine="python"))
    except api.InputError as err:
        assert err.problems and all(p.file == str(book) for p in err.problems)


def test_text_a_workbook_cannot_hold_is_left_out_not_a_traceback(tmp_path):
    data = _data("fixtures/tanglang-community.yaml")
    data["events"][0]["title"] = "党总支会议\x1f细化标准"  # a control character, as some exports leave them
    book = tmp_path / "t.xlsx"
    api.write_template("bahao-community", book, record=data)
    assert api.read_workbook(book).record.events[0].title == "党总支会议细化标准"


def test_a_hidden_sheet_with_content_is_refused_naming_it_and_a_blank_one_is_not(tmp_path):
    """A sheet hidden by hand that holds rows went unread without a word (break-it tester)."""
    def blank(wb):
        wb.create_sheet("空表").sheet_state = "hidden"

    api.read_workbook(_template_with(tmp_path, blank))  # the template's own _meta and _lists are hidden too

    def filled(wb):
        draft = wb.create_sheet("草稿")
        draft["C4"] = "membrs 3"
        draft.sheet_state = "hidden"

    with pytest.raises(api.InputError) as info:
        api.read_workbook(_template_with(tmp_path, filled))
    assert "草稿!C4: 工作表 “草稿” 是隐藏的, 但填了内容" in str(info.value)
    # a sheet of the contract that was hidden is read as it is
    api.read_workbook(_template_with(tmp_path, lambda wb: setattr(wb["材料清单"], "sheet_state", "hidden")))


def test_an_unknown_standard_in_the_judgements_sheet_is_refused_at_its_cell(tmp_path):
    def edits(wb):
        ws = wb["酌情评分"]
        column = next(c.column for c in ws[1] if c.value == "标准")
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 4).value is not None)
        ws.cell(row, column).value = "bahao-comunity"
        edits.cell = f"{get_column_letter(column)}{row}"

    book = _template_with(tmp_path, edits)
    with pytest.raises(api.InputError) as info:
        api.score_record(book)
    assert f"t.xlsx:酌情评分!{edits.cell}: judgements.bahao-comunity: " in str(info.value)
    assert "bahao-community" in str(info.value)  # did you mean
