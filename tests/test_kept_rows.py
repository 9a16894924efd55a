"""Results kept per distinct case give the cards scoring afresh gives: an item's result kept by
the engine (`items.kept_items`), its scorecard row kept per result and language
(`scorecard._item_dict`) and its gap kept per result, language and changes (`scorecard._item_gap`)
are the same as when every cache is empty, on random standards and
records (scored one after another, so later records meet the cases earlier ones left) and on
every fixture in both languages."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import card_parts, scorecard, words
from assess.scoring import items
from assess.standards import catalog
from assess.standards.catalog import standard_from_data
from test_properties import PY, SLOW, records, standards

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _fresh(loaded_standard, loaded, lang: str) -> dict:
    for held in items._KEPT.values():
        held[1].clear()
    scorecard._ROWS.clear()
    scorecard._GAPS.clear()
    scorecard._GAPS_BY_OBJECT.clear()
    card_parts._CHECK_TEXTS.clear()
    card_parts._CHANGE_TEXTS.clear()
    card_parts._CHANGE_TEXTS_BY_VALUE.clear()
    words._value_texts.cache_clear()
    return scorecard.score(loaded_standard, loaded, lang, PY)


@settings(max_examples=60, **SLOW)
@given(data=st.data())
def test_kept_results_and_rows_give_the_fresh_card(data):
    std = data.draw(standards())
    loaded_standard = standard_from_data(std)
    batch = [evidence_from_data(data.draw(records(std))) for _ in range(3)]
    warm = [scorecard.score(loaded_standard, loaded, lang, PY) for loaded in batch for lang in ("zh", "en")]
    fresh = [_fresh(loaded_standard, loaded, lang) for loaded in batch for lang in ("zh", "en")]
    assert warm == fresh


def _score_all(lang: str) -> None:
    for path in FIXTURES:
        loaded = load_evidence(str(path))
        for app in loaded.record.applications:
            scorecard.score(catalog.resolve_standard(app.standard), loaded, lang, PY)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_kept_results_and_rows_on_every_fixture(path):
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        standard = catalog.resolve_standard(app.standard)
        for lang in ("zh", "en"):
            fresh = _fresh(standard, loaded, lang)
            _score_all(lang)  # leave every union's cases in the caches
            assert scorecard.score(standard, loaded, lang, PY) == fresh
            assert scorecard.score(standard, loaded, lang, PY) == fresh


def test_a_caller_changing_its_card_does_not_change_the_next():
    loaded = load_evidence(str(FIXTURES[0]))
    standard = catalog.resolve_standard(loaded.record.applications[0].standard)
    first = scorecard.score(standard, loaded, "zh", PY)
    for section in first["sections"]:
        for row in section["items"]:
            row["title"] = "changed"
            row["missing"].append("changed")
    second = scorecard.score(standard, loaded, "zh", PY)
    assert all(row["title"] != "changed" and "changed" not in row["missing"]
               for section in second["sections"] for row in section["items"])


def test_a_caller_changing_its_gaps_does_not_change_the_next():
    path = next(p for p in FIXTURES if p.stem == "tanglang-community")
    loaded = load_evidence(str(path))
    standard = catalog.resolve_standard(loaded.record.applications[0].standard)
    first = scorecard.score(standard, loaded, "zh", PY)
    item_gaps = [g for g in first["gaps"] if g["kind"] == "item" and g["changes"]]
    assert item_gaps, "tanglang has item gaps with changes"
    for gap in item_gaps:
        gap["text"] = "changed"
        gap["actions"].append("changed")
        gap["evidence"].append("changed")
        gap["changes"][0]["name"] = "changed"
    second = scorecard.score(standard, loaded, "zh", PY)
    assert [g for g in second["gaps"] if g["kind"] == "item"] == [
        g for g in _fresh(standard, loaded, "zh")["gaps"] if g["kind"] == "item"]
    assert all(g["text"] != "changed" and "changed" not in g.get("actions", ()) for g in second["gaps"])
