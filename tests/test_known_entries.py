"""Reading a record with the entries seen before (assess/model/known_entries.py), and a JSON Lines
line without decoding it first (jsonlines.quick_line), gives exactly what the general reading
gives: the same objects, field by field and of the same classes (1 is not 1.0 nor true), and the
same refusals in the same words. Compared over generated records, read in an order that has the
caches hold look-alike entries (a count of 1 before a count of true, 2.4 before "2.4")."""
from __future__ import annotations

import copy
import json
import random
import sys
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from assess.core import jsonlines
from assess.core.problems import InputError
from assess.model import evidence
from assess.model.evidence import check_record, evidence_from_data
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

SLOW = dict(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STANDARD = catalog.resolve_standard(synthetic.STANDARD).standard
KNOWN = catalog.known_fields((STANDARD,))
_BASE = next(synthetic.generate(1))


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same classes all the way down (a model's fields set included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return (a.model_fields_set == b.model_fields_set and same(a.__dict__, b.__dict__)
                and a.__pydantic_extra__ == b.__pydantic_extra__ and a.__pydantic_private__ == b.__pydantic_private__)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b and (not isinstance(a, float) or str(a) == str(b))  # -0.0 is not 0.0


def _outcome(data: Any) -> tuple:
    """What reading `data` leniently, then checking it against the standard, gives."""
    return outcome_of(lambda d: evidence_from_data(d, "rec.jsonl:3", lenient=True), data)


def outcome_of(read, data: Any) -> tuple:
    """What `read` (data -> LoadedEvidence) of a copy of `data`, then checking it, gives."""
    try:
        loaded = read(copy.deepcopy(data))
    except InputError as err:
        stand_in = getattr(err, "stand_in", None)
        return ("refused", [(str(p), p.line, p.cell) for p in err.problems],
                None if stand_in is None else ("stand_in", stand_in.record, stand_in.pending, stand_in.stand_ins))
    head = (loaded.record, loaded.pending, loaded.origins, loaded.stand_ins, loaded.document.data)
    try:
        resolved, values = check_record(loaded, STANDARD, KNOWN, ())
    except InputError as err:
        return ("problems", head, [(str(p), p.line, p.cell) for p in err.problems])
    return ("ok", head, resolved.record, values)


def _general(data: Any) -> tuple:
    known = evidence._known_record
    evidence._known_record = lambda data: None
    try:
        return _outcome(data)
    finally:
        evidence._known_record = known


def _check(data: Any) -> None:
    general = _general(data)
    for _ in range(2):  # the first read may keep its entries, the second takes them as kept
        assert same(_outcome(data), general), data


# ---- generated records --------------------------------------------------------------------

_DAYS = st.sampled_from(["2025-03-15", "2025-3-15", "2025年3月15日", "2025-02-30", "2024-12-01", "soon", "",
                         "2025-03-15T00:00:00"]) | st.integers(0, 30000) | st.none() | st.booleans()
_COUNTS = st.sampled_from([1, 2, True, False, 1.0, 2.0, 0, -1, 0.0, -0.0, "2", "２", "二", None, 10**30, 2.5])
_TEXTS = st.sampled_from(["t", "", "a\u200bb", "x\ny", 3, None, True])


@st.composite
def _event(draw) -> Any:
    if draw(st.integers(0, 15)) == 0:
        return draw(st.none() | st.integers() | st.just([]) | st.just("workers_congress"))
    ev: dict[str, Any] = {"kind": draw(st.sampled_from(["workers_congress", "liaison_meeting", "职工代表大会", "", 3,
                                                         "no_such_kind"])),
                          "date": draw(st.sampled_from(["2025-03-15", "2025-06-01", "2024-11-30"]) | _DAYS)}
    for name, values in (("count", _COUNTS), ("title", _TEXTS),
                         ("documents", st.lists(st.sampled_from(["D01", "D02", 4]), max_size=2)),
                         ("extra", st.just(1))):
        if draw(st.integers(0, 3)) == 0:
            ev[name] = draw(values)
    if draw(st.integers(0, 5)) == 0:
        del ev[draw(st.sampled_from(["kind", "date"]))]
    if draw(st.booleans()):
        ev = dict(reversed(list(ev.items())))
    return ev


@st.composite
def _records(draw) -> dict[str, Any]:
    rec = copy.deepcopy(_BASE)
    rec["union"]["kind"] = draw(st.sampled_from(["community_union", "社区工会", "nope", 3]))
    if draw(st.integers(0, 4)) == 0:
        rec["union"][draw(st.sampled_from(["id", "name", "parent"]))] = draw(_TEXTS)
    period = rec["period"]
    for name in ("start", "end"):
        if draw(st.integers(0, 2)) == 0:
            period[name] = draw(st.sampled_from(["2025-01-01", "2025-12-31", "2026-01-01"]) | _DAYS)
    if draw(st.integers(0, 3)) == 0:
        period["label"] = draw(_TEXTS)
    if draw(st.integers(0, 9)) == 0:
        rec["period"] = draw(st.none() | st.text(max_size=3) | st.just([]))
    rec["events"] = draw(st.lists(_event(), max_size=8))
    if draw(st.integers(0, 9)) == 0:
        rec["events"] = draw(st.none() | st.just({}) | st.just("x"))
    rec["documents"] = draw(st.lists(st.fixed_dictionaries(
        {"id": st.sampled_from(["D01", "D02", ""]), "title": st.sampled_from(["t", "u"])},
        optional={"date": _DAYS, "kind": _TEXTS}), max_size=3))
    rec["honours"] = draw(st.lists(st.fixed_dictionaries(
        {"title": st.sampled_from(["t", ""]), "year": st.sampled_from([2021, 2021.0, True, "2021", "2021年", 1800, 2100])},
        optional={"grade": _TEXTS}), max_size=2))
    rec["applications"] = draw(st.lists(st.fixed_dictionaries(
        {"standard": st.sampled_from([synthetic.STANDARD, "elsewhere"]), "grade": st.sampled_from(["advanced", "x"])},
        optional={"override_kind": st.sampled_from([True, False, 1, 0, 1.0, "是", "否", None])}), max_size=2))
    if draw(st.booleans()):
        entry = {"score": draw(st.sampled_from([2.4, "2.4", 2, 2.0, True, 0, 0.0, -0.0, -1, "x", None])),
                 "reason": draw(st.sampled_from(["r", " ", ""]))}
        if draw(st.booleans()):
            entry["date"] = draw(_DAYS)
        rec["judgements"] = {draw(st.sampled_from([synthetic.STANDARD, "other"])): {"work_pattern": entry}}
        if draw(st.integers(0, 5)) == 0:
            rec["judgements"] = draw(st.sampled_from([{"x": 1}, {"x": {"y": 2}}, []]))
    if draw(st.integers(0, 9)) == 0:
        rec[draw(st.sampled_from(["unknown", "note"]))] = draw(_TEXTS)
    return rec


@settings(**SLOW)
@given(st.lists(_records(), min_size=1, max_size=3))
def test_a_record_read_with_known_entries_is_the_general_reading(records):
    for data in records:
        _check(data)


def test_the_synthetic_population_and_its_bad_records_read_as_by_the_general_code():
    records = list(synthetic.generate(400, seed=11, bad=range(0, 400, 13)))
    random.Random(3).shuffle(records)
    for data in records:
        _check(data)


_LOOK_ALIKES = (1, True, 1.0, "1", 0, False, 0.0, -0.0, 2021, 2021.0, None)


def test_look_alike_entries_are_never_taken_for_each_other():
    # each read after the others are kept: true, 1.0 and 1 are three values, read each as itself
    parts = {"events": lambda v: [{"kind": "workers_congress", "date": "2025-03-15", "count": v}],
             "judgements": lambda v: {synthetic.STANDARD: {"work_pattern": {"score": v, "reason": "r"}}},
             "honours": lambda v: [{"title": "t", "year": v}],
             "applications": lambda v: [{"standard": synthetic.STANDARD, "grade": "advanced", "override_kind": v}],
             "period": lambda v: {"start": "2025-01-01", "end": "2025-12-31", "label": v}}
    for key, part in parts.items():
        for value in _LOOK_ALIKES + _LOOK_ALIKES[::-1]:
            data = dict(copy.deepcopy(_BASE), **{key: part(value)})
            _check(data)
    kept = evidence._KNOWN["events"].kept
    assert kept and all(type(k[-1]) is type for k in kept)


def test_an_entry_is_kept_only_when_read_or_not_it_is_the_same():
    # normalise_record reads every entry of a list when one needs reading: a count of 10**30 is
    # then too large, though the model takes it when none is read
    big = {"kind": "workers_congress", "date": "2025-03-15", "count": 10**30}
    for events in ([big], [big, {"kind": "workers_congress", "date": "2025-3-16"}], [big]):
        _check(dict(copy.deepcopy(_BASE), events=events))


def test_most_records_take_their_entries_as_kept():
    data = next(synthetic.generate(1, seed=5))
    evidence_from_data(copy.deepcopy(data))
    again = evidence._known_record(copy.deepcopy(data))
    assert again is not None and same(again, _general(data)[1][0])


# ---- a JSON Lines line read without decoding it -------------------------------------------

_LINES = [
    '{"a": 1}', '\ufeff{"a": 1}', '{"a": "\\u00e9"}', '{"a": "\\u0001"}', '{"a": "\\ud800"}', '{"a": "a\\\\u"}',
    '{"a": 1, "a": 2}', '{"a": 1e999}', '{"a": 1e-400}', '{"a": -0.0}', '{"a": 1.0}', '{"a": 10000000000000000000000}',
    '{"a": 18446744073709551616}', '{"a": 9223372036854775807}', 'null', '[1, 2]', '"x"', '{"a": NaN}', '{"a": [1,]}',
    '{"a": ' + "[" * 70 + "]" * 70 + '}', '{"a": ' + "[" * 40 + "]" * 40 + '}', '{"a":  "中文" }', '{"a":"\t"}',
    '{"a": 0.1, "b": 1.7976931348623157e308, "c": 5e-324}', '{"a": 1E5}', '{"a": 1.50}',
]


def test_a_line_read_without_decoding_is_read_as_parse_line_reads_it():
    lines = [line.encode("utf-8") for line in _LINES]
    lines += [b'{"a": "\xe4 \xb8\xad"}', b'{"a": "\xed\xa0\x80"}', b'\xff{}']
    lines += list(synthetic.lines(50, seed=2, bad=range(0, 50, 7)))
    taken = 0
    for utf8 in lines:
        quick = jsonlines.quick_line(utf8)
        if quick is None:
            continue
        taken += 1
        assert same(quick, jsonlines.parse_line(utf8.decode("utf-8"), utf8)), utf8
    assert taken >= 50


@settings(**SLOW)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=12),
       st.booleans())
def test_a_generated_line_read_without_decoding_is_read_as_parse_line_reads_it(value, ascii_only):
    for text in (json.dumps(value, ensure_ascii=ascii_only), orjson.dumps(value).decode("utf-8", "replace")
                 if _orjson_writes(value) else "null"):
        utf8 = text.encode("utf-8", "surrogatepass")
        quick = jsonlines.quick_line(utf8)
        if quick is not None:
            assert same(quick, jsonlines.parse_line(text, utf8))


def _orjson_writes(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        return False
    return True


def test_entries_that_seldom_repeat_are_left_to_the_general_reading(monkeypatch):
    from assess.model import known_entries

    monkeypatch.setattr(known_entries, "_WINDOW", 4)
    cache = known_entries.caches({**evidence._ENTRY_MODELS, "period": evidence.Period,
                                  "judgements": evidence.JudgementEntry})
    monkeypatch.setattr(evidence, "_KNOWN", cache)
    rested = False
    for i in range(40):  # every event new: the cache rests, then is tried again
        data = copy.deepcopy(_BASE)
        data["events"] = [{"kind": "workers_congress", "date": "2025-03-15", "title": f"t{i}-{j}"} for j in range(3)]
        assert same(_outcome(data), _general(data))
        rested = rested or cache["events"].resting > 0
    assert rested
