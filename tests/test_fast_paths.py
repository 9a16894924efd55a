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
from assess.present.scorecard import gap_key, gap_dict
from assess.present.words import Words
from assess.scoring.gaps import GapKind, gaps
from assess.scoring.plan import next_grade
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
    assert _outcome(cell_value, value) == _outcome(lambda v: number_out(Fraction(str(v)), exact=True), value)


@settings(**SLOW)
@given(st.fractions(max_denominator=200) | st.integers(-10**15, 10**15).map(lambda n: Fraction(n, 100))
       | st.integers().map(Fraction) | st.integers() | st.booleans() | st.floats() | st.none())
def test_a_row_number_is_number_out(value):
    """number_out's short path (a decimal that already ends within 2 places) against rounding
    every number in integers (the general path, written out here)."""
    assert _outcome(number_out, value) == _outcome(_rounded_out, value)


def _rounded_out(value):
    from assess.core.types import _as_fraction, _rounded

    if value is None or type(value) is int:
        return value
    frac = _as_fraction(value)
    if frac.denominator == 1:
        return int(frac)
    dec = _rounded(frac, 2)
    return int(dec) if dec == dec.to_integral_value() else float(dec)


# ---- whole rows --------------------------------------------------------------------------------


def _csv_row_reference(ev, union, position, lang):
    """csv_row as it was written before the shortcuts: every text worded for every row."""
    standard = ev.standard
    words = Words(standard, lang)
    grade_title = {g.id: words.text(g.title) for g in standard.grades}
    found = gaps(ev, None, fixes=False)
    target = next_grade(ev)
    reach = {g.id for g in standard.grades if g is target or ev.grade_score >= g.min_score}

    def rank(g):  # one sort: blockers of grades in reach, items by points lost, other blockers
        if g.kind == GapKind.ITEM:
            return (1, -g.result.lost)
        order = record_csv._BLOCKING_ORDER.get(g.kind, len(record_csv._BLOCKING_ORDER) - 1)
        return (0 if g.grade is None or g.grade in reach else 2, order)

    chosen = sorted(found, key=rank)[:record_csv.TOP_GAPS]

    def text(g):
        if g.kind == GapKind.ITEM:
            r = g.result
            return message(gap_key("item", r.status), lang, item=r.item.id, title=words.text(r.item.title),
                           lost=words.number(r.lost))
        if g.kind == GapKind.VETO:
            key = "gap.veto" if g.veto.state is True else "gap.veto_unknown"
            return message(key, lang, title=words.text(standard.veto(g.ref).title))
        return gap_dict(g, ev, words, grade_title)["text"]

    top = [text(g) for g in chosen] + [""] * (record_csv.TOP_GAPS - len(chosen))
    cuts = [g.min_score for g in standard.grades] + [standard.total]
    return [union.id, union.name, standard.id, standard.version, number_out(ev.score, against=cuts, exact=True),
            number_out(ev.bonus, exact=True), number_out(ev.grade_score, against=cuts, exact=True), ev.grade.id if ev.grade else "",
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


def _fixture_records():
    """Every fixture, and tanglang with its bonus at, below and over the cap (an item short by 2
    with 1 point of room loses 1), scored against every standard a fixture can be read for."""
    import copy

    import yaml

    root = Path(__file__).resolve().parent.parent
    datas = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "fixtures").glob("*.yaml"))]
    tanglang = yaml.safe_load((root / "fixtures" / "tanglang-community.yaml").read_text(encoding="utf-8"))
    for commended, library in ((0, False), (1, False), (1, True), (2, True), (3, False)):
        data = copy.deepcopy(tanglang)
        data["facts"].update(superior_commendations=commended, workers_library_demonstration=library)
        datas.append(data)
    made = []
    for standard in ("bahao-community", "model-worker-home", "liuyou-grassroots"):
        for lang in ("zh", "en"):
            worker = Worker(Config(standard, None, lang, "python", "csv", ()))
            worker.render = lambda record, _lang, lang=lang: made.append((record, lang)) or ""
            for i, data in enumerate(datas):
                worker.score(Source(f"t:{i}", "data", data, "t", i))
    return made


def test_the_rows_gaps_are_the_scorecards_gaps_for_every_fixture():
    """The row's count and top gaps (short_items, other_gaps, most_lost: no Gap made for most
    items) against the scorecard's gap list (`gaps`), over fixtures with vetoes, mandatory items,
    grade conditions, honours and capped sections and bonus."""
    from assess.scoring.gaps import most_lost, other_gaps, short_items

    scored = _fixture_records()
    kinds, capped = set(), 0
    for record, lang in scored:
        ev = record.evaluation
        found = gaps(ev, None, fixes=False)
        kinds |= {g.kind for g in found}
        items = [g for g in found if g.kind == GapKind.ITEM]
        assert short_items(ev) == [g.result for g in items]
        assert [(g.kind, g.ref, g.grade, g.check) for g in other_gaps(ev)] == [
            (g.kind, g.ref, g.grade, g.check) for g in found if g.kind != GapKind.ITEM]
        capped += any(g.lost != g.result.lost for g in items)
        for n in range(len(items) + 2):
            chosen = sorted(items, key=lambda g: g.lost, reverse=True)[:n]
            assert most_lost(ev, short_items(ev), n) == [(g.result, g.lost) for g in chosen]
        union = record.evidence.record.union
        row = record_csv.csv_row(ev, union, record.position, lang)
        assert [repr(v) for v in row] == [repr(v) for v in _csv_row_reference(ev, union, record.position, lang)]
    assert capped and {GapKind.VETO, GapKind.MANDATORY, GapKind.REQUIRES, GapKind.ITEM} <= kinds, kinds


@settings(max_examples=300, **SLOW)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from([None, 0, 1, 2, 3, 10])), max_size=12),
       st.integers(0, 6))
def test_most_lost_is_a_sort_of_every_item_gap(shortfalls, n):
    """most_lost against sorting every item gap by points lost, for items of any shortfall in
    sections of any room (ties, capped items, sections at their cap)."""
    from types import SimpleNamespace

    from assess.core.exact import Fraction as Exact
    from assess.scoring.gaps import Gap, most_lost

    sections = {room: SimpleNamespace(section_id=f"s{room}", cap=Exact(10), awarded=Exact(10 - room))
                for _, room in shortfalls if room is not None}
    ev = SimpleNamespace(sections=list(sections.values()), bonus=Exact(0),
                         standard=SimpleNamespace(bonus=SimpleNamespace(cap=Exact(3))))
    short = [SimpleNamespace(lost=Exact(lost), section_id=None if room is None else f"s{room}", n=i)
             for i, (lost, room) in enumerate(shortfalls)]
    rooms = {None: Exact(3), **{s.section_id: s.cap - s.awarded for s in sections.values()}}
    every = [Gap(GapKind.ITEM, str(r.n), result=r, room=rooms[r.section_id]) for r in short]
    expected = [(g.result.n, g.lost) for g in sorted(every, key=lambda g: g.lost, reverse=True)[:n]]
    assert [(r.n, lost) for r, lost in most_lost(ev, short, n)] == expected


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
        if isinstance(value, dict) and value and draw(st.booleans()):  # a key given twice
            key = json.dumps(draw(st.sampled_from(sorted(value))))
            text = "{" + key + ": " + draw(st.sampled_from(["1", "[]", '"x:y"'])) + ", " + text[1:]
        return text
    return "".join(draw(st.lists(_JSON_PIECES, max_size=12)))


@settings(**SLOW)
@given(json_lines())
def test_a_json_line_reads_as_the_checked_reader_reads_it(text):
    from assess.core import jsonlines

    def checked(line):
        try:  # a byte order mark starting the line is no part of it (parse_line's contract)
            return repr(jsonlines._checked_value(line.removeprefix("\ufeff")))
        except jsonlines.JsonLineError as err:
            return ("error", err.text, err.column)

    def quick(line):
        try:
            return repr(jsonlines.parse_line(line))
        except jsonlines.JsonLineError as err:
            return ("error", err.text, err.column)

    assert quick(text) == checked(text)


# ---- reading a record's facts and names ----------------------------------------------------------

RULESETS = Path(__file__).resolve().parent.parent / "rulesets"


def _standard_of_every_type():
    """The 八好 standard with a field of each kind it lacks: a number, a text with choices, scores."""
    import yaml
    from assess.standards.catalog import standard_from_data
    data = yaml.safe_load((RULESETS / "bahao-community.yaml").read_text(encoding="utf-8"))
    data["fields"].update({
        "budget": {"type": "number", "label": "经费", "min": 0, "max": 1000},
        "level": {"type": "string", "label": "等级", "choices": ["一级", "二级"]},
        "remark": {"type": "string", "label": "备注"},
        "quarterly": {"type": "scores", "label": "季度考评", "min": 0, "max": 100},
    })
    return standard_from_data(data).standard


EVERY_TYPE = _standard_of_every_type()
_ODD_VALUES = st.sampled_from([
    None, True, False, 0, 1, -1, 12, 12.0, 12.5, 0.954, 1e20, float("nan"), 10**30, "是", "否", "有", "√", "TRUE", "abc",
    "", " 12 ", "1,200", "1 200", "９４％", "94%", "0.5%", "1/3", "1e-05", "12.0", "+3", "-3", "０", "一级", "二级",
    Fraction(1, 3), [], {}, [1, 2], [{"score": 80}], [{"score": "90", "by": "甲"}, {"score": 101, "by": "甲"}],
    [{"score": 1, "period": "Q1"}, {"score": 2, "period": "Q1"}], ["x"], {"value": 3},
])


@st.composite
def fact_maps(draw):
    """Facts for EVERY_TYPE: mostly plain values of each field's type, some written oddly, some
    wrong, some cited ({"value": ..., "documents": [...]}) or unknown."""
    names = sorted(EVERY_TYPE.fields)
    plain = {"boolean": st.booleans(), "integer": st.integers(-5, 10**6), "number": st.integers(0, 999),
             "ratio": st.floats(0, 1), "string": st.sampled_from(["一级", "二级", "x"]),
             "scores": st.just([{"score": 50}])}
    facts = {}
    for name in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
        kind = EVERY_TYPE.fields[name].type
        value = draw(plain[kind] if draw(st.integers(0, 3)) else _ODD_VALUES)
        if draw(st.integers(0, 2)) == 0:
            value = draw(st.sampled_from([{"value": value, "documents": ["D01"]}, {"value": value},
                                          {"value": value, "documents": ["NOPE"], "note": "n"},
                                          {"value": value, "documents": "D01"}, {"value": value, "note": 3},
                                          {"value": value, "extra": 1}, {"documents": []},
                                          {"value": value, "documents": [1]}]))
        facts[name] = value
    if draw(st.integers(0, 6)) == 0:
        facts[draw(st.sampled_from(["membres", "totally_unknown", "budgett"]))] = 1
    return facts


def _record_with(facts):
    import random
    data = synthetic.record(7, random.Random(7))
    data["facts"] = facts
    data["documents"] = [{"id": "D01", "title": "名录"}]
    return data


def _checked(data, standard):
    """check_record's outcome for `data`: (values, the record read) or the problems' texts."""
    from assess.core.problems import InputError
    from assess.model.evidence import check_record, evidence_from_data
    from assess.standards.catalog import known_fields
    try:
        loaded, values = check_record(evidence_from_data(data, "t"), standard, known_fields((standard,)))
    except InputError as err:
        return [str(p) for p in err.problems]
    except Exception as exc:  # noqa: BLE001 - a failure is an outcome compared like any other
        return f"{type(exc).__name__}: {exc}"
    return repr(values), loaded.record.model_dump()


@settings(max_examples=300, **SLOW)
@given(fact_maps(), st.sampled_from(["zh", "en"]))
def test_facts_read_as_the_facts_model_reads_them(facts, lang):
    from assess.core.messages import use_language
    from assess.model import facts as module
    data = _record_with(facts)
    with use_language(lang):
        found = _checked(data, EVERY_TYPE)
        quick = module._quick_values, module._plain_values, module._plain_cited
        module._quick_values = module._plain_values = module._plain_cited = lambda *args: None
        try:
            general = _checked(data, EVERY_TYPE)
        finally:
            module._quick_values, module._plain_values, module._plain_cited = quick
    assert found == general


_KIND_NAMES = st.sampled_from(["party_union_meeting", "联谊会议", "职工代表大会", " 职工代表大会 ", "workers_congres",
                               "Workers' congress", "WORKERS' CONGRESS", "unknown", "", "ｐａｒｔｙ_union_meeting"])
_GRADE_NAMES = st.sampled_from(["advanced", "ADVANCED", "示范", "先进", "“八好”达标社区工会", "八好达标社区工会", "八好",
                                "nope", "", " advanced ", "Eight Goods advanced community union", "ａｄｖａｎｃｅｄ"])


@settings(**SLOW)
@given(st.lists(_KIND_NAMES | st.text(max_size=4), max_size=5), st.lists(_GRADE_NAMES | st.text(max_size=4), max_size=5))
def test_names_kept_per_standard_are_the_names_found(kinds, grades):
    from assess.model.references import _kind_named, event_kind_id
    for kind in kinds + kinds:
        assert event_kind_id(EVERY_TYPE, kind) == _kind_named(EVERY_TYPE, kind)
    for grade in grades + grades:
        assert EVERY_TYPE.grade_named(grade) == EVERY_TYPE._grade_named(grade)


def test_an_item_is_found_by_id_as_in_the_file():
    for standard in (EVERY_TYPE, _standard_of_every_type()):
        for _, item in standard.item_locations():
            assert standard.find_item(item.id) is next(it for _, it in standard.item_locations() if it.id == item.id)
        assert standard.find_item("no_such_item") is None


_DATE_TEXTS = st.sampled_from(["2025-03-15", "2025/3/5", "2025.3.5", "2025年3月5日", "2025-02-30", "2025-13-01", "abc",
                               "45000", "100", "2025-03-15T10:00:00", "２０２５－０３－１５", "", " 2025-03-15 "])


@settings(**SLOW)
@given(st.lists(_DATE_TEXTS | st.text(alphabet="0123456789-/.年月日T: ", max_size=12), max_size=6))
def test_a_date_text_read_again_is_read_the_same(texts):
    from assess.core.natural import _read_date_text, read_date
    for text in texts + texts:
        assert _outcome(read_date, text) == _outcome(_read_date_text, text)


@settings(**SLOW)
@given(st.integers() | st.booleans())
def test_an_int_reads_as_a_whole_number_as_before(value):
    from assess.core.natural import NaturalError, read_integer, read_number

    def general(v):
        try:
            number = read_number(v)
        except NaturalError as err:
            if err.key == "natural.too_large":  # more digits than any count has: said as such
                raise
            raise NaturalError("natural.integer", input=str(v)) from None
        return int(number)

    assert _outcome(read_integer, value) == _outcome(general, value)


def _normalised_reference(data):
    """normalise_record as first written: each entry copied and read by a loop over its readers."""
    from assess.core.natural import NaturalError, read_date, read_integer, read_number, read_year
    from assess.core.unions import kind_id
    found = []

    def fields(entry, loc, readers):
        if not isinstance(entry, dict):
            return entry
        copy = dict(entry)
        for name, reader in readers.items():
            if copy.get(name) is not None:
                try:
                    copy[name] = reader(copy[name])
                except NaturalError as err:
                    found.append((loc + (name,), err.text()))
        return copy

    out = dict(data)
    union = out.get("union")
    if isinstance(union, dict) and isinstance(union.get("kind"), str):
        out["union"] = dict(union, kind=kind_id(union["kind"]))
    out["period"] = fields(out.get("period"), ("period",), {"start": read_date, "end": read_date})
    for key, readers in (("events", {"date": read_date, "count": read_integer}), ("documents", {"date": read_date}),
                         ("honours", {"year": read_year})):
        if isinstance(out.get(key), list):
            out[key] = [fields(e, (key, i), readers) for i, e in enumerate(out[key])]
    if isinstance(out.get("judgements"), dict):
        out["judgements"] = {sid: ({iid: fields(e, ("judgements", sid, iid), {"score": read_number, "date": read_date})
                                    for iid, e in items.items()} if isinstance(items, dict) else items)
                             for sid, items in out["judgements"].items()}
    return {k: v for k, v in out.items() if k in data}, found


_ENTRY_VALUES = (_DATE_TEXTS | st.sampled_from([None, 1, 0, -1, "3", 2.0, 2.5, "2022年", 45000, [], {}, "x", True])
                 | st.dates().map(lambda d: d.isoformat()) | st.integers(1940, 2110))


@st.composite
def shaped_records(draw):
    """Records with odd entries in every list and mapping normalise_record reads."""
    import random
    data = synthetic.record(draw(st.integers(0, 99)), random.Random(draw(st.integers(0, 99))))
    entry = st.fixed_dictionaries({}, optional={"date": _ENTRY_VALUES, "count": _ENTRY_VALUES, "year": _ENTRY_VALUES,
                                                "score": _ENTRY_VALUES, "kind": st.just("study_day")})
    for key in ("events", "documents", "honours"):
        if draw(st.booleans()):
            data[key] = draw(st.lists(entry | st.sampled_from([None, 3, "x", []]), max_size=4))
    if draw(st.booleans()):
        data["judgements"] = draw(st.dictionaries(st.sampled_from(["a", "b"]), st.dictionaries(
            st.sampled_from(["x", "y"]), entry | st.just(None), max_size=2) | st.just([]), max_size=2))
    if draw(st.booleans()):
        data["period"] = draw(entry | st.just("2025"))
    return data


@settings(**SLOW)
@given(shaped_records())
def test_a_record_is_normalised_as_before(data):
    """The same values read and not read; lists left as written are validated into the same record."""
    from assess.core.loading import Document, validation_problems
    from assess.model.evidence import EvidenceRecord
    from assess.model.normalise import normalise_record

    def validated(normalised):
        try:
            return EvidenceRecord.model_validate(normalised).model_dump()
        except Exception as exc:  # noqa: BLE001 - the problems are the outcome compared
            return [str(p) for p in validation_problems(Document("t", data, {}), exc)]

    out, found = normalise_record(data)
    expected, expected_found = _normalised_reference(data)
    assert [(loc, err.text()) for loc, err in found] == expected_found
    assert validated(out) == validated(expected)


def test_a_missing_number_beside_a_wrong_text_is_the_texts_problem_only():
    # Once a crash ("internal error"): the number left missing was read as a number after the
    # facts model refused the text.
    problems = _checked(_record_with({"budget": None, "remark": True}), EVERY_TYPE)
    assert isinstance(problems, list) and len(problems) == 1 and "facts.remark" in problems[0]


# ---- the batch worker's garbage collection ---------------------------------------------------------


def test_a_batch_in_this_process_leaves_garbage_collection_as_it_found_it(tmp_path):
    import gc
    from assess.workflows.batch import run_batch
    src = tmp_path / "in.jsonl"
    synthetic.write_jsonl(str(src), 150)
    before = (gc.isenabled(), gc.get_freeze_count())
    summary = run_batch([str(src)], synthetic.STANDARD, str(tmp_path / "out.csv"), jobs=1, chunk_size=16)
    assert summary.scored == 150
    assert (gc.isenabled(), gc.get_freeze_count()) == before == (True, 0)
    gc.disable()
    try:  # a host that runs without automatic collection keeps it off
        run_batch([str(src)], synthetic.STANDARD, str(tmp_path / "again.csv"), jobs=1, chunk_size=16)
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()
