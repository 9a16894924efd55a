"""`engine.evaluate_many` (a batch chunk's records evaluated together, each item looked up for all
of them at once) gives exactly what `evaluate` gives record by record, and what the general paths
give (test_fast_evaluate's Checker); it keeps the same counts of each item's lookups; and a batch
worker scoring a chunk together still loses only the record that fails. So do its shortcuts: the
section results kept per case (whatever their limits), the items not kept scored a column at a
time, the grades kept whole, and the decision cache taking the plain fields at once."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclasses import replace
from types import MappingProxyType

from assess.model.evidence import evidence_from_data
from assess.present.scorecard import assess
from assess.scoring import engine, grades, items
from assess.scoring.compiler import DurableDecider
from assess.scoring.decision_cache import CachingDurableDecider
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from assess.workflows.batch import worker as W
from assess.workflows.batch.sources import Source
from test_fast_evaluate import Checker, synthetic
from test_fast_values import Model, _check_decisions
from test_properties import PY, SLOW, records, standards


@pytest.fixture(autouse=True)
def fresh_item_caches(monkeypatch):
    """Each test starts with no item results kept (and leaves the process's caches alone)."""
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])


def _inputs(n: int, every: int = 7):
    """(compiled, inputs) of n synthetic records; every `every`-th has waivers of some items."""
    standard = catalog.resolve_standard(synthetic.STANDARD)
    item_ids = [it.id for _, it in standard.standard.item_locations()]
    out = []
    for i, data in enumerate(synthetic.generate(n)):
        waived = {iid: f"W-{iid}" for iid in item_ids[i % 5::9]} if i % every == 0 else None
        ev, inputs = assess(standard, evidence_from_data(data, f"r{i}"), PY, waived=waived)
        out.append(inputs)
    return ev.compiled, out


def _chunks(values: list, size: int):
    return [values[i:i + size] for i in range(0, len(values), size)]


def test_chunks_of_the_synthetic_population_evaluate_as_the_general_paths():
    compiled, inputs = _inputs(300)
    checker = Checker()
    for chunk in _chunks(inputs, 64):
        for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
            checker.check(compiled, one, ev)


def _slot_counts(compiled) -> dict:
    kept = items.kept_items(compiled)
    return {key: (slot.found, slot.misses, slot.keep, len(slot.results)) for key, slot in kept.slots.items()}


@pytest.mark.parametrize("trial", [items._TRIAL, 15, 1])
def test_the_lookups_are_counted_as_record_by_record(monkeypatch, trial):
    """The same results, and the same lookups found and scored per item, whether the records
    come one at a time or a chunk at once (so an item stops being kept at the same record)."""
    monkeypatch.setattr(items, "_TRIAL", trial)
    compiled, inputs = _inputs(200)

    def afresh():  # what making the inputs kept is forgotten
        monkeypatch.setattr(items, "_KEPT", {})
        monkeypatch.setattr(items, "_KEPT_SIZE", [0])

    afresh()
    one_by_one = [engine.evaluate(compiled, one, PY) for one in inputs]
    counts = _slot_counts(compiled)
    afresh()
    together = [ev for chunk in _chunks(inputs, 64) for ev in engine.evaluate_many(compiled, chunk, PY)]
    assert together == one_by_one
    assert _slot_counts(compiled) == counts
    if trial == 15:
        assert not counts[("organisation", "membership_rate")][2]  # switched off within the first chunk
    if trial == 1:  # every item scored afresh after its first miss: the columns of items not kept
        assert sum(keep for *_, keep, _ in counts.values()) < len(counts) // 2


def test_a_full_item_cache_still_evaluates_the_same(monkeypatch):
    monkeypatch.setattr(items, "ITEM_CACHE_LIMIT", 40)
    compiled, inputs = _inputs(130)
    checker = Checker()
    for chunk in _chunks(inputs, 32):
        for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
            checker.check(compiled, one, ev)
            assert 0 <= items._KEPT_SIZE[0] <= 40


@pytest.mark.parametrize("limit, trial", [(3, 8), (1, 1), (4096, 10_000)])
def test_sections_kept_per_case_whatever_their_limits_are_the_general_paths(monkeypatch, limit, trial):
    """Section results kept by their items' ids and sums by their points, however often they
    start again, or with rows looked up by ids given up at once, or never, are what
    `section_result` gives; and the totals and grades built on them are `evaluate`'s."""
    monkeypatch.setattr(engine._SectionKept, "LIMIT", limit)
    monkeypatch.setattr(engine._SectionKept, "TRIAL", trial)
    engine._sums_kept.cache_clear()
    compiled, inputs = _inputs(150, every=5)
    checker = Checker()
    try:
        for chunk in _chunks(inputs, 32):
            together = engine.evaluate_many(compiled, chunk, PY)
            assert together == [engine.evaluate(compiled, one, PY) for one in chunk]
            for one, ev in zip(chunk, together):
                checker.check(compiled, one, ev)
                for section, result in zip(ev.sections, [engine.section_result(ev.standard, s, r.items)
                                                         for s, r in zip(ev.standard.sections, ev.sections)]):
                    assert section == result and all(a is b for a, b in zip(section.items, result.items))
    finally:
        engine._sums_kept.cache_clear()  # no kept sections made under the patched limits stay


def test_grades_kept_whole_are_fresh_lists_of_the_same_checks():
    """Without prerequisites a case's GradeResults are kept whole: each evaluation has its own
    list of them, equal to the checks made afresh."""
    compiled, inputs = _inputs(40)
    assert grades._kept(compiled.standard).whole is not None
    first = engine.evaluate_many(compiled, inputs, PY)
    again = engine.evaluate_many(compiled, inputs, PY)
    for a, b, one in zip(first, again, inputs):
        assert a.grades == b.grades and a.grades is not b.grades
        mandatory = grades.mandatory_items(a)
        fresh = [grades._check_grade(a, g, one, mandatory, grades._kept(a.standard).blocking[g.id], a.grade_score)
                 for g in a.standard.grades]
        assert a.grades == fresh and a.grade == next((g.grade for g in fresh if g.ok), None)


def test_decisions_of_plain_fields_given_otherwise_are_the_general_paths():
    """The fields without literals are taken at once only when every value is None or a boolean
    in a dict holding them all: a value missing or of another kind, a name left out, or another
    kind of mapping goes field by field, with the same answers and counts as the general path
    (or the same error)."""
    compiled, inputs = _inputs(12)
    decider, model = CachingDurableDecider(), Model()
    values = [engine.compute_values(compiled.standard, one) for one in inputs]
    _check_decisions(decider, model, compiled, values[0])
    plain = [name for name, lits, _ in decider._plans[compiled.sha256].single if not lits]
    assert len(plain) > 1
    for i, v in enumerate(values):
        name = plain[i % len(plain)]
        for changed in ({**v, name: None}, {**v, name: not v[name]}, {k: x for k, x in v.items() if k != name},
                        MappingProxyType(v), v):
            _check_decisions(decider, model, compiled, changed)
        for wrong in (1, "yes"):  # (the Python decider refuses them; durable_rules answers as it can)
            changed = {**v, name: wrong}
            assert _outcome(decider, compiled, changed) == _outcome(DurableDecider(), compiled, changed)
            model.decide(decider._plans[compiled.sha256], changed)
            assert decider.stats() == model.stats
    assert 0 < decider.asserted < decider.records


def _outcome(decider, compiled, values):
    try:
        return list(decider.decide(compiled, values).items())
    except Exception as e:  # noqa: BLE001 (whatever it raises, the other must raise too)
        return type(e)


@settings(max_examples=40, **SLOW)
@given(data=st.data())
def test_random_standards_and_records_evaluate_together_as_one_by_one(data):
    std = data.draw(standards())
    loaded_standard = standard_from_data(std)
    first = loaded_standard.standard.item_locations()[0][1].id
    chunk = []
    for _ in range(data.draw(st.integers(2, 6))):
        waived = data.draw(st.sampled_from([None, {first: "W1"}]))
        ev, inputs = assess(loaded_standard, evidence_from_data(data.draw(records(std))), PY, waived=waived)
        chunk.append(inputs)
    checker = Checker()
    for one, ev in zip(chunk, engine.evaluate_many(ev.compiled, chunk, PY)):
        checker.check(ev.compiled, one, ev)


# ---- a batch worker scoring a chunk together --------------------------------------------------


def _sources(n: int, bad: tuple[int, ...] = ()) -> list[Source]:
    lines = list(synthetic.lines(n, bad=list(bad)))
    return [Source(f"gen:{i}", "line", line, "gen", i) for i, line in enumerate(lines, 1)]


def _worker() -> W.Worker:
    return W.Worker(W.Config(synthetic.STANDARD, None, "zh", "python", "csv", ()))


def test_a_chunk_scores_as_its_records_one_at_a_time():
    chunk = _sources(40, bad=(3, 17))
    worker = _worker()
    together = worker.score_many(chunk)
    assert [r[0] for r in together].count("bad") == 2
    assert together == [worker.score(src) for src in chunk]


def test_a_record_whose_evaluation_fails_is_the_only_one_lost(monkeypatch):
    chunk = _sources(12)
    worker = _worker()
    expected = [worker.score(src) for src in chunk]
    victim = chunk[5]
    real = W.evaluate

    def failing(compiled, inputs, decider):
        if inputs.facts is victim_facts[0]:
            raise RuntimeError("boom")
        return real(compiled, inputs, decider)

    def failing_many(compiled, inputs, decider):
        victim_facts[0] = inputs[5].facts  # the chunk's 6th record
        raise RuntimeError("boom")

    victim_facts: list = [None]
    monkeypatch.setattr(W, "evaluate_many", failing_many)
    monkeypatch.setattr(W, "evaluate", failing)
    got = worker.score_many(chunk)
    assert [i for i, r in enumerate(got) if r[0] == "bad"] == [5]
    assert b"boom" in got[5][1] and victim.position.encode() in got[5][1]
    assert got[:5] + got[6:] == expected[:5] + expected[6:]
