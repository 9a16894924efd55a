"""Scorecards as CSV: one row per item, so a federation can sort and filter in a spreadsheet.

Written as a file (`FileOutput`) in the encoding asked for, UTF-8 with a byte order mark by default
so that Excel and WPS read Chinese right; numbers are numbers and text that a spreadsheet could
take for a formula is neutralised (`assess.core.tabular`). The header and every cell a person
reads are words in the language asked for (一级指标 by its title, 满分 not `full`, 是/否, the
grade's title); the item id stays, for sorting and for a script. JSON is the machine interface."""
from __future__ import annotations

from typing import Any, Iterator

from assess.core.messages import message
from assess.core.tabular import DEFAULT_CSV_ENCODING, csv_text, encode_text
from assess.present.renderers import FileOutput, column_heads, yes_no

CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "section", "item", "title", "points",
               "awarded", "status", "mandatory", "observed", "required", "reason", "card_score", "bonus", "grade_score",
               "grade")


def item_rows(cards: list[dict[str, Any]], lang: str | None = None) -> Iterator[list[Any]]:
    """One row per item of every card (CSV_COLUMNS): sections by their titles, the bonus items
    under 加分项, deductions from the total under 扣分项 (`awarded` negative: what they took off);
    numbers as numbers, statuses in the cards' words, mandatory 是/否 in `lang`. The card's
    score, bonus and grade score (the score its grade was earned on) come before the grade, in the
    batch CSV's order (`record_csv.CSV_COLUMNS`), so the number beside the grade is the one it needs."""
    for card in cards:
        # a grade is earned on score + bonus: the total alone would read as short of the grade
        scored = [card["score"], card["bonus"], card["grade_score"], card["grade"]["title"] if card["grade"] else ""]
        who = [card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"]]
        sections = [(s["title"], s["items"]) for s in card["sections"]]
        sections.append((message("word.bonus_section", lang), card["bonus_items"]))
        for section, items in sections:
            for it in items:
                yield [*who, section, it["id"], it["title"], it["points"], it["awarded"], it["status_text"],
                       yes_no(it["mandatory"], lang), it["observed"], it["required"], it["reason"], *scored]
        for d in card.get("deductions") or []:  # deductions from the total: `awarded` is what they took off, negative
            yield [*who, message("xlsx.deductions", lang), d["id"], d["title"], d["points"],
                   -d["deducted"] if d["deducted"] else 0, d["status_text"], yes_no(False, lang), d["observed"],
                   d["required"], d["reason"], *scored]


def to_csv(cards: list[dict[str, Any]], lang: str | None = None, *, csv_encoding: str = DEFAULT_CSV_ENCODING,
           **_options: Any) -> FileOutput:
    """The CSV file: a header (CSV_COLUMNS in words, `column_heads`) and one row per item, in
    `csv_encoding` (one of `assess.core.tabular.CSV_ENCODINGS`; characters it lacks are replaced
    and counted in `replaced`). Texts are the cards' own (made in `lang`); the header and the
    words this file adds (是/否, 加分项, 扣分项) in `lang`."""
    encoded = encode_text(csv_text([column_heads(CSV_COLUMNS, lang), *item_rows(cards, lang)]), csv_encoding)
    return FileOutput(encoded.data, ".csv", encoded.replaced, text=True, missing=encoded.missing)
