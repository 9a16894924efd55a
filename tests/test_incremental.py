"""The plan's fast paths give exactly what the full computation gives: a changed record re-scored
incrementally (`assess.scoring.incremental`) equals it scored from scratch, the values of a
what-if state derived from the state before it equal them derived anew, and the grade score
with items moved (`assess.scoring.regrade`) equals `engine.regraded`, on random standards and
records and on every fixture."""
from __future__ import annotations

import dataclasses
import random
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data, load_evidence
from assess.present.scorecard import assess
from assess.scoring import search as S
from assess.scoring.changes import Scenario
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import compute_values, evaluate, section_result, totals
from assess.scoring.gaps import gaps
from assess.scoring.plan import plan_next_grade
from assess.scoring.incremental import reevaluate
from assess.scoring.regrade import Regrader, unfloored_grade_score
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _scenarios(ev, inputs, rng: random.Random, count: int = 6):
    """Changed inputs as a plan makes them: random sets of the plan's options applied, and now
    and then a fact made missing."""
    sc0 = Scenario.of(inputs)
    ctx = S.context(ev, inputs, sc0, ev.standard.grades[0].id)
    options = S.item_options(ctx, set()) + S.deduction_options(ctx)
    facts = sorted(ev.standard.fields)
    for _ in range(count):
        sc = sc0.copy()
        for option in rng.sample(options, rng.randint(0, len(options))) if options else []:
            S._apply(ctx, option.node, option.result, sc)
        # The values of a state worked out from the state before it equal them worked out anew.
        assert sc.values(ev.standard, inputs) == compute_values(ev.standard, sc.inputs(inputs))
        if facts and rng.random() < 0.3:
            sc.facts = {**sc.facts, rng.choice(facts): None}  # replaced, as Scenario.apply does (copy on write)
        yield sc.inputs(inputs)


def _same(ev, inputs, rng: random.Random) -> None:
    for changed in _scenarios(ev, inputs, rng):
        assert reevaluate(ev, inputs, changed) == evaluate(ev.compiled, changed, PY)


def _moved(ev, rng: random.Random) -> dict:
    results = [r for r in ev.items() + ev.deductions]
    chosen = rng.sample(results, rng.randint(0, len(results))) if results else []
    return {r.item.id: F(rng.randint(0, 4 * int(r.item.points) + 4), 4) * F(r.item.points) / (int(r.item.points) + 1)
            for r in chosen}


def regraded(ev, awarded: dict) -> F:
    """The reference: the grade score with some items at other points, every section summed
    again through the engine's own section and total rules."""
    standard = ev.standard

    def moved(items):
        return [dataclasses.replace(r, awarded=awarded[r.item.id]) if r.item.id in awarded and not r.exempt else r
                for r in items]

    sections = [section_result(standard, s_def, moved(s.items)) for s_def, s in zip(standard.sections, ev.sections)]
    _, _, score, bonus, _ = totals(standard, sections, moved(ev.bonus_items), moved(ev.deductions))
    return score + (bonus if standard.bonus is not None and standard.bonus.counts_toward_grade else 0)


def _regrades(ev, rng: random.Random) -> None:
    fast, loose = Regrader(ev), Regrader(ev, floor=False)
    assert loose.grade_score({}) == unfloored_grade_score(ev) <= ev.grade_score
    assert loose.approx_current == float(unfloored_grade_score(ev))
    for _ in range(8):
        awarded = _moved(ev, rng)
        exact = regraded(ev, awarded)
        assert fast.grade_score(awarded) == exact
        # before the floor at 0: never more; without a bonus, the grade score is it floored
        assert loose.grade_score(awarded) <= exact
        if ev.standard.bonus is None:
            assert exact == max(F(0), loose.grade_score(awarded))
        assert abs(fast.approx({k: float(v) for k, v in awarded.items()}) - float(exact)) < 1e-9 * max(1, abs(exact))


@settings(max_examples=150, **SLOW)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_incremental_rescoring_equals_scoring_from_scratch(data, seed):
    std = data.draw(standards())
    ev, inputs = assess(standard_from_data(std), evidence_from_data(data.draw(records(std))), PY)
    rng = random.Random(seed)
    _same(ev, inputs, rng)
    _regrades(ev, rng)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_incremental_rescoring_on_every_fixture(path):
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PY)
        rng = random.Random(path.stem)
        _same(ev, inputs, rng)
        _regrades(ev, rng)


def test_a_scenarios_inputs_keep_every_field_of_the_base():
    """Scenario.inputs builds Inputs field by field: a field added to Inputs must be carried."""
    loaded = load_evidence(str(FIXTURES[0]))
    ev, inputs = assess(catalog.resolve_standard(loaded.record.applications[0].standard), loaded, PY)
    base = dataclasses.replace(inputs, prior_honours=(("honour", "store"),), waived={"x": "w1"})
    expected = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    assert {f.name: getattr(Scenario.of(base).inputs(base), f.name) for f in dataclasses.fields(base)} == expected


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_gaps_and_plans_leave_the_record_s_inputs_as_they_were(path):
    """Scenarios share the record's facts and judgements until a change replaces them (copy on
    write): working out gaps and a plan never changes what the record holds."""
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PY)
        facts, judgements, events = dict(inputs.facts), dict(inputs.judgements), inputs.events
        gaps(ev, inputs)
        plan_next_grade(ev, inputs)
        assert (dict(inputs.facts), dict(inputs.judgements), inputs.events) == (facts, judgements, events)
