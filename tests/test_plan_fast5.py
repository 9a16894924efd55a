"""The plan's options, measured with their shared outcomes, equal them measured afresh; the branch
and bound's running sums equal `approx_gain`; a one-item gain equals the grade score's.

An item's levels share one read of the record (`search._item_read`), outcomes are kept with the
most recently asked last (`reach.make_room`), a level's gain is worked out by `Regrader.gain_one`,
and the search carries each set's sums down the branch (`branch._moved`). Each is compared here
with the general path: every option's fields (exact values and their types, floats bit for bit),
over the fixtures, synthetic 八好 records one after another (later ones find earlier ones' outcomes
kept) and random standards and records. tests/test_plan_fast.py compares the whole search (its
nodes, candidates and verified sets) with the search as first written.
"""
from __future__ import annotations

import contextlib
import itertools
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import scorecard
from assess.scoring import branch, reach, search as S
from assess.scoring.changes import Scenario, known_values
from assess.scoring.compiler import PythonDecider
from assess.scoring.plan import next_grade
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _fields(o: S.Option) -> tuple:
    # a deduction's condition is made afresh each time: compared by value
    return (o.group, o.ref, o.kind, o.node, o.changes, o.cost, type(o.cost), o.gain, type(o.gain), o.order,
            o.delta, type(o.delta), o.result, repr(o.approx), repr(o.moves))


@contextlib.contextmanager
def _afresh():
    """Every level measured for its own record (no outcome kept) and every gain by `grade_score`."""
    saved = S._outcome_key, S.Regrader.gain_one
    S._outcome_key = lambda *a: None
    S.Regrader.gain_one = lambda self, item_id, points, start: self.grade_score({item_id: points}) - start
    try:
        yield
    finally:
        S._outcome_key, S.Regrader.gain_one = saved


def _contexts(ev, inputs):
    """The plan's search contexts of an evaluation (on both scales), as `plan._cheapest` makes them."""
    known_values(ev.standard, inputs, ev.values)
    target = next_grade(ev)
    if target is None:
        return []
    sc = Scenario.of(inputs)
    return [S.context(ev, inputs, sc, target.id, floor) for floor in (False, True)]


def _compared(cases) -> int:
    """`cases`: (loaded evidence, loaded standard), in order; the options of each equal them
    measured afresh, and every set of up to three of them sums as `approx_gain` does."""
    measured = 0
    for loaded, standard in cases:
        ev, inputs = scorecard.assess(standard, loaded, PY)
        for ctx in _contexts(ev, inputs):
            got = S.item_options(ctx, set()) + S.deduction_options(ctx)
            with _afresh():
                want = S.item_options(ctx, set()) + S.deduction_options(ctx)
            assert [_fields(o) for o in got] == [_fields(o) for o in want]
            measured += len(got)
            _sums_checked(ctx, got)
    return measured


def _sums_checked(ctx, options) -> None:
    """Each set of up to three options (in every order) added up move by move as the search does
    gives bit for bit what `approx_gain` gives, or takes its general path where it does."""
    regrader = ctx.regrader
    parts = regrader.approx_sections()
    for size in (1, 2, 3):
        for chosen in itertools.islice(itertools.permutations(options, size), 200):
            held = ((), {}, 0, 0, parts[0])
            for o in chosen:
                held = branch._moved(held, o.moves, parts)
            moves = [o.moves for o in chosen]
            unique = None not in moves and len({m[0] for m in moves}) == len(moves)
            assert (held is not None) == unique
            if held is not None:
                got = regrader.approx_finish(held[4], held[2], held[3])
                assert repr(got) == repr(regrader.approx_gain(moves))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_options_equal_them_measured_afresh_on_every_fixture(path):
    loaded = load_evidence(str(path))
    _compared([(loaded, catalog.resolve_standard(app.standard)) for app in loaded.record.applications])


def test_options_equal_them_measured_afresh_over_synthetic_records():
    rng = random.Random(20261205)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [(evidence_from_data(synthetic.record(i, rng)), standard) for i in range(60)]
    # The same records twice: the second time every keyed outcome is found kept.
    assert _compared(cases + cases) > 200


@settings(max_examples=40, **SLOW)
@given(data=st.data())
def test_options_equal_them_measured_afresh_on_random_standards(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    _compared([(evidence_from_data(data.draw(records(std))), standard) for _ in range(data.draw(st.integers(1, 3)))])


_POINTS = st.fractions(min_value=-20, max_value=40, max_denominator=12)


@settings(max_examples=60, **SLOW)
@given(data=st.data())
def test_a_one_item_gain_equals_the_grade_score_less_the_start(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    ev, inputs = scorecard.assess(standard, evidence_from_data(data.draw(records(std))), PY)
    for ctx in _contexts(ev, inputs):
        ids = [r.item.id for r in [*ev.items(), *ev.bonus_items, *ev.deductions]]
        for item_id in ids[:6]:
            points = data.draw(_POINTS)
            start = data.draw(st.sampled_from([ctx.start, ctx.start + Fraction(1, 7), Fraction(0)]))
            got = ctx.regrader.gain_one(item_id, points, start)
            want = ctx.regrader.grade_score({item_id: points}) - start
            assert (got, type(got)) == (want, type(want))


def test_make_room_keeps_the_newer_half_under_the_limit(monkeypatch):
    monkeypatch.setattr(reach, "KEY_LIMIT", 10)
    cache: dict = {}
    for k in range(25):
        reach.make_room(cache)
        cache[k] = k
        assert len(cache) <= 10
    assert list(cache) == list(range(cache[next(iter(cache))], 25))  # the latest added, in order
