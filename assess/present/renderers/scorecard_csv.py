"""Scorecards as CSV: one row per item, so a federation can sort and filter in a spreadsheet.

Written as a file (`FileOutput`) in the encoding asked for, UTF-8 with a byte order mark by default
so that Excel and WPS read Chinese right; numbers are numbers and text that a spreadsheet could
take for a formula is neutralised (`assess.core.tabular`)."""
from __future__ import annotations

from typing import Any, Iterator

from assess.core.tabular import DEFAULT_CSV_ENCODING, csv_text, encode_text
from assess.present.renderers import FileOutput

CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "section", "item", "title", "points",
               "awarded", "status", "mandatory", "observed", "required", "reason", "grade", "score")


def item_rows(cards: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """One row per item of every card (CSV_COLUMNS), the bonus items as section `bonus`,
    deductions from the total as section `deductions` (`awarded` negative: what they took off):
    numbers as numbers, texts as the cards give them."""
    for card in cards:
        grade = card["grade"]["id"] if card["grade"] else ""
        sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
        for section_id, items in sections:
            for it in items:
                yield [card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"],
                       section_id, it["id"], it["title"], it["points"], it["awarded"], it["status"],
                       1 if it["mandatory"] else 0, it["observed"], it["required"], it["reason"], grade, card["score"]]
        for d in card.get("deductions") or []:  # deductions from the total: `awarded` is what they took off, negative
            yield [card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"],
                   "deductions", d["id"], d["title"], d["points"], -d["deducted"] if d["deducted"] else 0, d["status"],
                   0, d["observed"], d["required"], d["reason"], grade, card["score"]]


def to_csv(cards: list[dict[str, Any]], lang: str | None = None, *, csv_encoding: str = DEFAULT_CSV_ENCODING,
           **_options: Any) -> FileOutput:
    """The CSV file: a header (CSV_COLUMNS) and one row per item, in `csv_encoding` (one of
    `assess.core.tabular.CSV_ENCODINGS`; characters it lacks are replaced and counted in
    `replaced`). The texts are the cards' own: `lang` is not used."""
    encoded = encode_text(csv_text([CSV_COLUMNS, *item_rows(cards)]), csv_encoding)
    return FileOutput(encoded.data, ".csv", encoded.replaced, text=True, missing=encoded.missing)
