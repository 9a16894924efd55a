"""An acceptance result as CSV: one row per item, both layers side by side, for a spreadsheet
(`assess score EVIDENCE --inspection FILE --format csv`).

Written as a file (`FileOutput`) in the encoding asked for (UTF-8 with a byte order mark by
default); numbers stay numbers, formula-like text is neutralised (`assess.core.tabular`). The
header and the cells a person reads are words in the language asked for (一级指标 by its title,
statuses as 满分/缺少佐证..., 有差异 是/否); the item id stays, for sorting and for a script."""
from __future__ import annotations

from typing import Any, Iterator

from assess.core.messages import message
from assess.core.tabular import DEFAULT_CSV_ENCODING, csv_text, encode_text
from assess.present.renderers import FileOutput, column_heads, yes_no
from assess.present.renderers.acceptance_rows import item_differences, notes_by_item

CSV_COLUMNS = ("union_id", "standard_id", "standard_version", "section", "item", "title", "points", "self_score",
               "inspection_score", "delta", "self_status", "inspection_status", "different", "note")


def item_rows(result: dict[str, Any], lang: str | None = None) -> Iterator[list[Any]]:
    """One row per item (CSV_COLUMNS), both layers side by side; numbers as numbers, statuses in
    the cards' words, 有差异 是/否 in `lang`."""
    mine, card = result["self_check"], result["inspection"]
    diffs, notes = item_differences(result), notes_by_item(result)
    before = {it["id"]: it for s in mine["sections"] for it in s["items"]} | {it["id"]: it for it in mine["bonus_items"]}
    sections = [(s["title"], s["items"]) for s in card["sections"]]
    sections.append((message("word.bonus_section", lang), card["bonus_items"]))
    for section, items in sections:
        for it in items:
            d = diffs.get(it["id"])
            b = before[it["id"]]
            yield [card["union"]["id"], card["standard"]["id"], card["standard"]["version"], section, it["id"],
                   it["title"], it["points"], b["awarded"], it["awarded"], d["delta"] if d else 0,
                   b["status_text"], it["status_text"], yes_no(d is not None, lang),
                   "; ".join((d["why"] if d else notes.get(it["id"], [])))]


def to_csv(result: dict[str, Any], lang: str | None = None, *, csv_encoding: str = DEFAULT_CSV_ENCODING,
           **_options: Any) -> FileOutput:
    """The CSV file: a header (CSV_COLUMNS in words, `column_heads`) and one row per item, in
    `csv_encoding` (characters it lacks are replaced and counted). Texts are the result's own
    (made in `lang`); the header and 是/否 in `lang`."""
    encoded = encode_text(csv_text([column_heads(CSV_COLUMNS, lang), *item_rows(result, lang)]), csv_encoding)
    return FileOutput(encoded.data, ".csv", encoded.replaced, text=True, missing=encoded.missing)
