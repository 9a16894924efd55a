"""`gaps.item_fix`, kept per item result object, period and the values it reads beyond the result
(`gaps._FIXES`), gives exactly what the general path works out (`satisfying_changes` on a fresh
scenario, nothing kept): the same changes, in value and type, over synthetic records (each twice,
so that the second time every kept fix is found), every fixture and random standards."""
from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import scorecard
from assess.scoring import changes as CH
from assess.scoring import gaps as G
from assess.scoring.changes import Scenario
from assess.scoring.compiler import PythonDecider
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _typed(changes):
    """Changes with the types of their values (a change to True and one to 1 are equal)."""
    if changes is None:
        return None
    return [(c, type(c.before), type(c.after), c.meets) for c in changes]


def _general(ev, r, inputs):
    """The fix worked out with nothing kept."""
    if r.item.rule.judged:
        sc = Scenario.of(inputs)
        return sc.changes if G.fix_item(ev.compiled, r, sc, inputs) else None
    node = G.full_condition(r.item)
    if node is None:
        return None
    saved = dict(CH._SHARED)
    CH._SHARED.clear()
    try:
        ok, changes = CH.satisfying_changes(ev.standard, node, Scenario.of(inputs), inputs)
    finally:
        CH._SHARED.clear()
        CH._SHARED.update(saved)
    return list(changes) if ok else None


def _checked(cases) -> int:
    """Every item's and deduction's kept fix against the general path; how many were found kept."""
    found = 0
    for loaded, standard in cases:
        ev, inputs = scorecard.assess(standard, loaded, PY)
        for r in [*ev.items(), *ev.deductions]:
            before = len(G._FIXES)
            got = G.item_fix(ev.compiled, r, inputs, ev.values)
            found += len(G._FIXES) == before and G._extra_reads(ev.compiled, r.item) is not None
            assert _typed(got) == _typed(_general(ev, r, inputs))
            # without the evaluation's values (worked out from the record), the same
            assert _typed(G.item_fix(ev.compiled, r, inputs)) == _typed(got)
    return found


def test_kept_item_fixes_over_synthetic_records():
    rng = random.Random(20261202)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [(evidence_from_data(synthetic.record(i, rng)), standard) for i in range(80)]
    G._FIXES.clear()
    assert _checked(cases + cases) > 100  # the second time round, fixes are found kept


def test_kept_item_fixes_on_every_fixture():
    for path in FIXTURES:
        loaded = load_evidence(str(path))
        cases = [(loaded, catalog.resolve_standard(app.standard)) for app in loaded.record.applications]
        _checked(cases + cases)


@settings(max_examples=30, **SLOW)
@given(data=st.data())
def test_kept_item_fixes_on_random_standards(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    cases = [(evidence_from_data(data.draw(records(std))), standard) for _ in range(data.draw(st.integers(1, 3)))]
    _checked(cases + cases)
