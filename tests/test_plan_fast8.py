"""A plan's verification re-scores and its kept ways of satisfying a condition, against the
general path.

`incremental.reevaluate` reads a changed record's mandatory items at their places in the
standard (`engine._mandatory_places`) rather than scanning every item: compared here with the
evaluation worked out from scratch, over synthetic 八好 records and the plan's own verified sets.
`changes._SHARED` drops its older half when full (`reach.make_room`) instead of everything: what
`satisfy` answers with a small limit, entries evicted as it goes, equals it worked out afresh.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from assess.model.evidence import evidence_from_data
from assess.present import scorecard
from assess.scoring import changes as CH, reach, search as S
from assess.scoring.changes import Scenario, known_values
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import Inputs, compute_values, evaluate, update_values
from assess.scoring.grades import mandatory_items
from assess.scoring.incremental import reevaluate
from assess.scoring.plan import next_grade
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()


def _cases(count: int, seed: int):
    rng = random.Random(seed)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    for i in range(count):
        ev, inputs = scorecard.assess(standard, evidence_from_data(synthetic.record(i, rng)), PY)
        yield ev, inputs


def _options(ev, inputs):
    known_values(ev.standard, inputs, ev.values)
    target = next_grade(ev)
    ctx = S.context(ev, inputs, Scenario.of(inputs), (target or ev.standard.grades[0]).id)
    return ctx, S.item_options(ctx, set()) + S.deduction_options(ctx)


def test_verification_rescores_equal_scoring_from_scratch_over_synthetic_records():
    rng = random.Random(8)
    checked = 0
    for ev, inputs in _cases(50, 80):
        ctx, options = _options(ev, inputs)
        sets = [tuple(rng.sample(options, rng.randint(1, min(4, len(options))))) for _ in range(4)] if options else []
        for chosen in sets:
            done = S._applied(ctx, chosen)
            if done is None:
                continue
            parts, after = done
            trial = ctx.sc.copy()  # the set's changes, as `_applied` made them
            for _, made in parts:
                for change in made:
                    trial.apply(change)
            fresh = evaluate(ev.compiled, trial.inputs(inputs), PY)
            assert after == fresh
            assert mandatory_items(after) == mandatory_items(fresh)
            again = reevaluate(ev, inputs, trial.inputs(inputs))
            assert again == fresh and again.grades == fresh.grades and again.grade == fresh.grade
            checked += 1
    assert checked > 50


def test_kept_satisfying_changes_equal_them_worked_out_afresh_while_evicted(monkeypatch):
    monkeypatch.setattr(reach, "KEY_LIMIT", 16)
    saved = dict(CH._SHARED)
    CH._SHARED.clear()
    try:
        seen = 0
        for ev, inputs in _cases(25, 81):
            ctx, options = _options(ev, inputs)
            for o in options:
                if o.node is None:
                    continue
                kept = CH.satisfying_changes(ev.standard, o.node, ctx.sc, inputs)
                trial = ctx.sc.copy()
                start = len(trial.changes)
                ok = CH._satisfy(ev.standard, CH._lowered(ev.standard, o.node), trial, inputs)
                assert kept == (ok, tuple(trial.changes[start:]))
                assert len(CH._SHARED) <= 16
                seen += 1
        assert seen > 100
    finally:
        CH._SHARED.clear()
        CH._SHARED.update(saved)


def test_values_updated_for_changed_facts_or_events_equal_them_computed_anew():
    """`update_values` skips the pass over the events when no plain count is to be worked out
    again (`derive.derive_into` with `only`): the same values, types and order as from scratch."""
    rng = random.Random(82)
    checked = 0
    for ev, inputs in _cases(30, 82):
        standard = ev.standard
        numbers = [n for n, d in standard.fields.items() if d.type in ("integer", "number", "ratio")]
        kinds = sorted({k for d in standard.derived.values() if d.count_events is not None for k in d.count_events.kind})
        for _ in range(6):
            names = rng.sample(numbers, rng.randint(0, min(3, len(numbers))))
            added = rng.sample(kinds, rng.randint(0, min(2, len(kinds)))) if rng.random() < 0.4 else []
            facts = {**inputs.facts, **{n: rng.randint(0, 200) for n in names}}
            events = inputs.events + tuple((k, inputs.period.end, rng.randint(1, 3)) for k in added)
            changed = Inputs(facts, events, inputs.judgements, inputs.honours, inputs.period, inputs.prior_honours,
                             inputs.waived)
            fresh = compute_values(standard, changed)
            updated = update_values(standard, changed, ev.values, names, added)
            assert list(updated.items()) == list(fresh.items())
            assert [type(v) for v in updated.values()] == [type(v) for v in fresh.values()]
            checked += 1
    assert checked >= 150
