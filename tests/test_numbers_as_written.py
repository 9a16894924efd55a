"""A number is read as written or refused, never silently read as another: 1e-400 is not 0 and
0.97999999999999999999 is not 0.98, in a YAML record, a JSON Lines record and a request to the
API alike. And a request body is read as the CLI reads a JSON Lines record: a key given twice or
nesting too deep is a 422 with the reason in the language asked for, never a 200 or a 500."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from assess import api
from assess.cli import main
from assess.core.exact import float_is_exact
from assess.core.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "jinhua-textile-nograde.yaml"  # liuyou: member_satisfaction is a ratio
MARK = 12345.5
MISREAD = ["1e-400", "0." + "9" * 40, "0.97999999999999999999", "1" + "0" * 400 + ".5",
           "1e-99999999999999999999999", "0e99999999999999999999"]  # past Decimal's own exponents


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_as_python_writes_it_is_exact(x):
    assert float_is_exact(repr(x), x)
    assert float_is_exact(json.dumps(x), json.loads(json.dumps(x)))


@pytest.mark.parametrize("text", MISREAD)
def test_a_text_a_float_cannot_hold_is_not_exact(text):
    assert not float_is_exact(text, float(text))


def test_a_json_line_names_the_column_of_the_number_not_the_same_text_inside_a_string():
    from assess.core.jsonlines import JsonLineError, parse_line
    with pytest.raises(JsonLineError) as err:
        parse_line('{"note": "写成1e-400", "v": 1e-400}')
    assert (err.value.column, err.value.line) == (27, 1)
    with pytest.raises(JsonLineError) as err:
        parse_line('{\n "a": 1,\n "b": NaN}')
    assert (err.value.column, err.value.line) == (7, 3)


def test_an_integer_longer_than_any_count_is_refused_as_in_yaml(tmp_path):
    """Python refuses to read an integer of over 4300 digits with an error of its own; a JSON line
    with one was an internal error and lost its record. Like YAML: at most 30 digits."""
    data = _record()
    lines = [json.dumps(data).replace(str(MARK), "1" * 5000), json.dumps(data).replace(str(MARK), "0.95")]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(path), "--standard", "liuyou-grassroots", "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = (tmp_path / "out.csv.errors.jsonl").read_text(encoding="utf-8")
    assert "整数有 5000 位, 超过上限 30 位" in errors and "内部错误" not in errors
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2  # the header and the good record


@pytest.mark.parametrize("text", ["0.95", "98.5", "1.10", "2.5e-3", "123456789.012345", "0.1"])
def test_ordinary_numbers_are_exact(text):
    assert float_is_exact(text, float(text))


def _record() -> dict:
    data = json.loads(json.dumps(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), default=str))
    data["facts"]["member_satisfaction"] = MARK
    return data


@pytest.mark.parametrize("text", MISREAD)
@pytest.mark.parametrize("kind", ["yaml", "jsonl"])
def test_a_record_with_a_number_a_float_cannot_hold_is_refused_naming_it(tmp_path, kind, text):
    data = _record()
    if kind == "yaml":
        body = yaml.safe_dump(data, allow_unicode=True).replace(str(MARK), text)
    else:
        body = json.dumps(data, ensure_ascii=False).replace(str(MARK), text) + "\n"
    path = tmp_path / f"record.{kind}"
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "record." + kind in result.stderr and "facts.member_satisfaction" in result.stderr
    assert "cannot be read exactly as written" in result.stderr


def test_the_same_record_written_plainly_scores(tmp_path):
    data = _record()
    path = tmp_path / "record.jsonl"
    path.write_text(json.dumps(data).replace(str(MARK), "0.95") + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["score", str(path)]).exit_code == 0


def test_read_json_refuses_as_the_batch_reader_does():
    assert api.read_json('{"a": 0.5}') == {"a": 0.5}
    for text, words in [('{"a": 1, "a": 2}', "key a appears twice"), ('{"a": 1e-400}', "1e-400"),
                        ("[" * 100 + "]" * 100, "nested more than"), ('{"a": NaN}', "NaN"), ("{", "not valid JSON")]:
        with pytest.raises(InputError) as err:
            api.read_json(text, lang="en", name="<body>")
        assert err.value.problems[0].file == "<body>" and words in err.value.problems[0].message


fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")


@pytest.fixture(scope="module")
def web():
    from fastapi.testclient import TestClient
    from assess.web import Settings, create_app
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


@pytest.mark.parametrize("body, zh, en", [
    ('{"record": {"facts": {"x": 1e-400}}}', "无法按所写精确读取", "cannot be read exactly as written"),
    ('{"record": {}, "record": {}}', "键 record 重复出现", "key record appears twice"),
    ("[" * 3000 + "]" * 3000, "嵌套超过", "nested more than"),
    ('{"record": {"x": %s}}' % ("1" * 5000), "整数有 5000 位", "an integer of 5000 digits"),
    ('{"record": {"note": "\\udfff"}}', "孤立的代理项", "lone surrogate"),
    ('{"record": {"x": 1e-99999999999999999999999}}', "无法按所写精确读取", "cannot be read exactly"),
    ('{"record": {},}', "此处应为用双引号括起的键名", "a key in double quotes was expected"),
])
def test_a_request_body_is_read_as_a_json_lines_record(web, body, zh, en):
    for lang, words in (("zh", zh), ("en", en)):
        response = web.post(f"/api/v1/score?lang={lang}", content=body.encode(), headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text[:300]
        assert words in response.json()["problems"][0]["message"]


def test_a_batch_line_with_a_key_twice_is_that_lines_problem_and_the_rest_scores(web):
    good = json.dumps(_record()).replace(str(MARK), "0.95")
    body = good[:-1] + ', "union": {}}\n' + good + "\n"
    response = web.post("/api/v1/batch?lang=en", content=body.encode(), headers={"content-type": "application/x-ndjson"})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["schema"] for line in lines] == ["assess.problems/1", "assess.scorecard/3"]
    assert "key union appears twice" in lines[0]["problems"][0]["message"] and lines[0]["source"] == "<line 1>"


def test_a_body_with_a_byte_order_mark_is_read_and_one_not_utf8_is_refused_in_the_language_asked(web):
    good = json.dumps({"record": json.loads(json.dumps(_record()).replace(str(MARK), "0.95"))})
    assert web.post("/api/v1/score", content=b"\xef\xbb\xbf" + good.encode(),
                    headers={"content-type": "application/json"}).status_code == 200
    bad = web.post("/api/v1/score?lang=en", content=good.encode("utf-16"), headers={"content-type": "application/json"})
    assert bad.status_code == 422 and "not UTF-8" in bad.json()["problems"][0]["message"]


def test_a_batch_reads_lines_as_the_cli_does(web):
    """Lines end at a line feed only: a raw U+2028 or U+0085 inside a text (JSON allows them)
    stays in its record (a title: a union's name refuses them); a lone surrogate or a 5000-digit
    number is that line's problem."""
    good = json.dumps(_record()).replace(str(MARK), "0.95")
    odd = good.replace('"title": "', '"title": "\u2028\x85', 1)
    assert "\u2028" in odd
    body = "\n".join([odd, good.replace(str(0.95), "1" * 5000), good[:-1] + ', "note": "\\ud800"}', good]) + "\n"
    response = web.post("/api/v1/batch?lang=en", content=body.encode("utf-8"),
                        headers={"content-type": "application/x-ndjson"})
    lines = [json.loads(line) for line in response.text.split("\n") if line]
    assert [line["schema"] for line in lines] == ["assess.scorecard/3", "assess.problems/1", "assess.problems/1",
                                                  "assess.scorecard/3"]
    assert [line.get("source") for line in lines[1:3]] == ["<line 2>", "<line 3>"]


BAHAO = ROOT / "rulesets" / "bahao-community.yaml"


@pytest.mark.parametrize("text", ['"97.9999999999999999%"', '"0.1000000000000000055511"', '"1e-400"'])
def test_a_band_boundary_text_a_float_cannot_hold_is_refused_at_its_place(tmp_path, text):
    # conditions compare as floats: "97.9999999999999999%" would be decided as 98%
    body = BAHAO.read_text(encoding="utf-8")
    assert body.count('{min: "98%", points: 6}') == 1
    path = tmp_path / "bahao.yaml"
    path.write_text(body.replace('{min: "98%", points: 6}', "{min: %s, points: 6}" % text), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "lint", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    line = body[:body.index('{min: "98%"')].count("\n") + 1
    assert f"bahao.yaml:{line}:" in result.output and "bands[0].min" in result.output
    assert "cannot be read exactly as written" in result.output


@pytest.mark.parametrize("text", ['"97.99999999999999%"', '"1,200.5"', '" 98 %"', '"2.5e-3"'])
def test_a_band_boundary_text_a_float_holds_is_read(tmp_path, text):
    body = BAHAO.read_text(encoding="utf-8").replace('{min: "98%", points: 6}', "{min: %s, points: 6}" % text)
    path = tmp_path / "bahao.yaml"
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "lint", str(path)])
    assert "cannot be read exactly" not in result.output and "[schema]" not in result.output


@pytest.mark.parametrize("text", ["0x1F", "0o17", "1:30", "0b101"])
def test_yaml_1_1_number_forms_in_a_record_are_no_numbers(tmp_path, text):
    # 0x1F is not 31 to a policy writer: it is text as written, refused where a number is due
    body = (ROOT / "fixtures" / "liulian-community.yaml").read_text(encoding="utf-8")
    assert body.count("employees: {value: 15280,") == 1
    path = tmp_path / "r.yaml"
    path.write_text(body.replace("employees: {value: 15280,", f"employees: {{value: {text},"), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "score", str(path)])
    assert result.exit_code == 2 and f"facts.employees: expected a whole number, got {text}" in result.stderr
