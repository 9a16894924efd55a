"""One reader for a JSON Lines line (batch input, report input): refused for the same reasons in
the same words, in the user's language, with the column; never a RecursionError."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from assess.cli import main
from assess.core.jsonlines import JsonLineError, parse_line
from assess.core.messages import use_language
from assess.core.safe_yaml import MAX_DEPTH


@pytest.mark.parametrize("line, words, column", [
    ('{"union": {"id": "x",}}', "此处应为用双引号括起的键名", 22),
    ('{"a" 1}', "此处缺少冒号", 6),
    ('{"a": 1} {"b": 2}', "一行只能有一个 JSON 值", 10),
    ('{"a": "abc', "文字的双引号没有闭合", 7),
    ('{"a": NaN}', "NaN 不是 JSON 数值", 7),
    ('{"a": 1, "a": 2}', "键 a 重复出现", None),
    ("[" * 100_000, "嵌套超过 64 层", MAX_DEPTH + 1),  # the bracket one level too deep
    # A line cut short (a copy that stopped, a file truncated): said as such at its end, not as a
    # comma missing at column 1 of a line that is not there.
    ('{"union": {"id": "a"}\n', "这一行在此结束, 但还有花括号、方括号或双引号没有闭合", 22),
    ('{"union": {"id": "a"},\r\n', "这一行在此结束", 23),
    ('{"union": [1, \n', "这一行在此结束", 14),
    ('{"union": {"id": "a"} "x": 1}\n', "此处缺少逗号", 23),
])
def test_a_bad_line_says_what_is_wrong_in_chinese_and_where(line, words, column):
    with use_language("zh"), pytest.raises(JsonLineError) as err:
        parse_line(line)
    assert words in err.value.text and err.value.column == column


def test_brackets_inside_texts_do_not_count_as_nesting():
    text = json.dumps({"union": {"name": "[" * 500 + "{" * 500}})
    assert parse_line(text)["union"]["name"].startswith("[[")


def test_report_from_a_file_that_is_not_json_lines_is_one_problem():
    result = CliRunner().invoke(main, ["report", "--from", "fixtures/tanglang-community.yaml"])
    assert result.exit_code == 2
    assert result.output.count("错误") == 1 and "不是 JSON Lines 文件" in result.output
    assert "--out 结果.jsonl" in result.output  # and how to make one


def test_report_from_a_batchs_errors_file_says_what_it_is(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text('{"union": {"id": "u1"}}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(main, ["batch", str(records), "--standard", "bahao-community", "--out", str(out)]).exit_code == 2
    result = CliRunner().invoke(main, ["report", "--from", f"{out}.errors.jsonl"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert f"错误: {out}.errors.jsonl: 这是 assess batch 的错误记录文件" in result.output


def test_a_batch_line_nested_too_deep_is_that_records_problem(tmp_path):
    good = json.dumps(__import__("yaml").safe_load(open("fixtures/tanglang-community.yaml", encoding="utf-8")),
                      default=str, ensure_ascii=False)
    src = tmp_path / "in.jsonl"
    src.write_text("[" * 100_000 + "\n" + good + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(src), "--standard", "bahao-community", "--out", str(out),
                                       "--jobs", "1"])
    assert result.exit_code == 2 and "嵌套超过 64 层" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # the good record is scored


def test_a_line_nested_too_deep_says_the_column_of_the_bracket_in_the_errors_file_and_terminal(tmp_path):
    """The depth problem came without a column, unlike every other JSON problem of a line."""
    line = '{"union": {"name": "[[[{{"}, "facts": ' + '{"a": ' * MAX_DEPTH + "1" + "}" * MAX_DEPTH + "}"
    column = line.index("{", line.index('"facts"')) + 1 + len('{"a": ') * (MAX_DEPTH - 1)  # the outer { is level 1
    assert line[column - 1] == "{"
    src = tmp_path / "in.jsonl"
    src.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(src), "--standard", "bahao-community", "--out", str(out),
                                       "--jobs", "1"])
    assert result.exit_code == 2 and f"in.jsonl:1:{column}:" in result.output, result.output
    [entry] = [json.loads(t) for t in (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entry["problems"][0]["column"] == column and "嵌套超过 64 层" in entry["problems"][0]["message"]


def test_a_text_of_several_lines_nested_too_deep_gives_the_line_and_column():
    text = '{"a":\n  ' + "[" * (MAX_DEPTH + 3)
    with pytest.raises(JsonLineError) as err:
        parse_line(text)
    assert (err.value.line, err.value.column) == (2, 3 + MAX_DEPTH - 1)  # the 65th bracket (the object is 1)


@pytest.mark.parametrize("line, column", [
    ('{"note": "a 1e999 b", "n": 1e999}', 28),  # the same characters inside a text come first
    ('{"note": "x\\" 1e999 ", "n": 1e999}', 29),  # an escaped quote does not end the text
    ('{"n": [1, 1e999]}', 11),
])
def test_a_number_json_lacks_is_placed_at_the_number_not_inside_a_text(line, column):
    with use_language("zh"), pytest.raises(JsonLineError) as err:
        parse_line(line)
    assert line[column - 1:column + 4] == "1e999" and err.value.column == column


def test_lines_read_in_many_threads_at_once_keep_their_own_values():
    from concurrent.futures import ThreadPoolExecutor

    lines = [json.dumps({"union": {"id": f"u{i}"}, "facts": {"n": i, "m": {"k": [i, {"d": i}]}}}) for i in range(2000)]
    with ThreadPoolExecutor(8) as pool:
        read = list(pool.map(parse_line, lines))
    assert read == [json.loads(line) for line in lines]


def _too_deep_char_by_char(text: str) -> int | None:
    # The reading it replaced: one character at a time, a string left open runs to the end; the
    # index of the bracket one level too deep.
    depth, in_string, escaped = 0, False, False
    for index, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif ch in "]}":
            depth -= 1
    return None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(['[', ']', '{', '}', '"', '\\', 'a', '\n', '[[[[[[[[', '"\\"', '{"a":[']),
                max_size=120).map("".join))
def test_the_depth_check_reads_strings_and_escapes_as_the_parser(text):
    from assess.core.jsonlines import _too_deep

    assert _too_deep(text) == _too_deep_char_by_char(text)


def test_a_record_of_many_events_is_read_whole():
    from assess.core.jsonlines import _too_deep

    line = json.dumps({"events": [{"kind": "x[[", "date": "2025-01-01"} for _ in range(5000)]})
    assert _too_deep(line) is None and parse_line(line)["events"][4999]["kind"] == "x[["
    assert _too_deep("[" * (MAX_DEPTH + 1)) == MAX_DEPTH and _too_deep('"' + "[" * (MAX_DEPTH + 1)) is None


def test_report_from_an_empty_file_names_it(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["report", "--from", str(empty)])
    assert result.exit_code == 2 and f"错误: {empty}: 没有符合条件的评分结果" in result.output
