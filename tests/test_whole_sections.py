"""`whole_sections`: a section's results kept whole per combination of its items' cases give, in
`engine.evaluate_many`, exactly what the general paths give (test_fast_evaluate's Checker) and
what `evaluate` gives record by record, with the same counts of each item's lookups; the
combinations are forgotten whenever any kept item result is dropped; records with an inspector's
entry are looked up by it, a waived one item by item; values equal but of another type, or that
cannot be a key, are not taken for a kept combination."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assess.model.evidence import JudgementEntry
from assess.scoring import engine, items, whole_sections
from test_evaluate_many import _chunks, _inputs, _slot_counts
from test_fast_evaluate import Checker
from test_properties import PY


@pytest.fixture(autouse=True)
def fresh_item_caches(monkeypatch):
    """Each test starts with no item results (nor sections) kept, and leaves the process's alone."""
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])


def _afresh(monkeypatch) -> None:
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])


def _whole(compiled) -> dict:
    return items.kept_items(compiled).whole


def _general_sections(ev):
    """Each section's result worked out from its items' results afresh (`section_result`)."""
    return [engine.section_result(ev.standard, s, r.items) for s, r in zip(ev.standard.sections, ev.sections)]


def test_sections_kept_whole_are_found_and_are_the_general_paths():
    compiled, inputs = _inputs(260)
    checker = Checker()
    for _ in range(2):  # the second time, nearly every section is found whole
        for chunk in _chunks(inputs, 64):
            for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
                checker.check(compiled, one, ev)
                assert ev.sections == _general_sections(ev)
            _only_kept_results_kept_whole(compiled)
    whole = _whole(compiled)
    found = [s.id for s in compiled.standard.sections if s.id in whole and whole[s.id].found]
    assert len(found) >= 6  # (organisation holds an item read exactly: not kept, so neither is its section)
    assert whole["party_support"].kept  # its records have inspector's entries: kept by them too


@pytest.mark.parametrize("trial, limit, whole_trial", [(items._TRIAL, 4096, 512), (15, 3, 8), (1, 1, 1),
                                                       (items._TRIAL, 2, 10_000)])
def test_the_lookups_are_counted_as_record_by_record(monkeypatch, trial, limit, whole_trial):
    """The same evaluations, and each item's lookups found and scored, record by record or a
    chunk at once with sections kept whole (however small their limits), twice over and after
    every kept item result is dropped (`clear`): a section kept before is then not found."""
    monkeypatch.setattr(items, "_TRIAL", trial)
    monkeypatch.setattr(whole_sections._Whole, "LIMIT", limit)
    monkeypatch.setattr(whole_sections._Whole, "TRIAL", whole_trial)
    compiled, inputs = _inputs(150, every=5)

    def run(together: bool) -> tuple[list, dict]:
        _afresh(monkeypatch)
        out = []
        for time in range(3):
            if time == 2:
                items.kept_items(compiled).clear()
            if together:
                out += [ev for chunk in _chunks(inputs, 64) for ev in engine.evaluate_many(compiled, chunk, PY)]
            else:
                out += [engine.evaluate(compiled, one, PY) for one in inputs]
        return out, _slot_counts(compiled)

    one_by_one, counts = run(False)
    together, counts_together = run(True)
    assert together == one_by_one
    assert counts_together == counts


def test_a_full_item_cache_forgets_the_sections_kept_whole(monkeypatch):
    """Item results dropped while a chunk is evaluated (the cache is full) leave no section found
    whole for results no longer kept: the evaluations are the general paths'."""
    monkeypatch.setattr(items, "ITEM_CACHE_LIMIT", 100)
    compiled, inputs = _inputs(130)
    checker = Checker()
    for _ in range(2):
        for chunk in _chunks(inputs, 32):
            for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
                checker.check(compiled, one, ev)
                assert ev.sections == _general_sections(ev)
            _only_kept_results_kept_whole(compiled)
    assert any(w.kept for w in _whole(compiled).values())


def _only_kept_results_kept_whole(compiled) -> None:
    """Every section kept whole holds only item results their items keep (by their own keys); one
    kept before item results were dropped is forgotten when next looked up."""
    kept = items.kept_items(compiled)
    for section in compiled.standard.sections:
        whole = kept.whole.get(section.id)
        if whole is None or whole.cleared != items._CLEARED[0]:
            continue
        for result in whole.kept.values():
            for item, r in zip(section.items, result.items):
                assert any(r is held for held in kept.slots[section.id, item.id].results.values())


def test_values_of_another_type_or_entries_that_differ_are_other_combinations():
    """A record whose values are equal to a kept combination's but of another type (1.0 for 1),
    or whose inspector's entry differs, is not found: each result stands for what it read."""
    compiled, inputs = _inputs(64)
    variants = []
    for one in inputs:
        floats = {k: float(v) for k, v in one.facts.items() if type(v) is int}
        variants.append(replace(one, facts={**one.facts, **floats}))
        entries = {k: JudgementEntry(score=e.score, reason=e.reason + "。", by=e.by, date=e.date)
                   for k, e in one.judgements.items()}
        variants.append(replace(one, judgements=entries))
    checker = Checker()
    for chunk in (inputs, variants, inputs + variants):
        for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
            checker.check(compiled, one, ev)
    assert any(one.judgements for one in inputs)


def test_sections_that_seldom_repeat_stop_being_looked_up(monkeypatch):
    monkeypatch.setattr(whole_sections._Whole, "TRIAL", 20)
    compiled, inputs = _inputs(80)
    checker = Checker()
    for chunk in _chunks(inputs, 40):  # (the first time, every combination is new)
        for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
            checker.check(compiled, one, ev)
    whole = _whole(compiled)
    off = [sid for sid, w in whole.items() if w.off]
    assert off and all(not whole[sid].kept for sid in off)
    for one, ev in zip(inputs, engine.evaluate_many(compiled, inputs, PY)):
        checker.check(compiled, one, ev)


def test_missing_evidence_is_not_kept_whole():
    """Results naming missing evidence read every value their items read, more than a section's
    key holds: records whose sections differ only in which evidence is missing get their own."""
    compiled, inputs = _inputs(64)
    pairs = [("workers_in_hardship", "workers_in_hardship_aided"), ("safety_supervision", "social_insurance_checked"),
             ("hospital_visits", "benefits_delivered"), ("study_days", "hygiene_days")]
    variants = [replace(one, facts={**one.facts, name: None}) for one in inputs for pair in pairs for name in pair]
    checker = Checker()
    for _ in range(2):
        for chunk in _chunks(inputs + variants, 64):
            for one, ev in zip(chunk, engine.evaluate_many(compiled, chunk, PY)):
                checker.check(compiled, one, ev)
    assert any(r.missing for one in variants[:8] for r in engine.evaluate(compiled, one, PY).items())


def test_records_found_whole_are_counted_before_the_next_one_scored(monkeypatch):
    """Each item counts the records found whole before a record not found is scored: an item
    stops being kept (`items._TRIAL`) at the same record as record by record, not sooner."""
    monkeypatch.setattr(items, "_TRIAL", 3)
    compiled, inputs = _inputs(1, every=1000)
    a = inputs[0]
    b, c = (replace(a, facts={**a.facts, "unresolved_complaints": n}) for n in (1000, 1001))
    chunks = [[a], [a, a, a, b, c], [b, c, a]]
    _afresh(monkeypatch)
    evaluated = [engine.evaluate(compiled, one, PY) for chunk in chunks for one in chunk]
    counts = _slot_counts(compiled)
    assert counts[("duties", "unresolved_complaints")][:3] == (6, 3, True)
    _afresh(monkeypatch)
    assert [ev for chunk in chunks for ev in engine.evaluate_many(compiled, chunk, PY)] == evaluated
    assert _slot_counts(compiled) == counts


def test_a_section_found_before_an_item_stops_being_kept_is_looked_up_again(monkeypatch):
    """An item that stops being kept within a chunk drops its results: the records after it
    that were found whole go item by item (that item scored afresh), as record by record."""
    monkeypatch.setattr(items, "_TRIAL", 3)
    compiled, inputs = _inputs(1, every=1000)
    a = inputs[0]
    b, c = (replace(a, facts={**a.facts, "unresolved_complaints": n}) for n in (1000, 1001))
    chunks = [[a], [b, c, a, a]]
    _afresh(monkeypatch)
    evaluated = [engine.evaluate(compiled, one, PY) for chunk in chunks for one in chunk]
    counts = _slot_counts(compiled)
    assert counts[("duties", "unresolved_complaints")][:3] == (0, 3, False)
    _afresh(monkeypatch)
    assert [ev for chunk in chunks for ev in engine.evaluate_many(compiled, chunk, PY)] == evaluated
    assert _slot_counts(compiled) == counts
    _only_kept_results_kept_whole(compiled)
