"""The plan's and gaps' shared work gives exactly what working everything out afresh gives.

What satisfying a condition takes and what raising an item to a level takes and gives are kept
for every record, keyed by what they read (`assess.scoring.reach`); a verified set reuses its
options' measured changes when nothing applied before reaches their conditions; a scenario's
values come from the nearest known state; a card's scenarios start from the evaluation's values;
a change's words are kept per Change object. Each is switched off here (the general path: every
answer worked out for its own record and state) and the gaps, plans and scorecards compared, over
the fixtures, synthetic 八好 records scored one after another (so later ones reuse earlier ones'
answers) and random standards and records.
"""
from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.jsonout import json_text
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import card_parts, scorecard
from assess.scoring import changes, incremental, search
from assess.scoring import plan as plan_module
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import compute_values
from assess.scoring.gaps import gaps
from assess.scoring.plan import plan_next_grade
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _changed_reference(before, after):
    """`incremental._changed` as first written: every value compared."""
    out = {k for k, v in after.items() if k not in before or type(before[k]) is not type(v) or before[k] != v}
    return out | (before.keys() - after.keys())


@contextlib.contextmanager
def _general():
    """Every shared answer switched off: each worked out for its own record and state."""
    patches = [
        (changes, "read_key", lambda *a: None),  # satisfy: the scenario's own memo only
        (scorecard, "known_values", lambda *a: None),
        (search, "_outcome_key", lambda *a: None),  # every level measured afresh
        (search, "_untouched", lambda *a: False),  # every option satisfied again when verified
        (incremental, "_changed", _changed_reference),
        (changes.Scenario, "values", lambda self, standard, base: compute_values(standard, self.inputs(base))),
        (scorecard, "change_text", lambda c, words: words.change(c)),
        (card_parts, "change_text", lambda c, words: words.change(c)),
        (plan_module, "known_values", lambda *a: None),
    ]
    saved = []
    for owner, name, value in patches:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def _outcome(ev, inputs, loaded) -> tuple[str, str, str]:
    """The gaps and the plan (their reprs tell 1 from 1/1) and the scorecard's JSON text."""
    card = scorecard.build_scorecard(ev, inputs, loaded, "zh", decider_name=PY.name)
    return repr(gaps(ev, inputs)), repr(plan_next_grade(ev, inputs)), json_text(card)


def _scored(loaded, standard):
    return scorecard.assess(standard, loaded, PY)


def _compare(cases) -> None:
    """`cases`: (loaded evidence, loaded standard). Scored in order with everything shared (twice:
    the second time every answer is found, not worked out), then each with nothing shared."""
    fast = [_outcome(*_scored(loaded, standard), loaded) for loaded, standard in cases]
    again = [_outcome(*_scored(loaded, standard), loaded) for loaded, standard in cases]
    with _general():
        general = [_outcome(*_scored(loaded, standard), loaded) for loaded, standard in cases]
    for k, (a, b, c) in enumerate(zip(fast, again, general)):
        assert a == c, f"case {k}: shared answers differ from the general path"
        assert b == c, f"case {k}: answers found again differ from the general path"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_shared_answers_equal_the_general_path_on_every_fixture(path):
    loaded = load_evidence(str(path))
    _compare([(loaded, catalog.resolve_standard(app.standard)) for app in loaded.record.applications])


def test_shared_answers_equal_the_general_path_over_synthetic_records():
    rng = random.Random(20251130)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [(evidence_from_data(synthetic.record(i, rng)), standard) for i in range(60)]
    _compare(cases)


@settings(max_examples=40, **SLOW)
@given(data=st.data())
def test_shared_answers_equal_the_general_path_on_random_standards(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    cases = [(evidence_from_data(data.draw(records(std))), standard) for _ in range(data.draw(st.integers(1, 4)))]
    _compare(cases)
