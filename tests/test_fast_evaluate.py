"""`engine.evaluate`'s fast paths give exactly what the general paths give: values with plain
counts of events in one pass (against `derive._derive` name by name), decisions kept per group of
conditions (against the Python decider), item results kept per placed item (against `score_item`
each time, and a kept result object always stands for the same values read: `stands_for`),
whole-number section sums (against `exact_sum`) and the checks kept per distinct check (against
checks built afresh). Over the synthetic 八好 population, every fixture, and random standards and
records, scored one after another so later records meet the cases earlier ones left."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import exact_sum
from assess.model.evidence import evidence_from_data, load_evidence, window_start
from assess.model.standard import derived_order
from assess.rules.base import ItemStatus
from assess.scoring import compiler as C
from assess.scoring import derive, engine, grades, items
from assess.scoring.decision_cache import CachingDurableDecider
from assess.scoring.lowering import hidden_values
from assess.scoring.reads import reads_of
from assess.scoring.results import (
    Check, CheckKind, EligibilityDetail, Evaluation, GradeResult, MandatoryDetail, MinScoreDetail, RequiresDetail,
    SectionResult, VetoDetail,
)
from assess.present.scorecard import assess
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import PY, SLOW, records, standards

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def _values(standard, inputs) -> dict:
    """`compute_values` the general way: each derived value by `derive._derive`, in order."""
    values = {name: inputs.facts.get(name) for name in standard.fields}
    starts = {name: window_start(d.count_events.window, inputs.period)
              for name, d in standard.derived.items() if d.count_events is not None}
    events = list(inputs.events)
    honours = tuple(inputs.honours) + tuple(h for h, _ in inputs.prior_honours)
    for name in derived_order(standard):
        values[name] = derive._derive(standard, name, values, events, starts, inputs.period.end, honours)
    values.update(hidden_values(standard, values))
    return values


def _section(standard, section, results) -> SectionResult:
    raw = exact_sum(r.awarded for r in results if not r.exempt)
    applicable = exact_sum(r.points for r in results if not r.exempt)
    if standard.not_applicable == "full":
        na = exact_sum(r.points for r in results if r.exempt)
        raw, applicable = raw + na, applicable + na
    return SectionResult(section.id, section.cap, raw, min(section.cap, raw), min(section.cap, applicable), results)


def _grades(ev: Evaluation, inputs) -> list[GradeResult]:
    """Every grade's checks, each built afresh."""
    mandatory = [r for r in ev.items() if r.item.mandatory and not r.exempt]
    out = []
    for grade in ev.standard.grades:
        checks = [Check(CheckKind.ELIGIBILITY, e.met, EligibilityDetail(e.eligibility_id, e.state)) for e in ev.eligibility]
        checks.append(Check(CheckKind.MIN_SCORE, ev.grade_score >= grade.min_score,
                            MinScoreDetail(ev.grade_score, grade.min_score)))
        if grade.blocked_by_veto:
            checks += [Check(CheckKind.VETO, v.clear, VetoDetail(v.veto_id, v.state, v.waived))
                       for v, veto in zip(ev.vetoes, ev.standard.vetoes) if veto.blocks(grade.id)]
        if grade.requires_mandatory:
            checks += [Check(CheckKind.MANDATORY, r.status == ItemStatus.FULL, MandatoryDetail(r.item.id, r.status))
                       for r in mandatory]
        for i, text in enumerate(grade.requires):
            state = ev.decisions[C.requires_id(grade.id, i)]
            checks.append(Check(CheckKind.REQUIRES, state is True, RequiresDetail(text, state, i)))
        if grade.prerequisite is not None:
            checks.append(grades._prerequisite_check(ev.standard, grade, inputs))
        out.append(GradeResult(grade, checks))
    return out


def _plain(compiled, inputs) -> Evaluation:
    """`evaluate` by the general paths only: nothing kept from one record to the next."""
    standard = compiled.standard
    values = _values(standard, inputs)
    decisions = PY.decide(compiled, values)

    def scored(section_id, item):
        return items.score_item(standard, section_id, item, values, decisions, inputs)

    sections = [_section(standard, s, [scored(s.id, it) for it in s.items]) for s in standard.sections]
    bonus = [scored(None, it) for it in standard.bonus.items] if standard.bonus else []
    deductions = [scored(None, d) for d in standard.deductions]
    ev = engine.assemble(compiled, inputs, values, decisions, sections, bonus, deductions)
    ev.grades = _grades(ev, inputs)
    ev.grade = next((g.grade for g in ev.grades if g.ok), None)
    return ev


def _typed(value):
    """A value with the types inside it: 1, True and 1/1 are equal but read differently."""
    if isinstance(value, (list, tuple)):
        return type(value), tuple(_typed(v) for v in value)
    return type(value), value


class Checker:
    """Scores records one after another through `evaluate` and holds each against `_plain`;
    every kept item result must come back only for the values it was scored from."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple] = {}  # id(result) -> (result, the values it read, typed)
        self.cached = CachingDurableDecider()

    def check(self, compiled, inputs, fast: Evaluation) -> None:
        plain = _plain(compiled, inputs)
        assert fast == plain
        assert [_typed(v) for v in fast.values.items()] == [_typed(v) for v in plain.values.items()]
        assert list(fast.decisions.items()) == list(plain.decisions.items())
        for a, b in zip(fast.items() + fast.deductions, plain.items() + plain.deductions):
            assert _typed(a.awarded) == _typed(b.awarded) and a.status is b.status
        for a, b in zip(fast.sections, plain.sections):
            assert [_typed(x) for x in (a.raw, a.awarded, a.possible)] == [_typed(x) for x in (b.raw, b.awarded, b.possible)]
        assert self.cached.decide(compiled, fast.values) == fast.decisions  # durable_rules, kept per group
        names = reads_of(compiled).keys
        for r in fast.items() + fast.deductions:
            read = stands_for(r, fast.values, names[r.item.id][0], inputs)
            held = self.seen.setdefault(id(r), (r, read))
            assert held[1] == read, f"{r.item.id}: one result object for different values"


def stands_for(r, values, names, inputs) -> tuple:
    """What a kept result must stand for: what it and its scorecard row read. Its rule's inputs
    (typed; none for a rule reading only its answers, which the result holds) and the inspector's
    entry (each field typed); with evidence missing, every value the item reads (`names`), which
    name what to provide."""
    entry = inputs.judgements.get(r.item.id)
    direct = () if r.item.rule.answers_only else sorted(r.item.rule.inputs())
    read = (tuple(_typed(values.get(n)) for n in direct),
            None if entry is None else tuple(_typed(v) for v in entry.__dict__.values()))
    return read + (tuple(_typed(values.get(n)) for n in names),) if r.missing else read


def _synthetic_inputs(n: int):
    loaded_standard = catalog.resolve_standard(synthetic.STANDARD)
    for i, data in enumerate(synthetic.generate(n)):
        yield assess(loaded_standard, evidence_from_data(data, f"r{i}"), PY)


def test_synthetic_population_scores_as_the_general_paths():
    checker = Checker()
    for ev, inputs in _synthetic_inputs(400):
        checker.check(ev.compiled, inputs, ev)


@pytest.fixture(autouse=True)
def fresh_item_caches(monkeypatch):
    """Each test starts with no item results kept (and leaves the process's caches alone)."""
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])


def test_items_whose_cases_seldom_repeat_are_scored_afresh(monkeypatch):
    monkeypatch.setattr(items, "_TRIAL", 20)
    checker = Checker()
    for ev, inputs in _synthetic_inputs(120):
        checker.check(ev.compiled, inputs, ev)
    keep = {item_id: slot.keep for (_, item_id), slot in items.kept_items(ev.compiled).slots.items()}
    assert not keep["membership_rate"]  # nearly every record is a new rate
    assert keep["org_established"]  # three cases: yes, no, missing


def test_a_full_item_cache_drops_its_biggest_part_and_scores_the_same(monkeypatch):
    monkeypatch.setattr(items, "ITEM_CACHE_LIMIT", 60)
    checker = Checker()
    for ev, inputs in _synthetic_inputs(80):
        checker.check(ev.compiled, inputs, ev)
        assert 0 <= items._KEPT_SIZE[0] <= 60


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_scores_as_the_general_paths(path):
    checker = Checker()
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        standard = catalog.resolve_standard(app.standard)
        for _ in range(2):  # the second time from what the first kept
            ev, inputs = assess(standard, loaded, PY)
            checker.check(ev.compiled, inputs, ev)
        some = [it.id for _, it in ev.standard.item_locations()][::3] + [v.id for v in ev.standard.vetoes]
        ev, inputs = assess(standard, loaded, PY, waived={ident: f"W-{ident}" for ident in some})
        checker.check(ev.compiled, inputs, ev)


@settings(max_examples=60, **SLOW)
@given(data=st.data())
def test_random_standards_and_records_score_as_the_general_paths(data):
    std = data.draw(standards())
    loaded_standard = standard_from_data(std)
    checker = Checker()
    for _ in range(4):
        loaded = evidence_from_data(data.draw(records(std)))
        waived = data.draw(st.sampled_from([None, {loaded_standard.standard.item_locations()[0][1].id: "W1"}]))
        ev, inputs = assess(loaded_standard, loaded, PY, waived=waived)
        checker.check(ev.compiled, inputs, ev)
