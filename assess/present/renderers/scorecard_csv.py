"""Scorecards as CSV: one row per item, so a federation can sort and filter in a spreadsheet."""
from __future__ import annotations

import csv
import io
from typing import Any

CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "section", "item", "title", "points",
               "awarded", "status", "mandatory", "observed", "required", "reason", "grade", "score")


def to_csv(cards: list[dict[str, Any]], lang: str | None = None) -> str:
    """One row per item (CSV_COLUMNS), the bonus items as section `bonus`, deductions from the
    total as section `deductions` (`awarded` negative: what they took off). The texts are the
    cards' own: `lang` is not used."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for card in cards:
        grade = card["grade"]["id"] if card["grade"] else ""
        sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
        for section_id, items in sections:
            for it in items:
                writer.writerow([card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"],
                                 section_id, it["id"], it["title"], it["points"], it["awarded"], it["status"],
                                 "1" if it["mandatory"] else "0", it["observed"], it["required"], it["reason"], grade, card["score"]])
        for d in card.get("deductions") or []:  # deductions from the total: `awarded` is what they took off, negative
            writer.writerow([card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"],
                             "deductions", d["id"], d["title"], d["points"], -d["deducted"] if d["deducted"] else 0, d["status"],
                             "0", d["observed"], d["required"], d["reason"], grade, card["score"]])
    return buf.getvalue()
