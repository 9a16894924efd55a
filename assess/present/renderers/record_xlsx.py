"""Scored batch records as an xlsx workbook (`assess batch --out results.xlsx`): one row per union,
the columns of the CSV (`record_csv`), numbers as numbers.

A workbook cannot be appended to, so the batch writes each record's row as one JSON line to a
staging file (`OUT.rows.jsonl`, resumable like any batch output) and `assemble` streams the staged
rows into the workbook at the end of the run: memory stays flat however many unions there are.
"""
from __future__ import annotations

import json
from typing import Any

from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.present.renderers import LineRenderer, ScoredRecord, column_heads
from assess.present.renderers.record_csv import CSV_COLUMNS, csv_row
from assess.present.renderers.xlsx_book import XlsxBook
from assess.core.writing import writing

_WIDTHS = (20, 28, 18, 10, 8, 8, 14, 24, 8, 36, 36, 36, 24)


def row_line(record: ScoredRecord, lang: str) -> str:
    """The record's row (CSV_COLUMNS) as one JSON line (numbers as numbers), newline included."""
    row = csv_row(record.evaluation, record.evidence.record.union, record.position, lang)
    return json_text(row, compact=True) + "\n"


def assemble(staging: str, out: str) -> tuple[int, frozenset[str]]:
    """Write the workbook `out` from the staged rows in `staging` (one JSON array a line): a sheet
    (评分结果 / results, in the current language) with the header row (CSV_COLUMNS in words, as the
    CSV's) and one row per union, frozen under the header. Returns how many times a character had to be replaced, and
    which characters. Raises InputError when `out` cannot be written or the
    rows do not fit one sheet."""
    book = XlsxBook(title=message("xlsx.out.results_sheet"))  # in the run's language (the batch sets it)
    ws = book.sheet(message("xlsx.out.results_sheet"), widths=_WIDTHS, freeze="A2")
    book.row(ws, column_heads(CSV_COLUMNS), "head")
    with writing(out):  # the staged rows were written by this run: what fails is writing `out`
        with open(staging, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    _append(book, ws, json.loads(line), out)
        book.save(out)
    return book.replaced, frozenset(book.missing)


def _append(book: XlsxBook, ws, row: Any, out: str) -> None:
    try:
        book.row(ws, row if isinstance(row, list) else [row])
    except ValueError:
        raise InputError([Problem(out, "", message("xlsx.out.too_many_rows"))]) from None


XLSX = LineRenderer(row_line, assemble=assemble)
