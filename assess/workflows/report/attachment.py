"""The report's attached list (`assess report --list FILE`): every unit that applied for a grade and
did not reach it, with why, as CSV or an xlsx workbook (by the file's suffix). A workbook also
gets a sheet of the records left out because they failed validation.

CSV follows `assess.core.tabular` (a byte order mark by default, formula-like cells neutralised);
the workbook is written as a stream by `assess.present.renderers.xlsx_book` (numbers as numbers).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from assess.core.messages import message
from assess.core.tabular import csv_text, encode_text
from assess.present.renderers.xlsx_book import XlsxBook
from assess.workflows.report.model import Report
from assess.workflows.report.names import kind_name
from assess.workflows.report.sections import problem_text
from assess.core.writing import writing

_WIDTHS = (18, 22, 30, 24, 14, 24, 24, 8, 60)


def list_heads(lang: str) -> list[str]:
    """The list's column heads: standard, union id, name, parent, kind, applied, awarded, the grade
    score (评级得分: what the grade was decided on, as the reasons beside it speak of it), why."""
    return [message("report.col.standard", lang), message("head.union", lang), message("report.col.name", lang),
            message("head.parent", lang), message("report.col.kind", lang), message("head.applied", lang),
            message("head.grade", lang), message("print.grade_score_label", lang), message("report.col.why", lang)]


def list_rows(report: Report) -> Iterator[list[Any]]:
    """One row per unit that applied and did not reach its grade, standard by standard; the grade
    score as a number."""
    lang = report.lang
    for r in report.standards:
        for u in r.applied_not_reached:
            yield [r.standard_id, u.union_id, u.name, u.parent or "", kind_name(u.kind, lang), r.title_of(u.applied),
                   r.title_of(u.grade) if u.grade else message("head.no_grade", lang), u.graded,
                   "; ".join(w["text"] for w in u.why)]


def write_list(report: Report, path: str, csv_encoding: str = "utf-8-sig") -> tuple[int, frozenset[str]]:
    """Write the list to `path`: xlsx when it ends in .xlsx, else CSV in `csv_encoding`. Returns how
    many times a character had to be replaced (`?`), and which characters. Raises InputError when
    the file cannot be written."""
    with writing(path, "--list"):
        if path.lower().endswith(".xlsx"):
            return _write_xlsx(report, path)
        encoded = encode_text(csv_text([list_heads(report.lang), *list_rows(report)]), csv_encoding)
        Path(path).write_bytes(encoded.data)
        return encoded.replaced, encoded.missing


def _write_xlsx(report: Report, path: str) -> tuple[int, frozenset[str]]:
    lang = report.lang
    book = XlsxBook(title=message("report.html_title", lang))
    ws = book.sheet(message("report.sheet.applied", lang), widths=_WIDTHS, freeze="A2")
    book.row(ws, list_heads(lang), "head")
    for row in list_rows(report):
        book.row(ws, row)
    left = report.left_out()
    if left:
        ws = book.sheet(message("report.sheet.rejected", lang), widths=(30, 22, 80), freeze="A2")
        book.row(ws, [message("report.col.position", lang), message("head.union", lang), message("report.col.problem", lang)],
                 "head")
        for x in left:
            book.row(ws, [x.position, x.union or "", problem_text(x, lang)])  # with how many more, as in the text
    book.save(path)
    return book.replaced, frozenset(book.missing)
