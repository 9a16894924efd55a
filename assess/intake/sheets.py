"""Reading the sheets of a fill-in workbook: headers matched to columns in any language, rows
to plain values with the cell of each, and a problem for anything written where nothing is read
(an unknown column or sheet with content, a value without a key)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from assess.core.messages import message
from assess.core.problems import Problem
from assess.intake import xlsx
from assess.intake.layout import SheetSpec, column_ids, column_title, header_key


@dataclass
class Row:
    """One filled row: its number, its values by column id and the cell of each."""

    number: int
    values: dict[str, Any]
    cells: dict[str, str]


@dataclass
class Sheet:
    """A sheet read: its filled rows, and the problems of its layout."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_sheet(ws, spec: SheetSpec, book: str, lang: str = "zh") -> Sheet:
    """The filled rows of `ws` by `spec`'s columns (found by their header in any language; display
    columns are not read; on a keyed sheet a row with a key and nothing else is read, its values
    None). Problems: a required column missing, a column with an unknown header
    holding values, a keyed row with values but no key."""
    out = Sheet()
    columns = _columns(ws, spec, book, out.problems)
    inputs = {c.id for c in spec.columns if c.input and c.id != "key"}  # a key with nothing filled in is a blank row
    required = ("key", "value") if spec.keyed else (spec.columns[0].id,)
    for cid in required:
        if cid not in columns:
            out.problems.append(Problem(book, "", message("intake.no_column", column=column_title(cid, lang)),
                                        cell=xlsx.cell_name(ws.title, 1, 1)))
    for number, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        values = {cid: xlsx.shown_value(cells[col - 1]) for cid, col in columns.items() if col <= len(cells)}
        if all(xlsx.blank(values.get(cid)) for cid in inputs) and not (spec.keyed and not xlsx.blank(values.get("key"))):
            continue  # a blank row (a keyed row with only its key is read: an unknown key is a problem)
        names = {cid: xlsx.cell_name(ws.title, number, col) for cid, col in columns.items()}
        if spec.keyed and xlsx.blank(values.get("key")):
            out.problems.append(Problem(book, "", message("intake.no_key", column=column_title("key", lang)),
                                        cell=names.get("value") or xlsx.cell_name(ws.title, number, 1)))
            continue
        out.rows.append(Row(number, {k: xlsx.as_value(v) for k, v in values.items()}, names))
    return out


def _columns(ws, spec: SheetSpec, book: str, problems: list[Problem]) -> dict[str, int]:
    """Column id -> column number, from row 1. A header not of this sheet, or one seen before, is
    a problem when its column holds anything below it."""
    known = column_ids(spec)
    found: dict[str, int] = {}
    for col, cell in enumerate(next(ws.iter_rows(min_row=1, max_row=1), ()), start=1):
        text = xlsx.as_text(cell.value)
        cid = known.get(header_key(text)) if text else None
        if cid is not None and cid not in found:
            found[cid] = col
        elif _has_values(ws, col):
            problems.append(Problem(book, "", _column_text(text, spec, cid is not None),
                                    cell=xlsx.cell_name(ws.title, 1, col)))
    return found


def _has_values(ws, col: int) -> bool:
    return any(not xlsx.blank(row[0]) for row in ws.iter_rows(min_row=2, min_col=col, max_col=col, values_only=True))


def _column_text(text: str | None, spec: SheetSpec, repeated: bool) -> str:
    if repeated:
        return message("intake.duplicate_column", column=text or "")
    titles = [column_title(c.id, "zh") for c in spec.columns if c.input]
    hint = difflib.get_close_matches(text or "", titles, n=1)
    key = "intake.unknown_column_hint" if hint else "intake.unknown_column"
    return message(key, column=text or "", hint=hint[0] if hint else "", columns="、".join(titles))


def iter_filled(ws) -> Iterator[tuple[int, int]]:
    """(row, column) of every cell of `ws` that holds something."""
    for row in ws.iter_rows():
        for cell in row:
            if not xlsx.blank(cell.value):
                yield cell.row, cell.column


def hidden_sheets(wb, book: str, read: Iterable[str] = ()) -> list[Problem]:
    """A problem at the first filled cell of each hidden sheet that holds anything and is not
    read: hidden by hand, its rows would go unscored without a word. The workbook's own hidden
    sheets (_meta, _lists) and those in `read` (sheet titles read even when hidden) are not."""
    skip = {xlsx.META_SHEET, xlsx.LISTS_SHEET, *read}
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" and ws.title not in skip:
            filled = next(iter_filled(ws), None)
            if filled is not None:
                out.append(Problem(book, "", message("intake.hidden_sheet", sheet=ws.title),
                                   cell=xlsx.cell_name(ws.title, *filled)))
    return out
