"""The YAML inspection worksheet as an inspector fills it by hand: every problem reported at once
(a date that does not exist, a score both out of range and without a reason), a misspelt status
with the word it was meant to be, and the reported values shown in the sheet's words."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess import api
from assess.cli import main
from assess.core.problems import InputError
from assess.workflows.inspection import load_inspection

ROOT = Path(__file__).resolve().parent.parent
LIULIAN = str(ROOT / "fixtures/liulian-community.yaml")
PYTHON = api.ScoreOptions(engine="python")


def _reference() -> dict:
    loaded = api.load_record(LIULIAN)
    r = loaded.record
    return {"union": r.union.id, "period": {"start": r.period.start, "end": r.period.end},
            "evidence_sha256": loaded.sha256, "standard": "bahao-community"}


def _file(tmp_path: Path, data: dict, *replace: tuple[str, str]) -> Path:
    """`data` written as YAML, with each (old, new) of `replace` put in its text (a date written
    unquoted, as an inspector types it, which a YAML writer would quote)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "i.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(source) -> list:
    with pytest.raises(InputError) as exc:
        api.accept_record(LIULIAN, source, PYTHON)
    return exc.value.problems


def test_a_date_that_does_not_exist_hides_no_other_problem(tmp_path):
    data = {"reference": _reference(), "date": "DAY",
            "items": {"work_pattern": {"score": 2},
                      "org_established": {"documents": [{"document": "D04", "status": "lost"}]}}}
    path = _file(tmp_path, data, ("date: DAY", "date: 2026-02-30"))
    assert "date: 2026-02-30\n" in path.read_text(encoding="utf-8")
    got = [(p.path, p.message) for p in _problems(path)]
    assert got[0] == ("date", "没有这个日期: 2026-02-30")
    assert [p for p, _ in got] == ["date", "items.work_pattern.score", "items.org_established.documents[0].status"]
    result = CliRunner().invoke(main, ["score", LIULIAN, "--inspection", str(path), "--engine", "python"])
    assert result.exit_code == 2 and "共 3 个问题" in result.stderr and "Traceback" not in result.output
    # A reference period's day that does not exist: said at its field, beside the file's other problems.
    path = _file(tmp_path, data, ("date: DAY", "date: 2026-02-30"), ("start: 2025-01-01", "start: 2025-02-30"))
    problems = _problems(path)
    assert [(p.path, p.message) for p in problems][:2] == [("reference.period.start", "没有这个日期: 2025-02-30"),
                                                          ("date", "没有这个日期: 2026-02-30")]
    assert problems[0].line is not None


def test_a_date_that_exists_reads_as_before(tmp_path):
    path = _file(tmp_path, {"reference": _reference(), "date": "DAY"}, ("date: DAY", "date: 2026-02-28"))
    assert str(load_inspection(str(path)).model.date) == "2026-02-28"


def test_a_score_out_of_range_without_a_reason_says_both():
    problems = _problems({"reference": _reference(), "items": {"work_pattern": {"score": 4}}})
    assert [(p.path, p.message) for p in problems] == [("items.work_pattern.score", "考核分 4 超出 0 至 3 分"),
                                                       ("items.work_pattern.score", "考核评分必须说明理由 (reason)")]


@pytest.mark.parametrize("written, meant", [("己核实", "已核实"), ("没核实", "未核实"), ("末核实", "未核实"),
                                            ("已核對", "已核实")])
def test_a_misspelt_status_word_gets_the_word_it_was_meant_to_be(written, meant):
    [p] = _problems({"reference": _reference(), "events": [{"event": 1, "status": written}]})
    assert p.path == "events[0].status" and p.message.endswith(f"实际为 {written} (是否应为 {meant}?)")


def test_the_worksheet_shows_reported_booleans_in_words(tmp_path):
    zh, en = tmp_path / "zh.yaml", tmp_path / "en.yaml"
    api.write_worksheet(LIULIAN, zh, PYTHON)
    api.write_worksheet(LIULIAN, en, api.ScoreOptions(engine="python", lang="en"))
    text = zh.read_text(encoding="utf-8")
    assert "社区工会组织机构已建立; 自报: 是" in text and "自报: true" not in text and ": true" not in text
    assert yaml.safe_load(text)["items"]["org_established"]["check"]["reported"] == {"org_established": "是"}
    assert yaml.safe_load(en.read_text(encoding="utf-8"))["items"]["org_established"]["check"]["reported"] == {
        "org_established": True}
    # Still an inspection file as it is, that scores as the self-check.
    assert api.accept_record(LIULIAN, zh, PYTHON).result["differences"] == []


def test_an_unknown_key_lists_the_keys_as_the_file_writes_them(tmp_path):
    """The keys allowed listed `schema_id`, the model's name for the file's `schema` (break-it helper)."""
    path = tmp_path / "i.yaml"
    path.write_text("schema: assess.inspection/1\nunion: liulian-community\nschem: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(ROOT / "fixtures" / "liulian-community.yaml"), "--inspection", str(path)])
    assert result.exit_code == 2 and "schem (是否应为 schema?)" in result.stderr, result.stderr
    assert "schema_id" not in result.stderr
