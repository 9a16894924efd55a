"""`assess batch`: streaming inputs, bad records, output formats, resume, determinism, the cache."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.workflows import batch
from assess.standards import catalog
from csvrows import rows_by_column
from assess.workflows.batch import CSV_COLUMNS, CachingDurableDecider, Source, run_batch, run_sources
from assess.cli import _BatchProgress, main
from assess.scoring.compiler import DurableDecider, PythonDecider, compile_standard
from assess.model.evidence import check_facts, evidence_from_data
from assess.core.loading import canonical_json, read_document
from assess.core.problems import InputError
from assess.scoring.engine import compute_values
from assess.scoring.durable_backend import DurableBackend
from assess.core import conditions as cond
from assess.present.scorecard import inputs_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

STANDARD = "bahao-community"
COMMUNITY_FIXTURES = ["liulian-community.yaml", "tanglang-community.yaml", "guiyuan-street.yaml", "nanjing-street-veto.yaml"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def records(tmp_path) -> Path:
    """40 synthetic records, the one at index 7 invalid, and a line that is not JSON at line 13."""
    lines = list(synthetic.lines(40, bad=[7]))
    lines.insert(12, b'{"union": {"id": "half-written", \n')
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(lines))
    return path


@pytest.fixture
def fixture_dir(tmp_path) -> Path:
    d = tmp_path / "evidence"
    d.mkdir()
    for name in COMMUNITY_FIXTURES:
        shutil.copy(ROOT / "fixtures" / name, d / name)
    (d / "notes.txt").write_text("not a record")  # ignored: not an evidence file
    return d


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# ---- reading INPUTs --------------------------------------------------------------------------


def test_sources_keep_input_order_with_positions(records, fixture_dir):
    found = list(batch.iter_sources([str(fixture_dir), str(records)]))
    names = [s.position for s in found]
    assert names[:4] == [str(fixture_dir / n) for n in sorted(COMMUNITY_FIXTURES)]
    assert names[4] == f"{records}:1" and names[-1] == f"{records}:41"
    assert len(found) == 4 + 41 == batch.count_records([str(fixture_dir), str(records)])


def test_blank_lines_are_not_records_but_keep_line_numbers(tmp_path):
    path = tmp_path / "r.jsonl"
    first, second = list(synthetic.lines(2))
    path.write_bytes(b"\xef\xbb\xbf" + first + b"\n   \n" + second)
    assert [s.position for s in batch.iter_sources([str(path)])] == [f"{path}:1", f"{path}:4"]


@pytest.mark.parametrize("setup, expected", [
    (lambda d: str(d / "missing.jsonl"), "missing.jsonl"),
    (lambda d: (d / "x.txt").write_text("x") and str(d / "x.txt"), "x.txt"),
    (lambda d: (d / "empty").mkdir() or str(d / "empty"), "empty"),
])
def test_bad_inputs_exit_2_naming_the_input(tmp_path, setup, expected):
    name = setup(tmp_path)
    result = run("batch", name, "--standard", STANDARD, "--out", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2
    assert expected in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_standard_reported_with_bad_input(tmp_path, records):
    result = run("batch", str(records), str(tmp_path / "nope.jsonl"), "--standard", "no-such", "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "no-such" in result.stderr


# ---- bad records -----------------------------------------------------------------------------


def test_planted_bad_records_go_to_errors_and_every_other_is_scored(tmp_path, records):
    out = tmp_path / "out.csv"
    summary = run_batch([str(records)], STANDARD, str(out), jobs=2, chunk_size=4)
    assert (summary.records, summary.scored, summary.bad) == (41, 39, 2)
    rows = rows_by_column(out, CSV_COLUMNS)
    expected = [f"syn-{i:07d}" for i in range(40) if i != 7]
    assert [r["union_id"] for r in rows] == expected
    errors = [json.loads(line) for line in _lines(Path(summary.errors))]
    assert [e["position"] for e in errors] == [f"{records}:8", f"{records}:13"]
    planted, broken = errors
    assert planted["union"] == "syn-0000007"
    assert {p["path"] for p in planted["problems"]} >= {"facts.members"}
    assert all(p["file"] == f"{records}:8" and p["message"] for p in planted["problems"])
    assert broken["union"] is None
    assert broken["problems"][0]["line"] == 13 and broken["problems"][0]["column"] is not None
    assert {(p["sheet"], p["cell"]) for e in errors for p in e["problems"]} == {(None, None)}  # no workbook here


def test_a_workbook_problem_gives_its_sheet_and_cell_as_fields(tmp_path):
    from openpyxl import load_workbook

    from assess import api
    from test_roster import _roster_rows, _write_csv

    book = tmp_path / "t.xlsx"
    api.write_template(STANDARD, book, record=ROOT / "fixtures/tanglang-community.yaml")
    wb = load_workbook(book)
    ws = wb["基本信息"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "period.end")
    ws.cell(row, 3).value = "2025/2/30"
    wb.save(book)
    head, rows, _ = _roster_rows(STANDARD)
    rows = [list(r) for r in rows[:2]]
    column = next(i for i, h in enumerate(head) if "会员" in h)
    rows[1][column] = "很多"
    roster = tmp_path / "名单.csv"
    _write_csv(roster, head, rows, "utf-8-sig")
    summary = run_batch([str(book), str(roster)], STANDARD, str(tmp_path / "o.jsonl"), jobs=1)
    bad = [json.loads(line)["problems"][0] for line in _lines(Path(summary.errors))]
    assert [(p["file"], p["sheet"], p["cell"], p["path"]) for p in bad] == [
        (str(book), "基本信息", f"C{row}", "period.end"),
        (str(roster), None, f"{chr(ord('A') + column)}3", "facts.members")]  # a CSV roster: a cell, no sheet
    assert bad[0]["text"].startswith(f"{book}:基本信息!C{row}: period.end: ")


def test_a_quoted_sheet_name_is_unquoted_in_the_sheet_field():
    from assess.workflows.batch.worker import _sheet_cell

    assert _sheet_cell("'My sheet'!B2") == {"sheet": "My sheet", "cell": "B2"}
    assert _sheet_cell("'It''s'!B2") == {"sheet": "It's", "cell": "B2"}
    assert _sheet_cell("D5") == {"sheet": None, "cell": "D5"} and _sheet_cell(None) == {"sheet": None, "cell": None}


def test_cli_exit_2_with_bad_records_and_problems_on_stderr(tmp_path, records):
    result = run("batch", str(records), "--standard", STANDARD, "--out", str(tmp_path / "o.jsonl"), "--jobs", "1")
    assert result.exit_code == 2
    assert f"{records}:8: facts.members:" in result.stderr
    assert "39" in result.stderr and "Traceback" not in result.output
    assert len(_lines(tmp_path / "o.jsonl")) == 39


def test_an_event_counted_in_nothing_is_noted_for_the_first_records_and_counted_after(tmp_path, fixture_dir):
    """An event dated before the period that no count of the standard reaches: the record is
    scored (it is no error), and the run says so, as it says the first bad records' problems."""
    data = read_document(fixture_dir / "tanglang-community.yaml").data
    data["events"][4]["date"] = "2024-04-22"  # a liaison meeting, counted in the period only
    path = tmp_path / "r.jsonl"
    path.write_text((canonical_json(data) + "\n") * 5, encoding="utf-8")
    result = run("batch", str(path), "--standard", STANDARD, "--out", str(tmp_path / "o.jsonl"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith(f"注意: {path}:")]
    assert notes == [f"注意: {path}:{n}: events[4].date: 活动 联谊会议 (liaison_meeting) “驻社区单位联谊会议” 的日期 2024-04-22 "
                     "早于考核期 (2025-01-01 ~ 2025-12-31); 标准 bahao-community 对这类活动只统计 2025-01-01 起的记录, 此活动不计入任何统计 "
                     "(日期是否写错?)" for n in (1, 2, 3)]
    assert "另有 2 份记录有早于考核期、不计入任何统计的活动" in result.stderr
    assert len(_lines(tmp_path / "o.jsonl")) == 5
    assert "注意: 工会 tanglang-community 在同一考核期 (2025-01-01 ~ 2025-12-31) 有 5 份记录" in result.stderr  # one record five times


def test_cli_exit_0_when_every_record_scores(tmp_path, fixture_dir):
    result = run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(tmp_path / "o.csv"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "4 records: 4 scored, 0 bad" in result.stderr


def test_the_lock_file_of_a_workbook_open_in_excel_is_no_record(tmp_path, fixture_dir):
    (fixture_dir / "~$自评.xlsx").write_bytes(b"\x00" * 165)  # what Excel or WPS leaves while 自评.xlsx is open
    result = run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(tmp_path / "o.csv"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "4 records: 4 scored, 0 bad" in result.stderr


def test_files_of_records_a_directory_does_not_read_are_noted_not_passed_over(tmp_path, fixture_dir):
    """A CSV roster or a JSON Lines file in a directory INPUT is not scored there (its rows may be
    the directory's records again) and used to be skipped in silence; the run's own outputs, written
    into the directory, are not noted."""
    (fixture_dir / "名单.csv").write_text("工会名称\n甲\n", encoding="utf-8")
    (fixture_dir / "more.jsonl").write_text("{}\n", encoding="utf-8")
    (fixture_dir / "附件.txt").write_text("x", encoding="utf-8")
    result = run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(fixture_dir / "o.csv"))
    assert result.exit_code == 0, result.output
    for name in ("more.jsonl", "名单.csv"):
        assert (f"注意: 未读取 {fixture_dir / name}: 目录中只逐个读取 YAML、JSON 记录和 xlsx 填报表; 如它是名册或 JSON Lines "
                f"记录文件, 请单独运行 assess batch {fixture_dir / name} --standard {STANDARD}\n") in result.stderr
    assert "o.csv" not in result.stderr.replace(f"结果: {fixture_dir / 'o.csv'}", "").replace("o.csv.errors", "")
    assert "附件.txt" not in result.stderr


def test_a_roster_in_a_directory_is_named_as_one_with_how_to_score_it(tmp_path, fixture_dir):
    from openpyxl import Workbook

    from test_roster import _roster_rows, _write_xlsx

    assert run("template", STANDARD, "--roster", str(fixture_dir / "名册.xlsx")).exit_code == 0  # made by assess
    head, rows, _ = _roster_rows(STANDARD)
    _write_xlsx(fixture_dir / "名单.xlsx", head, rows[:2])  # made by hand: headers the standard reads
    other = Workbook()
    other.active.append(["甲", "乙"])
    other.save(fixture_dir / "统计.xlsx")  # a spreadsheet of something else: no roster
    result = run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(tmp_path / "o.jsonl"), "--jobs", "1")
    assert result.exit_code == 2
    for name in ("名册.xlsx", "名单.xlsx"):
        path = fixture_dir / name
        assert (f"错误: {path}: 这是一份名册 (每行一个工会), 不是自评填报表: 目录中的 xlsx 文件按填报表逐个读取, "
                f"名册不会在这里逐行评分 (以免与目录中各单位的填报表重复计分); 请单独对它运行 assess batch {path} "
                f"--standard {STANDARD} --out 名册结果.csv\n") in result.stderr
    assert f"{fixture_dir / '统计.xlsx'}: 不是 assess template 生成的自评填报表" in result.stderr
    assert len(_lines(tmp_path / "o.jsonl")) == len(COMMUNITY_FIXTURES)  # the records are scored as before
    alone = run("batch", str(fixture_dir / "名单.xlsx"), "--standard", STANDARD, "--out", str(tmp_path / "名册结果.csv"))
    assert alone.exit_code == 0, alone.output  # as the message says: its rows are scored


@pytest.mark.parametrize("line, words", [
    (b'{"union": {"id": "a"}, "union": {"id": "b"}}\n', ["union"]),
    (b'{"union": "\xff\xfe"}\n', ["UTF-8"]),
    (b"[1, 2]\n", []),
])
def test_unreadable_lines_are_bad_records_with_their_line(tmp_path, line, words):
    path = tmp_path / "r.jsonl"
    good = list(synthetic.lines(2))
    path.write_bytes(good[0] + line + good[1])
    summary = run_batch([str(path)], STANDARD, str(tmp_path / "o.csv"), jobs=1, lang="en")
    assert (summary.scored, summary.bad) == (2, 1)
    error = json.loads(_lines(Path(summary.errors))[0])
    assert error["position"] == f"{path}:2"
    assert all(w in error["problems"][0]["message"] for w in words)


# ---- output formats --------------------------------------------------------------------------


def test_jsonl_line_is_the_score_json_of_that_record(tmp_path, fixture_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.jsonl"
    result = run("batch", "evidence", "--standard", STANDARD, "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    lines = _lines(out)
    assert len(lines) == len(COMMUNITY_FIXTURES)
    for name, line in zip(sorted(COMMUNITY_FIXTURES), lines):
        scored = run("score", f"evidence/{name}", "--standard", STANDARD, "--format", "json")
        assert scored.exit_code == 0, scored.output
        card = json.loads(scored.stdout)
        assert line == json.dumps(card, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert "\n" not in line


@pytest.mark.parametrize("fixture, standard, first", [
    # 56.5 points, applying for 达标 (70): the items that cost it points first, not that 示范 (90)
    # needs 职工入会率 ≥ 98% (a grade's condition out of its reach; it comes after the items).
    ("guiyuan-street.yaml", "bahao-community", "membership_rate 职工入会率: 失 6 分"),
    # 92.5 points and no grade for a mandatory item: that item, which blocks a grade in reach, first.
    ("haixia-electronics-mandatory.yaml", "model-worker-home", "必备项"),
])
def test_csv_gap_1_is_what_stands_between_the_union_and_a_grade_in_reach(tmp_path, fixture, standard, first):
    run_batch([str(ROOT / "fixtures" / fixture)], standard, str(tmp_path / "o.csv"), jobs=1)
    run_batch([str(ROOT / "fixtures" / fixture)], standard, str(tmp_path / "o.jsonl"), jobs=1)
    row = rows_by_column(tmp_path / "o.csv", CSV_COLUMNS)[0]
    card = json.loads(_lines(tmp_path / "o.jsonl")[0])
    assert first in row["gap_1"], row
    out_of_reach = [g["text"] for g in card["gaps"] if g["kind"] == "requires" and "示范" in g["text"]]
    if standard == "bahao-community":
        assert out_of_reach and out_of_reach[0] not in (row["gap_1"], row["gap_2"], row["gap_3"])


@pytest.mark.parametrize("commendations, demonstration, is_gap", [(1, True, False), (0, True, True), (1, False, True)])
def test_a_bonus_item_is_a_gap_only_while_it_can_raise_the_bonus(tmp_path, commendations, demonstration, is_gap):
    # tanglang commended once with a demonstration library: 1 + 2 = 3, the bonus cap. A second
    # commendation adds nothing, so neither the card, the CSV's count nor the plan names it.
    import yaml

    data = yaml.safe_load((ROOT / "fixtures" / "tanglang-community.yaml").read_text(encoding="utf-8"))
    data["facts"].update(superior_commendations=commendations, workers_library_demonstration=demonstration)
    path = tmp_path / "bonus.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run_batch([str(path)], STANDARD, str(tmp_path / "o.csv"), jobs=1)
    run_batch([str(path)], STANDARD, str(tmp_path / "o.jsonl"), jobs=1)
    row = rows_by_column(tmp_path / "o.csv", CSV_COLUMNS)[0]
    card = json.loads(_lines(tmp_path / "o.jsonl")[0])
    assert (card["bonus"] == card["bonus_cap"]) is not is_gap
    assert ("superior_commendation" in [g.get("ref") for g in card["gaps"]]) is is_gap
    assert int(row["gap_count"]) == len(card["gaps"])
    plan = card["next_grade"]
    named = [f["ref"] for f in plan["fixes"]] + [f["ref"] for a in plan["alternatives"] for f in a["fixes"]]
    if not is_gap:
        assert "superior_commendation" not in named and "superior_commendation" not in row["gap_1"] + row["gap_2"] + row["gap_3"]


def test_jsonl_record_from_a_json_line_scores_like_its_yaml_file(tmp_path, fixture_dir):
    path = tmp_path / "r.jsonl"
    name = "liulian-community.yaml"
    path.write_text(canonical_json(read_document(fixture_dir / name).data) + "\n", encoding="utf-8")
    run_batch([str(path)], STANDARD, str(tmp_path / "a.jsonl"), jobs=1)
    run_batch([str(fixture_dir / name)], STANDARD, str(tmp_path / "b.jsonl"), jobs=1)
    a, b = (json.loads(_lines(tmp_path / f)[0]) for f in ("a.jsonl", "b.jsonl"))
    assert a["evidence_file"] == f"{path}:1"
    assert a["evidence_sha256"] == b["evidence_sha256"]
    for card in (a, b):
        del card["evidence_file"]
    assert a == b


def test_csv_rows_summarise_the_scorecard(tmp_path, fixture_dir):
    run_batch([str(fixture_dir)], STANDARD, str(tmp_path / "o.jsonl"), jobs=1)
    run_batch([str(fixture_dir)], STANDARD, str(tmp_path / "o.csv"), jobs=1)
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")  # a byte order mark first, for Excel
    assert (tmp_path / "o.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert text.splitlines()[0] == "工会编号,工会名称,标准编号,标准版本,得分,加分,评级得分,等级编号,评定等级,差距数,差距1,差距2,差距3,来源"
    rows = rows_by_column(text, CSV_COLUMNS)
    cards = [json.loads(line) for line in _lines(tmp_path / "o.jsonl")]
    assert len(rows) == len(cards) == 4
    for row, card in zip(rows, cards):
        assert row["union_id"] == card["union"]["id"] and row["union_name"] == card["union"]["name"]
        assert (row["standard_id"], row["standard_version"]) == (card["standard"]["id"], card["standard"]["version"])
        assert row["score"] == str(card["score"]) and row["bonus"] == str(card["bonus"])
        assert row["grade_id"] == (card["grade"]["id"] if card["grade"] else "")
        assert row["grade_title"] == (card["grade"]["title"] if card["grade"] else "")
        assert int(row["gap_count"]) == len(card["gaps"])
        assert row["grade_score"] == str(card["grade_score"])
        texts = [g["text"] for g in card["gaps"]]
        top = [row[f"gap_{i}"] for i in (1, 2, 3) if row[f"gap_{i}"]]
        assert len(top) == min(3, len(texts)) and set(top) <= set(texts)
        assert row["source"] == card["evidence_file"]
    # The top gaps: what blocks a grade outright first, then the items that lose the most points.
    veto = next(r for r, c in zip(rows, cards) if any(g["kind"] == "veto" for g in c["gaps"]))
    assert veto["gap_1"].startswith("一票否决")
    liulian = next(r for r, c in zip(rows, cards) if c["union"]["id"] == "liulian-community")
    losses = {g["text"]: g["lost"] for g in next(c for c in cards if c["union"]["id"] == "liulian-community")["gaps"]
              if g["kind"] == "item"}
    shown = [losses[liulian[f"gap_{i}"]] for i in (1, 2, 3) if liulian[f"gap_{i}"] in losses]
    assert shown == sorted(shown, reverse=True) and shown[0] == max(losses.values())


def test_same_bytes_with_one_or_two_processes_and_either_engine(tmp_path, records):
    outs = {}
    for jobs, engine in ((1, "durable_rules"), (2, "durable_rules"), (2, "python")):
        out = tmp_path / f"o-{jobs}-{engine}.csv"
        run_batch([str(records)], STANDARD, str(out), jobs=jobs, engine=engine, chunk_size=3)
        outs[(jobs, engine)] = (out.read_bytes(), Path(str(out) + ".errors.jsonl").read_bytes())
    assert len(set(outs.values())) == 1


def test_jsonl_same_bytes_with_two_processes(tmp_path, records):
    small = tmp_path / "small.jsonl"
    small.write_bytes(b"".join(records.read_bytes().splitlines(keepends=True)[:10]))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch([str(small)], STANDARD, str(one), jobs=1)
    run_batch([str(small)], STANDARD, str(two), jobs=2, chunk_size=2)
    assert one.read_bytes() == two.read_bytes() and len(_lines(one)) == 9


# ---- resume ----------------------------------------------------------------------------------


def test_resume_after_a_stop_equals_an_uninterrupted_run(tmp_path, records):
    whole = tmp_path / "whole.csv"
    run_batch([str(records)], STANDARD, str(whole), jobs=2, chunk_size=4)
    out = tmp_path / "out.csv"
    first = run_batch([str(records)], STANDARD, str(out), jobs=2, chunk_size=4, limit=10)
    assert not first.complete and first.records == 10
    with open(out, "ab") as fh:  # what a kill can leave: half a line after the last checkpoint
        fh.write(b"syn-0000099,half")
    second = run_batch([str(records)], STANDARD, str(out), jobs=2, chunk_size=4, resume=True)
    assert second.complete and second.resumed == 10
    assert (second.records, second.scored, second.bad) == (41, 39, 2)
    assert out.read_bytes() == whole.read_bytes()
    assert Path(second.errors).read_bytes() == Path(str(whole) + ".errors.jsonl").read_bytes()
    again = run_batch([str(records)], STANDARD, str(out), jobs=1, resume=True)  # nothing left to do
    assert again.records == again.resumed == 41 and out.read_bytes() == whole.read_bytes()


def test_resume_after_kill(tmp_path):
    path = tmp_path / "r.jsonl"
    synthetic.write_jsonl(str(path), 1200, bad=[3, 1000])
    whole = tmp_path / "whole.csv"
    run_batch([str(path)], STANDARD, str(whole), jobs=2)
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "assess", "batch", str(path), "--standard", STANDARD, "--out", str(out), "--jobs", "2"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        done = Path(str(out) + ".done")
        if done.exists() and json.loads(done.read_text()).get("done", 0) >= 128:  # two chunks committed
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: the parent and its workers, no clean-up
    proc.wait()
    state = json.loads(Path(str(out) + ".done").read_text())
    assert 0 < state["done"] < 1200 and not state["complete"], "the batch finished before it could be killed"
    with open(out, "ab") as fh:
        fh.write(b"partial,row")  # as if killed halfway through writing a row
    result = subprocess.run(cmd + ["--resume"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr  # two planted bad records
    assert out.read_bytes() == whole.read_bytes()
    assert Path(str(out) + ".errors.jsonl").read_bytes() == Path(str(whole) + ".errors.jsonl").read_bytes()


@pytest.mark.parametrize("change, key", [({"fmt": "jsonl"}, "format"), ({"lang": "en"}, "lang"),
                                         ({"csv_encoding": "gbk"}, "csv_encoding")])
def test_resume_refuses_different_options(tmp_path, records, change, key):
    out = tmp_path / "o.csv"
    run_batch([str(records)], STANDARD, str(out), jobs=1, limit=5, fmt="csv")
    with pytest.raises(InputError) as err:
        run_batch([str(records)], STANDARD, str(out), jobs=1, resume=True, **{"fmt": "csv", **change})
    assert err.value.problems[0].path == key


def test_resume_refuses_a_changed_input(tmp_path, records):
    out = tmp_path / "o.csv"
    run_batch([str(records)], STANDARD, str(out), jobs=1, limit=5)
    records.write_bytes(b"\n".join(records.read_bytes().splitlines()[3:]) + b"\n")
    with pytest.raises(InputError) as err:
        run_batch([str(records)], STANDARD, str(out), jobs=1, resume=True)
    assert err.value.problems[0].path == "inputs_digest"


@pytest.mark.parametrize("first, again", [("records.jsonl", "./records.jsonl"), ("./records.jsonl", "records.jsonl"),
                                           ("records.jsonl", "ABS"), ("ABS", "records.jsonl")])
def test_resume_with_the_same_input_written_otherwise_carries_on(tmp_path, records, monkeypatch, first, again):
    """The checkpoint compared INPUTs as texts: `./records.jsonl` after `records.jsonl` was refused."""
    monkeypatch.chdir(tmp_path)
    spell = {"ABS": str(records)}
    whole = tmp_path / "whole.csv"
    run_batch([spell.get(first, first)], STANDARD, str(whole), jobs=1)
    out = tmp_path / "out.csv"
    run_batch([spell.get(first, first)], STANDARD, str(out), jobs=1, chunk_size=4, limit=10)
    # The checkpoint keeps the INPUT as the first run was given it, readable.
    assert json.loads(Path(str(out) + ".done").read_text(encoding="utf-8"))["inputs"] == [spell.get(first, first)]
    second = run_batch([spell.get(again, again)], STANDARD, str(out), jobs=1, resume=True)
    assert second.complete and second.resumed == 10
    assert out.read_bytes() == whole.read_bytes()  # positions as the first run wrote them
    assert Path(second.errors).read_bytes() == Path(str(whole) + ".errors.jsonl").read_bytes()


def test_resume_of_an_input_directory_written_with_a_slash_through_the_cli(tmp_path, fixture_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    whole = tmp_path / "whole.jsonl"
    assert run("batch", "evidence", "--standard", STANDARD, "--out", str(whole), "--jobs", "1").exit_code == 0
    out = tmp_path / "out.jsonl"
    assert run("batch", "evidence", "--standard", STANDARD, "--out", str(out), "--jobs", "1", "--limit", "2").exit_code == 0
    result = run("batch", "./evidence/", "--standard", STANDARD, "--out", str(out), "--jobs", "1", "--resume")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == whole.read_bytes()


def test_resume_with_a_different_input_file_is_still_refused(tmp_path, records):
    out = tmp_path / "o.csv"
    run_batch([str(records)], STANDARD, str(out), jobs=1, limit=5)
    other = tmp_path / "other.jsonl"
    other.write_bytes(records.read_bytes())  # the same records, another file
    with pytest.raises(InputError) as err:
        run_batch([str(other)], STANDARD, str(out), jobs=1, resume=True)
    assert err.value.problems[0].path == "inputs" and "续跑参数与中断的运行不同" in str(err.value)


def test_resume_after_a_done_record_was_edited_says_so_not_the_same_name_twice(tmp_path, records):
    """Same records in the same places, one edited: the refusal used to read 第 3 条记录应为 X, 现为 X."""
    out = tmp_path / "o.csv"
    run_batch([str(records)], STANDARD, str(out), jobs=1, limit=5)
    lines = records.read_bytes().splitlines()
    lines[1] = lines[1].replace(b'"name": "', b'"name": "X', 1) if b'"name": "' in lines[1] else lines[1] + b" "
    records.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(InputError) as err:
        run_batch([str(records)], STANDARD, str(out), jobs=1, resume=True)
    assert "上次运行已完成的前 5 条记录中, 有记录文件或行的内容" in str(err.value) and "去掉 --resume" in str(err.value)


def test_resume_without_checkpoint_refuses_to_guess(tmp_path, records):
    out = tmp_path / "o.csv"
    out.write_text("something\n")
    result = run("batch", str(records), "--standard", STANDARD, "--out", str(out), "--resume")
    assert result.exit_code == 2 and "o.csv.done" in result.stderr
    assert out.read_text() == "something\n"


# ---- streaming and progress ------------------------------------------------------------------


def test_input_is_read_only_a_bounded_distance_ahead_of_what_is_written(tmp_path):
    read = [0]
    lead = [0]

    def sources():
        for i, line in enumerate(synthetic.lines(120)):
            read[0] += 1
            yield Source(f"gen:{i + 1}", "line", line, "gen", i + 1)

    def progress(p):
        lead[0] = max(lead[0], read[0] - p.done)

    summary = run_sources(sources(), STANDARD, str(tmp_path / "o.csv"), jobs=2, chunk_size=4, progress=progress)
    assert summary.scored == 120
    assert 0 < lead[0] <= 2 * 4 * 4 + 4  # jobs x 4 chunks in flight, plus the one being cut


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, records):
    result = run("batch", str(records), "--standard", STANDARD, "--out", str(tmp_path / "o.csv"))
    assert "\r" not in result.stderr and "[#" not in result.stderr and "[-" not in result.stderr


def test_progress_bar_shows_done_rate_and_time_left(capsys):
    bar = _BatchProgress(total=1000, lang="zh", enabled=True)
    bar(batch.Progress(done=250, resumed=50, elapsed=2.0))
    err = capsys.readouterr().err
    assert err.startswith("\r[######") and "250/1000 条" in err and "100 条/秒" in err and "剩余 00:07" in err
    silent = _BatchProgress(total=1000, lang="zh", enabled=False)
    silent(batch.Progress(done=250, resumed=0, elapsed=2.0))
    assert capsys.readouterr().err == ""


# ---- the decision cache ----------------------------------------------------------------------


def test_cached_durable_decisions_equal_durable_and_python_on_every_record():
    standard = catalog.resolve_standard(STANDARD).standard
    compiled = compile_standard(standard)
    known = catalog.known_fields((standard,))
    cached, durable, python = CachingDurableDecider(), DurableDecider(), PythonDecider()
    for i, data in enumerate(synthetic.generate(150)):
        loaded = evidence_from_data(data, f"r{i}")
        full = compute_values(standard, inputs_for(loaded, standard.id, check_facts(loaded, standard, known)))
        answer = cached.decide(compiled, full)
        assert answer == durable.decide(compiled, full) == python.decide(compiled, full), f"record {i}"
    stats = cached.stats()
    assert stats["records"] == 150 and stats["asserted"] < 75  # most records never reach durable_rules
    assert stats["cached"] > stats["conditions"] // 2


def test_a_record_new_in_one_group_asserts_only_that_groups_conditions():
    standard = catalog.resolve_standard(STANDARD).standard
    compiled = compile_standard(standard)
    known = catalog.known_fields((standard,))
    backend = DurableBackend()
    asserted: list[int] = []  # rules of each ruleset a fact was asserted into

    def counting(rules, fact):
        asserted.append(len(rules))
        return DurableBackend.decide(backend, rules, fact)

    backend.decide = counting
    cached = CachingDurableDecider(backend)
    data = next(iter(synthetic.generate(1)))
    values = compute_values(standard, inputs_for(evidence_from_data(data, "r"), standard.id,
                                                 check_facts(evidence_from_data(data, "r"), standard, known)))
    cached.decide(compiled, values)  # a first record: every ruleset of the standard at once
    assert sum(asserted) == sum(len(chunk.rules) for stage in compiled.durable_rules.stages for chunk in stage)
    asserted.clear()
    # Only the membership rate changes, into another band.
    rate = Fraction(1) if values["membership_rate"] < Fraction(98, 100) else Fraction(91, 100)
    changed = dict(values, membership_rate=rate)
    answer = cached.decide(compiled, changed)
    assert answer == DurableDecider().decide(compiled, changed) == PythonDecider().decide(compiled, changed)
    assert list(answer) == list(compiled.conditions)  # the answers' usual order
    reading = [cid for cid, node in compiled.conditions.items() if set(cond.fields(node)) == {"membership_rate"}]
    assert len(reading) == 4 and sum(asserted) == 2 * len(reading)  # that group's pairs of rules alone
    assert cached.stats()["asserted"] == 2


def test_cache_tells_apart_values_at_and_around_a_cutoff():
    standard = catalog.resolve_standard(STANDARD).standard
    compiled = compile_standard(standard)
    decider = CachingDurableDecider()
    cid = "grade:demonstration:requires:0"  # membership_rate >= 98%

    for rate, expected in ((Fraction(97, 100), False), (Fraction(98, 100), True), (Fraction(9799, 10000), False),
                           (Fraction(99, 100), True), (None, None), (Fraction(98, 100), True), (Fraction(1), True)):
        assert decider.decide(compiled, {"membership_rate": rate})[cid] is expected, rate


def test_cache_stays_bounded():
    standard = catalog.resolve_standard(STANDARD).standard
    compiled = compile_standard(standard)
    decider = CachingDurableDecider(max_entries=200)
    for n in range(30):  # employees has no literal: every value is its own case
        decider.decide(compiled, {"employees": n, "members": n})
    assert sum(len(c) for c in decider._cache.values()) <= 200


def test_output_never_overwrites_or_rereads_an_input(tmp_path, records, fixture_dir):
    result = run("batch", str(records), "--standard", STANDARD, "--out", str(records))
    assert result.exit_code == 2 and str(records) in result.stderr
    assert len(records.read_bytes().splitlines()) == 41  # untouched
    inside = fixture_dir / "scores.json"  # an evidence suffix, in the directory being read
    summary = run_batch([str(fixture_dir)], STANDARD, str(inside), jobs=1)
    assert (summary.records, summary.bad) == (4, 0)


def test_records_given_as_data_by_another_program(tmp_path):
    records = list(synthetic.generate(3))
    records[1]["facts"]["employees"] = "many"
    sources = [Source(f"api:{i}", "data", rec, "api") for i, rec in enumerate(records)]
    summary = run_sources(sources, STANDARD, str(tmp_path / "o.jsonl"), jobs=1, lang="en")
    assert (summary.scored, summary.bad) == (2, 1)
    error = json.loads(_lines(Path(summary.errors))[0])
    assert error["position"] == "api:1" and error["union"] == "syn-0000001"
    assert error["problems"][0]["path"] == "facts.employees"


def test_a_jsonl_run_is_always_utf8_whatever_the_csv_encoding(tmp_path, records):
    out = tmp_path / "o.jsonl"
    run_batch([str(records)], STANDARD, str(out), jobs=1, limit=5)
    summary = run_batch([str(records)], STANDARD, str(out), jobs=1, resume=True, csv_encoding="gbk")
    assert summary.complete and not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_output_naming_a_record_of_an_input_directory_is_refused(tmp_path, fixture_dir):
    """`--out DIR/guiyuan-street.yaml` used to overwrite that record with scorecards (exit 0, the
    record never scored); a fill-in workbook is a record too; an earlier run's results are not."""
    records = sorted(p for p in fixture_dir.iterdir() if p.suffix == ".yaml")
    kept = {p: p.read_bytes() for p in records}
    for args in (["--out", str(records[0])], ["--out", str(tmp_path / "o.csv"), "--errors", str(records[1])]):
        result = run("batch", str(fixture_dir), "--standard", STANDARD, *args)
        assert result.exit_code == 2 and "该文件既是输入又是输出" in result.stderr, result.output
    assert {p: p.read_bytes() for p in records} == kept
    assert run("template", STANDARD, "--xlsx", str(fixture_dir / "自评.xlsx"), "--from", str(records[0])).exit_code == 0
    assert run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(fixture_dir / "自评.xlsx")).exit_code == 2
    for _ in range(2):  # the results workbook in the directory is written again, not refused
        result = run("batch", str(fixture_dir), "--standard", STANDARD, "--out", str(fixture_dir / "结果.xlsx"))
        assert "该文件既是输入又是输出" not in result.stderr, result.output


def test_a_second_run_on_the_same_out_is_refused_while_the_first_runs(tmp_path):
    """Two runs writing one OUT (a second started by mistake, or --resume while the first ran)
    both said they scored every record, and the results held thousands of rows twice (fresh
    user). The first run's lock refuses the second at once, naming OUT; a run that ended (or was
    killed) leaves nothing in the way."""
    from assess.workflows.batch import lock

    records = tmp_path / "r.jsonl"
    subprocess.run([sys.executable, "benchmarks/synthetic.py", "20", str(records)], check=True,
                   cwd=Path(__file__).resolve().parent.parent, capture_output=True)
    out = tmp_path / "结果.csv"
    args = ["batch", str(records), "--standard", "bahao-community", "--out", str(out), "--jobs", "1"]
    with lock.output_lock(str(out)):  # as the first run holds it
        second = CliRunner().invoke(main, args)
        resumed = CliRunner().invoke(main, [*args, "--resume"])
    if lock.fcntl is None:  # no locks on this platform (Windows): the run goes ahead as before
        assert second.exit_code == 0, second.output
        return
    for result in (second, resumed):
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert str(out) in result.stderr and "--out" in result.stderr
    assert not out.exists()  # refused before anything was written
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0 and "20 条记录: 已评分 20 条" in done.stderr, done.output
    assert not Path(str(out) + ".lock").exists()
