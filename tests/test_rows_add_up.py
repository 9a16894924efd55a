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
    """Each section's points are its rows' (capped), up to the rounding of the numbers shown: a
    row of 46/9007199254740993 points shows 0.00000000000001 (a nonzero value never reads as 0)
    beside a section of 1.00000000000001 shown as 1."""
    for section in card["sections"]:
        rows = sum((F(str(it["awarded"])) for it in section["items"]), F(0))
        slack = F(1, 100) * (len(section["items"]) + 1)
        assert abs(min(rows, F(str(section["cap"]))) - F(str(section["awarded"]))) < slack, section["id"]


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


def test_a_bonus_item_that_does_not_apply_shows_0_beside_a_bonus_that_leaves_it_out():
    """Found by the break-it pass: under `not_applicable: full` a bonus item that does not apply
    showed its full points beside a bonus of 0 (it adds nothing to the bonus); and deductions from
    the total that took nothing off were headed "-0"."""
    from test_rules import item, record, standard

    std = standard(item("A", 5), na="full",
                   bonus={"cap": 3, "counts_toward_grade": True,
                          "items": [item("Z", 3, {"kind": "all_or_nothing", "when": "has_b"}, applies_if="has_c")]})
    std["deductions"] = [{"id": "D", "title": "扣分", "points": 4, "applies_if": "has_c",
                          "rule": {"kind": "per_occurrence", "count": "disputes", "deduct": 2}}]
    loaded = standard_from_data(std)
    le = evidence_from_data(record({"has_a": True, "has_b": False, "has_c": False, "disputes": 1}))
    ev, inputs = assess(loaded, le, PythonDecider())
    card = build_scorecard(ev, inputs, le, "zh", "python")
    assert card["bonus"] == 0 and [(b["awarded"], b["status_text"]) for b in card["bonus_items"]] == [(0, "不适用")]
    assert card["sections"][0]["items"][0]["awarded"] == 5
    from assess.present.renderers import scorecard_html, scorecard_text
    text = scorecard_text.table([card], "zh")
    assert "扣分项 (从总分中扣除)  0\n" in text and "  -0\n" not in text
    assert ">-0<" not in scorecard_html.to_html([card], "zh")


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_a_score_that_is_not_the_sections_sum_says_it_was_rescaled(path):
    """tanglang's sections add up to 75 and its score is 76.53: the header says 75 of the 98
    applicable points were rescaled to 100 (found by the fresh-user pass)."""
    from assess.present.renderers import scorecard_text

    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PythonDecider())
        card = build_scorecard(ev, inputs, loaded, "zh", "python")
        header = scorecard_text.table([card], "zh").splitlines()[5]
        sections = sum((F(str(s["awarded"])) for s in card["sections"]), F(0))
        rescaled = F(str(card["possible"])) != F(str(card["total"]))
        assert ("按 " in header and "分折算" in header) == rescaled
        if rescaled:
            assert f"适用项 {card['raw_score']}/{card['possible']} 分" in header and sections == F(str(card["raw_score"]))


def _xlsx_rows(cards: list[dict], lang: str = "zh") -> list[list]:
    import io

    from openpyxl import load_workbook

    from assess.present.renderers import scorecard_xlsx

    book = load_workbook(io.BytesIO(scorecard_xlsx.to_xlsx(cards, lang).data))
    return [[v for v in row if v is not None] for ws in book for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_xlsx_scorecard_says_so_too_and_shows_the_plans_cost_and_alternatives(path):
    # Its 小计 cells add to the raw score: beside a rescaled score it says so, as the text does;
    # and it shows the plan's cost and alternatives the text, Markdown and HTML show.
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PythonDecider())
        card = build_scorecard(ev, inputs, loaded, "zh", "python")
        rows = _xlsx_rows([card])
        score_row = next(r for r in rows if r and r[0] == "得分")
        rescaled = F(str(card["possible"])) != F(str(card["total"]))
        assert (len(score_row) == 3) == rescaled, score_row
        if rescaled:
            assert f"适用项 {card['raw_score']}/{card['possible']} 分" in score_row[2]
        cells = {str(v) for r in rows for v in r}
        plan = card["next_grade"] or {}
        if plan.get("cost_text"):
            assert plan["cost_text"] in cells
        assert all(alt["text"] in cells for alt in plan.get("alternatives") or [])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_a_section_line_shows_the_applicable_points_its_score_is_taken_against(path, lang):
    """tanglang's 组织建设好 showed 17/25 where one item does not apply and the score is rescaled on
    the 23 points that do: the line says 17/23 and the section's 25, in the text, Markdown, HTML
    and xlsx alike; a section whose items all apply keeps its plain 9/10."""
    from assess.present.renderers import scorecard_html, scorecard_text

    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PythonDecider())
        card = build_scorecard(ev, inputs, loaded, lang, "python")
        text, md = scorecard_text.table([card], lang), scorecard_text.markdown([card], lang)
        html = scorecard_html.to_html([card], lang)
        cells = {str(v) for r in _xlsx_rows([card], lang) for v in r}
        for s in card["sections"]:
            head = f"{s['id']} {s['title']}  "
            if F(str(s["possible"])) == F(str(s["cap"])):
                assert f"{head}{s['awarded']}/{s['cap']}\n" in text and f"### {head}{s['awarded']}/{s['cap']}\n" in md
                continue
            words = {"zh": f"{s['awarded']}/{s['possible']} (适用项; 满分 {s['cap']})",
                     "en": f"{s['awarded']}/{s['possible']} (applicable points; out of {s['cap']})"}[lang]
            assert f"{head}{words}\n" in text and f"### {head}{words}\n" in md
            assert f'<span class="sum">{words}</span>' in html and words in cells


def test_tanglang_s_organisation_section_reads_17_of_23():
    from assess.present.renderers import scorecard_text

    path = ROOT / "fixtures" / "tanglang-community.yaml"
    loaded = load_evidence(str(path))
    ev, inputs = assess(catalog.resolve_standard("bahao-community"), loaded, PythonDecider())
    text = scorecard_text.table([build_scorecard(ev, inputs, loaded, "zh", "python")], "zh")
    assert "organisation 二、组织建设好  17/23 (适用项; 满分 25)\n" in text
    assert "party_support 一、党政重视好  9/10\n" in text
