"""The plan's search and verification, and the card's kept texts, give exactly what they gave as
first written.

`Reference` below is the branch-and-bound search as first written (exact costs summed as
Fractions for every candidate, the rounding band worked out at every node), and
`reference_reevaluate` the incremental re-scoring as first written (every section's items looked
at). Every search a plan runs is run both ways here, and the nodes visited, the candidates (their
exact costs, sizes, orders and options, in order), whether it is exact and the verified sets must
be the same; every re-scoring must equal the first way's; and the cards (zh and en) must equal
those made with every number's words and every plan fix made afresh. Over the fixtures, synthetic 八好
records scored one after another, and random standards and records.
"""
from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core import conditions as cond
from assess.core.exact import exact_sum
from assess.model.evidence import evidence_from_data, load_evidence
from assess.core.jsonout import json_text
from assess.present import plan_card, scorecard, words
from assess.scoring import search as S
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import Inputs, assemble, compute_values, section_result
from assess.scoring.incremental import _changed, reevaluate
from assess.scoring.items import kept_items
from assess.scoring.plan import plan_next_grade
from assess.scoring.reads import reads_of
from assess.scoring.results import Evaluation, ItemResult
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


class Reference(S.Search):
    """`search.Search` as first written."""

    def run(self) -> list[S.Found]:
        try:
            self._dfs(0, (), 0.0, 0.0)
        except S._Stop:
            self.exact = False
        out: list[S.Found] = []
        for estimate, _, _, chosen in sorted(self.candidates, key=lambda c: c[:3]):
            if len(out) == S.KEEP or self.verified >= S.VERIFY_LIMIT:
                break
            groups = {o.group for o in chosen}
            if any({o.group for o in f.chosen} <= groups for f in out):
                continue
            self.verified += 1
            found = S.apply_all(self.ctx, chosen)
            if found is not None:
                if not out and found.cost > estimate:
                    self.exact = False
                out.append(found)
            elif not out:
                self.exact = False
        return sorted(out, key=lambda f: (f.cost, len(f.chosen)))

    def _add(self, chosen, cost: float) -> None:  # type: ignore[override]
        exact_cost = exact_sum(o.cost for o in chosen)
        self.candidates.append((exact_cost, len(chosen), tuple(sorted(o.order for o in chosen)), chosen))
        groups = frozenset(o.group for o in chosen)
        if any(g <= groups for _, g in self._kept):
            return
        kept = sorted([(c, g) for c, g in self._kept if not groups <= g] + [(cost, groups)], key=lambda x: x[0])
        self._kept = kept[:S.KEEP]
        self._limit = self._threshold()

    def _bound(self, k: int, need: float) -> float | None:
        """The least cost of covering `need` with groups k.. (fractions of each group allowed),
        a little under, so that float rounding never prunes a set it should keep."""
        total = 0.0
        caps, rates = self.caps, self.rates
        for j in range(k, len(caps)):
            if need <= S._MARGIN:
                break
            take = min(caps[j], need)
            total, need = total + take * rates[j], need - take
        return total * (1 - S._MARGIN) if need <= S._MARGIN else None

    def _covers(self, chosen, gain: float) -> bool:
        tol = S._MARGIN * max(1.0, abs(self._need))
        combined = reference_combined_approx(self.ctx, chosen)
        if combined < self._need - tol:
            return False
        if combined > self._need + tol and gain > self._need + tol:
            return True
        return exact_sum(o.gain for o in chosen) >= self.need and S.combined_gain(self.ctx, chosen) >= self.need

    def _dfs(self, k: int, chosen, cost: float, gain: float) -> None:
        self.nodes += 1
        if self.nodes > S.NODE_LIMIT:
            raise S._Stop
        limit = self._limit
        if limit is not None and cost >= limit:
            return
        if gain >= self._need_low and self._covers(chosen, gain):
            self._add(chosen, cost)
            return
        if k == len(self.groups):
            return
        bound = self._bound(k, self._need - gain)
        if bound is None or (limit is not None and cost + bound >= limit):
            return
        after = k + 1
        for option in self.groups[k]:
            approx = option.approx
            self._dfs(after, chosen + (option,), cost + approx[0], gain + approx[1])
        self._dfs(after, chosen, cost, gain)


def reference_combined_approx(ctx: S.Context, chosen) -> float:
    """`search._combined_approx` as first written."""
    awarded: dict[str, float] = {}
    for o in chosen:
        if o.result is None:
            return sum(x.approx[1] for x in chosen)
        _, _, delta, points, held = o.approx
        item_id = o.result.item.id
        awarded[item_id] = min(points, awarded.get(item_id, held) + delta)
    return ctx.regrader.approx(awarded) - ctx.regrader.approx_current


def reference_reevaluate(before: Evaluation, before_inputs: Inputs, inputs: Inputs,
                         values: dict[str, Any] | None = None) -> Evaluation:
    """`incremental.reevaluate` as first written."""
    compiled = before.compiled
    standard = compiled.standard
    values = values if values is not None else compute_values(standard, inputs)
    reads = reads_of(compiled)
    changed = _changed(before.values, values)
    decisions = dict(before.decisions)
    for cid in {cid for name in changed for cid in reads.conditions_reading.get(name, ())}:
        decisions[cid] = cond.evaluate(compiled.conditions[cid], values)
    stale = {item_id for name in changed for item_id in reads.items_reading.get(name, ())}
    old_j, new_j, old_w, new_w = before_inputs.judgements, inputs.judgements, before_inputs.waived, inputs.waived
    stale.update(k for k in old_j.keys() | new_j.keys() if old_j.get(k) is not new_j.get(k))
    if old_w is not new_w:
        stale.update(k for k in old_w.keys() | new_w.keys() if old_w.get(k) != new_w.get(k))
    scored = kept_items(compiled)

    def again(section_id: str | None, results: list[ItemResult]) -> list[ItemResult]:
        if not stale:
            return list(results)
        return [scored(section_id, r.item, values, decisions, inputs) if r.item.id in stale else r for r in results]

    sections = []
    for s_def, s in zip(standard.sections, before.sections):
        items = again(s.section_id, s.items)
        same = all(a is b for a, b in zip(items, s.items))
        sections.append(s if same else section_result(standard, s_def, items))
    return assemble(compiled, inputs, values, decisions, sections, again(None, before.bonus_items),
                    again(None, before.deductions))


def _found(f: S.Found) -> tuple:
    return ([(id(o), changes) for o, changes in f.parts], f.cost, f.evaluation)


class _Both(S.Search):
    """A search that also runs the reference on the same options and asserts they agree."""

    searches = 0

    def run(self) -> list[S.Found]:
        ref = Reference(self.ctx, [o for g in self.groups for o in g], self.need)
        want = ref.run()
        got = super().run()
        _Both.searches += 1
        assert (self.nodes, self.exact, self.verified) == (ref.nodes, ref.exact, ref.verified)
        assert [(c[0], c[1], c[2], [id(o) for o in c[3]]) for c in self.candidates] == \
               [(c[0], c[1], c[2], [id(o) for o in c[3]]) for c in ref.candidates]
        assert [_found(f) for f in got] == [_found(f) for f in want]
        return got


def _checked_reevaluate(before, before_inputs, inputs, values=None):
    got = reevaluate(before, before_inputs, inputs, values)
    assert got == reference_reevaluate(before, before_inputs, inputs, values)
    return got


@contextlib.contextmanager
def _checking():
    saved = S.Search, S.reevaluate
    S.Search, S.reevaluate = _Both, _checked_reevaluate
    try:
        yield
    finally:
        S.Search, S.reevaluate = saved


@contextlib.contextmanager
def _texts_afresh():
    """The card's kept texts switched off: every number's words and every plan fix made anew."""
    saved = words._number_text, plan_card._fix_once

    def number_text(value, against):
        frac = words.fraction(str(value)) if isinstance(value, float) else words.fraction(value)
        return words.exact_text(frac) if words.exact_places(frac) is not None else words.format_number(frac, against=against)

    words._number_text = number_text
    plan_card._fix_once = lambda made, f, *rest: plan_card._fix_dict(f, *rest)
    try:
        yield
    finally:
        words._number_text, plan_card._fix_once = saved


def _cards(ev, inputs, loaded) -> list[str]:
    return [json_text(scorecard.build_scorecard(ev, inputs, loaded, lang, decider_name=PY.name)) for lang in ("zh", "en")]


def _plans(cases) -> None:
    """`cases`: (loaded evidence, loaded standard), planned in order with every search checked;
    then their cards (zh and en) equal those made with every text made afresh."""
    cards = []
    with _checking():
        for loaded, standard in cases:
            ev, inputs = scorecard.assess(standard, loaded, PY)
            plan_next_grade(ev, inputs)
            cards.append(_cards(ev, inputs, loaded))
    with _texts_afresh():
        for (loaded, standard), kept in zip(cases, cards):
            assert _cards(*scorecard.assess(standard, loaded, PY), loaded) == kept


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_tuned_search_equals_the_first_on_every_fixture(path):
    loaded = load_evidence(str(path))
    _plans([(loaded, catalog.resolve_standard(app.standard)) for app in loaded.record.applications])


def test_the_tuned_search_equals_the_first_over_synthetic_records():
    rng = random.Random(20261201)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    before = _Both.searches
    _plans([(evidence_from_data(synthetic.record(i, rng)), standard) for i in range(80)])
    assert _Both.searches - before > 40  # most records' plans ran a search


@settings(max_examples=40, **SLOW)
@given(data=st.data())
def test_the_tuned_search_equals_the_first_on_random_standards(data):
    std = data.draw(standards())
    standard = standard_from_data(std)
    _plans([(evidence_from_data(data.draw(records(std))), standard) for _ in range(data.draw(st.integers(1, 3)))])


_CUTS = st.lists(st.fractions(min_value=-100, max_value=100, max_denominator=1000), max_size=3).map(tuple)
_NUMBER = st.one_of(st.integers(-1000, 1000), st.fractions(max_denominator=100000).filter(lambda f: abs(f) < 10**6),
                    st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(_NUMBER, _CUTS), min_size=1, max_size=12))
def test_kept_number_texts_equal_them_worked_out(pairs):
    """A number's words, kept per (type, value, cut-offs), equal them worked out each time, whatever
    was asked before (79.996 beside 80 and beside nothing; 1, 1.0 and 1/1)."""
    said = words.Words(catalog.resolve_standard(synthetic.STANDARD), "zh")
    for value, cuts in pairs + [(v, ()) for v, _ in pairs] + pairs:
        with _texts_afresh():
            want = said.number(value, cuts)
        assert said.number(value, cuts) == want
        assert said.number(value, list(cuts)) == want  # cut-offs in a list: not kept


def test_a_search_is_freed_by_reference_counts():
    """No cycle keeps a search (its context, options and candidates) alive: a batch collects
    garbage only between chunks, so a cycle would hold every record's search until then."""
    import gc
    import weakref

    held = []

    class Watched(S.Search):
        def run(self):
            held.append(weakref.ref(self))
            return super().run()

    rng = random.Random(7)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    saved, enabled = S.Search, gc.isenabled()
    S.Search = Watched
    gc.disable()
    try:
        for i in range(12):
            ev, inputs = scorecard.assess(standard, evidence_from_data(synthetic.record(i, rng)), PY)
            plan_next_grade(ev, inputs)
            del ev, inputs
        alive = [ref for ref in held if ref() is not None]  # before a collection could free them
    finally:
        S.Search = saved
        if enabled:
            gc.enable()
    assert held and not alive
