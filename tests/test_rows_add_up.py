"""The numbers a card shows add up: each section's points are its item rows' points (capped),
including an item that does not apply under `not_applicable: full`, which shows the full points
it counts for (it showed 0 beside a section that counted it full)."""
from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data, load_evidence
from assess.present.scorecard import assess, build_scorecard
from assess.scoring.compiler import PythonDecider
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import SLOW, records, standards

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def _sections_add_up(card: dict) -> None:
    for section in card["sections"]:
        rows = sum((F(str(it["awarded"])) for it in section["items"]), F(0))
        assert min(rows, F(str(section["cap"]))) == F(str(section["awarded"])), section["id"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixtures_item_rows_add_up_to_their_sections(path):
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PythonDecider())
        for lang in ("zh", "en"):
            _sections_add_up(build_scorecard(ev, inputs, loaded, lang, "python"))


def test_an_item_that_does_not_apply_under_full_shows_the_points_it_counts_for():
    loaded = load_evidence(str(ROOT / "fixtures" / "small-shop-18.yaml"))
    ev, inputs = assess(catalog.resolve_standard("liuyou-grassroots"), loaded, PythonDecider())
    card = build_scorecard(ev, inputs, loaded, "zh", "python")
    row = next(it for s in card["sections"] for it in s["items"] if it["id"] == "fulltime_chair")
    assert row["status"] == "not_applicable" and row["awarded"] == row["points"] == 2
    assert row["status_text"] == "不适用, 按满分计"


@settings(max_examples=80, **SLOW)
@given(data=st.data())
def test_item_rows_add_up_to_their_sections_on_random_standards(data):
    std = data.draw(standards())
    loaded = standard_from_data(std)
    le = evidence_from_data(data.draw(records(std)))
    ev, inputs = assess(loaded, le, PythonDecider())
    _sections_add_up(build_scorecard(ev, inputs, le, "en", "python"))
