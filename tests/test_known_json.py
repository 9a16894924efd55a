"""A JSON Lines record read with its known entries looked up by their JSON text and its record
object made from its parts (known_entries.known_parts_json and Built, json_records: the batch
worker reads a line with evidence_from_json) gives exactly what the general reading gives: the
same objects, field by field and of the same classes, the same fields set, and the same refusals
in the same words. Compared over generated records written as JSON (look-alike values, -0.0, integers beyond
64 bits, lone surrogates, bad entries) and the synthetic population with its bad records."""
from __future__ import annotations

import copy
import json
import random
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from assess.core import jsonlines
from assess.model import evidence
from assess.model import json_records
from assess.model.evidence import evidence_from_data
from assess.model.json_records import evidence_from_json
from assess.model.known_entries import known_parts_json
from assess.model.normalise import normalise_record
from assess.workflows.batch import worker as batch_worker
from assess.workflows.batch.sources import Source
from tests.test_known_entries import _BASE, _LOOK_ALIKES, SLOW, _records, outcome_of, same, synthetic


def _read(line: str) -> Any:
    """The data of a JSON Lines line, as the batch worker reads it (quick_line, else parse_line);
    None for a line it refuses (the line's error, before any record is read)."""
    utf8 = line.encode("utf-8", "surrogatepass")
    data = jsonlines.quick_line(utf8)
    try:
        return data if data.__class__ is dict else jsonlines.parse_line(line, utf8)
    except jsonlines.JsonLineError:
        return None


_outcome = outcome_of  # the same reading-and-checking outcome as test_known_entries'


def _json(data):
    return evidence_from_json(data, "rec.jsonl:3", lenient=True)


def _general(data: Any) -> tuple:
    kept, kept_json = evidence._known_record, json_records.known_record_json
    evidence._known_record = lambda data: None
    json_records.known_record_json = lambda data, cache, built, summaries=None: None
    try:
        return _outcome(lambda d: evidence_from_data(d, "rec.jsonl:3", lenient=True), data)
    finally:
        evidence._known_record, json_records.known_record_json = kept, kept_json


def _check(data: Any) -> None:
    if data is None:
        return
    general = _general(data)
    for _ in range(2):  # the first read may keep its entries, the second takes them as kept
        assert same(_outcome(_json, data), general), data


@settings(**SLOW)
@given(st.lists(_records(), min_size=1, max_size=3))
def test_a_json_record_read_with_known_entries_is_the_general_reading(records):
    for rec in records:
        _check(_read(json.dumps(rec, ensure_ascii=False)))


def test_the_synthetic_population_and_its_bad_records_read_as_by_the_general_code():
    lines = list(synthetic.lines(400, seed=17, bad=range(0, 400, 11)))
    random.Random(5).shuffle(lines)
    for line in lines:
        _check(_read(line.decode("utf-8")))


def test_look_alike_values_are_never_taken_for_each_other():
    parts = {"events": lambda v: [{"kind": "workers_congress", "date": "2025-03-15", "count": v}],
             "judgements": lambda v: {synthetic.STANDARD: {"work_pattern": {"score": v, "reason": "r"}}},
             "honours": lambda v: [{"title": "t", "year": v}],
             "applications": lambda v: [{"standard": synthetic.STANDARD, "grade": "advanced", "override_kind": v}],
             "period": lambda v: {"start": "2025-01-01", "end": "2025-12-31", "label": v}}
    values = _LOOK_ALIKES + (10**30, -(2**63), 2**64, 1e16, 5e-324, "é")  # a lone surrogate: refused first (worker)
    for key, part in parts.items():
        for value in values + values[::-1]:
            data = dict(copy.deepcopy(_BASE), **{key: part(value)})
            _check(_read(json.dumps(data, ensure_ascii=False)))
            _check(_read(json.dumps(data)))  # \\u escapes: read by parse_line


def _fresh_caches() -> dict:
    """Known-entry caches as evidence._KNOWN is made, never used before."""
    from assess.model.known_entries import caches
    from assess.model.plain import event_parts

    return caches({**evidence._ENTRY_MODELS, "period": evidence.Period, "judgements": evidence.JudgementEntry},
                  {"events": event_parts})


def _variants() -> tuple[dict, list[dict]]:
    """A base record and its variants: every sort of field present, left out, empty, of another
    class; a note; an unknown key; documents cited twice (the model's own check); a union that
    does not validate."""
    base = json.loads(json.dumps(_BASE))
    base["documents"] = [{"id": "D01", "title": "t"}]
    variants = [base]
    for key in ("facts", "events", "documents", "honours", "judgements", "applications", "note", "union", "period"):
        for value in (None, [], {}, "x", 3, [{"id": "D01", "title": "t"}] * 2):
            variants.append(dict(base, **{key: value}))
        variants.append({k: v for k, v in base.items() if k != key})
    variants.append(dict(base, unknown=1))
    union = base["union"]
    for key in ("id", "name", "kind", "parent", "region"):
        for value in ("a\u200bb", "x\ty", "\u2028", "", " ", None, 3, True, ["x"], "ｕ１", " u1 ", "社区工会"):
            variants.append(dict(base, union=dict(union, **{key: value})))
        variants.append(dict(base, union={k: v for k, v in union.items() if k != key}))
    variants.append(dict(base, union=dict(union, other="x")))
    variants.append(dict(base, union={"kind": "community_union", "name": "n", "id": "i"}))  # another order
    variants.append(dict(base, facts={"members": -0.0, "x": {"value": 1}}))
    return base, variants


def test_the_record_object_is_made_as_validation_makes_it():
    base, variants = _variants()
    for data in variants:
        _check(data)
    # Caches of their own: the module's may be resting after the tests before (a run of records
    # that repeat nothing), and then make nothing (this failed in the whole suite's order).
    made = json_records.known_record_json(copy.deepcopy(base), _fresh_caches(), json_records._BUILT)
    general = evidence.EvidenceRecord.model_validate(normalise_record(copy.deepcopy(base))[0])
    assert made is not None and same(made, general)
    data = copy.deepcopy(base)
    assert json_records._BUILT(data, known_parts_json(data, _fresh_caches())) is not None  # made, not validated
    assert json_records._BUILT.fits and json_records._UNION_FITS
    assert not hasattr(BaseModel, "__bool__") and not hasattr(BaseModel, "__len__")  # each_json's all()


def test_a_plan_kept_for_a_shape_of_record_makes_what_a_fresh_one_makes():
    # Built keeps what to do per shape (keys written, parts made): records of one shape but other
    # values (a mapping that is no mapping, a note that is no text, documents cited twice), met
    # after others of that shape, are made or refused as by a Built that never saw a record
    _, variants = _variants()
    variants = variants * 2
    random.Random(3).shuffle(variants)
    kept = copy.copy(json_records._BUILT)
    kept.plans = {}
    for data in variants:
        parts = known_parts_json(copy.deepcopy(data), _fresh_caches())
        fresh = copy.copy(json_records._BUILT)
        fresh.plans = {}
        made, again = fresh(copy.deepcopy(data), parts), kept(copy.deepcopy(data), parts)
        assert (made is None) == (again is None), data
        if made is not None:
            assert same(made, again) and made.model_fields_set == again.model_fields_set, data
            general = evidence.EvidenceRecord.model_validate(normalise_record(copy.deepcopy(data))[0])
            assert same(made, general), data
    assert kept.plans  # the plans were kept and used


def test_the_worker_reads_a_line_as_the_general_reading_does():
    worker = batch_worker.Worker(batch_worker.Config(synthetic.STANDARD, None, "zh", "python", "csv", ()))
    lines = list(synthetic.lines(120, seed=23, bad=range(0, 120, 9)))
    lines += [json.dumps(dict(_BASE, note="\ud800")).encode(), json.dumps(dict(_BASE, note=10**30)).encode()]
    lines += _bracket_lines()
    for i, line in enumerate(lines * 2, 1):
        src = Source(f"f:{i}", "line", line, "f", i)
        read = lambda _: worker._readable(src, [])  # noqa: E731
        kept, kept_json = evidence._known_record, json_records.known_record_json
        evidence._known_record = lambda data: None
        json_records.known_record_json = lambda data, cache, built, summaries=None: None
        try:
            general = _outcome(read, None)
        finally:
            evidence._known_record, json_records.known_record_json = kept, kept_json
        assert same(_outcome(read, None), general), line


def _bracket_lines() -> list[bytes]:
    """Lines of many brackets (over jsonlines.MAX_DEPTH), shallow or too deep: a known record of
    plain facts is read without counting them (json_records.evidence_from_line), any other is
    counted, and one too deep refused, as parse_line refuses it."""
    def nested(depth: int) -> Any:
        value: Any = 1
        for i in range(depth):
            value = [value] if i % 2 else {"v": value}
        return value

    event = {"kind": "liaison_meeting", "date": "2025-03-04"}
    out = []
    for depth in (10, 62, 63, 64, 70):
        for events in ([], [event] * 70):
            for where in ("facts", "note", "unknown"):
                data = dict(_BASE, events=events or _BASE["events"])
                data[where] = dict(_BASE["facts"], deep=nested(depth)) if where == "facts" else nested(depth)
                out.append(json.dumps(data, ensure_ascii=False).encode())
                out.append(orjson.dumps(data))
        out.append(orjson.dumps(dict(_BASE, events=[event] * (60 + depth))))  # plain facts: read without a count
    return out


def test_a_line_of_many_brackets_is_read_or_refused_as_parse_line_does():
    for line in _bracket_lines():
        utf8 = line
        data = jsonlines.quick_line(utf8)
        try:
            expected = data if data.__class__ is dict else jsonlines.parse_line(line.decode(), utf8)
        except jsonlines.JsonLineError:
            expected = None
        seen: list = []
        try:
            read = json_records.evidence_from_line(line, "rec.jsonl:3", seen) is not None
        except evidence.RecordRefused:
            read = True
        if read:  # only for a line parse_line reads, as that value
            assert expected is not None and seen == [expected] and same(seen[0], expected)
        else:
            assert seen == []
    many = orjson.dumps(dict(_BASE, events=[{"kind": "liaison_meeting", "date": "2025-03-04"}] * 80))
    assert jsonlines.many_brackets(many) and json_records.evidence_from_line(many, "r", []) is not None


def test_a_kept_entry_s_json_key_holds_only_its_own_bytes():
    """orjson's bytes keep the whole buffer they were written into (4 KiB at least): kept as keys,
    2,500 event texts of 50 bytes held 10 MB, and the million-record benchmark went over its
    memory target. Kept keys and texts are copied to their own size (jsonout.own_size)."""
    import tracemalloc

    caches = _fresh_caches()
    events = [{"kind": "liaison_meeting", "date": f"2025-{m:02d}-{d:02d}", "count": 1}
              for m in range(1, 13) for d in range(1, 29)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(0, len(events), 8):
            assert caches["events"].each_json_summarised(events[i:i + 8]) is not None
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    per_entry = grown / len(events)
    assert per_entry < 2500, per_entry  # the objects, their summaries and keys: not 4 KiB a key
