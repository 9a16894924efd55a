"""An acceptance result as an xlsx workbook (`assess score --inspection FILE --format xlsx`): one
sheet with the header, each section's items with the self-check (自评分) and inspection (考核分)
side by side, the differences with why, and the conclusion. Reads only the acceptance dict; written
by `xlsx_book.XlsxBook` (numbers are numbers, formula-like text stays text)."""
from __future__ import annotations

import io
from typing import Any

from assess.core.messages import message
from assess.present.renderers import FileOutput
from assess.present.renderers.acceptance_rows import MARK, columns, difference_lines, header, sections
from assess.present.renderers.xlsx_book import XlsxBook

_WIDTHS = (40, 8, 8, 8, 16, 60)


def to_xlsx(result: dict[str, Any], lang: str, **_options: Any) -> FileOutput:
    """The workbook: one sheet named after the union. Texts are the result's own, headings in `lang`."""
    card = result["inspection"]
    book = XlsxBook(title=message("acceptance.sheet", lang))
    ws = book.sheet(card["union"]["name"], widths=_WIDTHS)
    book.row(ws, [message("acceptance.title", lang, union=card["union"]["name"])], "title")
    for label, value in header(result, lang):
        book.row(ws, [label, value])
    for heading, mine, theirs, cap, rows in sections(result, lang):
        book.row(ws, [])
        book.row(ws, [heading, cap, mine, theirs], "bold")
        book.row(ws, columns(lang), "head")
        for r in rows:
            book.row(ws, [(MARK + " " if r["mark"] else "") + r["title"], r["points"], r["self"], r["inspection"],
                          r["delta"], r["note"]], "wrap")
    book.row(ws, [])
    book.row(ws, [message("acceptance.differences", lang, n=sum(1 for d in result["differences"] if d["kind"] == "item"))],
             "bold")
    for head, why in difference_lines(result, lang):
        book.row(ws, [head], "wrap")
        for w in why:
            book.row(ws, ["", "", "", "", "", w], "wrap")
    c = result["conclusion"]
    book.row(ws, [])
    book.row(ws, [message("acceptance.conclusion", lang)], "bold")
    book.row(ws, [c["summary"]], "bold")
    for reason in c["reasons"]:
        book.row(ws, [reason], "wrap")
    out = io.BytesIO()
    book.save(out)
    return FileOutput(out.getvalue(), ".xlsx", book.replaced, missing=frozenset(book.missing))
