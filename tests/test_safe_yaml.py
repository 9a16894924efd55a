"""Hostile and odd YAML/JSON: every file kind is read through one bounded reader
(assess.core.safe_yaml). Refusals are exit 2 with file, line and field, in bounded time and memory;
numbers read as YAML 1.2 reads them; JSON surrogate-pair escapes read as any JSON parser reads them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.core import safe_yaml
from assess.core.loading import MAX_BYTES, read_document
from assess.core.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "tanglang-community.yaml"
HEAD = "union: {id: test-union, name: 测试社区工会, kind: community_union}\nperiod: {start: 2025-01-01, end: 2025-12-31}\n"


def _bomb(levels: int) -> str:
    lines = ["x0: &a0 [l,l,l,l,l,l,l,l,l]"]
    lines += [f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + "\n"


def _refused(tmp_path: Path, text: str, name: str = "f.yaml") -> tuple[str, int | None, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_document(path)
    [problem] = info.value.problems
    assert problem.file == str(path)
    return problem.path, problem.line, problem.message


@pytest.mark.parametrize("text, path, line, expected", [
    (_bomb(7), "x5[1]", 8, f"别名 *a4 展开后, 文件中的值超过 {safe_yaml.MAX_VALUES} 个"),
    (_bomb(9), "x5[1]", 8, "别名 *a4 展开后"),
    ("a: &x [1, *x]\n", "a[1]", 1, "别名 *x 出现在它自己所指的内容之中"),
    ("a: !!binary aGVsbG8=\n", "a", 1, "不接受标签 !!binary"),
    ("a: !!set {x, y}\n", "a", 1, "不接受标签 !!set"),
    ("a: !!python/object/apply:os.system [ls]\n", "a", 1, "不接受标签 !!python/object/apply:os.system"),
    ("a: !local x\n", "a", 1, "不接受标签 !local"),
    ("a: !!int abc\n", "a", 1, "abc 不符合标签 !!int"),
    ("a:\n  b:\n    1: x\n", "a.b", 3, "键 1 应为文字"),
    ("? [a, b]\n: x\n", "", 1, "键 [...] 应为文字"),
    ("true: 1\n", "", 1, "键 true 应为文字"),
    ("period: {end: 2025-02-30}\n", "period.end", 1, "没有这个日期: 2025-02-30"),
    ("a:\n  - 2025-13-01\n", "a[0]", 2, "没有这个日期"),
    ("n: " + "9" * 5000 + "\n", "n", 1, "整数有 5000 位, 超过上限 30 位"),
    ("".join(" " * i + f"k{i}:\n" for i in range(70)) + " " * 70 + "x\n", ".".join(f"k{i}" for i in range(64)), 65,
     "嵌套超过 64 层"),
    ("[" * 5000 + "]" * 5000, "", 1, "嵌套超过 64 层"),
])
def test_refused_with_line_and_field(tmp_path, text, path, line, expected):
    got = _refused(tmp_path, text)
    assert got[:2] == (path, line) and expected in got[2], got


def test_a_reader_of_dates_gets_a_date_that_does_not_exist_as_the_text_written(tmp_path):
    """An evidence record reads its dates itself (assess/core/natural.py): a day that does not
    exist is its problem, found with the record's others; every other file refuses it here."""
    path = tmp_path / "r.yaml"
    path.write_text("period: {start: 2025-01-01, end: 2025-09-31}\na:\n  - 2025-13-01\n", encoding="utf-8")
    data = read_document(path, bad_dates_as_text=True).data
    assert data == {"period": {"start": __import__("datetime").date(2025, 1, 1), "end": "2025-09-31"}, "a": ["2025-13-01"]}
    assert _refused(tmp_path, path.read_text(encoding="utf-8"))[:2] == ("period.end", 1)


def test_too_many_values_are_refused_where_the_limit_is_passed(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_yaml, "MAX_VALUES", 1000)
    assert _refused(tmp_path, "- 1\n" * 1005) == ("[999]", 1000, "文件中的值超过 1000 个")
    assert safe_yaml.load("- 1\n" * 999)[1] == [1] * 999  # the root list is a value too


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: 60 MB that cost nothing to write
    with pytest.raises(InputError) as info:
        read_document(path)
    assert str(info.value) == f"{path}: 文件大小 60.0 MB, 超过上限 {MAX_BYTES / 1024 / 1024:.1f} MB"


@pytest.mark.parametrize("text, expected", [
    ("employees: 0100", 100), ("n: -0100", -100), ("n: +12", 12), ("n: 0x1F", "0x1F"), ("n: 0o17", "0o17"),
    ("n: 1:30", "1:30"), ("n: 1_000", "1_000"), ("n: 1e3", 1000.0), ("n: 010.5", 10.5), ("n: !!str 0100", "0100"),
    ("n: yes", "yes"), ("n: off", "off"), ("n: True", True), ("n: FALSE", False), ("n: ~", None), ("n: 2024-02-29", __import__("datetime").date(2024, 2, 29)),
    ("n: '2025-02-30'", "2025-02-30"), ("n: !!int '12'", 12), ("<<: {a: 1}", {"a": 1}),
])
def test_scalars_read_as_yaml_1_2_core_numbers(tmp_path, text, expected):
    path = tmp_path / "s.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    data = read_document(path).data
    assert list(data.values()) == [expected] and type(list(data.values())[0]) is type(expected)


def test_octal_looking_employees_count_is_a_hundred(tmp_path):
    path = tmp_path / "octal.yaml"
    path.write_text(HEAD + "facts:\n  employees: 0100\n  members: 60\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert read_document(path).data["facts"] == {"employees": 100, "members": 60}


# ---- JSON: surrogate-pair escapes read as json.loads reads them ---------------------------------


def test_surrogate_pair_json_reads_like_json_loads(tmp_path):
    record = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    record["union"]["name"] = "𠮷祥机械厂工会"
    text = json.dumps(record, default=str)  # ensure_ascii: "\ud842\udfb7"
    assert "\\ud842\\udfb7" in text
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).data["union"] == json.loads(text)["union"]
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 0 and "𠮷祥机械厂工会" in result.stdout


CHARACTERS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)  # any character but half ones


JSON_VALUES = st.one_of(CHARACTERS, st.lists(CHARACTERS, max_size=3), st.integers(-10**29, 10**29), st.none(),
                        st.booleans(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(CHARACTERS, JSON_VALUES, min_size=1, max_size=5), st.booleans())
def test_any_json_text_reads_like_json_loads(tmp_path_factory, data, ascii_only):
    path = tmp_path_factory.mktemp("j") / "d.json"
    # ensure_ascii: every character outside ASCII as \\u escapes, astral ones as pairs; else raw
    text = json.dumps(data, ensure_ascii=ascii_only)
    path.write_text(text, encoding="utf-8")
    assert read_document(path).data == json.loads(text)


@pytest.mark.parametrize("text, line", [('{"a": "\\ud800"}', 1), ('{\n"a": 1,\n"b": "x\\udfb7y"}', 3), ('["\\ud842\\u0041"]', 1)])
def test_lone_surrogate_is_a_clear_error(tmp_path, text, line):
    path, got_line, msg = _refused(tmp_path, text, "bad.json")
    assert got_line == line and "孤立的代理项" in msg


def test_an_escaped_backslash_is_not_an_escape(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{"a": "\\\\ud800", "b": "\\\\\\ud842\\udfb7"}', encoding="utf-8")
    assert read_document(path).data == {"a": "\\ud800", "b": "\\𠮷"}


# ---- the CLI: exit 2, file and line, and the other records still scored --------------------------


def test_score_keeps_the_good_records_when_others_are_hostile(tmp_path):
    bad = {"bomb.yaml": _bomb(9), "feb30.yaml": HEAD.replace("2025-12-31", "2025-02-30"),
           "lone.json": '{"union": "\\ud800"}', "tag.yaml": HEAD + "note: !!binary aGVsbG8=\n"}
    paths = []
    for name, text in bad.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths += [str(FIXTURE), str(tmp_path / name)]
    result = CliRunner().invoke(main, ["score", *paths, "--format", "json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(json.loads(result.stdout)) == 4  # the fixture, once per bad file
    for name in bad:
        assert f"{tmp_path / name}:" in result.stderr


def test_a_nine_level_alias_bomb_ends_at_once_in_little_memory(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(9), encoding="utf-8")
    # VmHWM: this process's peak resident memory (ru_maxrss would count the parent's from before exec)
    code = ("import re, sys; from assess.cli import main\n"
            "try:\n    main(['score', sys.argv[1]])\nexcept SystemExit as e:\n"
            "    print(e.code, re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    status, rss_kb = proc.stdout.split()[-2:]
    assert status == "2" and "别名" in proc.stderr and int(rss_kb) < 300_000
