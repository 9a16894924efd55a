"""The fast paths of a record's values and decisions give exactly what the general paths give:
each field's case kept per distinct int and float (against `_canonical` every time), the cached
answers filled in (against the Python decider, and in its order), the cache's counters (against
a plain model of the cache), the facts taken as a copy and the plain counts made from kept
windows (against each value worked out by `derive._derive`), over the synthetic 八好 population,
every fixture and generated values (floats near the cut-offs, ints and floats of equal value,
Fractions of both classes, None, booleans)."""
from __future__ import annotations

import fractions
import math
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.model.evidence import evidence_from_data, load_evidence, window_start
from assess.present.scorecard import assess
from assess.scoring import decision_cache as DC
from assess.scoring import derive, engine
from assess.scoring.compiler import compile_standard
from assess.scoring.decision_cache import CachingDurableDecider, _canonical
from assess.standards import catalog
from test_fast_evaluate import _values
from test_properties import PY, SLOW

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
STANDARD = catalog.resolve_standard(synthetic.STANDARD)
COMPILED = compile_standard(STANDARD.standard)


def _general_keys(plan, values) -> list:
    """`_Plan.keys` the general way: `_canonical` of every value, every time."""
    out = [_canonical(values.get(name), lits) for name, lits, _ in plan.single]
    return out + [tuple(_canonical(values.get(n), lit) for n, lit in zip(names, lits)) for names, lits, _ in plan.multi]


def _typed(value):
    return (type(value), value)


class Model:
    """The decision cache's counters as a plain model of it: a record is asserted when any of its
    groups meets a case not kept before (nothing is ever dropped: the tests stay far below it)."""

    def __init__(self) -> None:
        self.kept: set[tuple[int, object]] = set()
        self.stats = {"records": 0, "asserted": 0, "conditions": 0, "cached": 0}

    def decide(self, plan, values) -> None:
        cases = {(i, key) for i, key in enumerate(_general_keys(plan, values))}
        self.stats["records"] += 1
        self.stats["conditions"] += plan.count
        if cases <= self.kept:
            self.stats["cached"] += plan.count
        else:
            self.stats["asserted"] += 1
            self.kept |= cases


def _check_decisions(decider: CachingDurableDecider, model: Model, compiled, values) -> None:
    plan = decider._plans.get(compiled.sha256) or DC._Plan(compiled)
    assert [_typed(k) for k in plan.keys(values)] == [_typed(k) for k in _general_keys(plan, values)]
    got = decider.decide(compiled, values)
    assert list(got.items()) == list(PY.decide(compiled, values).items())
    model.decide(decider._plans[compiled.sha256], values)
    assert decider.stats() == model.stats


_general_values = _values  # `compute_values` the general way (test_fast_evaluate)


def _same_values(a: dict, b: dict) -> None:
    assert [(k, _typed(v)) for k, v in a.items()] == [(k, _typed(v)) for k, v in b.items()]


def _synthetic(n: int):
    for i, data in enumerate(synthetic.generate(n)):
        yield assess(STANDARD, evidence_from_data(data, f"r{i}"), PY)


# ---- values ---------------------------------------------------------------------------------


def test_synthetic_values_and_decisions_are_the_general_paths():
    decider, model = CachingDurableDecider(), Model()
    for ev, inputs in _synthetic(300):
        standard = ev.standard
        _same_values(engine.compute_values(standard, inputs), _general_values(standard, inputs))
        _same_values(ev.values, _general_values(standard, inputs))
        _check_decisions(decider, model, ev.compiled, ev.values)
    assert 0 < decider.asserted < decider.records  # both ways were taken


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixtures_values_and_decisions_are_the_general_paths(path):
    loaded = load_evidence(str(path))
    decider, model = CachingDurableDecider(), Model()
    for app in loaded.record.applications:
        standard = catalog.resolve_standard(app.standard)
        for _ in range(2):  # the second time from what the first kept
            ev, inputs = assess(standard, loaded, PY)
            _same_values(engine.compute_values(ev.standard, inputs), _general_values(ev.standard, inputs))
            _check_decisions(decider, model, ev.compiled, ev.values)


def test_facts_in_another_order_or_with_others_are_read_as_the_fields():
    ev, inputs = next(_synthetic(1))
    standard = ev.standard
    facts = dict(inputs.facts)
    shuffled = dict(reversed(list(facts.items())))
    extra = {**facts, "not_a_field": 3}
    fewer = dict(list(facts.items())[1:])
    for given_facts in (shuffled, extra, fewer, {}):
        changed = replace(inputs, facts=given_facts)
        _same_values(engine.compute_values(standard, changed), _general_values(standard, changed))
    assert inputs.facts == facts  # the record's facts are copied, never filled in


def test_updated_values_are_the_values_worked_out_afresh():
    records = list(_synthetic(40))
    for (ev, inputs), (_, other) in zip(records, records[1:]):
        standard = ev.standard
        for name in ("members", "employees", "workers_in_hardship_aided", "enterprises"):
            changed = replace(inputs, facts={**inputs.facts, name: other.facts.get(name)})
            _same_values(engine.update_values(standard, changed, ev.values, [name]),
                         engine.compute_values(standard, changed))
        changed = replace(inputs, events=other.events)
        kinds = {kind for kind, _, _ in inputs.events + other.events}
        _same_values(engine.update_values(standard, changed, ev.values, (), kinds), _general_values(standard, changed))


def test_plain_counts_follow_window_starts_changed_in_place():
    ev, inputs = next(_synthetic(1))
    standard = ev.standard
    starts = {name: window_start(d.count_events.window, inputs.period)
              for name, d in standard.derived.items() if d.count_events is not None}
    events = [(kind, day, count) for kind, day, count in inputs.events]
    end = inputs.period.end
    first = derive.derive_values(standard, dict(inputs.facts), events, starts, end)
    for name in starts:  # the same dict, changed: a window starting after every event counts none
        starts[name] = date(end.year + 1, 1, 1)
    later = derive.derive_values(standard, dict(inputs.facts), events, starts, end)
    counted = [n for n in starts if standard.derived[n].count_events.per is None]
    assert any(first[n] for n in counted) and not any(later[n] for n in counted)
    del starts[counted[0]]
    with pytest.raises(KeyError):  # a count without its window start, as `_derive` raises
        derive.derive_values(standard, dict(inputs.facts), events, starts, end)


# ---- each field's case, kept per value --------------------------------------------------------


def _near(lit: Fraction):
    x = float(lit)
    return st.sampled_from([x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf), x + 1e-9, x - 1e-9,
                            int(lit) if lit.denominator == 1 else x, lit, fractions.Fraction(lit.numerator, lit.denominator),
                            lit + Fraction(1, 10**12), lit - Fraction(1, 10**12), float(int(x)), int(x)])


def _value(lits: tuple, typed: bool):
    """A field's value: any kind (`typed` False), or one of the field's type (a tick where the
    field is compared with no number, else a number) or missing, as the Python decider takes."""
    numbers = st.one_of(st.integers(-3, 3000), st.floats(-10, 3000, allow_nan=False),
                        st.fractions(min_value=-1, max_value=3).map(lambda f: Fraction(f.numerator, f.denominator)),
                        st.fractions(min_value=-1, max_value=3), *map(_near, lits))
    if typed:
        return st.one_of(st.none(), numbers) if lits else st.one_of(st.none(), st.booleans())
    return st.one_of(st.none(), st.booleans(), numbers)


@st.composite
def _records_values(draw, typed: bool = False):
    plan = DC._Plan(COMPILED)
    return {name: draw(_value(lits, typed)) for name, lits, _ in plan.single}


@settings(max_examples=40, **SLOW)
@given(st.lists(_records_values(typed=True), min_size=1, max_size=6))
def test_generated_values_are_decided_as_the_general_path(batch):
    decider, model = CachingDurableDecider(), Model()
    for values in batch + batch:  # the second time from what the first kept
        _check_decisions(decider, model, COMPILED, values)


@settings(max_examples=200, **SLOW)
@given(st.lists(_records_values(), min_size=1, max_size=20), st.integers(1, 4))
def test_cases_kept_per_value_are_the_canonical_cases(batch, most):
    plan = DC._Plan(COMPILED)
    old = DC._MOST_SEEN
    DC._MOST_SEEN = most  # a few kept, then dropped: the kept and the fresh alike
    try:
        for values in batch + batch:
            assert [_typed(k) for k in plan.keys(values)] == [_typed(k) for k in _general_keys(plan, values)]
        assert all(len(ints) <= most and len(floats) <= most for _, _, ints, floats in plan.fields)
    finally:
        DC._MOST_SEEN = old


def test_ints_floats_and_fractions_of_equal_value_keep_their_own_cases():
    plan = DC._Plan(COMPILED)
    name = "membership_rate"  # literals 9/10, 19/20, 49/50
    exact = Fraction(3602879701896397, 36028797018963968)  # 0.1 as a double holds it exactly
    seq = [0.1, exact, Fraction(1, 10), 1, 1.0, True, 0.9, Fraction(9, 10), 0.95, 0.98, 0.9800000000000001, -0.0, 0]
    for value in seq + seq[::-1]:
        values = {name: value}
        assert [_typed(k) for k in plan.keys(values)] == [_typed(k) for k in _general_keys(plan, values)]
    # 1e23 == 99999999999999991611392, but its case is 10**23's (its text): told apart where there
    # is no literal to place them among
    alone = next(name for name, lits, _, _ in plan.fields if not lits)
    for value in [1e23, 99999999999999991611392, 10**23, 1e23, 99999999999999991611392]:
        values = {alone: value}
        assert [_typed(k) for k in plan.keys(values)] == [_typed(k) for k in _general_keys(plan, values)]
    for bad in (math.nan, math.inf, -math.inf, [1], b"1"):
        with pytest.raises(Exception) as general:
            _canonical(bad, plan.fields[0][1] or (Fraction(1),))
        with pytest.raises(general.type):
            plan.keys({plan.fields[0][0]: bad, name: bad, "women_members": bad})


# ---- what is noted beside the card, and the inputs ---------------------------------------------


@settings(max_examples=30, **SLOW)
@given(st.data())
def test_notes_of_events_before_the_period_are_the_general_paths(data):
    """`uncounted_history` looks at the events only when one is dated before the period (the
    earliest, in one pass): the notes are those of every event looked at one by one."""
    from assess.model.history import MOST_NOTES, counted_since, record_notes, uncounted_history

    record = next(synthetic.generate(1, seed=data.draw(st.integers(0, 10**6))))
    shifts = data.draw(st.lists(st.sampled_from([0, 0, 200, 400, 1200]), min_size=len(record["events"]),
                                max_size=len(record["events"])))
    for event, back in zip(record["events"], shifts):
        event["date"] = date.fromordinal(date.fromisoformat(event["date"]).toordinal() - back).isoformat()
    loaded = evidence_from_data(record, "r")
    standard = STANDARD.standard
    resolved = assess(STANDARD, loaded, PY)[1]
    before = [e for e in loaded.record.events if e.date < loaded.record.period.start]
    counted = {k for d in standard.derived.values() if d.count_events for k in d.count_events.kind}
    expected = [e for e in before if e.kind in counted and e.date < counted_since(standard, loaded.record, e.kind)]
    notes = uncounted_history(loaded, standard)
    assert len(notes) == (len(expected) if len(expected) <= MOST_NOTES else MOST_NOTES + 1)
    assert resolved.events == tuple((e.kind, e.date, e.count) for e in loaded.record.events)
    assert len(record_notes(loaded, standard)) >= len(notes)


def test_judgements_are_read_under_the_standard_then_the_ones_it_extends():
    from assess.model.references import unread_judgements
    from assess.present.scorecard import inputs_for

    loaded = evidence_from_data(next(synthetic.generate(1)), "r")
    own = {"item_a": "own"}
    for held, also, expected in [({"s": own}, (), own), ({"p": {"x": 1}, "s": own}, ("p",), own),
                                 ({"p": {"x": 1}}, ("q", "p"), {"x": 1}), ({"q": {}}, ("p",), {}), ({}, (), {})]:
        record = loaded.record.model_copy(update={"judgements": held})
        inputs = inputs_for(replace(loaded, record=record), "s", {}, also)
        assert inputs.judgements == expected
    assert unread_judgements(loaded.record, loaded.document, STANDARD.standard, ()) == []


_RATIO_PARTS = st.one_of(st.integers(-10**20, 10**20), st.booleans(), st.floats(-1e6, 1e6, allow_nan=False),
                         st.fractions(min_value=-100, max_value=100),
                         st.fractions(min_value=-100, max_value=100).map(lambda f: Fraction(f.numerator, f.denominator)))


@settings(max_examples=300, **SLOW)
@given(_RATIO_PARTS, _RATIO_PARTS)
def test_a_ratio_of_counts_is_the_ratio_of_their_fractions(num, den):
    standard = STANDARD.standard
    name = next(n for n, d in standard.derived.items() if d.ratio is not None)
    ratio = standard.derived[name].ratio
    got = derive._derive(standard, name, {ratio.numerator: num, ratio.denominator: den}, [], {}, None, ())
    if den == 0:
        assert got is None or got == Fraction(ratio.on_zero)
        return
    expected = Fraction(num) / Fraction(den)
    assert (type(got), got.numerator, got.denominator) == (type(expected), expected.numerator, expected.denominator)
