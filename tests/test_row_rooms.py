"""The batch CSV row's shortcuts to the rooms of capped totals and the grades in reach
(record_csv._most_lost reading a section where the standard has it, record_csv._in_reach kept by
grade, score and bonus) against the general code, over records whose sections' totals are moved
to any room: at the cap, just under it, under it by less than an item's shortfall."""
from __future__ import annotations

import copy
import dataclasses
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.present.renderers import record_csv
from assess.scoring.gaps import most_lost, short_items
from assess.scoring.plan import next_grade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402
from test_fast_paths import _fixture_records, _scored  # noqa: E402

_SCORED = []


def _records():
    if not _SCORED:
        _SCORED.extend([record for record, _ in _fixture_records()] + _scored(list(synthetic.generate(60)), "zh"))
    return _SCORED


def _moved(ev, rooms):
    """`ev` with each section's total set `rooms[i]` halves of a point under its cap (None: kept)."""
    moved = copy.copy(ev)
    moved.sections = [s if room is None else dataclasses.replace(s, awarded=max(Fraction(0), s.cap - Fraction(room, 2)))
                      for s, room in zip(ev.sections, rooms)]
    return moved


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.lists(st.one_of(st.none(), st.integers(0, 12)), min_size=12, max_size=12))
def test_the_items_losing_most_are_most_losts_for_sections_of_any_room(pick, rooms):
    records = _records()
    ev = _moved(records[pick % len(records)].evaluation, rooms)
    short = short_items(ev)
    for n in range(4):
        assert record_csv._most_lost(ev, short, n) == most_lost(ev, short, n)


def test_the_grades_in_reach_are_worked_out_from_the_grade_score():
    for record in _records():
        ev = record.evaluation
        target, score = next_grade(ev), ev.grade_score
        expected = frozenset(g.id for g in ev.standard.grades if g is target or score >= g.min_score)
        assert record_csv._in_reach(ev) == expected
        assert record_csv._in_reach(ev, score) == expected


def test_a_section_not_where_the_standard_has_it_is_searched_for():
    ev = next(r.evaluation for r in _records() if len(r.evaluation.sections) > 2)
    turned = copy.copy(ev)
    turned.sections = list(reversed(ev.sections))
    short = short_items(turned)
    for n in range(4):
        assert record_csv._most_lost(turned, short, n) == most_lost(turned, short, n)


def test_a_scored_record_holds_its_fields_as_a_frozen_dataclass_does():
    import pytest

    from assess.present.renderers import ScoredRecord

    record = _records()[0]
    values = [getattr(record, f.name) for f in dataclasses.fields(ScoredRecord)]
    made = ScoredRecord(*values)
    assert [getattr(made, f.name) for f in dataclasses.fields(ScoredRecord)] == values
    assert made == record and vars(made) == vars(record)
    assert dataclasses.replace(made, position="p").position == "p" and made.position == record.position
    assert ScoredRecord(**{f.name: v for f, v in zip(dataclasses.fields(ScoredRecord), values)}) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.position = "q"  # type: ignore[misc]
