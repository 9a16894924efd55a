"""Reading a record fast gives exactly what the general reading gave: the same facts' values, the
same problems in the same words, the same validated records and refusals, the same notes. Each
shortcut is compared with the code it replaced, written out here, over generated records."""
from __future__ import annotations

import copy
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.core.messages import message, use_language
from assess.core.natural import LARGEST, read_boolean, read_date, read_integer, read_number, read_year
from assess.core.problems import InputError
from assess.core.unions import kind_id
from assess.model import evidence, facts, normalise
from assess.model.evidence import check_record, evidence_from_data
from assess.model.history import note_problems, record_notes
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

SLOW = dict(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                           HealthCheck.function_scoped_fixture])
STANDARD = catalog.resolve_standard(synthetic.STANDARD).standard
KNOWN = catalog.known_fields((STANDARD,))


# ---- the code the shortcuts replaced, written out ---------------------------------------------

def _old_quick_values(record: Any, standard) -> dict[str, Any] | None:
    readers, values = facts._field_readers(standard)
    values = values.copy()
    doc_ids = None
    for name, value in record.facts.items():
        pair = readers.get(name, facts._UNDECLARED)
        if value.__class__ is pair[0] and (value.__class__ not in (int, float) or -LARGEST < value < LARGEST):
            values[name] = value
            continue
        if value.__class__ is dict:
            cited = facts._plain_cited(value)
            if cited is None:
                return None
            if cited.documents:
                doc_ids = {d.id for d in record.documents} if doc_ids is None else doc_ids
                if not doc_ids.issuperset(cited.documents):
                    return None
            value = cited.value
        if pair is facts._UNDECLARED or isinstance(value, dict):
            return None
        if value is None:
            continue
        value = facts._plain_value(pair, value)
        if value is facts._UNREAD:
            return None
        values[name] = value
    return values


def _old_range_problems(doc, standard, values):
    problems = []
    fields = [f[:4] for f in facts._bounded_fields(standard)]
    wrong = {name for name, decl, low, high in fields if decl.type in ("integer", "number", "ratio")
             and values.get(name) is not None and facts._outside(values[name], low, high)}
    for name, decl, low, high in fields:
        value = values.get(name)
        if value is None:
            continue
        path = ("facts", name)
        if decl.type in ("integer", "number", "ratio"):
            rate = decl.type == "ratio"
            if low is not None and value < low:
                problems.append(facts.problem_at(doc, path, message(
                    "evidence.below_min", value=facts.shown(value, rate, (decl.min,)), min=facts.shown(decl.min, rate, (decl.min,)))))
            if high is not None and value > high:
                problems.append(facts.problem_at(doc, path, message(
                    "evidence.above_max", value=facts.shown(value, rate, (decl.max,)), max=facts.shown(decl.max, rate, (decl.max,)))))
            if decl.not_above and values.get(decl.not_above) is not None and not {name, decl.not_above} & wrong \
                    and value > values[decl.not_above]:
                problems.append(facts.problem_at(doc, path, message(
                    "evidence.not_above", name=decl.label.get(facts._lang()),
                    value=facts.shown(value, False, (values[decl.not_above],)),
                    other=standard.fields[decl.not_above].label.get(facts._lang()),
                    other_value=facts.shown(values[decl.not_above]))))
        if decl.type == "scores":
            problems += facts._score_problems(doc, path, decl, value)
        if decl.choices is not None and value not in decl.choices:
            problems.append(facts.problem_at(doc, path, facts._not_a_choice(value, decl.choices)))
    return problems


def _old_normalise_record(data):
    def each(out, key, readers, found):
        entries = out.get(key)
        if isinstance(entries, list):
            pairs = tuple(readers.items())
            checks = tuple((name, normalise._READ_ALREADY[reader]) for name, reader in pairs)
            if all(normalise.as_written(e, checks) for e in entries):
                return
            out[key] = [normalise.read_entry(e, key, i, pairs, found) if isinstance(e, dict) else e
                        for i, e in enumerate(entries)]

    def fields(entry, loc, readers, found):
        return normalise.read_entry(entry, loc, None, tuple(readers.items()), found) if isinstance(entry, dict) else entry

    out = dict(data)
    found: list = []
    union = out.get("union")
    if isinstance(union, dict) and isinstance(union.get("kind"), str):
        out["union"] = dict(union, kind=kind_id(union["kind"]))
    out["period"] = fields(out.get("period"), ("period",), {"start": read_date, "end": read_date}, found)
    each(out, "events", {"date": read_date, "count": read_integer}, found)
    each(out, "documents", {"date": read_date}, found)
    each(out, "honours", {"year": read_year}, found)
    each(out, "applications", {"override_kind": read_boolean}, found)
    judgements = out.get("judgements")
    if isinstance(judgements, dict):
        out["judgements"] = {
            sid: ({iid: fields(entry, ("judgements", sid, iid), {"score": read_number, "date": read_date}, found)
                   for iid, entry in items.items()} if isinstance(items, dict) else items)
            for sid, items in judgements.items()}
    return {k: v for k, v in out.items() if k in data}, found


# ---- generated records ----------------------------------------------------------------------

_BASE = next(synthetic.generate(1))
_DAYS = st.sampled_from(["2025-03-15", "2025-3-15", "2025年3月15日", "2025-02-30", "2026-01-05", "2024-12-01",
                         "soon", "", "2025-03-15T00:00:00"]) | st.integers(-3, 50000) | st.none() | st.booleans()
_NUMBERS = (st.integers(-5, 10**4) | st.integers(10**29, 10**31) | st.booleans() | st.none()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.sampled_from(["12", "88%", "0.9", "1.5", "many", "", "１２", "12.0", "是", "否", "true", "x"]))


@st.composite
def _facts(draw) -> dict[str, Any]:
    names = sorted(STANDARD.fields)
    out: dict[str, Any] = dict(_BASE["facts"])
    for name in draw(st.lists(st.sampled_from(names + ["membrs", "unknown_fact"]), max_size=8)):
        value = draw(_NUMBERS | st.text(max_size=3))
        if draw(st.booleans()):
            value = {"value": value, "documents": draw(st.lists(st.sampled_from(["D01", "D02", "Dx", 3]), max_size=2))}
            if draw(st.booleans()):
                value["note"] = draw(st.none() | st.text(max_size=2) | st.integers())
        out[name] = value
    return out


@st.composite
def _records(draw) -> dict[str, Any]:
    rec = copy.deepcopy(_BASE)
    rec["union"]["kind"] = draw(st.sampled_from(["community_union", "社区工会", " community_union", "nope", 3]))
    period = rec["period"]
    if draw(st.booleans()):
        period["start"] = draw(_DAYS)
    if draw(st.booleans()):
        period["end"] = draw(_DAYS)
    if draw(st.booleans()):
        del period[draw(st.sampled_from(["start", "end", "label"]))]
    if draw(st.integers(0, 9)) == 0:
        rec["period"] = draw(st.none() | st.text(max_size=3) | st.just([]))
    if draw(st.integers(0, 9)) == 0:
        del rec["period"]
    for ev in rec["events"][:draw(st.integers(0, 3))]:
        ev[draw(st.sampled_from(["date", "count", "title", "documents", "extra"]))] = draw(
            _DAYS | st.lists(st.sampled_from(["D01", "D02"]), max_size=2))
    if draw(st.integers(0, 5)) == 0:
        rec["events"].append(draw(st.none() | st.integers() | st.just({"kind": "workers_congress"})))
    rec["documents"] = draw(st.sampled_from([[], [{"id": "D01", "title": "t"}],
                                             [{"id": "D01", "title": "t", "date": "2025-3-1"}, {"id": "D02", "title": "u"}],
                                             [{"id": "D01", "title": "t"}, {"id": "D01", "title": "u"}]]))
    rec["honours"] = draw(st.sampled_from([[], [{"title": "t", "year": 2021}], [{"title": "t", "year": "2021年"}],
                                           [{"title": "t", "year": 1800}]]))
    rec["applications"] = draw(st.sampled_from([
        [{"standard": synthetic.STANDARD, "grade": "advanced"}],
        [{"standard": synthetic.STANDARD, "grade": "advanced", "override_kind": "是"}],
        [{"standard": "elsewhere", "grade": "x"}], []]))
    rec["facts"] = draw(_facts())
    if draw(st.booleans()):
        rec["judgements"] = {draw(st.sampled_from([synthetic.STANDARD, "other"])): {"work_pattern": {
            "score": draw(st.sampled_from([2.4, "2.4", 9, -1, "x"])), "reason": "r", "date": draw(_DAYS)}}}
    return rec


def _outcome(read, data) -> Any:
    """What reading `data` and checking it against the standard gives: the record and values, or
    the problems, as text."""
    try:
        loaded = read(data)
    except InputError as err:
        return ("refused", [str(p) for p in err.problems])
    try:
        resolved, values = check_record(loaded, STANDARD, KNOWN, ())
    except InputError as err:
        return ("problems", loaded.record, [str(p) for p in err.problems])
    return ("ok", resolved.record, list(values.items()), record_notes(resolved, STANDARD, ()))


def _read(data):
    return evidence_from_data(copy.deepcopy(data), "rec.jsonl:3", lenient=True)


# ---- the tests ----------------------------------------------------------------------------

@settings(**SLOW)
@given(_records())
def test_a_record_is_read_and_checked_as_by_the_general_code(monkeypatch_records, data):
    fast = _outcome(_read, data)
    with monkeypatch_records():
        slow = _outcome(_read, data)
    assert fast == slow


@pytest.fixture
def monkeypatch_records(monkeypatch):
    """A context in which records are normalised, their facts read and ranges checked by the code
    the shortcuts replaced."""
    import contextlib

    @contextlib.contextmanager
    def old():
        with monkeypatch.context() as m:
            m.setattr(evidence, "normalise_record", _old_normalise_record)
            m.setattr(evidence, "_known_record", lambda data: None)  # no entry taken as kept
            m.setattr(evidence, "range_problems", _old_range_problems)
            m.setattr(facts, "_quick_values", _old_quick_values)
            yield

    return old


@settings(**SLOW)
@given(_facts())
def test_quick_values_are_the_old_ones(values):
    loaded = evidence_from_data(dict(copy.deepcopy(_BASE), facts=values, documents=[{"id": "D01", "title": "t"}]))
    new, old = facts._quick_values(loaded.record, STANDARD), _old_quick_values(loaded.record, STANDARD)
    assert (None if new is None else list(new.items())) == (None if old is None else list(old.items()))


@settings(**SLOW)
@given(st.dictionaries(st.sampled_from(sorted(STANDARD.fields)),
                      st.none() | st.integers(-10, 10**5) | st.fractions(-2, 10**4, max_denominator=1000)))
def test_range_problems_are_the_old_ones(typed):
    doc = _read(_BASE).document
    assert facts.range_problems(doc, STANDARD, typed) == _old_range_problems(doc, STANDARD, typed)


_CAPPED = sorted((name, decl.not_above) for name, decl in STANDARD.fields.items() if decl.not_above)


@settings(**SLOW)
@given(st.sampled_from(_CAPPED), st.integers(-3, 3) | st.integers(10**6, 10**7), st.integers(-3, 3) | st.integers(10**6, 10**7))
def test_a_value_above_its_cap_is_said_as_before(pair, value, cap):
    """Either of the two outside its own bounds (a count below 0, a rate of millions of percent):
    not also compared with the other."""
    typed = {pair[0]: value, pair[1]: cap}
    doc = _read(_BASE).document
    assert facts.range_problems(doc, STANDARD, typed) == _old_range_problems(doc, STANDARD, typed)


def test_the_synthetic_population_reads_as_by_the_general_code(monkeypatch_records):
    rng = random.Random(7)
    records = list(synthetic.generate(300, bad=range(0, 300, 17)))
    rng.shuffle(records)
    for data in records:
        fast = _outcome(_read, data)
        with monkeypatch_records():
            assert fast == _outcome(_read, data)


def test_notes_kept_for_a_record_answer_only_for_what_they_were_worked_out_for():
    data = copy.deepcopy(_BASE)
    data["events"].append({"kind": "workers_congress", "date": "2022-01-05"})
    data["applications"] = [{"standard": "elsewhere", "grade": "x"}]
    loaded = _read(data)
    with use_language("zh"):
        zh = note_problems(loaded, STANDARD)
        assert note_problems(loaded, STANDARD) == zh and zh
    with use_language("en"):
        en = note_problems(loaded, STANDARD)
        assert en != zh and en == note_problems(_read(data), STANDARD)
    loaded.document.path = "other.jsonl:1"
    with use_language("en"):
        assert [p.file for p in note_problems(loaded, STANDARD)] == ["other.jsonl:1"] * len(en)
    copied = evidence.replace(loaded)
    assert copied.kept_notes is None


@settings(**SLOW)
@given(st.sampled_from([read_number, read_integer, read_boolean, facts.read_rate]),
       st.lists(_NUMBERS | st.floats() | st.just(-0.0) | st.just(0.0) | st.text(max_size=4), min_size=1, max_size=4))
def test_a_value_read_before_is_read_as_anew(read, values):
    """Read twice (kept the second time), in any order: the same value of the same class, or the
    same refusal in the same words."""
    for value in values + values[::-1]:
        assert _read_outcome(normalise.read_kept, read, value) == _read_outcome(lambda r, v: r(v), read, value)


def _read_outcome(how, read, value):
    try:
        found = how(read, value)
    except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
        return type(exc).__name__, str(exc), getattr(exc, "text", lambda: "")()
    return type(found).__name__, repr(found), str(found)
