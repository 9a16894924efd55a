"""Bad input: every problem names the file, the field and what was expected; exit code 2; no traceback."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.standards.catalog import load_standard_file
from assess.cli import main
from assess.model.evidence import load_evidence
from assess.core.messages import message
from assess.core.problems import InputError
from assess.present.scorecard import assess

DATA = Path(__file__).parent / "data"
STANDARD = DATA / "all-kinds.yaml"
RECORD = DATA / "all-kinds-union.yaml"


def _record() -> dict:
    return yaml.safe_load(RECORD.read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _problems_scoring(path: Path) -> list:
    with pytest.raises(InputError) as info:
        assess(load_standard_file(STANDARD), load_evidence(str(path)))
    return info.value.problems


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_history_before_the_period_is_kept_not_refused(tmp_path):
    record = _record()
    record["events"] += [{"kind": "meeting", "date": "2024-12-05"}, {"kind": "incident", "date": "2020-06-01"}]
    ev, _ = assess(load_standard_file(STANDARD), load_evidence(str(_write(tmp_path, "history.yaml", record))))
    plain, _ = assess(load_standard_file(STANDARD), load_evidence(str(_write(tmp_path, "plain.yaml", _record()))))
    assert ev.values == plain.values  # neither counted: outside every window the standard uses


@pytest.mark.parametrize(
    "mutate, field, expected",
    [
        (lambda r: r["facts"].update(members=120), "facts.members", "不能大于"),
        (lambda r: r["facts"].update(disputes=-1), "facts.disputes", "小于允许的最小值"),
        (lambda r: r["facts"].update(employees="many"), "facts.employees", "应为整数"),
        (lambda r: r["facts"].update(has_sign="on"), "facts.has_sign", "应为 是 或 否"),
        (lambda r: r["facts"].update(membrs=3), "facts.membrs", "members"),
        # A bare rate above 1 reads as a percentage (1.5 is 1.5%): above the maximum takes 150%.
        (lambda r: r["facts"].update(funds_rate="150%"), "facts.funds_rate", "最大值"),
        (lambda r: r["events"].append({"kind": "meeting", "date": "2026-01-05"}), "events[3].date", "晚于考核期结束"),
        (lambda r: r["judgements"]["test-all-kinds"]["2.3"].update(score=11), "judgements.test-all-kinds.2.3.score", "超出 0 至 10"),
        (lambda r: r["judgements"]["test-all-kinds"]["2.3"].update(reason="  "), "judgements.test-all-kinds.2.3.reason", "理由"),
        (lambda r: r["judgements"]["test-all-kinds"].update({"9.9": {"score": 1, "reason": "x"}}), "judgements.test-all-kinds.9.9", "没有指标"),
        (lambda r: r["judgements"]["test-all-kinds"].update({"1.1": {"score": 1, "reason": "x"}}), "judgements.test-all-kinds.1.1", "不是酌情"),
        (lambda r: r["facts"].update(members={"value": 90, "documents": ["nope"]}), "facts.members.documents[0]", "nope"),
    ],
)
def test_bad_evidence_names_field(tmp_path, mutate, field, expected):
    record = _record()
    mutate(record)
    path = _write(tmp_path, "bad.yaml", record)
    problems = _problems_scoring(path)
    match = [p for p in problems if p.path == field]
    assert match, f"no problem at {field}: {problems}"
    assert expected in match[0].message
    assert match[0].file == str(path)


def test_problem_carries_line_number(tmp_path):
    text = RECORD.read_text(encoding="utf-8").replace("members: 93", "members: 930")
    path = _write(tmp_path, "bad.yaml", text)
    problem = next(p for p in _problems_scoring(path) if p.path == "facts.members")
    line = text.splitlines().index("  members: 930") + 1
    assert problem.line == line
    assert str(problem).startswith(f"{path}:{line}: facts.members: ")


def test_record_shape_errors(tmp_path):
    record = _record()
    del record["period"]["end"]
    record["union"]["nmae"] = "typo"
    path = _write(tmp_path, "bad.yaml", record)
    with pytest.raises(InputError) as info:
        load_evidence(str(path))
    paths = {p.path: p.message for p in info.value.problems}
    assert paths["period.end"] == "缺少必填字段"
    assert "未知字段" in paths["union.nmae"]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("union: [unclosed", "格式错误"),
        ("", "文件为空"),
        ("# only a comment\n---\n", "文件为空"),
        ("null\n", ":1:1: 文件内容只有空值 null, 没有任何字段; 文件顶层应为键值映射"),  # it used to say 文件为空
        ("# a comment\n~\n", ":2:1: 文件内容只有空值 ~, 没有任何字段"),
        ("- just\n- a list\n", "键值映射"),
        ("a: 1\na: 2\n", ":2:1: 键 a 重复 (第 1 行已有)"),
    ],
)
def test_unreadable_evidence_cli(tmp_path, content, expected):
    path = _write(tmp_path, "broken.yaml", content)
    result = _run("score", str(path), "--standard", str(STANDARD))
    assert result.exit_code == 2
    assert str(path) in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_not_utf8(tmp_path):
    result = _run("score", str(tmp_path / "nope.yaml"), "--standard", str(STANDARD))
    assert result.exit_code == 2 and "文件不存在" in result.output
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("单位: 测试".encode("gbk"))
    result = _run("score", str(gbk), "--standard", str(STANDARD))
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_one_bad_record_never_loses_the_others(tmp_path):
    record = _record()
    record["facts"]["members"] = 500
    bad = _write(tmp_path, "bad.yaml", record)
    result = _run("score", str(RECORD), str(bad), str(RECORD), "--standard", str(STANDARD), "--format", "json", "--engine", "python")
    assert result.exit_code == 2
    import json

    cards = json.loads(result.stdout)
    assert [c["union"]["id"] for c in cards] == ["u1", "u1"]
    assert "facts.members" in result.stderr
    assert "已评分 2 份, 输入错误 1 份" in result.stderr


def test_messages_in_english(tmp_path):
    record = _record()
    record["facts"]["employees"] = "many"
    path = _write(tmp_path, "bad.yaml", record)
    result = _run("score", str(path), "--standard", str(STANDARD), "--lang", "en")
    assert result.exit_code == 2
    assert "facts.employees: expected a whole number, got many" in result.output


# ---- bad standard files -------------------------------------------------------------------


def _standard() -> dict:
    return yaml.safe_load(STANDARD.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "mutate, field, expected",
    [
        (lambda s: s["sections"][0]["items"][0]["rule"].update(when="has_committee >="), "sections[0].items[0].rule.when", "条件 'has_committee >=' 有误"),
        (lambda s: s["sections"][0]["items"][0]["rule"].update(when="nosuchfield"), "", "nosuchfield 不是已声明的字段或派生值"),
        (lambda s: s["sections"][0]["items"][1]["rule"].update(kind="stripes"), "sections[0].items[1].rule", "未知的规则类型"),
        (lambda s: s["sections"][0]["items"][0].update(points=-1), "sections[0].items[0].points", "应 > 0"),
        (lambda s: s.update(total=99), "", "各一级指标上限之和为 60"),
        (lambda s: s["sections"][1]["items"][0].update(id="1.1"), "", "编号 1.1 重复"),
        (lambda s: s["grades"].reverse(), "", "等级应从高到低排列"),
        (lambda s: s["fields"]["members"].update(tpye="integer"), "fields.members.tpye", "未知字段"),
        (lambda s: s["derived"]["meetings"]["count_events"].update(kind="party"), "", "事件类型 party 未在 event_kinds 中声明"),
        (lambda s: s["sections"][0]["items"][1]["rule"]["bands"][0].update(min="lots"), "sections[0].items[1].rule.bands[0].min", "应为数字"),
    ],
)
def test_bad_standard_names_field(tmp_path, mutate, field, expected):
    data = _standard()
    mutate(data)
    path = _write(tmp_path, "std.yaml", data)
    result = _run("score", str(RECORD), "--standard", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if expected in line]
    assert lines, result.output
    assert lines[0].startswith(f"错误: {path}")
    if field:
        assert f": {field}: " in lines[0]


def test_unknown_standard_id():
    result = _run("score", str(RECORD), "--standard", "no-such-standard")
    assert result.exit_code == 2
    assert "no-such-standard: 未知标准, " in result.output and result.output.count("no-such-standard") == 1


@pytest.mark.parametrize("text, expected", [
    ("union:\n\tid: x\n", ":2:1: YAML 格式错误: 此行用了制表符 (Tab) 缩进"),
    ("a: b: c\n", ":1:5: YAML 格式错误: 此处不能再有冒号"),
    ("a: [1, 2\nb: 3\n", "YAML 格式错误: 方括号 [ ] 或花括号 { } 没有闭合"),
    ('a: "abc\nb: 1\n', "YAML 格式错误: 引号没有闭合"),
    ("a:\n  b: 1\n c: 2\n", ":3:2: YAML 格式错误: 缩进不一致"),
])
def test_yaml_syntax_errors_are_said_in_the_users_words(tmp_path, text, expected):
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output


def test_an_unknown_standard_gets_did_you_mean_by_spelling_or_title():
    typo = CliRunner().invoke(main, ["score", "fixtures/tanglang-community.yaml", "--standard", "bahao-comunity"])
    assert typo.exit_code == 2 and "是否应为 bahao-community?" in typo.output
    title = CliRunner().invoke(main, ["explain", "八好"])
    assert title.exit_code == 2 and "是否应为 bahao-community?" in title.output


def test_a_mistyped_fact_beside_a_list_of_scores_is_a_problem_not_a_crash(tmp_path):
    """The record's other values are read as on the good path (a list of scores becomes its
    entries) when one fact is refused (found by the break-it pass: `level: 12` beside a `scores`
    field ended in AttributeError and lost the records after it)."""
    good = tmp_path / "good.yaml"
    good.write_text((DATA / "scores-and-text-bad-level.yaml").read_text(encoding="utf-8").replace("level: 12", "level: 一般"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(DATA / "scores-and-text-bad-level.yaml"), str(good),
                                       "--standard", str(DATA / "scores-and-text.yaml")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "facts.level" in result.stderr and "应为文字" in result.stderr
    assert "测试工会" in result.stdout  # the good record is still scored


# ---- every problem of a refused record in one run (stand-ins for its bad values) ----------------


def _problems_of(result) -> list[str]:
    """The problem lines of `assess score` on one file: `FILE:LINE: FIELD: what`, in order."""
    prefix = "错误: "
    return [line[len(prefix):] for line in result.stderr.splitlines() if line.startswith(prefix) and ": 共 " not in line]


def _fields_in_order(result) -> list[str]:
    """The fields `assess score` names on one file, checked to come in the file's line order."""
    places = [line.split(": ")[:2] for line in _problems_of(result)]
    lines = [int(where.rsplit(":", 1)[1]) for where, _ in places]
    assert lines == sorted(lines), result.stderr
    return [field for _, field in places]


def test_a_bad_period_no_longer_hides_the_records_other_problems(tmp_path):
    text = RECORD.read_text(encoding="utf-8").replace("end: 2025-12-31", "end: 2025-09-31")
    text = text.replace("  members: 93", "  members: 九十三\n  membrs: 3").replace("kind: meeting, date: 2025-06-01",
                                                                                 "kind: meting, date: 2025-06-01")
    path = _write(tmp_path, "bad.yaml", text)
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = text.splitlines()
    at = {key: next(i for i, line in enumerate(lines, 1) if key in line) for key in ("2025-09-31", "九十三", "membrs", "meting")}
    got = _problems_of(result)
    assert got[0] == f"{path}:{at['2025-09-31']}: period.end: " + message("natural.no_such_date", input="2025-09-31")
    assert got[1].startswith(f"{path}:{at['九十三']}: facts.members: 应为整数")
    assert got[2].startswith(f"{path}:{at['membrs']}: facts.membrs: 未知字段") and "members" in got[2]
    assert got[3].startswith(f"{path}:{at['meting']}: events[1].kind: 未知的活动类型 meting")
    # The events are not said to lie after the stand-in period (2000), nor before it.
    assert len(got) == 4, got


@pytest.mark.parametrize("mutate, field", [
    (lambda r: r["union"].update(nmae="typo"), "union.nmae"),
    (lambda r: r["union"].update(kind=""), "union.kind"),
    (lambda r: r["union"].pop("id"), "union.id"),
    (lambda r: r.update(union="u1"), "union"),
    (lambda r: r["period"].update(start="2026-01-01"), "period"),  # ends before it starts
    (lambda r: r.update(note=["a", "list"]), "note"),
    (lambda r: r.update(events={"kind": "meeting"}), "events"),
])
def test_a_refused_shape_is_reported_with_the_rest_and_no_stand_in_problem(tmp_path, mutate, field):
    record = _record()
    mutate(record)
    record["facts"].update(employees="many", disputes=-1)
    path = _write(tmp_path, "bad.json", __import__("json").dumps(record, ensure_ascii=False, default=str, indent=1))
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 2 and "Traceback" not in result.output
    # the shape's problem and the facts', in the file's order; nothing of "-" or 2000, the stand-ins
    assert sorted(_fields_in_order(result)) == sorted([field, "facts.employees", "facts.disputes"]), result.stderr
    assert "2000" not in result.stderr and " - " not in result.stderr


def test_documents_left_out_as_a_whole_are_cited_without_a_problem_of_each_citation(tmp_path):
    record = _record()
    record["union"]["nmae"] = "typo"
    record["documents"] = {"D01": "花名册"}  # a mapping, not a list
    record["facts"]["members"] = {"value": 93, "documents": ["D01"]}
    path = _write(tmp_path, "bad.yaml", record)
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert sorted(_fields_in_order(result)) == ["documents", "union.nmae"], result.stderr


def test_the_same_document_twice_is_found_once_the_union_reads(tmp_path):
    record = _record()
    record["union"]["id"] = ""
    record["documents"] = [{"id": "D01", "title": "花名册"}, {"id": "D01", "title": "台账"}]
    path = _write(tmp_path, "bad.yaml", record)
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 2
    assert "union.id" in result.stderr and "文件编号重复: D01" in result.stderr


def test_a_bad_kind_with_nothing_else_naming_a_standard_reports_the_shape_alone(tmp_path):
    record = _record()
    record["union"]["kind"] = ""
    record["facts"]["employees"] = "many"
    result = _run("score", str(_write(tmp_path, "bad.yaml", record)))  # no --standard, no applications
    assert result.exit_code == 2
    assert _fields_in_order(result) == ["union.kind"], result.stderr


def test_a_json_lines_record_lists_every_problem_in_the_order_it_is_written(tmp_path):
    import json

    from assess.api import score_batch, ScoreOptions

    record = _record()
    record["period"]["end"] = "2025-09-31"
    record["facts"]["employees"] = "many"
    record["events"][0]["kind"] = "meting"
    record["events"][1]["count"] = "两次"
    source = tmp_path / "records.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    summary = score_batch([str(source)], str(tmp_path / "out.jsonl"),
                          ScoreOptions(standard=str(STANDARD), engine="python"), jobs=1)
    assert summary.bad == 1
    [line] = (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert [p["path"] for p in json.loads(line)["problems"]] == [
        "period.end", "facts.employees", "events[0].kind", "events[1].count"]


def test_a_refused_record_raises_record_refused_whose_stand_in_is_never_scored(tmp_path):
    from assess.model.evidence import RecordRefused, check_record
    from assess.standards.catalog import known_names

    record = _record()
    record["period"]["end"] = "2025-09-31"
    path = _write(tmp_path, "bad.yaml", record)
    with pytest.raises(RecordRefused) as info:
        load_evidence(str(path))
    stand_in = info.value.stand_in
    assert stand_in.stand_ins == {"period.start", "period.end"} and stand_in.version_date() is None
    standard = load_standard_file(STANDARD).standard
    with pytest.raises(InputError) as again:
        check_record(stand_in, standard, known_names((standard,)))  # its own problems are why: never passed
    assert [p.path for p in again.value.problems] == ["period.end"]


# ---- events before the period that no count reaches: a note beside the card ----------------------


def test_an_event_before_every_window_is_noted_beside_the_card(tmp_path):
    record = _record()
    record["events"] += [{"kind": "委员会会议", "date": "2024-12-05", "title": "年终会"},  # a label; counted in the period only
                         {"kind": "incident", "date": "2022-12-31"},  # before the 3-year window (2023-01-01 on)
                         {"kind": "incident", "date": "2023-01-01"}]  # its first day: counted
    path = _write(tmp_path, "history.yaml", record)
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("注意: ")]
    lines = path.read_text(encoding="utf-8").splitlines()
    line = {day: next(i for i, text in enumerate(lines, 1) if day in text) for day in ("2024-12-05", "2022-12-31")}
    assert notes == [
        f"注意: {path}:{line['2024-12-05']}: events[3].date: 活动 委员会会议 (meeting) “年终会” 的日期 2024-12-05 早于考核期 "
        "(2025-01-01 ~ 2025-12-31); 标准 test-all-kinds 对这类活动只统计 2025-01-01 起的记录, 此活动不计入任何统计 (日期是否写错?)",
        f"注意: {path}:{line['2022-12-31']}: events[4].date: 活动 群体性事件 (incident) 的日期 2022-12-31 早于考核期 "
        "(2025-01-01 ~ 2025-12-31); 标准 test-all-kinds 对这类活动只统计 2023-01-01 起的记录, 此活动不计入任何统计 (日期是否写错?)"]
    english = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python", "--lang", "en")
    assert "note: " in english.stderr and "counts in nothing" in english.stderr


def test_last_years_events_pasted_in_are_named_a_few_then_counted(tmp_path):
    record = _record()
    record["events"] += [{"kind": "委员会会议", "date": f"2024-{m:02d}-05"} for m in range(1, 13)]
    path = _write(tmp_path, "history.yaml", record)
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("注意: ")]
    assert len(notes) == 4 and [n.count("早于考核期") for n in notes] == [1, 1, 1, 1]
    assert notes[-1] == f"注意: {path}: events: 另有 9 项活动早于考核期, 同样不计入标准 test-all-kinds 的任何统计"


def test_history_a_window_counts_or_of_a_kind_never_counted_is_not_noted(tmp_path):
    record = _record()  # its incident of 2023-06-01 lies in the 3-year window
    record["events"].append({"kind": "liaison_meeting", "date": "2020-01-01"})  # another standard's: none here counts it
    path = _write(tmp_path, "history.yaml", record)
    from assess.api import ScoreOptions, score_record

    scored = score_record(str(path), ScoreOptions(standard=str(STANDARD), engine="python"))
    assert [s.notes for s in scored.scored] == [()]


# ---- a union's id and name are one line of text ---------------------------------------------------


@pytest.mark.parametrize("field, value, code", [
    ("id", "u1\nu2", "U+000A"), ("id", "u1\t", "U+0009"), ("name", "测试\r工会", "U+000D"),
    ("name", "测试\u2028工会", "U+2028"), ("parent", "总工会\x85", "U+0085"), ("region", "南山\x85区", "U+0085"),
    ("id", "u\u200b1", "U+200B"), ("name", "\u202e会工区社", "U+202E"), ("name", "社区\u2066工会", "U+2066"),
])
def test_a_control_character_in_the_unions_id_or_name_is_refused_naming_the_field(tmp_path, field, value, code):
    import json

    record = _record()
    record["union"][field] = value
    record["facts"]["employees"] = "many"  # still reported: the id is stood in for
    path = _write(tmp_path, "bad.json", json.dumps(record, ensure_ascii=False, default=str))
    result = _run("score", str(path), "--standard", str(STANDARD), "--engine", "python")
    assert result.exit_code == 2
    [problem] = [p for p in _problems_of(result) if f"union.{field}:" in p]
    position = next(i for i, c in enumerate(value, 1) if f"U+{ord(c):04X}" == code)
    assert problem.endswith(f"union.{field}: 不能含有控制字符或不可见字符 (换行、制表符、零宽空格、文字方向符等): "
                            f"第 {position} 个字符是 {code}")
    assert "facts.employees" in result.stderr


def test_a_line_break_in_the_periods_label_is_refused():
    from assess.model.evidence import evidence_from_data

    record = _record()
    record["period"]["label"] = "2025\n年度"
    with pytest.raises(InputError) as info:
        evidence_from_data(record)
    assert [p.path for p in info.value.problems] == ["period.label"]


def test_an_id_that_looks_like_a_path_is_only_an_id(tmp_path):
    record = _record()
    record["union"]["id"] = "../x"
    result = _run("score", str(_write(tmp_path, "r.yaml", record)), "--standard", str(STANDARD), "--engine", "python",
                  "--format", "json")
    assert result.exit_code == 0 and '"id": "../x"' in result.stdout


def test_true_false_and_null_are_quoted_as_a_record_writes_them(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"union": {"id": "j1", "name": "J", "kind": "社区工会"}, '
                    '"period": {"start": "2025-01-01", "end": "2025-12-31"}, '
                    '"facts": {"employees": true}, "events": [null]}', encoding="utf-8")
    result = _run("score", str(path), "--standard", "bahao-community")
    assert result.exit_code == 2
    assert "facts.employees: 应为整数, 实际为 true" in result.stderr and "events[0]: 应为键值映射, 实际为 null" in result.stderr
    assert "True" not in result.stderr and "None" not in result.stderr
