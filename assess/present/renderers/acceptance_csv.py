"""An acceptance result as CSV: one row per item, both layers side by side, for a spreadsheet."""
from __future__ import annotations

import csv
import io
from typing import Any

from assess.present.renderers.acceptance_rows import item_differences, notes_by_item

CSV_COLUMNS = ("union_id", "standard_id", "standard_version", "section", "item", "title", "points", "self_score",
               "inspection_score", "delta", "self_status", "inspection_status", "different", "note")


def to_csv(result: dict[str, Any], lang: str | None = None) -> str:
    """One row per item (CSV_COLUMNS), both layers side by side. The texts are the result's own:
    `lang` is not used."""
    mine, card = result["self_check"], result["inspection"]
    diffs, notes = item_differences(result), notes_by_item(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    before = {it["id"]: it for s in mine["sections"] for it in s["items"]} | {it["id"]: it for it in mine["bonus_items"]}
    sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
    for section_id, items in sections:
        for it in items:
            d = diffs.get(it["id"])
            b = before[it["id"]]
            writer.writerow([card["union"]["id"], card["standard"]["id"], card["standard"]["version"], section_id, it["id"],
                             it["title"], it["points"], b["awarded"], it["awarded"], d["delta"] if d else 0,
                             b["status"], it["status"], "1" if d else "0", "; ".join((d["why"] if d else notes.get(it["id"], [])))])
    return buf.getvalue()
