"""The batch summary path's shortcuts give exactly what the general code gives: the same CSV text,
the same numbers, the same rows, for random values and records (good and bad)."""
from __future__ import annotations

import csv
import io
import sys
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.core.messages import message
from assess.core.tabular import cell_value, csv_cell, csv_text
from assess.core.types import number_out
from assess.present.renderers import record_csv
from assess.present.scorecard import gap_dict
from assess.present.words import Words
from assess.scoring.gaps import GapKind, gaps
from assess.workflows.batch.sources import Source
from assess.workflows.batch.worker import Config, Worker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---- CSV cells and rows --------------------------------------------------------------------------

_AWKWARD = ',"\r\n\t \\\'=-+@中\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029;'
TEXTS = st.text(alphabet=st.sampled_from(_AWKWARD) | st.characters(), max_size=6)
CELLS = TEXTS | st.none() | st.booleans() | st.integers() | st.floats() | st.fractions(max_denominator=400)


def _csv_text_reference(rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def _outcome(make, *args):
    """What `make(*args)` gives: its value's repr, or the error it raises."""
    try:
        return repr(make(*args))
    except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
        return f"{type(exc).__name__}: {exc}"


@settings(**SLOW)
@given(st.lists(st.lists(CELLS, max_size=5), max_size=3))
def test_csv_text_is_the_csv_modules_text(rows):
    assert _outcome(csv_text, rows) == _outcome(_csv_text_reference, rows)


@settings(**SLOW)
@given(st.floats(allow_nan=False, allow_infinity=False)
       | st.decimals(places=2, allow_nan=False, allow_infinity=False, min_value=-10**16, max_value=10**16).map(float))
def test_a_float_cell_is_the_general_paths(value):
    assert _outcome(cell_value, value) == _outcome(lambda v: number_out(Fraction(str(v))), value)


@settings(**SLOW)
@given(st.fractions(max_denominator=200) | st.integers(-10**15, 10**15).map(lambda n: Fraction(n, 100))
       | st.integers().map(Fraction))
def test_a_row_number_is_number_out(value):
    assert _outcome(record_csv._num, value) == _outcome(number_out, value)


# ---- whole rows --------------------------------------------------------------------------------


def _csv_row_reference(ev, union, position, lang):
    """csv_row as it was written before the shortcuts: every text worded for every row."""
    standard = ev.standard
    words = Words(standard, lang)
    grade_title = {g.id: words.text(g.title) for g in standard.grades}
    found = gaps(ev, None, fixes=False)
    blocking = sorted((g for g in found if g.kind != GapKind.ITEM),
                      key=lambda g: record_csv._BLOCKING_ORDER.get(g.kind, len(record_csv._BLOCKING_ORDER) - 1))
    items = sorted((g for g in found if g.kind == GapKind.ITEM), key=lambda g: g.result.lost, reverse=True)
    chosen = (blocking + items[:max(0, record_csv.TOP_GAPS - len(blocking))])[:record_csv.TOP_GAPS]

    def text(g):
        if g.kind == GapKind.ITEM:
            r = g.result
            return message("gap.item", lang, item=r.item.id, title=words.text(r.item.title), lost=words.number(r.lost))
        if g.kind == GapKind.VETO:
            key = "gap.veto" if g.veto.state is True else "gap.veto_unknown"
            return message(key, lang, title=words.text(standard.veto(g.ref).title))
        return gap_dict(g, ev, words, grade_title)["text"]

    top = [text(g) for g in chosen] + [""] * (record_csv.TOP_GAPS - len(chosen))
    return [union.id, union.name, standard.id, standard.version, number_out(ev.score), number_out(ev.bonus),
            number_out(ev.grade_score), ev.grade.id if ev.grade else "",
            grade_title[ev.grade.id] if ev.grade else "", len(found), *top, position]


def _scored(records, lang):
    """The ScoredRecords a batch worker makes of `records` (bad records make none)."""
    worker = Worker(Config(synthetic.STANDARD, None, lang, "python", "csv", ()))
    made = []
    worker.render = lambda record, _lang: made.append(record) or ""
    for i, data in enumerate(records):
        worker.score(Source(f"t:{i}", "data", data, "t", i))
    return made


_FACT_VALUES = st.sampled_from([None, True, False, 0, 1, 2, 3, 5, 10, 40, 97, 100, 1000, 0.5, 0.97, 0.985, "98%",
                                "是", "否", "1,200", "９８％"])


@st.composite
def records(draw):
    """A synthetic 八好 record with some facts, judgements and events changed at random."""
    import random
    data = synthetic.record(draw(st.integers(0, 10**6)), random.Random(draw(st.integers(0, 2**32))))
    facts = data["facts"]
    for name in draw(st.lists(st.sampled_from(sorted(facts)), max_size=6)):
        facts[name] = draw(_FACT_VALUES)
    if draw(st.booleans()):
        data["judgements"] = {synthetic.STANDARD: {"work_pattern": {
            "score": draw(st.sampled_from([0, 0.5, 1, 1.25, 2.4, 3, "2.75"])), "reason": "r"}}}
    if draw(st.booleans()):
        data["events"].append({"kind": draw(st.sampled_from(["mass_incident", "workers_congress", "study_day"])),
                               "date": "2025-06-01", "count": draw(st.integers(1, 4))})
    return data


@settings(max_examples=60, **SLOW)
@given(st.lists(records(), min_size=1, max_size=4), st.sampled_from(["zh", "en"]))
def test_csv_rows_are_the_general_paths(datas, lang):
    for record in _scored(datas, lang):
        union = record.evidence.record.union
        row = record_csv.csv_row(record.evaluation, union, record.position, lang)
        assert [repr(v) for v in row] == [repr(v) for v in _csv_row_reference(record.evaluation, union,
                                                                                 record.position, lang)]


# ---- JSON Lines --------------------------------------------------------------------------------

_JSON_PIECES = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"b"', '"a:b"', '":"', '"\\""', '1', '-0', '2.5',
                                '1e999', '1e5', 'NaN', 'Infinity', '-Infinity', 'true', 'null', ' ', '\ufeff', '"\\ud800"',
                                '"x', '\\', '0.1', '"中"'])


@st.composite
def json_lines(draw):
    """Lines of JSON, mostly valid (some with repeated keys, colons in texts, NaN, 1e999), some not."""
    if draw(st.booleans()):
        keys = st.sampled_from(["a", "b", "a:b", ":", "union", "中"])
        leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4) | keys
        inner = st.recursive(leaves, lambda more: st.lists(more, max_size=3)
                             | st.dictionaries(keys, more, max_size=3), max_leaves=10)
        value = draw(st.dictionaries(keys, inner, min_size=1, max_size=4) | inner)
        import json
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
        if isinstance(value, dict) and draw(st.booleans()):  # a key given twice
            key = json.dumps(draw(st.sampled_from(sorted(value))))
            text = "{" + key + ": " + draw(st.sampled_from(["1", "[]", '"x:y"'])) + ", " + text[1:]
        return text
    return "".join(draw(st.lists(_JSON_PIECES, max_size=12)))


@settings(**SLOW)
@given(json_lines())
def test_a_json_line_reads_as_the_checked_reader_reads_it(text):
    from assess.core import jsonlines

    def checked(line):
        try:
            return repr(jsonlines._checked_value(line))
        except jsonlines.JsonLineError as err:
            return ("error", err.text, err.column)

    def quick(line):
        try:
            return repr(jsonlines.parse_line(line))
        except jsonlines.JsonLineError as err:
            return ("error", err.text, err.column)

    assert quick(text) == checked(text)
