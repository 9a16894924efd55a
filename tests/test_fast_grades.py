"""The grades' checks kept per distinct case (`grades.grades_reached`, behind `check_grades` and
`engine.assemble`) and the one-pass section sums (`engine.section_result`) give exactly what
the general paths give: every check built afresh, and sums by `exact_sum`. Compared with the
types of every value (1, True and 1/1 are equal but read differently) over the synthetic 八好
population, every fixture, random standards and records, and evaluations changed one part at a
time (a veto triggered, undecided or waived, a mandatory item short or not applicable, a grade's
own condition unanswered, scores in 0.5 and 1/3 steps, the honours a prerequisite reads), each
looked up again so later cases meet what earlier ones left."""
from __future__ import annotations

import dataclasses
import fractions
import random
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.model.evidence import Honour, evidence_from_data, load_evidence
from assess.rules.base import ItemStatus, Reason
from assess.scoring import compiler as C
from assess.scoring import engine, grades
from assess.scoring.results import EligibilityResult, ItemResult, VetoResult
from assess.present.scorecard import assess
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_fast_evaluate import FIXTURES, _grades, _section, _synthetic_inputs, _typed
from test_properties import PY, SLOW, records, standards


def _seen(grade_results) -> list:
    """Every check of every grade with the types of all it holds."""
    out = []
    for g in grade_results:
        checks = [(c.kind, _typed(c.ok), type(c.detail),
                   tuple(_typed(getattr(c.detail, f.name)) for f in dataclasses.fields(c.detail))) for c in g.checks]
        out.append((g.grade.id, _typed(g.ok), checks))
    return out


def _outcome(make):
    """What `make()` gives, or the type of the error it raises."""
    try:
        return "ok", make()
    except Exception as e:  # noqa: BLE001 (both paths must fail alike)
        return "raised", type(e)


def _general(ev, inputs) -> list:
    """Each grade's checks made in turn by `_check_grade` (each check still kept per check:
    like the code before cases were kept, a state that cannot be a key fails where it is read)."""
    mandatory = [r for r in ev.items() if r.item.mandatory and not r.exempt]
    blocking = grades._kept(ev.standard).blocking
    return [grades._check_grade(ev, g, inputs, mandatory, blocking[g.id], ev.grade_score) for g in ev.standard.grades]


def _same(ev, inputs) -> None:
    """`grades_reached` and `check_grades`, twice (the second from what the first kept), against
    `_general` and against every check built afresh."""
    general = _outcome(lambda: _general(ev, inputs))
    for _ in range(2):
        fast = _outcome(lambda: grades.grades_reached(ev, inputs))
        listed = _outcome(lambda: grades.check_grades(ev, inputs))
        assert fast[0] == listed[0] == general[0], (fast, general)
        if general[0] == "raised":
            assert fast[1] is listed[1] is general[1]
            continue
        out, reached = fast[1]
        assert _seen(out) == _seen(listed[1]) == _seen(general[1]) == _seen(_grades(ev, inputs))
        assert reached is next((g.grade for g in general[1] if g.ok), None)


def _variants(ev, inputs, rng: random.Random):
    """`(ev, inputs)` changed in what the checks read, one part or several at a time."""
    standard = ev.standard
    states = [True, False, None]
    score_steps = [Fraction(1, 2), Fraction(1, 3), Fraction(1)]
    for _ in range(6):
        vetoes = [VetoResult(v.veto_id, rng.choice(states), v.values, rng.choice([None, None, "W-1"]))
                  for v in ev.vetoes]
        eligibility = [EligibilityResult(e.eligibility_id, rng.choice(states), e.values) for e in ev.eligibility]
        decisions = dict(ev.decisions)
        for g in standard.grades:
            for i in range(len(g.requires)):
                decisions[C.requires_id(g.id, i)] = rng.choice(states)
        sections = [dataclasses.replace(s, items=[_moved(r, rng) for r in s.items]) for s in ev.sections]
        step = rng.choice(score_steps)
        score = step * rng.randint(0, int(standard.total / step) + 2)
        changed = dataclasses.replace(ev, vetoes=vetoes, eligibility=eligibility, decisions=decisions,
                                      sections=sections, score=score, bonus=Fraction(rng.randint(0, 2), 2))
        yield changed, inputs
        yield dataclasses.replace(ev, score=score), inputs  # only the score moved
        yield dataclasses.replace(ev, vetoes=vetoes), inputs  # only the vetoes
    # values equal to a case kept but of other types: a state of 1 or 0, a score of the stdlib's
    # Fraction or an int; a state that cannot be a key
    yield dataclasses.replace(ev, vetoes=[dataclasses.replace(v, state=1) for v in ev.vetoes]), inputs
    yield dataclasses.replace(ev, eligibility=[dataclasses.replace(e, state=0) for e in ev.eligibility]), inputs
    yield dataclasses.replace(ev, score=fractions.Fraction(ev.score), bonus=fractions.Fraction(ev.bonus)), inputs
    yield dataclasses.replace(ev, score=int(ev.score), bonus=0), inputs
    yield dataclasses.replace(ev, vetoes=[dataclasses.replace(v, state=[True]) for v in ev.vetoes]), inputs
    # the honours a prerequisite reads: the record's, and grades from the store
    year = inputs.period.end.year
    titles = sorted({t for g in standard.grades if g.prerequisite for t in g.prerequisite.any_of} | {"其他"})
    held = tuple(Honour(title=t, year=year - rng.randint(0, 4)) for t in rng.sample(titles, min(2, len(titles))))
    yield ev, dataclasses.replace(inputs, honours=held)
    yield ev, dataclasses.replace(inputs, honours=(), prior_honours=tuple((h, f"store:{i}") for i, h in enumerate(held)))


def _moved(r: ItemResult, rng: random.Random) -> ItemResult:
    """A mandatory item's result at another status (its points settled by it); others as they are."""
    if not r.item.mandatory:
        return r
    status = rng.choice(list(ItemStatus))
    awarded = r.item.points if status is ItemStatus.FULL else Fraction(0)
    return dataclasses.replace(r, status=status, awarded=awarded)


@pytest.fixture(autouse=True)
def fresh_grade_caches(monkeypatch):
    """Each test starts with no checks kept per standard."""
    fresh = grades.once_per_object()(grades._Kept)
    monkeypatch.setattr(grades, "_kept", fresh)


def test_synthetic_population_grades_as_the_general_path():
    rng = random.Random(14)
    for n, (ev, inputs) in enumerate(_synthetic_inputs(300)):
        _same(ev, inputs)
        if n % 10 == 0:
            for changed, inp in _variants(ev, inputs, rng):
                _same(changed, inp)


def test_a_full_cache_starts_again_and_grades_the_same(monkeypatch):
    monkeypatch.setattr(grades._Kept, "LIMIT", 3)
    for ev, inputs in _synthetic_inputs(60):
        _same(ev, inputs)
        kept = grades._kept(ev.standard)
        assert len(kept.fixed) <= 3 and len(kept.lowest) <= 3


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_grades_as_the_general_path(path):
    rng = random.Random(path.stem)
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        standard = catalog.resolve_standard(app.standard)
        ev, inputs = assess(standard, loaded, PY)
        _same(ev, inputs)
        for changed, inp in _variants(ev, inputs, rng):
            _same(changed, inp)


@settings(max_examples=80, **SLOW)
@given(data=st.data())
def test_random_standards_and_records_grade_as_the_general_path(data):
    std = data.draw(standards())
    loaded_standard = standard_from_data(std)
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(3):
        ev, inputs = assess(loaded_standard, evidence_from_data(data.draw(records(std))), PY)
        _same(ev, inputs)
        for changed, inp in _variants(ev, inputs, rng):
            _same(changed, inp)


# ---- sections ------------------------------------------------------------------------------

_POINTS = [Fraction(1), Fraction(2), Fraction(5), Fraction(1, 2), Fraction(3, 2), Fraction(10, 3)]


@st.composite
def _results(draw) -> list[ItemResult]:
    """Item results of whole and non-whole points, some not applicable or waived."""
    out = []
    for j in range(draw(st.integers(0, 6))):
        points = draw(st.sampled_from(_POINTS))
        status = draw(st.sampled_from(list(ItemStatus)))
        step = draw(st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(1, 3)]))
        awarded = min(points, step * draw(st.integers(0, 12)))
        if status in (ItemStatus.NOT_APPLICABLE, ItemStatus.WAIVED):
            awarded = Fraction(0)
        item = SimpleNamespace(id=f"i{j}", points=points, mandatory=False)
        out.append(ItemResult(item, "s", awarded, status, Reason("reason.x")))
    return out


@settings(max_examples=300, **SLOW)
@given(results=_results(), na=st.sampled_from(["full", "rescale"]),
       cap=st.sampled_from([Fraction(3), Fraction(7, 2), Fraction(20), Fraction(1, 3)]))
def test_section_sums_are_exact_sums(results, na, cap):
    standard = SimpleNamespace(not_applicable=na)
    section = SimpleNamespace(id="s", cap=cap)
    fast, plain = engine.section_result(standard, section, results), _section(standard, section, results)
    assert fast == plain
    for a, b in ((fast.raw, plain.raw), (fast.awarded, plain.awarded), (fast.possible, plain.possible)):
        assert _typed(a) == _typed(b)
