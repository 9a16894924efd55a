"""Every message about a record file is in the user's language, accurate and helpful: the YAML
parser's problems in plain words with line and column (assess/core/yaml_syntax.py), true/false
read the same in every format, unknown names with a "did you mean", values shown as written."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from yaml.error import Mark

from assess import api
from assess.cli import main
from assess.core import safe_yaml, yaml_syntax
from assess.core.messages import use_language

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = ROOT / "fixtures/tanglang-community.yaml"
# What the parser says in English: none of it may reach a Chinese message.
ENGLISH = re.compile(r"found|expected|allowed|scanning|parsing|token|alias '|document|character #x")


def _record(tmp_path: Path, old: str, new: str, name: str = "r.yaml") -> Path:
    text = TANGLANG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _score(*args: str) -> str:
    result = CliRunner().invoke(main, ["score", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    return result.stderr


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# ---- the tester's files: each problem in plain Chinese, at its line and column -------------------

@pytest.mark.parametrize("old, new, where, words", [
    ("note: ", "note: @张三 负责\nx: ", "1:7", '值不能以 @ 开头 (YAML 保留了这个符号); 请把文字放在引号里: "@张三 负责"'),
    ("note: ", "note: `备注`\nx: ", "1:7", '值不能以 ` 开头'),
    ("note: ", "note: %50\nx: ", "1:7", '值不能以 % 开头 (YAML 保留了这个符号); 请把文字放在引号里: "%50"'),
    ("note: ", "note: *ref\nx: ", "1:7", '*ref 会被读作别名, 但前面没有锚点 &ref; 如果这是文字, 请加引号: "*ref"'),
    ("note: ", "note: |x\nx: ", "1:7", '值开头的 | 或 > 表示下面几行是一段多行文字'),
    ("note: ", "note: > x\nx: ", "1:7", '请把文字写在下一行并缩进, 或把文字放在引号里: "> x"'),
    ("note: ", "note: - x\nx: ", "1:7", '这里不能开始列表项 “- ”'),
    ("note: ", 'note: "C:\\q"\nx: ', "1:10", "双引号里的 \\q 不是合法的转义 (双引号里的 \\ 有特殊含义, 如 Windows 路径); "
                                            "请改用单引号: 'C:\\q'"),
    ("note: ", "note: a\x00b\nx: ", "1:8", "文件中有不允许的控制字符 U+0000"),
])
def test_a_yaml_problem_is_said_in_plain_chinese_at_its_line_and_column(tmp_path, old, new, where, words):
    text = TANGLANG.read_text(encoding="utf-8")
    first = text.splitlines().index(next(line for line in text.splitlines() if line.startswith(old))) + 1
    path = _record(tmp_path, old, new)
    err = _score(str(path))
    if where:
        line, column = where.split(":")
        where = f"{first + int(line) - 1}:{column}"
    assert words in err and (not where or f"{path}:{where}: " in err), err
    assert not ENGLISH.search(err), err


def test_a_second_document_and_a_key_twice_are_named_where_they_are(tmp_path):
    path = tmp_path / "multi.yaml"
    path.write_text("---\na: 1\n---\nb: 2\n", encoding="utf-8")
    assert f"{path}:3:1: YAML 格式错误: 一个文件只能有一份内容, 这里的 --- (或 ...) 又开始了一份" in _score(str(path))
    path = _record(tmp_path, "  has_office: true\n", "  has_office: true\n  has_office: false\n")
    line = _line_of(path, "  has_office: true")
    assert f"{path}:{line + 1}:3: 键 has_office 重复 (第 {line} 行已有); 同一层的键只能写一次" in _score(str(path))


@pytest.mark.parametrize("old, new, column", [
    ("  has_sign: true", "  has_sign：true", 11),   # no space after it: the parser said 缺少冒号 on the next line
    ("  has_sign: true", "  has_sign： true", 11),  # read as text: the line was named twice (fw3.yaml:42: 第 42 行:)
    ("  members: {value: 214", "  members：{value: 214", 10),  # the parser said 此处不能再有冒号
])
def test_a_full_width_colon_is_named_on_its_own_line_once(tmp_path, old, new, column):
    path = _record(tmp_path, old, new)
    line = _line_of(path, new + path.read_text(encoding="utf-8").split(new, 1)[1].split("\n", 1)[0])
    err = _score(str(path))
    assert err == f"错误: {path}:{line}:{column}: 这里用了全角冒号 ：, 请改为半角冒号 : 并在其后加空格\n"


def test_english_stays_under_lang_en(tmp_path):
    path = _record(tmp_path, "note: ", "note: @张三 负责\nx: ")
    result = CliRunner().invoke(main, ["--lang", "en", "score", str(path)])
    assert "YAML syntax error: a value cannot start with @ (YAML reserves it); put the text in quotes" in result.stderr


def test_a_json_lines_file_given_to_score_says_to_use_batch(tmp_path):
    path = tmp_path / "records.jsonl"
    line = json.dumps(yaml.safe_load(TANGLANG.read_text(encoding="utf-8")), ensure_ascii=False, default=str)
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    assert _score(str(path)) == (f"错误: {path}: 这是 JSON Lines 文件 (每行一份记录), 不是一份记录; "
                                 f"请用 assess batch {path} --standard 标准编号 为其中的记录评分\n")



def test_a_json_lines_file_named_json_says_to_rename_it_first(tmp_path):
    """`assess batch` reads a .json file as one record: the hint must not send the user round to
    the same refusal (break-it helper: `batch three.json` said `use assess batch three.json`)."""
    path = tmp_path / "records.json"
    line = json.dumps(yaml.safe_load(TANGLANG.read_text(encoding="utf-8")), ensure_ascii=False, default=str)
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    renamed = tmp_path / "records.jsonl"
    assert _score(str(path)) == (f"错误: {path}: 这是 JSON Lines 文件 (每行一份记录), 不是一份记录; assess batch 只按行读取"
                                 f"扩展名为 .jsonl 的文件: 请把它改名为 {renamed}, 再用 assess batch {renamed} --standard "
                                 "标准编号 为其中的记录评分\n")
    path.rename(renamed)
    done = CliRunner().invoke(main, ["batch", str(renamed), "--standard", "bahao-community",
                                     "--out", str(tmp_path / "out.csv")])
    assert done.exit_code == 0 and "2 条记录: 已评分 2 条" in done.stderr, done.stderr


@pytest.mark.parametrize("layout", ["\t{record}", "{{\n\t\"union\":\t{union},\n\t\"rest\": 1}}"])
def test_a_json_file_with_tabs_between_its_tokens_reads_as_json(tmp_path, layout):
    """Tabs are whitespace to JSON but indentation YAML refuses: a JSON record starting with a tab
    was refused as YAML (break-it helper); a tab inside a string stays a tab."""
    from assess.core.loading import read_document

    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["note"] = "a\tb"
    record = json.dumps(data, ensure_ascii=False, default=str)
    union = json.dumps({"id": "x\ty"})
    path = tmp_path / "r.json"
    path.write_text(layout.format(record=record, union=union), encoding="utf-8")
    read = read_document(path).data
    assert read == json.loads(path.read_text(encoding="utf-8"))

# ---- every problem the parser can report has its words ------------------------------------------

# (context, problem) as libyaml (0.2.x, in PyYAML's _yaml extension) and PyYAML's pure-Python reader
# word them: every scanner, parser and composer error either can raise.
LIBYAML = [
    ("while scanning a directive", "found unknown directive name"),
    ("while scanning a directive", "did not find expected comment or line break"),
    ("while scanning a directive", "could not find expected directive name"),
    ("while scanning a directive", "found unexpected non-alphabetical character"),
    ("while scanning a %YAML directive", "did not find expected whitespace"),
    ("while scanning a %YAML directive", "did not find expected digit or '.' character"),
    ("while scanning a %YAML directive", "found extremely long version number"),
    ("while scanning a %YAML directive", "did not find expected version number"),
    ("while scanning a %TAG directive", "did not find expected whitespace or line break"),
    (None, "found duplicate %YAML directive"), (None, "found duplicate %TAG directive"),
    (None, "found incompatible YAML document"),
    ("while scanning an anchor", "did not find expected alphabetic or numeric character"),
    ("while scanning an alias", "did not find expected alphabetic or numeric character"),
    ("while scanning a tag", "did not find expected whitespace or line break"),
    ("while scanning a tag", "did not find expected '!'"),
    ("while parsing a tag", "did not find the expected '>'"),
    ("while parsing a tag", "did not find expected tag URI"),
    ("while parsing a tag", "did not find URI escaped octet"),
    ("while parsing a tag", "found an incorrect leading UTF-8 octet"),
    ("while parsing a node", "found undefined tag handle"),
    ("while scanning a block scalar", "found an indentation indicator equal to 0"),
    ("while scanning a block scalar", "did not find expected comment or line break"),
    ("while scanning a block scalar", "found a tab character where an indentation space is expected"),
    ("while scanning a quoted scalar", "found unexpected document indicator"),
    ("while scanning a quoted scalar", "found unexpected end of stream"),
    ("while parsing a quoted scalar", "found unknown escape character"),
    ("while parsing a quoted scalar", "did not find expected hexdecimal number"),
    ("while parsing a quoted scalar", "found invalid Unicode character escape code"),
    ("while scanning a plain scalar", "found unexpected ':'"),
    ("while scanning a plain scalar", "found a tab character that violates indentation"),
    ("while scanning a simple key", "could not find expected ':'"),
    ("while scanning for the next token", "found character that cannot start any token"),
    (None, "block sequence entries are not allowed in this context"),
    (None, "mapping keys are not allowed in this context"),
    (None, "mapping values are not allowed in this context"),
    (None, "did not find expected <document start>"),
    ("while parsing a block collection", "did not find expected '-' indicator"),
    ("while parsing a block mapping", "did not find expected key"),
    ("while parsing a flow sequence", "did not find expected ',' or ']'"),
    ("while parsing a flow mapping", "did not find expected ',' or '}'"),
    ("while parsing a block node", "did not find expected node content"),
    ("while parsing a flow node", "did not find expected node content"),
    ("expected a single document in the stream", "but found another document"),
    (None, "found undefined alias 'x'"),
    ("found duplicate anchor 'x'; first occurrence", "second occurrence"),
]
PYYAML = [
    ("while scanning for the next token", "found character '@' that cannot start any token"),
    ("while scanning a simple key", "could not find expected ':'"),
    ("while scanning a directive", "expected alphabetic or numeric character, but found '!'"),
    ("while scanning a directive", "expected a digit or '.', but found 'x'"),
    ("while scanning a directive", "expected a comment or a line break, but found 'x'"),
    ("while scanning an anchor", "expected alphabetic or numeric character, but found '\\n'"),
    ("while parsing a tag", "expected '>', but found 'x'"),
    ("while scanning a tag", "expected ' ', but found 'x'"),
    ("while scanning a block scalar", "expected indentation indicator in the range 1-9, but found 0"),
    ("while scanning a block scalar", "expected chomping or indentation indicators, but found 'x'"),
    ("while scanning a block scalar", "expected a comment or a line break, but found 'x'"),
    ("while scanning a double-quoted scalar", "expected escape sequence of 4 hexadecimal numbers, but found 'Z'"),
    ("while scanning a double-quoted scalar", "found unknown escape character 'q'"),
    ("while scanning a quoted scalar", "found unexpected end of stream"),
    ("while scanning a quoted scalar", "found unexpected document separator"),
    ("while scanning a primary tag", "expected '!', but found ' '"),
    ("while parsing a tag", "expected URI, but found ' '"),
    (None, "found duplicate YAML directive"),
    (None, "found incompatible YAML document (version 1.* is required)"),
    ("while parsing a node", "found undefined tag handle '!x!'"),
    (None, "expected '<document start>', but found '<scalar>'"),
    ("while parsing a block node", "expected the node content, but found '<block end>'"),
    ("while parsing a block collection", "expected <block end>, but found '<scalar>'"),
    ("while parsing a block mapping", "expected <block end>, but found '<scalar>'"),
    ("while parsing a flow sequence", "expected ',' or ']', but got '<scalar>'"),
    ("while parsing a flow mapping", "expected ',' or '}', but got '<scalar>'"),
    (None, "sequence entries are not allowed here"),
    (None, "mapping keys are not allowed here"),
    (None, "mapping values are not allowed here"),
    (None, "found undefined alias 'x'"),
]


@pytest.mark.parametrize("context, problem", LIBYAML + PYYAML)
def test_every_problem_the_parser_can_report_has_words_of_its_own(context, problem):
    mark = Mark("r.yaml", 0, 1, 4, None, None)
    exc = yaml.MarkedYAMLError(context, mark if context else None, problem, mark)
    found = yaml_syntax.explain(exc, "a: 1\nb: @c\n")
    assert found.key != "error.syntax" and (found.line, found.column) == (2, 5)
    with use_language("zh"):
        assert not ENGLISH.search(found.text()), found.text()


@pytest.mark.parametrize("text, key, where", [
    ("note: @x\n", "error.yaml.reserved", (1, 7)),
    ("a: |x\n", "error.yaml.block_header", (1, 4)),
    ('a: "C:\\q"\n', "error.yaml.escape", (1, None)),
    ("a: 'x\n", "error.yaml.quote_open", (1, 4)),
    ("a: [1, 2\nb: 3\n", "error.yaml.flow_open", (2, 2)),
    ("a: [1,\n", "error.yaml.flow_open", (2, 1)),  # the file ends inside the brackets: not "a value, not ?"
    ("a:\n\tb: 1\n", "error.yaml.tab", (2, 1)),
    ("a: &\n", "error.yaml.anchor", (1, 4)),
    ("a: !x!y 1\n", "error.yaml.tag", (1, 4)),
    ("a: ]\n", "error.yaml.no_value", (1, 4)),
    ("a: 1\n- b\n", "error.yaml.indent", (2, 1)),
    ("a: b: c\n", "error.yaml.colon", (1, 5)),
    ("a: *x\n", "error.yaml.undefined_alias", (1, 4)),
    ("a: &x 1\nb: &x 2\n", "error.yaml.duplicate_anchor", (2, 4)),
    ("a: 1\nb: x\x01\n", "error.yaml.control_character", (2, 5)),
])
@pytest.mark.parametrize("python", [False, True])
def test_both_parsers_problems_read_the_same(text, key, where, python):
    """libyaml (what safe_yaml uses) and PyYAML's own reader (without libyaml) say the same."""
    with pytest.raises(yaml.YAMLError) as info:
        yaml.compose(text, Loader=yaml.SafeLoader) if python else safe_yaml.load(text)
    found = yaml_syntax.explain(info.value, text)
    assert found.key == key and found.line == where[0] and (where[1] is None or found.column == where[1])


def test_a_byte_order_mark_inside_the_file_is_named():
    """As `cat a.yaml b.yaml` leaves one (PyYAML's own reader takes it for nothing)."""
    with pytest.raises(yaml.YAMLError) as info:
        safe_yaml.load("a: 1\n\ufeffb: 2\n")
    assert yaml_syntax.explain(info.value, "a: 1\n\ufeffb: 2\n") == yaml_syntax.Syntax("error.yaml.bom", 2, 1)


# ---- true and false: one rule in every format ---------------------------------------------------

@pytest.mark.parametrize("written, meaning", [
    ("yes", True), ("'yes'", True), ("Yes", True), ("Y", True), ("no", False), ('"No"', False), ("n", False),
    ("是", True), ("true", True), ("False", False),
])
def test_a_true_false_fact_reads_the_same_words_quoted_or_not(tmp_path, written, meaning):
    def card(value: str) -> dict:
        path = _record(tmp_path, "  has_office: true", f"  has_office: {value}")
        found = api.score_record(str(path), api.ScoreOptions(engine="python")).scored[0].card
        return {k: v for k, v in found.items() if k not in ("evidence_sha256", "evidence_file")}

    assert card(written) == card(json.dumps(meaning))
    as_json = tmp_path / "r.json"  # the same word in a JSON record
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["facts"]["has_office"] = yaml.safe_load(f"[{written}]")[0] if written[0] in "'\"" else written
    as_json.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    found = api.score_record(str(as_json), api.ScoreOptions(engine="python")).scored[0].card
    assert {k: v for k, v in found.items() if k not in ("evidence_sha256", "evidence_file")} == card(json.dumps(meaning))


@pytest.mark.parametrize("written", ["on", "off", "'off'", "1"])
def test_on_and_off_are_refused_in_every_format_never_read_as_false(tmp_path, written):
    path = _record(tmp_path, "  has_office: true", f"  has_office: {written}")
    err = _score(str(path))
    assert "facts.has_office: 应为 是 或 否 (也可写 有/无、对/错、√/×、true/false、yes/no、Y/N), 实际为" in err
    as_json = tmp_path / "r.json"
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["facts"]["has_office"] = written.strip("'")
    as_json.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    assert "facts.has_office: 应为 是 或 否" in _score(str(as_json))


def test_yes_and_no_stay_text_where_text_is_read():
    assert safe_yaml.load("note: no\nid: off\n")[1] == {"note": "no", "id": "off"}


# ---- unknown names get a "did you mean" ---------------------------------------------------------

def test_a_misspelt_judgement_item_gets_a_did_you_mean(tmp_path):
    path = _record(tmp_path, "    work_pattern:", "    work_patern:")
    assert "标准 bahao-community 中没有指标 work_patern (是否应为 work_pattern?)" in _score(str(path))


def test_a_misspelt_key_of_a_cited_fact_names_the_keys_allowed(tmp_path):
    path = _record(tmp_path, "  has_office: true", "  has_office: {value: true, documnets: [T01]}")
    assert ("facts.has_office.documnets: 未知字段 documnets (是否应为 documents?); 此处可用的字段: value, documents, note"
            in _score(str(path)))


def test_a_misspelt_kind_gets_its_suggestion_in_english_too(tmp_path):
    path = _record(tmp_path, "kind: community_union", "kind: 社区公会")
    assert "未知的工会类型 社区公会 (是否应为 社区工会?)" in _score(str(path))
    result = CliRunner().invoke(main, ["--lang", "en", "score", str(path)])
    assert "unknown kind of union 社区公会 (did you mean community_union?)" in result.stderr


def test_a_kind_of_event_in_capitals_is_suggested_as_its_id(tmp_path):
    """difflib alone finds LIAISON_MEETING too far from liaison_meeting to suggest it."""
    path = _record(tmp_path, "kind: liaison_meeting, date: 2025-04-22", "kind: LIAISON_MEETING, date: 2025-04-22")
    assert "未知的活动类型 LIAISON_MEETING" in _score(str(path))
    assert "(是否应为 liaison_meeting (联谊会议)?)" in _score(str(path))


# ---- values as written ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ({"a": [1, {"b": None}]}, '{"a": [1, {"b": null}]}'), ([True], "[true]"), (["是"], '["是"]'),
])
def test_a_list_or_mapping_is_shown_as_json_not_python(tmp_path, value, shown):
    path = tmp_path / "r.json"
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["facts"]["members"] = {"value": value}
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    assert f"facts.members: 应为整数, 实际为 {shown}" in _score(str(path))


def _with_members(written: str) -> str:
    """The record as one JSON text, its members written `written`."""
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["facts"]["members"] = "MEMBERS"
    return json.dumps(data, ensure_ascii=False, default=str).replace('"MEMBERS"', written)


@pytest.mark.parametrize("written", ["1e308", "1e+300", "-1e40"])
def test_a_number_beyond_any_count_is_refused_as_written(tmp_path, written):
    path = tmp_path / "r.json"
    path.write_text(_with_members(written), encoding="utf-8")
    shown = format(float(written), "")
    assert f"facts.members: 数 {shown} 太大: 整数部分不能超过 30 位" in _score(str(path))


def test_json_lines_a_bom_inside_a_non_object_line_and_a_long_integer(tmp_path):
    good, long = _with_members("214"), _with_members('{"value": ' + "9" * 31 + "}")
    src = tmp_path / "in.jsonl"
    # `cat a.jsonl b.jsonl`: a byte order mark at the start of a line inside the file
    src.write_text("\n".join([good, "\ufeff" + good, "null", '"text"', "[1]", long]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(src), "--standard", "bahao-community", "--out", str(out)])
    assert result.exit_code == 2, result.output
    errors = [json.loads(line) for line in Path(str(out) + ".errors.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = {e["position"]: e["problems"][0]["text"] for e in errors}
    assert f"{src}:2" not in " ".join(texts)  # the line after the byte order mark is scored
    assert texts[f"{src}:3"].endswith(": 这一行应为一个 JSON 对象 {…} (一份记录), 实际为 null")
    assert texts[f"{src}:4"].endswith('实际为 "text"')
    assert texts[f"{src}:5"].endswith("实际为 [1]")
    assert ": facts.members.value: 整数有 31 位, 超过上限 30 位" in texts[f"{src}:6"]
