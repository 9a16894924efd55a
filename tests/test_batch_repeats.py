"""`assess batch`: a union scored more than once for one period is scored each time and named at
the end of the run (positions, in the user's language); another period of the same union is no
repeat; a resumed run finds a repeat spanning the two runs."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from assess.cli import main
from assess.workflows.batch import run_batch
from assess.workflows.batch.repeats import Repeats, record_key
from assess.workflows.batch.sources import Source, iter_sources

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

STANDARD = "bahao-community"


def _records(n: int = 6) -> list[dict]:
    return [json.loads(line) for line in synthetic.lines(n)]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _repeating(tmp_path: Path) -> Path:
    """Six records; line 5 repeats line 2's union and period (its dates written another way), line 6
    holds line 3's union for another period (no repeat)."""
    recs = _records(6)
    recs[4] = dict(recs[1])
    recs[4]["period"] = dict(recs[1]["period"], start=recs[1]["period"]["start"].replace("-", "/"))
    recs[5] = dict(recs[2])
    recs[5]["period"] = {"start": "2026-01-01", "end": "2026-12-31", "label": "2026年度"}
    return _write(tmp_path / "records.jsonl", recs)


def test_repeated_union_is_scored_and_named(tmp_path):
    path = _repeating(tmp_path)
    summary = run_batch([str(path)], STANDARD, str(tmp_path / "out.jsonl"), jobs=1)
    assert summary.scored == 6 and summary.bad == 0  # both returns are scored
    union = json.loads(path.read_text(encoding="utf-8").splitlines()[1])["union"]["id"]
    [repeat] = summary.repeated
    assert repeat.union_id == union
    assert repeat.period == ("2025-01-01", "2025-12-31")
    assert repeat.positions == (f"{path}:2", f"{path}:5")


def test_no_repeat_no_note(tmp_path):
    path = _write(tmp_path / "records.jsonl", _records(4))
    result = CliRunner().invoke(main, ["batch", str(path), "--standard", STANDARD, "--out", str(tmp_path / "o.csv"),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "同一考核期" not in result.output
    assert run_batch([str(path)], STANDARD, str(tmp_path / "o.jsonl"), jobs=1).repeated == []


def test_note_in_the_users_language(tmp_path):
    path = _repeating(tmp_path)
    for lang, words in (("zh", "同一考核期"), ("en", "for the same period")):
        out = tmp_path / f"out-{lang}.csv"
        result = CliRunner().invoke(main, ["batch", str(path), "--standard", STANDARD, "--out", str(out),
                                           "--jobs", "2", "--lang", lang])
        assert result.exit_code == 0, result.output
        [note] = [line for line in result.output.splitlines() if words in line]
        assert f"{path}:2, {path}:5" in note and "assess report" in note
        assert "2025-01-01 ~ 2025-12-31" in note


def test_repeat_in_a_directory(tmp_path):
    d = tmp_path / "evidence"
    d.mkdir()
    shutil.copy(ROOT / "fixtures" / "liulian-community.yaml", d / "a.yaml")
    shutil.copy(ROOT / "fixtures" / "liulian-community.yaml", d / "b.yaml")
    shutil.copy(ROOT / "fixtures" / "tanglang-community.yaml", d / "c.yaml")
    summary = run_batch([str(d)], STANDARD, str(tmp_path / "out.jsonl"), jobs=1)
    assert summary.scored == 3
    assert [(r.union_id, r.positions) for r in summary.repeated] == [
        ("liulian-community", (str(d / "a.yaml"), str(d / "b.yaml")))]


def test_resumed_run_finds_a_repeat_across_runs(tmp_path):
    path = _repeating(tmp_path)
    out = tmp_path / "out.jsonl"
    first = run_batch([str(path)], STANDARD, str(out), jobs=1, limit=3, chunk_size=1)
    assert first.repeated == [] and not first.complete
    rest = run_batch([str(path)], STANDARD, str(out), jobs=1, resume=True, chunk_size=1)
    assert [r.positions for r in rest.repeated] == [(f"{path}:2", f"{path}:5")]


def test_bad_records_are_no_repeat(tmp_path):
    recs = _records(3)
    bad = dict(recs[0], facts={"members": "many"})  # refused: it is in the errors file, not counted
    path = _write(tmp_path / "records.jsonl", [recs[0], recs[1], bad])
    summary = run_batch([str(path)], STANDARD, str(tmp_path / "out.jsonl"), jobs=1)
    assert summary.bad == 1 and summary.repeated == []


def test_keys_of_every_kind_of_source(tmp_path):
    path = _repeating(tmp_path)
    keys = [record_key(src) for src in iter_sources([str(path)])]
    assert keys[1] == keys[4] and keys[2][0] == keys[5][0] and keys[2] != keys[5]
    seen = Repeats()
    copy = tmp_path / "copy.yaml"
    shutil.copy(ROOT / "fixtures" / "liulian-community.yaml", copy)
    for src in iter_sources([str(ROOT / "fixtures" / "liulian-community.yaml"), str(copy)]):
        seen.see(src, record_key(src))
    assert len(seen.found()) == 1  # one union in two files


def test_many_records_keep_their_positions_and_only_true_repeats_are_named():
    # 200,000 keys through the filter: its false alarms (keys it has probably seen) are checked
    # against the fingerprints, and each position is given back from the runs of lines.
    seen = Repeats()
    n = 200_000
    for i in range(n):
        key = (f"u{i % (n - 3)}", "2025-01-01", "2025-12-31")  # the last 3 repeat the first 3
        seen.see(Source(f"a.jsonl:{i + 1}", "line", b"", "a.jsonl", i + 1), key)
    seen.see(Source("dir/x.yaml", "file", "dir/x.yaml", "dir/x.yaml"), ("u5", "2025-01-01", "2025-12-31"))
    seen.see(Source("b.jsonl:7", "line", b"", "b.jsonl", 7), ("u0", "2025-01-01", "2025-12-31"))
    found = seen.found()
    assert [(r.union_id, r.positions) for r in found] == [
        ("u0", ("a.jsonl:1", f"a.jsonl:{n - 2}", "b.jsonl:7")),
        ("u1", ("a.jsonl:2", f"a.jsonl:{n - 1}")),
        ("u2", ("a.jsonl:3", f"a.jsonl:{n}")),
        ("u5", ("a.jsonl:6", "dir/x.yaml")),
    ]
    assert len(seen._runs) == 3  # one run of lines per file, one entry for the file
    assert len(seen._maybe) < 1_000  # the filter's false alarms stay few


def test_ids_differing_only_in_width_or_spaces_are_one_union_and_case_is_another(tmp_path):
    # ` u1 ` and `ｕ１` are read as the id u1 (as a roster reads them); U1 is another id, as in
    # the results store, so a grade never depends on how an id's case was typed.
    recs = _records(4)
    for rec, ident in zip(recs, ["u1", "U1", " u1 ", "ｕ１"]):
        rec["union"] = dict(rec["union"], id=ident)
    path = _write(tmp_path / "records.jsonl", recs)
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(path)], STANDARD, str(out), jobs=1)
    assert [(r.union_id, r.positions) for r in summary.repeated] == [("u1", (f"{path}:1", f"{path}:3", f"{path}:4"))]
    cards = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [c["union"]["id"] for c in cards] == ["u1", "U1", "u1", "u1"]
    result = CliRunner().invoke(main, ["report", "--from", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    [standard] = json.loads(result.stdout)["standards"]
    assert standard["unions"] == 2 and "有 3 张评分卡" in result.stderr


def test_an_id_of_spaces_is_refused_as_empty(tmp_path):
    recs = _records(2)
    recs[1]["union"] = dict(recs[1]["union"], id="   ")
    path = _write(tmp_path / "records.jsonl", recs)
    summary = run_batch([str(path)], STANDARD, str(tmp_path / "out.jsonl"), jobs=1)
    assert summary.scored == 1 and summary.bad == 1
    errors = (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8")
    assert '"path":"union.id"' in errors


def test_an_input_named_twice_is_refused(tmp_path):
    path = _write(tmp_path / "records.jsonl", _records(2))
    result = CliRunner().invoke(main, ["batch", str(path), str(tmp_path / "." / "records.jsonl"), "--standard", STANDARD,
                                       "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "与前面的输入" in result.stderr and not (tmp_path / "o.csv").exists()


def test_a_directory_and_a_record_in_it_are_refused_in_either_order(tmp_path):
    d = tmp_path / "evidence"
    d.mkdir()
    shutil.copy(ROOT / "fixtures" / "liulian-community.yaml", d / "a.yaml")
    for inputs in ([d, d / "a.yaml"], [d / "a.yaml", d]):
        result = CliRunner().invoke(main, ["batch", *map(str, inputs), "--standard", STANDARD, "--out", str(tmp_path / "o.csv")])
        assert result.exit_code == 2 and "重叠" in result.stderr, result.output


def test_a_roster_rows_own_problems_come_with_a_missing_version(tmp_path):
    # Row 3 repeats row 2's union and has a period no version of the standard covers: both said.
    roster = tmp_path / "r.csv"
    roster.write_text("工会编号,工会名称,工会类型,考核期开始,考核期结束,会员人数（人）,职工人数（人）\n"
                      "u1,甲,社区工会,2025-01-01,2025-12-31,90,100\n"
                      "u1,乙,社区工会,2024-01-01,2024-12-31,90,100\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(roster), "--standard", STANDARD, "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert f"{roster}:A3: union.id: 工会编号 u1 与第 2 行重复" in result.stderr and "没有生效的版本" in result.stderr
