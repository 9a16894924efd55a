"""The xlsx round trip: export a standard, edit the workbook, import the edits into the YAML text."""
from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from assess.core.problems import InputError
from assess.standards import catalog
from assess.workflows import spreadsheet
from assess.cli import main
from assess.rules.bands import Bands

ROOT = Path(__file__).resolve().parent.parent
BUILTINS = ["bahao-community", "liuyou-grassroots", "model-worker-home"]
_fresh = itertools.count()


def copy_standard(tmp_path: Path, source: Path | str) -> Path:
    source = Path(source)
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def load(path: Path) -> catalog.LoadedStandard:
    # The catalog caches by path; a fresh copy reads the file as it is now.
    copy = path.parent / f".fresh-{next(_fresh)}-{path.name}"
    shutil.copyfile(path, copy)
    loaded = catalog.load_standard_file(copy)
    copy.unlink()
    return loaded


def export(path: Path, lang: str = "zh", name: str = "sheet.xlsx") -> Path:
    out = path.parent / name
    spreadsheet.export_standard(load(path), out, lang)
    return out


def row_of(ws, key: list[str]) -> int:
    """The row whose hidden key (last column) is `key`."""
    wanted = json.dumps(key, ensure_ascii=False)
    for row in ws.iter_rows():
        if row[-1].value == wanted:
            return row[0].row
    raise AssertionError(f"no row {key} in {ws.title}")


def param_row(wb, owner: str, ident: str, param: str) -> int:
    return row_of(wb["参数"], ["param", owner, ident, param])


def first_bands_item(st):
    return next(it for _, it in st.all_items() if isinstance(it.rule, Bands))


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.splitlines(), new.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


# ---- lossless -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", BUILTINS)
def test_round_trip_without_edits_changes_nothing(tmp_path, name, lang):
    path = copy_standard(tmp_path, ROOT / "rulesets" / f"{name}.yaml")
    before = path.read_bytes()
    book = export(path, lang)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == [] and result.edits == [] and result.diff == ""
    assert result.new_text.encode("utf-8") == before
    spreadsheet.write_import(result)
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", BUILTINS)
def test_edit_a_point_a_cut_off_and_a_title_changes_exactly_those(tmp_path, name):
    path = copy_standard(tmp_path, ROOT / "rulesets" / f"{name}.yaml")
    old_text = path.read_text(encoding="utf-8")
    st = load(path).standard
    item = first_bands_item(st)
    ratio = st.is_percent(item.rule.value)
    new_min = item.rule.bands[0].min - Fraction(1, 200) if ratio else item.rule.bands[0].min + 1
    new_title = item.title.zh + "（修订）"

    book = export(path)
    wb = load_workbook(book)
    ws = wb["评分表"]
    r = row_of(ws, ["item", item.id])
    ws.cell(r, 3).value = int(item.points) + 1
    ws.cell(r, 2).value = new_title
    wb["参数"].cell(param_row(wb, "item", item.id, "rule.bands[0].min"), 4).value = float(new_min)
    wb.save(book)

    result = spreadsheet.import_edits(book, path)
    assert result.problems == []
    assert {e.target.param for e in result.edits} == {"points", "title", "rule.bands[0].min"}
    assert result.new_text != old_text and path.read_text(encoding="utf-8") == old_text  # nothing written yet
    assert len(changed_lines(old_text, result.new_text)) == 3
    assert result.diff.count("\n-") - result.diff.count("\n---") == 3

    spreadsheet.write_import(result)
    new = load(path).standard
    assert new.find_item(item.id).points == item.points + 1
    assert new.find_item(item.id).title.zh == new_title
    assert new.find_item(item.id).title.en == item.title.en
    assert new.find_item(item.id).rule.bands[0].min == new_min
    # Everything else in the data is as it was: only three scalars moved.
    old_data, new_data = yaml.safe_load(old_text), yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _leaf_differences(old_data, new_data) == 3

    # Exporting the result shows the edited values, and importing that changes nothing.
    again = export(path, name="again.xlsx")
    wb2 = load_workbook(again)
    r2 = row_of(wb2["评分表"], ["item", item.id])
    assert wb2["评分表"].cell(r2, 3).value == int(item.points) + 1
    assert wb2["评分表"].cell(r2, 2).value == new_title
    assert Fraction(str(wb2["参数"].cell(param_row(wb2, "item", item.id, "rule.bands[0].min"), 4).value)) == new_min
    assert spreadsheet.import_edits(again, path).edits == []


def _leaf_differences(a, b) -> int:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys()
        return sum(_leaf_differences(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b)
        return sum(_leaf_differences(x, y) for x, y in zip(a, b))
    return int(a != b)


def test_a_title_alone_changes_no_score_and_brings_no_version_note(tmp_path):
    path = copy_standard(tmp_path, ROOT / "rulesets" / "bahao-community.yaml")
    item = first_bands_item(load(path).standard)
    book = export(path)
    wb = load_workbook(book)
    wb["评分表"].cell(row_of(wb["评分表"], ["item", item.id]), 2).value = item.title.zh + "（修订）"
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert [e.target.param for e in result.edits] == ["title"] and not any("版本号" in n for n in result.notes)


def test_numbers_keep_their_written_form(tmp_path):
    """A quoted percentage stays a quoted percentage; a plain number stays plain; text is quoted when it must be."""
    path = copy_standard(tmp_path, ROOT / "rulesets" / "bahao-community.yaml")
    book = export(path)
    wb = load_workbook(book)
    p = wb["参数"]
    p.cell(param_row(wb, "item", "unionization_rate", "rule.target"), 4).value = "85.5%"  # typed as text
    p.cell(param_row(wb, "item", "unionization_rate", "rule.deduct"), 4).value = 0.5
    wb["等级与否决"].cell(row_of(wb["等级与否决"], ["grade", "advanced"]), 1).value = '先进: "A" #1'
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == []
    lines = [new for _, new in changed_lines(result.old_text, result.new_text)]
    assert 'rule: {kind: shortfall, value: unionization_rate, target: "85.5%", per: "1%", deduct: 0.5, partial: up, cap: 3}' in lines[0]
    assert lines[1] == '    title: {zh: "先进: \\"A\\" #1", en: "Eight Goods advanced community union"}'


def test_plain_scalars_block_scalars_and_defaults(tmp_path):
    """docs/example-standard.yaml writes plain strings, flow bands without `otherwise`; add a folded title."""
    path = tmp_path / "example.yaml"
    text = (ROOT / "docs" / "example-standard.yaml").read_text(encoding="utf-8")
    text = text.replace("    title: 组织建设\n", "    title: >-\n      组织\n      建设\n")
    path.write_text(text, encoding="utf-8")
    book = export(path)
    wb = load_workbook(book)
    ws = wb["评分表"]
    ws.cell(row_of(ws, ["item", "1.1"]), 1).value = "组织建设: 改"  # the folded section title
    ws.cell(row_of(ws, ["item", "1.2"]), 2).value = "女职委"  # a plain title stays plain
    wb["参数"].cell(param_row(wb, "item", "1.1", "rule.bands[1].min"), 4).value = 0.91
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == []
    new_text = result.new_text
    assert '    title: "组织建设: 改"\n    cap: 20\n' in new_text
    assert "{min: 91%, points: 6}" in new_text and "        title: 女职委\n" in new_text
    spreadsheet.write_import(result)
    assert load(path).standard.sections[0].title.zh == "组织建设: 改"

    # `otherwise` is a default the file does not write: refused, naming the cell.
    book = export(path, name="b.xlsx")
    wb = load_workbook(book)
    r = param_row(wb, "item", "1.1", "rule.otherwise")
    wb["参数"].cell(r, 4).value = 1
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert [p.path for p in result.problems] == [f"参数!D{r}"]
    assert "rule.otherwise" in result.problems[0].message and result.new_text == result.old_text


def test_english_workbook_edits_english_text_only(tmp_path):
    path = copy_standard(tmp_path, ROOT / "rulesets" / "liuyou-grassroots.yaml")
    book = export(path, "en")
    wb = load_workbook(book)
    assert wb.sheetnames[:3] == ["Score sheet", "Grades and vetoes", "Parameters"]
    ws = wb["Score sheet"]
    st = load(path).standard
    item = st.sections[0].items[0]
    ws.cell(row_of(ws, ["item", item.id]), 2).value = "Chair elected by the members"
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == []
    [(old, new)] = changed_lines(result.old_text, result.new_text)
    assert item.title.zh in new and '"Chair elected by the members"' in new

    # A plain-string title has no English text to edit.
    example = copy_standard(tmp_path, ROOT / "docs" / "example-standard.yaml")
    book = export(example, "en", name="e.xlsx")
    wb = load_workbook(book)
    ws = wb["Score sheet"]
    r = row_of(ws, ["item", "1.1"])
    ws.cell(r, 2).value = "Membership rate"
    wb.save(book)
    result = spreadsheet.import_edits(book, example)
    assert [p.path for p in result.problems] == [f"'Score sheet'!B{r}"]


def test_a_tailored_standard_exports_resolved_and_takes_only_its_own_values(tmp_path):
    """A file with `extends:` can change what it writes itself; inherited values are refused."""
    path = copy_standard(tmp_path, ROOT / "rulesets" / "local" / "nanshan-bahao-2025.yaml")  # parent: built-in
    book = export(path)
    assert spreadsheet.import_edits(book, path).diff == ""
    wb = load_workbook(book)
    target = param_row(wb, "item", "unionization_rate", "rule.target")
    inherited = param_row(wb, "item", "membership_rate", "points")
    assert wb["参数"].cell(target, 4).value == 0.97  # resolved: the child's own target
    wb["参数"].cell(target, 4).value = 0.96
    wb["参数"].cell(inherited, 4).value = 7
    wb.save(book)
    [problem] = spreadsheet.import_edits(book, path).problems
    assert problem.path == f"参数!D{inherited}" and "extends" in problem.message
    wb["参数"].cell(inherited, 4).value = 6
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert [new for _, new in changed_lines(result.old_text, result.new_text)] == ['        rule: {target: "96%"}']
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nanshan-bahao-2025.yaml", "sheet.xlsx"]  # no temp files left


# ---- refusals ---------------------------------------------------------------------------------------


@pytest.fixture
def bahao(tmp_path):
    path = copy_standard(tmp_path, ROOT / "rulesets" / "bahao-community.yaml")
    return path, export(path)


def refused(book, path, edit) -> list:
    wb = load_workbook(book)
    edit(wb)
    wb.save(book)
    before = path.read_bytes()
    result = spreadsheet.import_edits(book, path)
    assert result.edits == [] and result.new_text == result.old_text and path.read_bytes() == before
    assert result.problems
    return result.problems


def test_every_bad_cell_is_named_at_once(bahao):
    path, book = bahao
    rows = {}

    def edit(wb):
        ws = wb["评分表"]
        rows["pts"] = row_of(ws, ["item", "membership_rate"])
        rows["title"] = row_of(ws, ["item", "five_haves"])
        ws.cell(rows["pts"], 3).value = "六分"
        ws.cell(rows["title"], 4).value = "改写的评分标准"  # prose cannot be parsed back
        ws.cell(rows["title"], 2).value = "   "
        rows["min"] = param_row(wb, "item", "membership_rate", "rule.bands[0].min")
        wb["参数"].cell(rows["min"], 4).value = 98  # 9800%: meant 98%
        ws.cell(row_of(ws, ["item", "union_in_party_targets"]), 6).value = 3  # 自评分: free, ignored

    problems = refused(book, path, edit)
    got = {p.path: p.message for p in problems}
    assert set(got) == {f"评分表!C{rows['pts']}", f"评分表!D{rows['title']}", f"评分表!B{rows['title']}", f"参数!D{rows['min']}"}
    assert "应为数字" in got[f"评分表!C{rows['pts']}"] and "六分" in got[f"评分表!C{rows['pts']}"]
    assert "参数" in got[f"评分表!D{rows['title']}"]
    assert got[f"评分表!B{rows['title']}"] == "不能为空"
    assert "9800%" in got[f"参数!D{rows['min']}"]


def test_rows_added_removed_copied_or_rekeyed_are_refused(bahao):
    path, book = bahao
    wb = load_workbook(book)
    ws, params = wb["评分表"], wb["参数"]
    last = ws.max_row
    ws.cell(last + 1, 2).value = "新增指标"
    removed = param_row(wb, "item", "five_haves", "points")
    params.delete_rows(removed)
    for col in range(1, 6):
        params.cell(params.max_row + 1, col).value = params.cell(2, col).value  # a copied row, key and all
    copied = params.max_row
    ws.cell(row_of(ws, ["item", "membership_rate"]), 8).value = '["item", "no_such_item"]'
    note = row_of(ws, ["item", "five_haves"])
    ws.cell(note, 9).value = "备注"  # beyond the table
    wb.save(book)
    problems = spreadsheet.import_edits(book, path).problems
    got = {p.path: p.message for p in problems}
    assert "新增" in got[f"评分表!B{last + 1}"]
    assert "重复" in got[f"参数!E{copied}"]
    assert any("no_such_item" in m for m in got.values())
    assert "five_haves" in got["参数"] and "points" in got["参数"]
    assert any("membership_rate" in m and "缺少" in m for m in got.values())  # its row lost its key
    assert "以外" in got[f"评分表!I{note}"]


def test_a_lost_key_column_is_one_problem(bahao):
    path, book = bahao
    wb = load_workbook(book)
    wb["参数"].delete_cols(5)
    wb.save(book)
    [problem] = spreadsheet.import_edits(book, path).problems
    assert problem.path == "参数" and "E" in problem.message


def test_conflicting_edits_of_one_value(bahao):
    path, book = bahao
    wb = load_workbook(book)
    r = row_of(wb["评分表"], ["item", "membership_rate"])
    p = param_row(wb, "item", "membership_rate", "points")
    wb["评分表"].cell(r, 3).value = 7
    wb["参数"].cell(p, 4).value = 7
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == [] and [e.cells for e in result.edits] == [(f"评分表!C{r}", f"参数!D{p}")]

    wb["参数"].cell(p, 4).value = 8
    wb.save(book)
    [problem] = spreadsheet.import_edits(book, path).problems
    assert problem.path == f"参数!D{p}" and f"评分表!C{r}" in problem.message


def test_an_edit_that_breaks_the_standard_is_refused_with_the_reason(bahao):
    path, book = bahao
    wb = load_workbook(book)
    ws = wb["评分表"]
    ws.cell(row_of(ws, ["section", "organisation"]), 3).value = 26
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.edits == [] and result.new_text == result.old_text
    assert "101" in result.problems[0].message and "修改后标准无效" in result.problems[0].message
    assert "-    cap: 25\n+    cap: 26\n" in result.diff  # shown, not written

    ws.cell(row_of(ws, ["total"]), 3).value = 101  # the total follows: valid again
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == [] and len(result.edits) == 2


def test_workbook_for_another_standard_or_older_content_is_refused(tmp_path, bahao):
    path, book = bahao
    other = copy_standard(tmp_path, ROOT / "rulesets" / "liuyou-grassroots.yaml")
    [problem] = spreadsheet.import_edits(book, other).problems
    assert "bahao-community 2025.1" in problem.message and "liuyou-grassroots" in problem.message

    path.write_text(path.read_text(encoding="utf-8").replace("    cap: 25\n", "    cap: 24\n", 1)
                    .replace("total: 100\n", "total: 99\n", 1), encoding="utf-8")
    [problem] = spreadsheet.import_edits(book, path).problems
    assert "重新导出" in problem.message  # the unedited workbook would undo the change


def test_an_imported_workbook_imports_again_only_if_it_matches_the_file(bahao):
    path, book = bahao
    wb = load_workbook(book)
    wb["评分表"].cell(row_of(wb["评分表"], ["item", "membership_rate"]), 3).value = 7
    wb["参数"].cell(param_row(wb, "item", "membership_rate", "points"), 4).value = 7
    wb.save(book)
    spreadsheet.write_import(spreadsheet.import_edits(book, path))
    again = spreadsheet.import_edits(book, path)
    assert again.problems == [] and again.edits == []

    # Changed in one place only, the other cell still shows 7: importing again would undo the
    # edit, and the workbook is from older content, so it is refused.
    book = export(path, name="second.xlsx")
    wb = load_workbook(book)
    wb["评分表"].cell(row_of(wb["评分表"], ["item", "membership_rate"]), 3).value = 8
    wb.save(book)
    spreadsheet.write_import(spreadsheet.import_edits(book, path))
    [problem] = spreadsheet.import_edits(book, path).problems
    assert "重新导出" in problem.message


def test_not_a_workbook(tmp_path, bahao):
    path, _ = bahao
    with pytest.raises(InputError) as err:
        spreadsheet.import_edits(path, path)
    assert "xlsx" in str(err.value)
    plain = tmp_path / "plain.xlsx"
    wb = load_workbook(export(path))
    del wb["_assess"]
    wb.save(plain)
    [problem] = spreadsheet.import_edits(plain, path).problems
    assert "_assess" in problem.message


def test_unmerged_section_cells_may_repeat_the_title(bahao):
    path, book = bahao
    wb = load_workbook(book)
    ws = wb["评分表"]
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    first, last = row_of(ws, ["item", "org_established"]), row_of(ws, ["section", "organisation"])
    for r in range(first + 1, last + 1):
        ws.cell(r, 1).value = ws.cell(first, 1).value
    wb.save(book)
    assert spreadsheet.import_edits(book, path).edits == []

    # Any one of the copies may carry an edit; two different edits are refused.
    ws.cell(first + 2, 1).value = "二、组织好"
    wb.save(book)
    [edit] = spreadsheet.import_edits(book, path).edits
    assert (edit.target.param, edit.new, edit.cells) == ("title", "二、组织好", (f"评分表!A{first + 2}",))
    ws.cell(first, 1).value = "二、组织"
    wb.save(book)
    [problem] = spreadsheet.import_edits(book, path).problems
    assert problem.path == f"评分表!A{first + 2}" and f"评分表!A{first}" in problem.message


# ---- the printed sheet ------------------------------------------------------------------------------


def test_score_sheet_layout_for_print(bahao):
    path, book = bahao
    st = load(path).standard
    wb = load_workbook(book)
    assert wb.sheetnames == ["评分表", "等级与否决", "参数", "_assess"]
    assert wb["_assess"].sheet_state == "hidden"
    ws = wb["评分表"]
    assert [c.value for c in ws[2]][:7] == ["一级指标", "二级指标", "标准分", "评分标准", "考核方法", "自评分", "考核分"]
    assert st.title.zh in ws["A1"].value and st.id in ws["A1"].value and st.version in ws["A1"].value
    assert ws.column_dimensions["H"].hidden and ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
    r = row_of(ws, ["item", "membership_rate"])
    assert ws.cell(r, 3).value == 6 and "98%" in ws.cell(r, 4).value and "抽查" in ws.cell(r, 5).value
    assert ws.cell(r, 6).value is None and ws.cell(r, 7).value is None
    first = row_of(ws, ["item", "org_established"])
    assert ws.cell(first, 1).value == "二、组织建设好"
    assert f"A{first}:A{row_of(ws, ['section', 'organisation'])}" in {str(m) for m in ws.merged_cells.ranges}
    sub = row_of(ws, ["section", "organisation"])
    assert (ws.cell(sub, 2).value, ws.cell(sub, 3).value) == ("小计", 25)
    assert ws.cell(row_of(ws, ["bonus"]), 3).value == 3
    assert (ws.cell(ws.max_row, 1).value, ws.cell(ws.max_row, 3).value) == ("合计", 100)
    assert [row_of(ws, ["item", it.id]) for _, it in st.all_items()] == sorted(row_of(ws, ["item", it.id]) for _, it in st.all_items())
    p = wb["参数"]
    cell = p.cell(param_row(wb, "item", "membership_rate", "rule.bands[0].min"), 4)
    assert cell.value == 0.98 and cell.number_format == "0.0%"  # 97.5% typed over it still shows 97.5%
    g = wb["等级与否决"]
    gr = row_of(g, ["grade", "demonstration"])
    assert (g.cell(gr, 2).value, "职工入会率 ≥ 98%" in g.cell(gr, 3).value) == (90, True)
    assert "群体性事件" in g.cell(row_of(g, ["veto", "serious_incident"]), 1).value


def test_export_is_byte_identical_whatever_the_time_or_hash_seed(tmp_path, monkeypatch):
    loaded = catalog.load_standard_file(ROOT / "rulesets" / "model-worker-home.yaml")
    first = spreadsheet.workbook_bytes(loaded, "zh")
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert spreadsheet.workbook_bytes(loaded, "zh") == first
    out = tmp_path / "seeded.xlsx"
    env = {"PYTHONHASHSEED": "7", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "assess", "export", "model-worker-home", "--xlsx", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    assert out.read_bytes() == first
    assert spreadsheet.workbook_bytes(loaded, "en") != first


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "eq.yaml"
    path.write_text((ROOT / "docs" / "example-standard.yaml").read_text(encoding="utf-8")
                    .replace("title: 入会率", 'title: "=入会率"'), encoding="utf-8")
    book = export(path)
    ws = load_workbook(book)["评分表"]
    cell = ws.cell(row_of(ws, ["item", "1.1"]), 2)
    assert (cell.value, cell.data_type) == ("=入会率", "s")
    assert spreadsheet.import_edits(book, path).edits == []


# ---- command line -------------------------------------------------------------------------------------


def test_cli_export_import_confirm_dry_run_and_yes(tmp_path):
    path = copy_standard(tmp_path, ROOT / "rulesets" / "bahao-community.yaml")
    before = path.read_bytes()
    book = tmp_path / "s.xlsx"
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(path), "--xlsx", str(book)])
    assert result.exit_code == 0 and "已写出" in result.output

    result = runner.invoke(main, ["import", str(book), "--into", str(path)])
    assert result.exit_code == 0 and "无需修改" in result.output

    wb = load_workbook(book)
    r = row_of(wb["评分表"], ["item", "membership_rate"])
    wb["评分表"].cell(r, 3).value = 7
    wb.save(book)
    result = runner.invoke(main, ["import", str(book), "--into", str(path), "--dry-run"])
    assert result.exit_code == 0 and "+        points: 7" in result.output and path.read_bytes() == before
    # The points changed and the version did not: the user is told where to write a new one.
    line = before.decode("utf-8").splitlines().index(next(x for x in before.decode("utf-8").splitlines()
                                                          if x.startswith("version:"))) + 1
    assert f"版本号仍为 2025.1 ({path} 第 {line} 行)" in result.stderr, result.stderr
    # A copy of a built-in standard: scoring by its id reads the built-in, which the user is told.
    builtin = catalog.resolve_standard("bahao-community").path  # the installed copy, wherever it is
    assert f"按编号 bahao-community@2025.1 评分时读取的是 {builtin}, 不是 {path}" in result.stderr
    result = runner.invoke(main, ["import", str(book), "--into", str(path), "--dry-run"], env={"ASSESS_RULESETS": str(tmp_path)})
    assert result.exit_code == 0 and "版本号仍为" in result.stderr and "按编号" not in result.stderr, result.stderr
    result = runner.invoke(main, ["import", str(book), "--into", str(path)], input="n\n")
    assert result.exit_code == 0 and "未写入" in result.output and path.read_bytes() == before
    result = runner.invoke(main, ["import", str(book), "--into", str(path), "--yes", "--lang", "en"])
    assert result.exit_code == 0 and "wrote" in result.output and b"        points: 7\n" in path.read_bytes()

    book = export(path, name="fresh.xlsx")  # the file changed: export it afresh
    wb = load_workbook(book)
    wb["评分表"].cell(r, 3).value = "x"
    wb.save(book)
    result = runner.invoke(main, ["import", str(book), "--into", str(path), "--yes"])
    assert result.exit_code == 2 and f"评分表!C{r}" in result.stderr and "Traceback" not in result.output

    result = runner.invoke(main, ["import", str(tmp_path / "missing.xlsx"), "--into", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "missing.xlsx" in result.stderr
    result = runner.invoke(main, ["export", "no-such-standard", "--xlsx", str(book)])
    assert result.exit_code == 2


# ---- Excel's escapes and formulas (issue 13, point 7) ------------------------------------------------


def test_excel_escapes_and_carriage_returns_are_cleaned():
    from assess.workflows.spreadsheet.cells import clean_excel_text, one_line

    assert clean_excel_text("职工入会率_x000D_\n（含农民工）") == "职工入会率\n（含农民工）"
    assert clean_excel_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_excel_text("_x005F_x000D_ stays") == "_x000D_ stays"  # the literal text, escaped by Excel
    assert one_line("职工入会率\n（含农民工）") == "职工入会率（含农民工）"
    assert one_line("Membership\n rate \n\n(incl. migrants)") == "Membership rate (incl. migrants)"


def test_a_pasted_windows_line_break_does_not_reach_the_yaml(tmp_path):
    # As cases/field/05-xlsx-x000D-title.xlsx: Excel saved a pasted CRLF in a title as `_x000D_` + LF.
    path = copy_standard(tmp_path, ROOT / "rulesets" / "liuyou-grassroots.yaml")
    book = export(path)
    wb = load_workbook(book)
    ws = wb["评分表"]
    title_row = row_of(ws, ["item", "membership_rate"])
    ws.cell(title_row, 2).value = "职工入会率_x000D_\n（含农民工）"
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.problems == [] and len(result.edits) == 1
    assert '+        title: {zh: "职工入会率（含农民工）", en: "Membership rate"}' in result.diff
    assert "_x000D_" not in result.new_text and "\r" not in result.new_text


def test_formulas_are_refused_with_the_cell_named(bahao):
    path, book = bahao
    rows = {}

    def edit(wb):
        ws = wb["评分表"]
        rows["pts"] = row_of(ws, ["item", "membership_rate"])
        rows["title"] = row_of(ws, ["item", "five_haves"])
        ws.cell(rows["pts"], 3).value = "=2*3"
        ws.cell(rows["title"], 2).value = '=CONCAT("五","有")'
        ws.cell(row_of(ws, ["item", "union_in_party_targets"]), 6).value = "=SUM(C2:C3)"  # 自评分: free, ignored

    problems = refused(book, path, edit)
    got = {p.path: p.message for p in problems}
    assert set(got) == {f"评分表!C{rows['pts']}", f"评分表!B{rows['title']}"}
    assert "公式" in got[f"评分表!C{rows['pts']}"] and "=2*3" in got[f"评分表!C{rows['pts']}"]
    assert "公式" in got[f"评分表!B{rows['title']}"]


@pytest.mark.parametrize("value, reason", [("1e400", "401"), (-1, "≥ 0")])
def test_a_point_or_cost_past_what_a_standard_allows_is_refused_not_a_crash(bahao, value, reason):
    """1e400 is past a float's range (comparing it as one raised OverflowError); a negative cost
    would make the plan's cheapest set the costliest (both found by the break-it pass)."""
    path, book = bahao
    wb = load_workbook(book)
    ws = wb["评分表"]
    row = param_row(wb, "effort", "", "fields.superior_commendations") if value == -1 else None
    if row is None:
        ws.cell(row_of(ws, ["item", "membership_rate"]), 3).value = value
    else:
        wb["参数"].cell(row, 4).value = value
    wb.save(book)
    result = spreadsheet.import_edits(book, path)
    assert result.edits == [] and result.new_text == result.old_text
    assert "修改后标准无效" in result.problems[0].message and reason in result.problems[0].message


def test_effort_rows_name_a_field_by_its_label(bahao):
    path, book = bahao
    wb = load_workbook(book)
    row = param_row(wb, "effort", "", "fields.superior_commendations")
    assert wb["参数"].cell(row, 3).value == "整改成本: 本年度获县级以上工会表彰次数 每单位"
