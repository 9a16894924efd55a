"""The batch summary path's cheaper tests give exactly what the general code gives: checking a
record against a standard (events, applications, kinds, judgements and ranges each proved free of
problems by a cheaper test), the notes beside the card (no event before the period, nothing filed
elsewhere), and a CSV row made of kept pieces of CSV text. Each is compared with the general code,
every shortcut turned off (or written out here as it was), over generated records, good and bad,
in Chinese and English."""
from __future__ import annotations

import contextlib
import copy
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.core.messages import use_language
from assess.core.problems import InputError
from assess.core.tabular import csv_line as csv_row_text
from assess.model import evidence, facts, history, references
from assess.model.evidence import evidence_from_data
from assess.model.facts import problem_at, unknown_document
from assess.core.messages import message
from assess.present.renderers import record_csv
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402
from test_fast_paths import _fixture_records, _scored, records  # noqa: E402
from test_fast_reading import _old_quick_values  # noqa: E402

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                  HealthCheck.function_scoped_fixture])
LOADED = catalog.resolve_standard(synthetic.STANDARD)
STANDARD = LOADED.standard
LINEAGE = tuple(a.id for a in LOADED.lineage)
KNOWN = catalog.known_fields((STANDARD,))


# ---- the general code, every shortcut off --------------------------------------------------------

def _old_check_events(loaded, standard):
    """evidence._check_events as it was: every event looked at one by one."""
    record, doc = loaded.record, loaded.document
    end = record.period.end
    doc_ids = {d.id for d in record.documents}
    problems = []
    for i, ev in enumerate(record.events):
        if ev.date > end:
            problems.append(problem_at(doc, ("events", i, "date"), message("evidence.event_after_period", date=ev.date,
                                                                          end=end)))
        for j, ref in enumerate(ev.documents):
            if ref not in doc_ids:
                problems.append(problem_at(doc, ("events", i, "documents", j), unknown_document(ref)))
    return problems


def _old_check_record(loaded, standard, known, lineage=()):
    """check_record as it was: every check called, whatever the record holds."""
    record, doc = loaded.record, loaded.document
    problems = []
    values = facts.fact_values(record, doc, standard, known, problems)
    problems += facts.range_problems(doc, standard, values)
    events, found = references.resolve_events(record, doc, standard, known)
    applications, more = references.resolve_applications(record, doc, standard, lineage, known)
    problems += found + more + references.kind_problems(record, doc, standard, lineage, known)
    problems += references.judgement_standard_problems(record, doc, standard, lineage, known)
    if evidence._same_entries(events, record.events) and evidence._same_entries(applications, record.applications):
        resolved = loaded
    else:
        resolved = evidence.replace(loaded, record=record.model_copy(update={"events": events, "applications": applications}))
    problems += _old_check_events(resolved, standard)
    problems += evidence._check_judgements(loaded, standard)
    problems = evidence.renumbered(doc, problems, loaded.origins)
    if loaded.stand_ins:
        problems = [p for p in problems if not evidence.of_stand_in(p, loaded.stand_ins)]
    problems = list(loaded.pending) + problems
    if problems:
        raise InputError(evidence._in_order(evidence.in_cells(doc, problems), doc))
    return resolved, values


@contextlib.contextmanager
def _general():
    """Every shortcut of this path turned off: the general code runs."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(evidence, "check_record", _old_check_record)
        m.setattr(evidence, "judged_points", lambda standard: {})
        m.setattr(facts, "_within_bounds", lambda standard, values: False)
        m.setattr(references, "own_event_kinds", lambda standard: frozenset())
        m.setattr(references, "_own_grades", lambda standard: frozenset())
        m.setattr(history, "_quiet", lambda loaded, standard, lineage: False)
        yield


def _outcome(data: dict, lang: str) -> Any:
    """What a batch worker makes of `data` up to its notes: the record as checked, its values and
    notes, whether it is the record read; or every problem, as text."""
    from assess.workflows.batch.sources import Source
    from assess.workflows.batch.worker import Config, Worker

    worker = Worker(Config(synthetic.STANDARD, None, lang, "python", "csv", ()))
    with use_language(lang):
        try:
            loaded = worker._readable(Source("t:1", "data", copy.deepcopy(data), "t", 1), [])
        except InputError as err:
            return ("refused", [str(p) for p in err.problems])
        try:
            resolved, values = evidence.check_record(loaded, STANDARD, KNOWN, LINEAGE)
        except InputError as err:
            return ("problems", [str(p) for p in err.problems])
        notes = history.record_notes(resolved, STANDARD, LINEAGE)
        again = history.record_notes(resolved, STANDARD, LINEAGE)  # kept the second time
        return ("ok", resolved.record.model_dump(), [(k, repr(v)) for k, v in values.items()], resolved is loaded,
                notes, again)


# ---- records: the synthetic population, changed where the shortcuts look -----------------------

_KINDS = ["workers_congress", "职工代表大会", "study_day", "mass_incident", "workers_congres", "nope", " study_day"]
_DATES = ["2025-06-01", "2025-12-31", "2026-01-01", "2024-12-31", "2022-03-01", "2019-05-05"]


@st.composite
def _changed(draw) -> dict:
    data = next(synthetic.generate(1, seed=draw(st.integers(0, 10**6))))
    events = data["events"]
    for _ in range(draw(st.integers(0, 3))):
        event = {"kind": draw(st.sampled_from(_KINDS)), "date": draw(st.sampled_from(_DATES))}
        if draw(st.integers(0, 3)) == 0:
            event["documents"] = draw(st.sampled_from([["D01"], ["D99"], ["D01，D02"]]))
        events.insert(draw(st.integers(0, len(events))), event)
    if draw(st.integers(0, 4)) == 0:
        data["events"] = []
    data["applications"] = draw(st.sampled_from([
        [{"standard": synthetic.STANDARD, "grade": "advanced"}], [{"standard": synthetic.STANDARD, "grade": "示范"}],
        [{"standard": synthetic.STANDARD, "grade": "nope"}], [{"standard": "elsewhere", "grade": "x"}],
        [{"standard": "model-worker-home", "grade": "x"}], [], data["applications"],
        [{"standard": synthetic.STANDARD, "grade": "advanced"}, {"standard": "elsewhere", "grade": "x"}]]))
    judged = {"score": draw(st.sampled_from([0, 1.5, 3, 9, -1])), "reason": "r"}
    data["judgements"] = draw(st.sampled_from([
        {}, {synthetic.STANDARD: {"work_pattern": judged}}, {synthetic.STANDARD: {"nope": judged}},
        {synthetic.STANDARD: {"has_sign": judged}}, {"elsewhere": {"work_pattern": judged}},
        {"liuyou-grassroots": {"work_pattern": judged}},
        {synthetic.STANDARD: {"work_pattern": judged}, "other": {"x": judged}}]))
    data["union"]["kind"] = draw(st.sampled_from(["community_union", "community_union", "grassroots_union", "nope"]))
    data["facts"].update(draw(st.dictionaries(
        st.sampled_from(["members", "employees", "women_members", "enterprises", "labour_contract_rate", "union_staff"]),
        st.sampled_from([None, -1, 0, 5, 10**6, 10**40, 0.5, 1.5, "98%", True, {"value": 3, "documents": ["D99"]}]),
        max_size=3)))
    return data


@settings(max_examples=120, **SLOW)
@given(_changed(), st.sampled_from(["zh", "en"]))
def test_a_record_is_checked_and_noted_as_by_the_general_code(data, lang):
    fast = _outcome(data, lang)
    with _general():
        assert fast == _outcome(data, lang)


def test_the_synthetic_population_and_its_bad_records_are_checked_as_by_the_general_code():
    rng = random.Random(11)
    datas = list(synthetic.generate(200, bad=range(0, 200, 13)))
    for data in datas[::7]:
        data["events"].append({"kind": "workers_congress", "date": rng.choice(_DATES)})
    for lang in ("zh", "en"):
        for data in datas:
            fast = _outcome(data, lang)
            with _general():
                assert fast == _outcome(data, lang)


def test_a_note_is_worked_out_again_when_the_events_change():
    """The first day of the events kept by check_record answers only for the events it was of."""
    data = next(synthetic.generate(1))
    loaded = evidence_from_data(data, "r")
    resolved, _ = evidence.check_record(loaded, STANDARD, KNOWN, LINEAGE)
    assert resolved.kept_first_event is not None and history.record_notes(resolved, STANDARD, LINEAGE) == ()
    resolved.record.events.append(resolved.record.events[0].model_copy(update={"kind": "workers_congress", "date": evidence.date(2019, 1, 1)}))
    resolved.kept_notes = None
    with use_language("en"):
        notes = history.record_notes(resolved, STANDARD, LINEAGE)
    assert notes and "2019-01-01" in notes[0]


# ---- CSV rows ----------------------------------------------------------------------------------

def _row_text(record, lang):
    """The general row: csv_row's cells as CSV text."""
    return csv_row_text(record_csv.csv_row(record.evaluation, record.evidence.record.union, record.position, lang))


_AWKWARD = ["=1+2", "-3", "+x", "@a", "a,b", 'say "hi"', "甲,乙", "，", " lead", "trail ", "'q", "\\", ";", "\t1"]


@settings(max_examples=40, **SLOW)
@given(st.lists(records(), min_size=1, max_size=4), st.sampled_from(["zh", "en"]),
       st.lists(st.sampled_from(_AWKWARD), min_size=2, max_size=2), st.sampled_from(_AWKWARD + ["t:1", "a\nb", "c\rd"]))
def test_a_csv_line_is_the_general_rows_text(datas, lang, names, position):
    for data in datas:
        data["union"]["id"], data["union"]["name"] = names[0] + data["union"]["id"], names[1]
    for record in _scored(datas, lang):
        assert record_csv.csv_line(record, lang) == _row_text(record, lang)
        moved = evidence.replace(record.evidence)
        other = type(record)(record.evaluation, record.inputs, moved, record.engine, record.lineage, record.as_of,
                             position)
        assert record_csv.csv_line(other, lang) == _row_text(other, lang)


def test_every_fixtures_csv_line_is_the_general_rows_text():
    for record, lang in _fixture_records():
        assert record_csv.csv_line(record, lang) == _row_text(record, lang)
        assert record_csv.csv_line(record, lang) == _row_text(record, lang)  # the pieces kept the second time


def test_the_items_short_and_losing_most_are_the_general_ones():
    """short_items against its definition over ev.items(), and record_csv._most_lost against most_lost, for every n, over fixtures with capped sections
    and bonus (an item short by 2 with 1 point of room loses 1) and the synthetic population."""
    from assess.rules.base import ItemStatus
    from assess.scoring.gaps import most_lost, short_items

    scored = [record for record, _ in _fixture_records()] + _scored(list(synthetic.generate(150)), "zh")
    capped = 0
    for record in scored:
        ev = record.evaluation
        short = short_items(ev)
        room = {s.section_id: s.cap > s.awarded for s in ev.sections}
        room[None] = ev.standard.bonus is None or ev.standard.bonus.cap > ev.bonus
        defined = [r for r in ev.items() if r.status != ItemStatus.FULL and not r.exempt
                   and (room[r.section_id] or r.item.mandatory)]
        assert len(defined) == len(short) and all(a is b for a, b in zip(defined, short))
        for n in range(len(short) + 2):
            expected = most_lost(ev, short, n)
            assert record_csv._most_lost(ev, short, n) == expected
            capped += any(lost != r.lost for r, lost in expected)
    assert capped


@settings(max_examples=300, **SLOW)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from([None, 0, 1, 2, 3, 10])), max_size=12),
       st.integers(0, 6))
def test_most_lost_in_one_pass_is_most_losts_for_any_rooms(shortfalls, n):
    """Items of any shortfall in sections of any room (ties, capped items, sections at their cap)."""
    from types import SimpleNamespace

    from assess.core.exact import Fraction as Exact
    from assess.scoring.gaps import most_lost

    sections = {room: SimpleNamespace(section_id=f"s{room}", cap=Exact(10), awarded=Exact(10 - room))
                for _, room in shortfalls if room is not None}
    ev = SimpleNamespace(sections=list(sections.values()), bonus=Exact(0),
                         standard=SimpleNamespace(bonus=SimpleNamespace(cap=Exact(3))))
    short = [SimpleNamespace(lost=Exact(lost), section_id=None if room is None else f"s{room}", n=i)
             for i, (lost, room) in enumerate(shortfalls)]
    assert record_csv._most_lost(ev, short, n) == most_lost(ev, short, n)


def test_a_note_is_worked_out_again_when_an_event_is_replaced():
    """An event replaced in the list (the same number of events): the first day is looked up anew."""
    data = next(synthetic.generate(1))
    resolved, _ = evidence.check_record(evidence_from_data(data, "r"), STANDARD, KNOWN, LINEAGE)
    assert history.record_notes(resolved, STANDARD, LINEAGE) == ()
    events = resolved.record.events
    events[0] = events[0].model_copy(update={"kind": "workers_congress", "date": evidence.date(2019, 1, 1)})
    resolved.kept_notes = None
    assert history.record_notes(resolved, STANDARD, LINEAGE)


def _cited(values):
    """A cited value: mostly plainly one ({value, documents}, perhaps a note) of `values`, else of
    any shape."""
    plainly = st.fixed_dictionaries({"value": values, "documents": st.sampled_from([[], ["D01"], ["D01", "D02"], ["D99"]])},
                                    optional={"note": st.just("n")})
    odd = st.fixed_dictionaries({}, optional={
        "value": st.sampled_from([None, True, 0, 3, 10**40, 0.5, "98%", "三", {"value": 1}, [1]]),
        "documents": st.sampled_from([[], ["D01"], ["D01", "D02"], ["D99"], "D01", [3], None, ("D01",)]),
        "note": st.sampled_from([None, "n", 3]), "by": st.just("x")})
    return plainly | plainly | plainly | odd


_COUNTS, _TICKS = st.sampled_from([0, 3, 12, 10**40, -1, True]), st.sampled_from([True, False, 1, "是"])


@settings(max_examples=300, **SLOW)
@given(st.fixed_dictionaries({}, optional={"members": _cited(_COUNTS), "employees": _cited(_COUNTS),
                                           "has_sign": _cited(_TICKS), "org_established": _cited(_TICKS),
                                           "labour_contract_rate": _cited(st.sampled_from(["98%", 0.5, 2, None])),
                                           "nope": _cited(_COUNTS)}))
def test_cited_facts_are_read_as_by_the_general_code(cited):
    """_quick_values (a cited value's reading written out) against the code it replaced, over cited
    values of every shape: no value, documents that are no list or not texts, a note that is no
    text, a key CitedValue does not have, a document the record does not have."""
    data = next(synthetic.generate(1, seed=3))
    data["facts"].update(cited)
    data["documents"] = [{"id": f"D0{i}", "title": "t"} for i in range(1, 7)]  # those the record cites, D99 not
    loaded = evidence_from_data(data, "r", lenient=True)
    new, old = facts._quick_values(loaded.record, STANDARD), _old_quick_values(loaded.record, STANDARD)
    assert (None if new is None else list(new.items())) == (None if old is None else list(old.items()))


def test_a_periods_days_are_its_iso_texts_whatever_was_kept():
    """worker._period_days (kept per Period object) against isoformat, for periods made anew (an id
    of one let go may be reused by the next)."""
    from assess.workflows.batch import worker

    for start in range(1, 29):
        period = evidence.Period(start=evidence.date(2025, 1, start), end=evidence.date(2025 + start % 3, 12, 31))
        assert worker._period_days(period) == (period.start.isoformat(), period.end.isoformat())
        assert worker._period_days(period) == (period.start.isoformat(), period.end.isoformat())


def _plain_outcome(data: dict, lang: str) -> Any:
    """plain.plain_record's values (as items, in order) and the first event it kept, or None;
    and the general code's check of the same record (its values, whether the record is the one
    read, the first event kept), or its problems."""
    from assess.model import plain

    with use_language(lang):
        try:
            loaded = evidence.evidence_from_data(copy.deepcopy(data), "t", lenient=True)
        except InputError:
            return None
        quick = plain.plain_record(loaded, STANDARD, KNOWN, LINEAGE)
        kept = loaded.kept_first_event
        loaded.kept_first_event = None
        try:
            resolved, values = _old_check_record(loaded, STANDARD, KNOWN, LINEAGE)
        except InputError as err:
            return quick, [str(p) for p in err.problems]
        plain_first = plain.plain_events(resolved.record, STANDARD)[1]
        return quick, (list(values.items()), resolved is loaded, kept and (kept[0] is loaded.record, kept[1:]),
                       plain_first)


@settings(max_examples=150, **SLOW)
@given(_changed(), st.sampled_from(["zh", "en"]))
def test_a_plain_record_is_one_the_general_code_finds_no_problem_in(data, lang):
    found = _plain_outcome(data, lang)
    if found is None or found[0] is None:
        return  # refused at reading, or left to the general code
    quick, general = found
    assert isinstance(general, tuple), general  # no problem
    values, same, kept, first = general
    assert [(k, repr(v)) for k, v in quick.items()] == [(k, repr(v)) for k, v in values]
    assert all(map(type.__eq__, map(type, quick.values()), (type(v) for _, v in values)))
    assert same and kept == (True, (tuple(evidence.evidence_from_data(copy.deepcopy(data), "t").record.events), first))


def test_most_of_the_synthetic_population_is_plain_and_checked_as_by_the_general_code():
    datas = list(synthetic.generate(300, bad=range(0, 300, 17)))
    plain_ones = 0
    for data in datas:
        found = _plain_outcome(data, "zh")
        if found is None or found[0] is None:
            continue
        plain_ones += 1
        quick, (values, same, kept, first) = found
        assert [(k, repr(v)) for k, v in quick.items()] == [(k, repr(v)) for k, v in values] and same
        assert kept[0] and kept[1][1] == first
    assert plain_ones > 250


def test_inputs_made_at_once_are_the_inputs_the_dataclass_makes():
    import dataclasses
    import pickle

    from assess.present.scorecard import inputs_for
    from assess.scoring import inputs as inputs_module
    from assess.scoring.inputs import Inputs

    assert inputs_module._PLAIN  # else made_inputs calls Inputs itself: this test would prove nothing
    for data in synthetic.generate(40):
        loaded = evidence_from_data(data, "t")
        resolved, values = evidence.check_record(loaded, STANDARD, KNOWN, LINEAGE)
        for prior, waived in (((), None), ((("x", "y"),), {"a": "w1"})):
            made = inputs_for(resolved, STANDARD.id, values, LINEAGE, prior, waived)
            r = resolved.record
            judgements = r.judgements.get(STANDARD.id, {})
            general = Inputs(facts=values, events=tuple((e.kind, e.date, e.count) for e in r.events),
                             judgements=judgements, honours=tuple(r.honours), period=r.period,
                             prior_honours=tuple(prior), waived=dict(waived or {}))
            assert made == general and type(made) is Inputs
            assert list(vars(made).items()) == list(vars(general).items())
            assert pickle.loads(pickle.dumps(made)) == general and hash(repr(made)) == hash(repr(general))
            with pytest.raises(dataclasses.FrozenInstanceError):
                made.facts = {}


def test_quick_values_are_the_old_ones_whatever_arrangements_of_classes_were_kept(monkeypatch):
    monkeypatch.setattr(facts, "_MOST_SHAPES", 3)  # let go of the kept arrangements again and again
    datas = list(synthetic.generate(120))
    for i, data in enumerate(datas[::3]):
        data["facts"]["labour_contract_rate"] = ["95%", 0.9, 1, None][i % 4]
        if i % 5 == 0:
            data["facts"].pop("members")
    for data in datas:
        record = evidence_from_data(copy.deepcopy(data), "t").record
        found, old = facts._quick_values(record, STANDARD), _old_quick_values(record, STANDARD)
        assert (found is None) == (old is None)
        if found is not None:
            assert [(k, repr(v)) for k, v in found.items()] == [(k, repr(v)) for k, v in old.items()]
    assert 0 < len(facts._kept_classes(STANDARD)[-1]) <= 3
