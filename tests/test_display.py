"""Numbers a user reads never contradict the decision beside them: a value below a cut-off is shown
with the digits that keep it visibly below (94.96%, not 95%, beside "≥ 95%"), and rule texts print
their parameters exactly ("每少 1% 扣 0.125 分", not 0.13)."""
from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.core.types import exact_text, format_number, number_out
from assess.model.evidence import evidence_from_data
from assess.present.scorecard import build_scorecard, assess
from assess.present.words import Words
from assess.scoring.compiler import PythonDecider
from assess.standards.catalog import standard_from_data
from test_rules import item, record, standard

HERE = Path(__file__).parent
CASE = HERE / "data" / "display" / "rate-rounding.yaml"


def _side(x: F, c: F) -> int:
    return (x > c) - (x < c)


@settings(max_examples=400)
@given(value=st.fractions(min_value=0, max_value=2, max_denominator=10**7),
       cut=st.fractions(min_value=0, max_value=2, max_denominator=10**4), percent=st.booleans())
def test_a_shown_number_is_on_the_same_side_of_its_cut_off(value, cut, percent):
    text = format_number(value, percent=percent, against=[cut])
    shown = F(text[:-1]) / 100 if percent else F(text)
    if value != cut:
        assert _side(shown, cut) == _side(value, cut), (value, cut, text)


def test_rounding_alone_would_contradict_the_cut_off():
    rate = F(2374, 2500)
    assert format_number(rate, percent=True) == "95%"  # what the table used to show
    assert format_number(rate, percent=True, against=[F(95, 100)]) == "94.96%"
    assert number_out(F(79996, 1000), against=[80]) == 79.996
    assert number_out(F(80), against=[80]) == 80
    assert number_out(F(1, 8)) == 0.13 and exact_text(F(1, 8)) == "0.125" and exact_text(F(1, 800), percent=True) == "0.125%"


def test_the_field_case_shows_the_rate_below_the_cut_off():
    result = CliRunner().invoke(main, ["score", str(CASE), "--standard", "liuyou-grassroots"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("membership_rate"))
    assert "94.96%" in row and "≥ 95%" in row and "部分得分" in row
    assert "职工入会率 94.96% 低于 95%" in CliRunner().invoke(
        main, ["score", str(CASE), "--standard", "liuyou-grassroots", "--format", "json"]).output


def _card(std, rec):
    loaded = standard_from_data(std)
    le = evidence_from_data(rec)
    ev, inputs = assess(loaded, le, PythonDecider())
    return build_scorecard(ev, inputs, le, "zh", "python")


def test_rule_texts_print_exact_parameters():
    std = standard(item(points=6, rule={"kind": "shortfall", "value": "membership_rate", "target": "95%",
                                        "per": "0.5%", "deduct": "0.125", "partial": "exact"}))
    words = Words(standard_from_data(std).standard, "zh")
    text = words.rule(standard_from_data(std).standard.find_item("X"))
    assert "每少 0.5% 扣 0.125 分" in text


def test_a_score_just_below_a_grade_is_not_shown_at_the_cut_off():
    # 2 of 3 entries: 20/3 = 6.67 of 10 ... and a grade at 6.67 exactly is not reached.
    std = standard(item(points=10, rule={"kind": "checklist", "entries": ["has_a", "has_b", "has_c"]}),
                   grades=[{"id": "pass", "title": "合格", "min_score": "6.67"}])
    card = _card(std, record({"has_a": True, "has_b": True, "has_c": False}))
    assert card["grade"] is None
    assert card["score"] < 6.67 and str(card["score"]) == "6.667"
    check = card["grades"][0]["checks"][0]["text"]
    assert "6.667" in check and "6.67" in check
    item_row = card["sections"][0]["items"][0]
    assert item_row["awarded"] == 6.67 and item_row["status"] == "partial"


def test_awarded_points_just_short_of_full_are_not_shown_as_full():
    std = standard(item(points=10, rule={"kind": "shortfall", "value": "membership_rate", "target": "100%",
                                         "per": "1%", "deduct": "0.001", "partial": "exact"}))
    card = _card(std, record({"employees": 1000, "members": 999}))
    row = card["sections"][0]["items"][0]
    assert row["status"] == "partial" and row["awarded"] < 10 and row["awarded"] == 9.9999
