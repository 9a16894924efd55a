"""The column-at-a-time paths of `engine.evaluate_many` give exactly what the record-by-record
paths give: `CachingDurableDecider.decide_many` (each group's cases taken for a whole chunk) the
answers, in order, and the counters of `decide` record after record, whatever the values' kinds
and however often the cache starts again; `Bands.score` (what the answers decide kept per
distinct set of answers) the outcomes of the rule worked out every time; `items._result` the
clamp `max(Fraction(0), min(points, Fraction(awarded)))`."""
from __future__ import annotations

import fractions
import itertools
from datetime import date
from dataclasses import replace
from types import MappingProxyType

import pytest

from assess.core.conditions.nodes import ConditionTypeError
from assess.core.exact import Fraction
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present.scorecard import assess
from assess.rules.base import BELOW_BANDS, ItemContext, Outcome, Reason, missing_outcome, names_in
from assess.rules.bands import Bands
from assess.scoring import derive, engine, items
from assess.scoring.compiler import compile_standard
from assess.scoring.decision_cache import CachingDurableDecider
from assess.standards import catalog
from test_fast_evaluate import FIXTURES, synthetic
from test_fast_evaluate import _values as _general_values
from test_properties import PY

STANDARD = catalog.resolve_standard(synthetic.STANDARD)
COMPILED = compile_standard(STANDARD.standard)


def _values(n: int) -> list[dict]:
    out = []
    for i, data in enumerate(synthetic.generate(n)):
        _, inputs = assess(STANDARD, evidence_from_data(data, f"r{i}"), PY)
        out.append(engine.compute_values(COMPILED.standard, inputs))
    return out


def _typed(answers: dict) -> list:
    return [(k, type(v), v) for k, v in answers.items()]


def _same_as_one_by_one(chunks: list[list], max_entries: int = 200_000) -> tuple[CachingDurableDecider, ...]:
    """Each chunk decided at once by one decider and record by record by another: the same
    answers (each record its own dict) and counters after every chunk."""
    one, many = CachingDurableDecider(max_entries=max_entries), CachingDurableDecider(max_entries=max_entries)
    for chunk in chunks:
        _same_cases(one, chunk)
        expected = [one.decide(COMPILED, v) for v in chunk]
        got = many.decide_many(COMPILED, chunk)
        assert [_typed(a) for a in got] == [_typed(a) for a in expected]
        for a, v in zip(got, chunk):
            try:
                assert _typed(a) == _typed(PY.decide(COMPILED, v))
            except ConditionTypeError:  # (the Python decider refuses it; durable_rules answers as it can)
                pass
        assert len({id(a) for a in got}) == len(got)
        assert many.stats() == one.stats()
    return one, many


def _deep(case):
    """A case with the type of everything in it (True and 1 apart, 1 and Fraction(1) apart)."""
    return tuple(map(_deep, case)) if type(case) is tuple else (type(case), case)


def _same_cases(decider: CachingDurableDecider, chunk: list) -> None:
    """`_Plan.columns` gives each record the cases `_Plan.keys` gives it (when it takes them so)."""
    plan = decider._plan(COMPILED)[0]
    try:  # (first: the values it has not placed before are placed by it)
        columns = plan.columns(chunk)
    except TypeError:
        with pytest.raises(TypeError):
            [plan.keys(v) for v in chunk]
        return
    expected = [_deep(tuple(plan.keys(v))) for v in chunk]
    if columns is not None:
        assert [_deep(row) for row in zip(*columns)] == expected


def test_chunks_of_the_synthetic_population_decide_as_one_by_one():
    values = _values(200)
    chunks = [values[i:i + 64] for i in range(0, len(values), 64)]
    _, many = _same_as_one_by_one(chunks + chunks)
    assert 0 < many.asserted < many.records and many.cached > 0


@pytest.mark.parametrize("max_entries", [60, 200, 1000])
def test_a_cache_starting_again_within_a_chunk_decides_as_one_by_one(max_entries):
    """Records new in some group clear the cache in the middle of a chunk: the records after
    them are looked up again, as record by record."""
    values = _values(96)
    _same_as_one_by_one([values[:32], values[32:], values[:50], values[10:96]], max_entries)


def _changed(values: list[dict]) -> list[list[dict]]:
    """Chunks whose columns hold other kinds of value: ints, floats and Fractions (ours and the
    stdlib's) of equal value, booleans among counts, None, a missing name, another mapping."""
    first = values[0]
    ints = [name for name, v in first.items() if type(v) is int]
    rates = [name for name, v in first.items() if type(v) is Fraction]
    flags = [name for name, v in first.items() if type(v) is bool]
    out = []
    same = (1, True, 1.0, Fraction(1), fractions.Fraction(1), None, 0, False, 0.0, Fraction(0), 10, 10.0, Fraction(10))
    for name in ints[:6] + rates + flags[:6]:  # equal values of other kinds in one column
        out.append([{**v, name: same[i % len(same)]} for i, v in enumerate(values)])
    for name in ints[:6] + rates:
        out.append([{**v, name: kind(v[name])} if v[name] is not None else v
                    for v, kind in zip(values, itertools.cycle((int, float, Fraction, fractions.Fraction)))])
        out.append([{**v, name: None} if i % 3 == 0 else v for i, v in enumerate(values)])
        out.append([{**v, name: True} if i % 4 == 1 else v for i, v in enumerate(values)])
    for name in flags[:6]:
        out.append([{**v, name: 1} if i % 5 == 2 else v for i, v in enumerate(values)])
        out.append([{**v, name: 0.0} if i % 5 == 3 else v for i, v in enumerate(values)])
    near = [Fraction(9, 10), Fraction(899, 1000), Fraction(901, 1000), 0.9, 0.95, 0.98, 1, 0, Fraction(98, 100)]
    out.append([{**v, "membership_rate": near[i % len(near)]} for i, v in enumerate(values)])
    out.append([{k: x for k, x in v.items() if k != flags[0]} if i == 3 else v for i, v in enumerate(values)])
    out.append([MappingProxyType(v) if i == 2 else v for i, v in enumerate(values)])
    return out


def test_values_of_every_kind_decide_as_one_by_one():
    values = _values(24)
    _same_as_one_by_one(_changed(values))


def test_a_value_of_no_known_kind_decides_as_one_by_one():
    values = _values(8)
    name = next(name for name, v in values[0].items() if type(v) is int)
    odd = [{**v, name: "7"} if i == 4 else v for i, v in enumerate(values)]
    _same_as_one_by_one([values, odd, values])


def test_evaluate_many_uses_the_decider_for_many_with_the_same_evaluations():
    compiled, inputs = COMPILED, []
    for i, data in enumerate(synthetic.generate(70)):
        inputs.append(assess(STANDARD, evidence_from_data(data, f"r{i}"), PY)[1])
    one, many = CachingDurableDecider(), CachingDurableDecider()
    expected = [engine.evaluate(compiled, x, one) for x in inputs]
    got = [ev for i in range(0, 70, 32) for ev in engine.evaluate_many(compiled, inputs[i:i + 32], many)]
    assert got == expected and many.stats() == one.stats()
    assert [ev.decisions for ev in got] == [ev.decisions for ev in engine.evaluate_many(compiled, inputs, PY)]


# ---- values ---------------------------------------------------------------------------------


def _inputs(n: int) -> list:
    return [assess(STANDARD, evidence_from_data(data, f"r{i}"), PY)[1] for i, data in enumerate(synthetic.generate(n))]


def _same_values_many(standard, inputs: list) -> None:
    got = engine.compute_values_many(standard, inputs)
    expected = [engine.compute_values(standard, one) for one in inputs]
    assert [[(k, type(v), v) for k, v in one.items()] for one in got] == \
        [[(k, type(v), v) for k, v in one.items()] for one in expected]
    assert [[(k, type(v), v) for k, v in one.items()] for one in got] == \
        [[(k, type(v), v) for k, v in _general_values(standard, one).items()] for one in inputs]
    assert len({id(v) for v in got}) == len(got) and not any(v is one.facts for v, one in zip(got, inputs))


def test_values_of_a_chunk_are_each_records_values():
    assert derive._shape(COMPILED.standard) is not None  # (八好's derived values are taken a column at a time)
    _same_values_many(COMPILED.standard, _inputs(150))


def test_ratios_of_every_kind_of_part_and_counts_of_every_kind_of_event_are_each_records():
    inputs = _inputs(30)
    parts = (0, 3, 7, None, 2.5, 0.0, Fraction(7, 2), fractions.Fraction(1, 3), True, -4)
    chunk = []
    for i, one in enumerate(inputs):
        facts = {**one.facts, "members": parts[i % len(parts)], "employees": parts[(i * 3 + 1) % len(parts)],
                 "workers_in_hardship": parts[(i + 5) % len(parts)]}
        events = one.events
        if i % 4 == 1:  # counts other than one, and days outside the period
            events = tuple((kind, day.replace(year=day.year - (j % 2)), 1 + j % 3) for j, (kind, day, _) in enumerate(events))
        chunk.append(replace(one, facts=facts, events=events))
    _same_values_many(COMPILED.standard, chunk)
    _same_values_many(COMPILED.standard, [replace(one, facts={"members": 3, "employees": 4}) for one in inputs[:5]])


def test_plain_counts_of_kinds_one_count_or_several_count_are_the_sums():
    """Each count's sum of its kinds' events within its window, events in order, whether a kind
    is counted by one count (looked up alone) or by several."""
    counters = {"meeting": ("meetings", "all"), "visit": ("all",), "talk": ("talks",), "other": ("gone",)}
    starts = {"meetings": date(2025, 1, 1), "all": date(2025, 6, 1), "talks": date(2024, 1, 1)}
    end = date(2025, 12, 31)
    days = [date(2024, 5, 1), date(2025, 1, 1), date(2025, 5, 31), date(2025, 6, 1), date(2025, 12, 31), date(2026, 1, 1)]
    for seed in range(30):
        events = [(kind, days[(seed * 7 + j * 3) % len(days)], 1 + (seed + j) % 3)
                  for j, kind in enumerate(list(counters) * (1 + seed % 4) + ["unknown"])]
        expected = {name: sum(c for kind, day, c in events if name in counters.get(kind, ()) and starts[name] <= day <= end)
                    for name in ("meetings", "all", "talks")}
        got = derive._plain_counts(events, starts, end, counters)
        assert got == expected and list(got) == ["meetings", "all", "talks"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixtures_values_together_are_each_records(path):
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PY)
        _same_values_many(ev.standard, [inputs, replace(inputs, facts={}), inputs])


# ---- bands ----------------------------------------------------------------------------------


def _general_bands(rule: Bands, points, ctx: ItemContext) -> Outcome:
    """`Bands.score` worked out afresh every time (the rule as it was before its answers were kept)."""
    value = ctx.values.get(rule.value)
    if value is None:
        return missing_outcome(rule.inputs())
    bands, answers = rule.bands, ctx.answers
    said = [answers[f"band:{i}"] for i in range(len(bands))]
    best = None
    for i, a in enumerate(said):
        if a and (best is None or (bands[i].min, bands[i].points) > (bands[best].min, bands[best].points)):
            best = i
    floor = bands[best].points if best is not None else rule.otherwise
    for i, a in enumerate(said):
        if a is None and bands[i].points > floor:
            return missing_outcome(names_in(b.when for b in bands if b.when))
    if best is not None:
        band = rule.bands[best]
        params = {"name": rule.value, "value": value, "min": band.min, "points": band.points}
        if band.when:
            return Outcome(band.points, Reason("reason.band_when", dict(params, condition=band.when)), band=best)
        return Outcome(band.points, Reason("reason.band", params), band=best)
    lowest = min(b.min for b in rule.bands)
    params = {"name": rule.value, "value": value, "min": lowest, "points": rule.otherwise}
    return Outcome(rule.otherwise, Reason("reason.below_bands", params), band=BELOW_BANDS)


def _rules() -> list[Bands]:
    mine = [it.rule for _, it in STANDARD.standard.item_locations() if isinstance(it.rule, Bands)]
    made = [Bands.model_validate(r) for r in (
        {"kind": "bands", "value": "rate", "bands": [{"min": "95%", "points": 4}]},
        {"kind": "bands", "value": "rate", "otherwise": 1,
         "bands": [{"min": "95%", "points": 6, "when": "has_committee"}, {"min": "95%", "points": 4},
                   {"min": "90%", "points": 4}, {"min": "80%", "points": 2, "when": "has_room and has_sign"}]},
        {"kind": "bands", "value": "rate", "bands": [{"min": "90%", "points": 2}, {"min": "98%", "points": 6},
                                                     {"min": "95%", "points": 6}]},
    )]
    assert mine
    return mine + made


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: f"{r.value}-{len(r.bands)}")
def test_bands_score_every_set_of_answers_as_worked_out_afresh(rule):
    points = Fraction(6)
    for said in itertools.product((True, False, None, 1, 0), repeat=len(rule.bands)):
        answers = {f"band:{i}": a for i, a in enumerate(said)}
        for value in (None, Fraction(97, 100), 0.5, 3, True):
            for _ in range(2):  # (the second time from what the first kept)
                ctx = ItemContext({rule.value: value}, answers)
                got, expected = rule.score(points, ctx), _general_bands(rule, points, ctx)
                assert got == expected
                assert list(got.reason.params.items()) == list(expected.reason.params.items())
                assert type(got.awarded) is type(expected.awarded)


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: f"{r.value}-{len(r.bands)}")
def test_bands_scored_a_column_at_a_time_as_worked_out_afresh(rule):
    """`Bands.score_column` (many records' values and answers at once, as `items._KeptItems`
    scores an item whose results are not kept) gives each record `score`'s outcome: the general
    formula's, in order, each its own object."""
    points = Fraction(6)
    cases = [({rule.value: value}, said) for said in itertools.product((True, False, None), repeat=len(rule.bands))
             for value in (None, Fraction(97, 100), 0.5, 3)]
    cases += [({}, cases[0][1]), ({rule.value: Fraction(1), "other": 1}, cases[-1][1])]
    for _ in range(2):  # (the second time from what the first kept)
        got = rule.score_column(points, [v for v, _ in cases], [said for _, said in cases])
        assert len(got) == len(cases)
        for outcome, (values, said) in zip(got, cases):
            expected = _general_bands(rule, points, ItemContext(values, {f"band:{i}": a for i, a in enumerate(said)}))
            assert outcome == expected
            assert list(outcome.reason.params.items()) == list(expected.reason.params.items())
            assert type(outcome.awarded) is type(expected.awarded)
        assert len({id(o) for o in got}) == len(got)


def test_an_item_not_kept_is_scored_a_column_at_a_time_as_one_by_one(monkeypatch):
    """The bands item whose results are not kept (a member rate read exactly) is scored through
    `Bands.score_column` for a chunk: the results `score_item` gives each record."""
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])
    monkeypatch.setattr(items, "_TRIAL", 1)
    inputs = []
    for i, data in enumerate(synthetic.generate(40)):
        _, one = assess(STANDARD, evidence_from_data(data, f"r{i}"), PY)
        inputs.append(one)
    inputs += [replace(one, facts={**one.facts, "members": None}) for one in inputs[:5]]  # (rate missing)
    kept = items.kept_items(COMPILED)
    values = [engine.compute_values(COMPILED.standard, one) for one in inputs]
    decisions = [PY.decide(COMPILED, v) for v in values]
    slot = kept.slots["organisation", "membership_rate"]
    assert isinstance(slot.item.rule, Bands)
    slot.keep = False
    got = kept.column(slot, "organisation", slot.item, values, decisions, inputs, ())
    assert got == [items.score_item(COMPILED.standard, "organisation", slot.item, v, d, one)
                   for v, d, one in zip(values, decisions, inputs)]
    assert any(r.missing for r in got) and any(not r.missing for r in got)


def test_bands_answers_that_cannot_be_keys_score_as_worked_out_afresh():
    rule = _rules()[-2]
    answers = {f"band:{i}": [1] if i == 1 else None for i in range(len(rule.bands))}
    ctx = ItemContext({rule.value: Fraction(1)}, answers)
    assert rule.score(Fraction(6), ctx) == _general_bands(rule, Fraction(6), ctx)


def test_bands_outcomes_are_each_their_own():
    rule = _rules()[0]
    ctx = ItemContext({rule.value: Fraction(1)}, {f"band:{i}": True for i in range(len(rule.bands))})
    a, b = rule.score(Fraction(6), ctx), rule.score(Fraction(6), ctx)
    assert a == b and a is not b and a.reason is not b.reason and a.reason.params is not b.reason.params
    assert a.unmet is not b.unmet and a.failed_entries is not b.failed_entries


# ---- an item's result -----------------------------------------------------------------------


def test_results_are_clamped_as_the_general_formula():
    item = next(it for _, it in STANDARD.standard.item_locations())
    for awarded in (Fraction(-1), -1, 0, Fraction(0), 0.0, Fraction(1, 2), 1, item.points, int(item.points),
                    float(item.points), item.points + 1, fractions.Fraction(3, 2), 100, 2.5):
        outcome = Outcome(awarded, Reason("reason.band"))
        got = items._result(STANDARD.standard, "s", item, outcome, {})
        expected = max(Fraction(0), min(item.points, Fraction(awarded)))
        assert (type(got.awarded), got.awarded) == (type(expected), expected)
        assert got == replace(got, awarded=expected)
