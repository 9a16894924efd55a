"""Full-card shortcuts give exactly what the general path gives.

- `incremental._changed` on dicts of the same names in the same order (picked out in C) equals
  the comparison written out over every name, whatever the values' types (1, 1.0, True, 1/1).
- `search._rescored`, kept by what the item reads in the changed evidence, equals the item
  scored alone each time (`_scored_alone`), over synthetic records, fixtures and random standards.
- `gaps.item_fix`, read without applying the changes, equals `fix_item` on a scenario.
"""
from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import scorecard
from assess.scoring import gaps as G
from assess.scoring import search as S
from assess.scoring.changes import Scenario
from assess.scoring.compiler import PythonDecider
from assess.scoring.incremental import _ABSENT, _changed
from assess.scoring.plan import plan_next_grade
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _changed_written_out(before, after) -> set[str]:
    out = {k for k, v in after.items()
           if (old := before.get(k, _ABSENT)) is not v and (old is _ABSENT or type(old) is not type(v) or old != v)}
    return out | (before.keys() - after.keys())


_SHARED = [1, 1.0, True, Fraction(1), "1", None, [1], Fraction(1, 3)]
_VALUE = st.one_of(st.sampled_from(_SHARED), st.integers(-3, 3), st.booleans(), st.none(), st.floats(-2, 2),
                   st.fractions(max_denominator=4, min_value=-2, max_value=2), st.text(max_size=2),
                   st.lists(st.integers(0, 2), max_size=2))


@settings(max_examples=400, deadline=None)
@given(before=st.dictionaries(st.sampled_from("abcdefgh"), _VALUE, max_size=8), data=st.data())
def test_changed_equals_it_written_out(before, data):
    after = dict(before)
    for name in data.draw(st.lists(st.sampled_from("abcdefghij"), max_size=4)):
        how = data.draw(st.integers(0, 3))
        if how == 0:
            after[name] = data.draw(_VALUE)
        elif how == 1 and name in after:
            after[name] = after[name]  # the same object
        elif how == 2 and name in after:
            del after[name]
        elif how == 3 and name in after:  # an equal value, another object
            value = after[name]
            after[name] = list(value) if isinstance(value, list) else value
    if data.draw(st.booleans()):  # the same names in another order
        keys = list(after)
        random.Random(data.draw(st.integers(0, 99))).shuffle(keys)
        after = {k: after[k] for k in keys}
    assert _changed(before, after) == _changed_written_out(before, after)
    assert _changed(after, before) == _changed_written_out(after, before)


@contextlib.contextmanager
def _rescored_checked():
    """Every level's outcome worked out (none found kept), and every item kept by what it reads
    compared with it scored alone."""
    saved = S._rescored
    calls = [0]

    def checked(ctx, r, trial):
        got = saved(ctx, r, trial)
        want = S._scored_alone(ctx, r, trial, trial.values(ctx.ev.standard, ctx.base))
        assert (got, tuple(map(type, got))) == (want, tuple(map(type, want)))
        calls[0] += 1
        S._OUTCOMES.clear()
        return got

    S._rescored = checked
    S._OUTCOMES.clear()
    try:
        yield calls
    finally:
        S._rescored = saved


def _item_fixes_checked(ev, inputs) -> None:
    for r in [*ev.items(), *ev.deductions]:
        sc = Scenario.of(inputs)
        want = sc.changes if G.fix_item(ev.compiled, r, sc, inputs) else None
        assert G.item_fix(ev.compiled, r, inputs) == want


def _planned(cases) -> int:
    with _rescored_checked() as calls:
        for loaded, standard in cases:
            ev, inputs = scorecard.assess(standard, loaded, PY)
            _item_fixes_checked(ev, inputs)
            plan_next_grade(ev, inputs)
    return calls[0]


def test_kept_rescoring_and_item_fixes_over_synthetic_records():
    rng = random.Random(20261201)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    # The same records twice: the second time every item is found kept.
    cases = [(evidence_from_data(synthetic.record(i, rng)), standard) for i in range(60)]
    assert _planned(cases + cases) > 100


def test_kept_rescoring_and_item_fixes_on_every_fixture():
    for path in FIXTURES:
        loaded = load_evidence(str(path))
        _planned([(loaded, catalog.resolve_standard(app.standard)) for app in loaded.record.applications])


@settings(max_examples=30, **SLOW)
@given(data=st.data())
def test_kept_rescoring_and_item_fixes_on_random_standards(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    cases = [(evidence_from_data(data.draw(records(std))), standard) for _ in range(data.draw(st.integers(1, 3)))]
    _planned(cases + cases)
