"""`engine.evaluate_many`'s totals and grades' keys kept per case (`assembled`) give exactly what
`evaluate` gives record by record: the same totals (values and types), the same grades and
checks, whatever the limits of what is kept, with waivers, with answers that are not booleans, and
for random standards (prerequisites among them)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data
from assess.present.scorecard import assess
from assess.scoring import assembled, engine, grades, items
from assess.standards.catalog import standard_from_data
from test_evaluate_many import _chunks, _inputs
from test_fast_evaluate import Checker, _typed
from test_properties import PY, SLOW, records, standards


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """Each test starts with no item results, totals or grades' keys kept."""
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])
    assembled._kept.cache_clear()
    yield
    assembled._kept.cache_clear()  # nothing kept under a patched limit stays


def _same(fast, plain, inputs) -> None:
    """`fast` is `plain` (`evaluate`'s), the totals with their types, the grades as made afresh."""
    assert fast == plain
    totals = ("raw_score", "possible", "score", "bonus", "taken_off")
    assert [_typed(getattr(fast, t)) for t in totals] == [_typed(getattr(plain, t)) for t in totals]
    assert [_typed(x) for x in engine.totals(fast.standard, fast.sections, fast.bonus_items, fast.deductions)] == \
        [_typed(getattr(fast, t)) for t in totals]
    mandatory = grades.mandatory_items(fast)
    kept = grades._kept(fast.standard)
    fresh = [grades._check_grade(fast, g, inputs, mandatory, kept.blocking[g.id], fast.grade_score)
             for g in fast.standard.grades]
    assert fast.grades == fresh and fast.grade == next((g.grade for g in fresh if g.ok), None)
    for a, b in zip(fast.grades, fresh):  # each check's details with their types
        assert [_typed(list(vars(c.detail).values())) for c in a.checks] == \
            [_typed(list(vars(c.detail).values())) for c in b.checks]


@pytest.mark.parametrize("limit", [4096, 2, 1])
def test_chunks_keep_totals_and_grades_keys_as_record_by_record(monkeypatch, limit):
    monkeypatch.setattr(assembled._Kept, "LIMIT", limit)
    compiled, inputs = _inputs(260, every=5)  # every 5th record with waivers
    plain = [engine.evaluate(compiled, one, PY) for one in inputs]
    checker = Checker()
    for rounds in range(2):  # the second time, every case is kept (but for the limits)
        together = [ev for chunk in _chunks(inputs, 64) for ev in engine.evaluate_many(compiled, chunk, PY)]
        for one, fast, slow in zip(inputs, together, plain):
            _same(fast, slow, one)
            checker.check(compiled, one, fast)
    kept = assembled._kept(compiled.standard)
    assert 0 < len(kept.sums) <= limit and 0 < len(kept.cases) <= limit and 0 < len(kept.graded) <= limit
    for (raw, possible, _), sums in kept.sums.items():  # what is kept is what it stands for
        assert (raw, possible) == sums[:2]


def test_each_grades_key_kept_is_the_one_made_afresh():
    compiled, inputs = _inputs(200, every=7)
    evaluations = [ev for chunk in _chunks(inputs, 64) for ev in engine.evaluate_many(compiled, chunk, PY)]
    kept = assembled._kept(compiled.standard)
    made = {}
    for one, ev in zip(inputs, evaluations):
        if one.waived:
            continue
        mandatory = grades.mandatory_items(ev)
        states = kept.states_of(ev.decisions)
        key = (states, *[r.status for r in mandatory_places(ev)])
        made.setdefault(key, grades.case_of(ev, mandatory))
        assert made[key] == grades.case_of(ev, mandatory)
        if key in kept.cases:
            assert kept.cases[key] == made[key]
    assert kept.cases and set(kept.cases) <= set(made)


def mandatory_places(ev):
    """The result of each mandatory item, exempt or not, in the standard's order."""
    return [r for s in ev.sections for r in s.items if r.item.mandatory] + \
        [r for r in ev.bonus_items if r.item.mandatory]


class _Counting:
    """PY's answers with the vetoes' True and False as 1 and 0: equal, but of another type."""

    name = "counting"

    def decide(self, compiled, values):
        answers = PY.decide(compiled, values)
        return {cid: int(a) if cid.startswith("veto:") and a is not None else a for cid, a in answers.items()}


def test_answers_other_than_booleans_are_not_taken_for_booleans():
    compiled, inputs = _inputs(130, every=1000)
    counting = _Counting()
    assert any(cid.startswith("veto:") for cid in compiled.conditions)
    # booleans first: a case kept for True must not serve a record answered 1
    for decider in (PY, counting, PY, counting):
        for chunk in _chunks(inputs, 64):
            for one, fast in zip(chunk, engine.evaluate_many(compiled, chunk, decider)):
                _same(fast, engine.evaluate(compiled, one, decider), one)
                assert {type(v.state) for v in fast.vetoes} <= ({int} if decider is counting else {bool, type(None)})


@settings(max_examples=30, **SLOW)
@given(data=st.data())
def test_random_standards_keep_totals_and_grades_keys_as_record_by_record(data):
    std = data.draw(standards())
    loaded_standard = standard_from_data(std)
    first = loaded_standard.standard.item_locations()[0][1].id
    chunk = []
    for _ in range(data.draw(st.integers(2, 8))):
        waived = data.draw(st.sampled_from([None, None, {first: "W1"}]))
        ev, inputs = assess(loaded_standard, evidence_from_data(data.draw(records(std))), PY, waived=waived)
        chunk.append(inputs)
    for _ in range(2):
        for one, fast in zip(chunk, engine.evaluate_many(ev.compiled, chunk, PY)):
            _same(fast, engine.evaluate(ev.compiled, one, PY), one)
