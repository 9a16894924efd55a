"""Structural fuzzing of every file a user hands the CLI: evidence records, standards, inspections,
waivers and rule-test cases. A valid file is mutated (keys dropped or added, values swapped for
values of other types, lists emptied or repeated, strings made hostile, nesting deepened, the text
cut short), written as YAML or JSON, and given to the command that reads it. Whatever comes in, the
command ends with a documented exit code and a message, never a traceback. Each test is bounded by
`max_examples` and a per-example `deadline`; the examples are the same on every run. For a longer,
random hunt: `ASSESS_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py`.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
from datetime import timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXAMPLES = int(os.environ.get("ASSESS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 25, deadline=timedelta(seconds=20), derandomize=not EXAMPLES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

HOSTILE = st.sampled_from([
    None, True, False, 0, -1, 0.5, 10**40, float("inf"), "", " ", "x" * 300, "0100", "2025-02-30", "1:30",
    "{n.__class__}", "{0}", "=SUM(A1)", "line\nbreak", "𠮷祥", "\u202etxet", "95%", "９４％", "null", "true",
    dt.date(2025, 2, 28), dt.date(1900, 1, 1), [], {}, [1, "a", None], {"value": None}, {"a": {"b": {"c": [[[]]]}}},
])
KEYS = st.sampled_from(["id", "sid", "kind", "value", "facts", "events", "zzz_unknown", "", "<<", "1.1", "名称"])


def _paths(data, prefix=()):
    """Every key path in `data`, containers first."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


def _parent(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw, base):
    """`base` (plain data) with one to four structural mutations."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        op = draw(st.sampled_from(["drop", "replace", "add", "wrap", "repeat", "empty"]))
        if op == "drop":
            del parent[key]
        elif op == "replace":
            parent[key] = copy.deepcopy(draw(HOSTILE))
        elif op == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = copy.deepcopy(draw(HOSTILE))
        elif op == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"value": parent[key]}
        elif op == "repeat" and isinstance(parent, list):
            parent.extend([parent[key]] * draw(st.integers(1, 30)))
        elif op == "empty" and isinstance(parent[key], (list, dict)):
            parent[key] = type(parent[key])()
    return data


def _text(data, draw) -> tuple[str, str]:
    """(file suffix, text): YAML or JSON, sometimes cut short."""
    if draw(st.booleans()):
        suffix, text = ".json", json.dumps(data, ensure_ascii=draw(st.booleans()), default=str, allow_nan=True)
    else:
        suffix, text = ".yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if draw(st.integers(0, 9)) == 0:
        text = text[:draw(st.integers(0, len(text)))]
    return suffix, text


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _invoke(args: list[str], allowed: set[int]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed, (result.exit_code, result.output[-1500:])
    assert "Traceback" not in result.output


def _write(tmp_path_factory, data, draw, name: str = "f") -> Path:
    suffix, text = _text(data, draw)
    path = tmp_path_factory.mktemp("fuzz") / f"{name}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


RECORD = _load(FIXTURES / "tanglang-community.yaml")
STANDARD = _load(ROOT / "tests" / "data" / "lint" / "base.yaml")
INSPECTION = _load(FIXTURES / "inspections" / "liulian-community.pass.yaml")
WAIVERS = _load(FIXTURES / "waivers" / "xiamen-district-2025.yaml")
CASES = _load(ROOT / "rulesets" / "liuyou-grassroots.tests.yaml")
GRASSROOTS = ("union: {id: fuzz-union, name: 测试工会, kind: grassroots_union}\n"
              "period: {start: 2025-01-01, end: 2025-12-31}\n"
              "facts: {employees: 100, members: 96, has_chair: true, level: a, disputes: 1}\n")


@FUZZ
@given(st.data())
def test_fuzzed_evidence(tmp_path_factory, data):
    path = _write(tmp_path_factory, data.draw(mutated(RECORD)), data.draw)
    _invoke(["score", str(path), "--format", data.draw(st.sampled_from(["table", "json", "csv"]))], {0, 2})


@FUZZ
@given(st.data())
def test_fuzzed_standard(tmp_path_factory, data):
    path = _write(tmp_path_factory, data.draw(mutated(STANDARD)), data.draw)
    _invoke(["lint", str(path)], {0, 1})
    record = path.parent / "record.yaml"
    record.write_text(GRASSROOTS, encoding="utf-8")
    _invoke(["score", str(record), "--standard", str(path)], {0, 2})


@FUZZ
@given(st.data())
def test_fuzzed_inspection(tmp_path_factory, data):
    path = _write(tmp_path_factory, data.draw(mutated(INSPECTION)), data.draw)
    _invoke(["score", str(FIXTURES / "liulian-community.yaml"), "--inspection", str(path)], {0, 2})


@FUZZ
@given(st.data())
def test_fuzzed_waivers(tmp_path_factory, data):
    path = _write(tmp_path_factory, data.draw(mutated(WAIVERS)), data.draw)
    _invoke(["score", str(FIXTURES / "haixia-electronics-mandatory.yaml"), "--waivers", str(path)], {0, 2})


@FUZZ
@given(st.data())
def test_fuzzed_rule_test_cases(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("cases")
    standard = folder / "liuyou.yaml"
    standard.write_text((ROOT / "rulesets" / "liuyou-grassroots.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    suffix, text = _text(data.draw(mutated(CASES)), data.draw)
    (folder / "liuyou.tests.yaml").write_text(text, encoding="utf-8")  # the runner looks for <stem>.tests.yaml
    _invoke(["test", str(standard)], {0, 1, 2})
