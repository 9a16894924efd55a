"""An acceptance result as CSV: one row per item, both layers side by side, for a spreadsheet.

Written as a file (`FileOutput`) in the encoding asked for (UTF-8 with a byte order mark by
default); numbers stay numbers, formula-like text is neutralised (`assess.core.tabular`)."""
from __future__ import annotations

from typing import Any, Iterator

from assess.core.tabular import DEFAULT_CSV_ENCODING, csv_text, encode_text
from assess.present.renderers import FileOutput
from assess.present.renderers.acceptance_rows import item_differences, notes_by_item

CSV_COLUMNS = ("union_id", "standard_id", "standard_version", "section", "item", "title", "points", "self_score",
               "inspection_score", "delta", "self_status", "inspection_status", "different", "note")


def item_rows(result: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per item (CSV_COLUMNS), both layers side by side; numbers as numbers."""
    mine, card = result["self_check"], result["inspection"]
    diffs, notes = item_differences(result), notes_by_item(result)
    before = {it["id"]: it for s in mine["sections"] for it in s["items"]} | {it["id"]: it for it in mine["bonus_items"]}
    sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
    for section_id, items in sections:
        for it in items:
            d = diffs.get(it["id"])
            b = before[it["id"]]
            yield [card["union"]["id"], card["standard"]["id"], card["standard"]["version"], section_id, it["id"],
                   it["title"], it["points"], b["awarded"], it["awarded"], d["delta"] if d else 0,
                   b["status"], it["status"], 1 if d else 0, "; ".join((d["why"] if d else notes.get(it["id"], [])))]


def to_csv(result: dict[str, Any], lang: str | None = None, *, csv_encoding: str = DEFAULT_CSV_ENCODING,
           **_options: Any) -> FileOutput:
    """The CSV file: a header (CSV_COLUMNS) and one row per item, in `csv_encoding` (characters it
    lacks are replaced and counted). The texts are the result's own: `lang` is not used."""
    encoded = encode_text(csv_text([CSV_COLUMNS, *item_rows(result)]), csv_encoding)
    return FileOutput(encoded.data, ".csv", encoded.replaced, text=True, missing=encoded.missing)
