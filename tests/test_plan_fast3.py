"""Full-card shortcuts give exactly what the general path gives.

- `incremental._changed` on dicts of the same names in the same order (picked out in C) equals
  the comparison written out over every name, whatever the values' types (1, 1.0, True, 1/1).
- `alone.item_alone`, kept by what the item reads in the changed evidence, equals the item
  scored alone each time (`scored_alone`), over synthetic records, fixtures and random standards.
- `gaps.item_fix`, read without applying the changes, equals `fix_item` on a scenario.
- `changes.change_cost`, kept per change object, equals it worked out.
- `Regrader.grade_score` in whole numbers equals `_finish` on the exact sums.
- A JSON Lines line with kept parts as their texts equals `json_text` of the card.
"""
from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.core.jsonout import json_text
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import scorecard
from assess.present.renderers import ScoredRecord, record_jsonl
from assess.scoring import alone
from assess.scoring import changes as CH
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
        want = alone.scored_alone(ctx.ev.compiled, ctx.base, r, trial, trial.values(ctx.ev.standard, ctx.base))
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
            # every change's kept cost equals it worked out
            for change, std, cost in list(CH._COSTS.values()):
                assert (cost, type(cost)) == (CH._change_cost(std, change), Fraction)
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


def _regrades_checked(ev, rng: random.Random) -> None:
    """`Regrader.grade_score` in whole numbers equals `_finish` on the exact sums, in value and type."""
    from assess.scoring.regrade import Regrader

    ids = [r.item.id for r in [*ev.items(), *ev.deductions]]
    for floor in (True, False):
        regrader = Regrader(ev, floor=floor)
        for _ in range(10):
            awarded = {i: Fraction(rng.randint(-6, 12), rng.choice([1, 1, 2, 3])) for i in rng.sample(ids, rng.randint(0, len(ids)))}
            want = regrader._finish(regrader._exact, *regrader._moved(regrader._exact, awarded))
            got = regrader.grade_score(awarded)
            assert (got, type(got)) == (Fraction(want), Fraction)


def test_whole_number_regrading_over_synthetic_records_and_fixtures():
    rng = random.Random(5)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    for i in range(40):
        _regrades_checked(scorecard.assess(standard, evidence_from_data(synthetic.record(i, rng)), PY)[0], rng)
    for path in FIXTURES:
        loaded = load_evidence(str(path))
        for app in loaded.record.applications:
            _regrades_checked(scorecard.assess(catalog.resolve_standard(app.standard), loaded, PY)[0], rng)


@settings(max_examples=60, **SLOW)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_whole_number_regrading_on_random_standards(data, seed):
    std = data.draw(standards())
    ev, _ = scorecard.assess(standard_from_data(std), evidence_from_data(data.draw(records(std))), PY)
    _regrades_checked(ev, random.Random(seed))


def _line_both_ways(ev, inputs, loaded, lang: str) -> None:
    record = ScoredRecord(ev, inputs, loaded, PY.name, (), loaded.record.period.end, "1")
    want = json_text(scorecard.build_scorecard(ev, inputs, loaded, lang, PY.name, as_of=loaded.record.period.end),
                     compact=True) + "\n"
    assert record_jsonl.jsonl(record, lang) == want


def test_a_jsonl_line_of_kept_texts_equals_the_card_written_out():
    """A JSON Lines line with item rows and gaps placed as their kept texts equals json_text of
    the card, zh and en, the second time too (every text found kept)."""
    rng = random.Random(11)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [(standard, evidence_from_data(synthetic.record(i, rng))) for i in range(40)]
    cases += [(catalog.resolve_standard(app.standard), loaded) for loaded in map(load_evidence, map(str, FIXTURES))
              for app in loaded.record.applications]
    for _ in range(2):
        for std, loaded in cases:
            ev, inputs = scorecard.assess(std, loaded, PY)
            for lang in ("zh", "en"):
                _line_both_ways(ev, inputs, loaded, lang)


def test_a_jsonl_line_with_a_part_orjson_does_not_write_as_json_does(monkeypatch):
    """A kept row holding a float json writes otherwise (1e-05), or something that is no JSON: the
    line is still json_text's (the row's text from json, or the whole card the general way)."""
    rng = random.Random(12)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    loaded = evidence_from_data(synthetic.record(3, rng))
    made = scorecard._item_row
    for odd in (1e-05, 1e16, float("nan"), object()):
        monkeypatch.setattr(scorecard, "_item_row", lambda *a, odd=odd: {**made(*a), "odd": odd})
        scorecard._ROWS.clear()
        record_jsonl._TEXTS.clear()
        record_jsonl._SECTIONS.clear()
        ev, inputs = scorecard.assess(standard, loaded, PY)
        if isinstance(odd, float):
            _line_both_ways(ev, inputs, loaded, "zh")
        else:
            with pytest.raises(TypeError):
                record_jsonl.jsonl(ScoredRecord(ev, inputs, loaded, PY.name, (), loaded.record.period.end, "1"), "zh")
    scorecard._ROWS.clear()
    record_jsonl._TEXTS.clear()
    record_jsonl._SECTIONS.clear()
    monkeypatch.undo()
    # elsewhere in the card (not a kept part): the card made and written the general way
    standard_dict = scorecard._standard_dict
    monkeypatch.setattr(scorecard, "_standard_dict", lambda *a: {**standard_dict(*a), "odd": 1e-05})
    _line_both_ways(*scorecard.assess(standard, loaded, PY), loaded, "en")


def test_plan_fixes_kept_across_cards_equal_them_made_afresh():
    """Cards of the same records twice (the second time every plan fix is found kept across
    cards) equal them made with every fix and number's words made afresh."""
    from test_plan_fast import _cards, _texts_afresh

    rng = random.Random(13)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [evidence_from_data(synthetic.record(i, rng)) for i in range(40)]
    kept = [_cards(*scorecard.assess(standard, loaded, PY), loaded) for loaded in cases + cases]
    with _texts_afresh():
        assert [_cards(*scorecard.assess(standard, loaded, PY), loaded) for loaded in cases + cases] == kept
