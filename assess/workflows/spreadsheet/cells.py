"""Reading a workbook's cells against the layout: every row matched by its hidden key, every cell
that shows a value of the standard read as an observation, every change turned into an `Edit`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.utils import get_column_letter

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.core.messages import message
from assess.core.problems import Problem
from assess.model.standard import Standard
from assess.workflows.spreadsheet.layout import BLANK, SheetSpec, Target
from assess.workflows.spreadsheet.values import decimal_text, model_value, row_what


@dataclass(frozen=True)
class Edit:
    """A value of the standard changed in the workbook, and the cells it was read from."""

    target: Target
    cells: tuple[str, ...]  # where the new value was read, e.g. 评分表!C5
    old: Fraction | str | None
    new: Fraction | str
    line: int | None = None  # 1-based line of the scalar in the standard file


def _ref(sheet: str, coordinate: str) -> str:
    """Excel's way of naming a cell: 评分表!B7, 'Score sheet'!B7."""
    plain = all(ch.isalnum() or ch == "_" for ch in sheet)
    return f"{sheet}!{coordinate}" if plain else f"'{sheet}'!{coordinate}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# Excel's escape of a character in cell text, `_xHHHH_` (a pasted Windows line break is saved as
# `_x000D_` before the line feed); `_x005F_` escapes the underscore of a literal `_xHHHH_`.
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def clean_excel_text(text: str) -> str:
    """Cell text as the user sees it in Excel: `_xHHHH_` escapes decoded (`_x000D_` is a carriage
    return, `_x005F_x000D_` the literal text `_x000D_`), then Windows (CRLF) and stray carriage
    returns turned into plain line breaks."""
    text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def one_line(text: str) -> str:
    """A text that must be one line (a title): the lines joined, with nothing between two Chinese
    characters and one space between anything else (Alt+Enter in a cell only wraps it)."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        wide = ord(out[-1]) >= 0x2E80 and ord(part[0]) >= 0x2E80
        out += part if wide else " " + part
    return out


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_excel_text(value)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _shorten(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_key(raw: Any) -> tuple | None:
    try:
        key = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return tuple(key) if isinstance(key, list) and all(isinstance(k, str) for k in key) else None


def read_sheet(ws, spec: SheetSpec, book: str, st: Standard, lang: str,
                observations: dict[Target, list[tuple[str, Any]]], problems: list[Problem]) -> None:
    """Match a worksheet's rows to the layout by their hidden keys: the value cells go to
    `observations` (target -> [(cell, value)]); added, removed, duplicated or changed rows and
    changed generated text go to `problems`."""
    expected = {row.key: row for row in spec.rows if row is not None}
    seen: dict[tuple, int] = {}
    width = max(ws.max_column, spec.key_col)
    found: list[Problem] = []  # kept apart: a lost key column is one problem, not one per row
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=width):
        r = cells[0].row
        raw_key = cells[spec.key_col - 1].value
        if _blank(raw_key):
            filled = next((c for c in cells if not _blank(c.value)), None)
            if filled is not None:
                found.append(Problem(book, _ref(spec.name, filled.coordinate), message("xlsx.err.row_added")))
            continue
        key = _parse_key(raw_key)
        key_ref = _ref(spec.name, cells[spec.key_col - 1].coordinate)
        if key not in expected:
            found.append(Problem(book, key_ref, message("xlsx.err.unknown_row", row_key=_shorten(_as_text(raw_key)))))
            continue
        if key in seen:
            found.append(Problem(book, key_ref, message("xlsx.err.duplicate_row", row=seen[key])))
            continue
        seen[key] = r
        _read_row(cells, expected[key], spec, book, lang, observations, found)
    if not seen:
        column = get_column_letter(spec.key_col)
        problems.append(Problem(book, spec.name, message("xlsx.err.no_keys", column=column)))
        return
    for key in expected:
        if key not in seen:
            found.append(Problem(book, spec.name, message("xlsx.err.row_removed", what=row_what(st, key, lang))))
    problems.extend(found)


def _read_row(cells, row: Any, spec: SheetSpec, book: str, lang: str,
              observations: dict[Target, list[tuple[str, Any]]], found: list[Problem]) -> None:
    """One matched row: its value cells observed, its generated text checked, nothing right of the keys."""
    for c in cells:
        col = c.column
        if col == spec.key_col:
            continue
        value = c.value
        if col > spec.key_col:
            if not _blank(value):
                found.append(Problem(book, _ref(spec.name, c.coordinate), message("xlsx.err.outside")))
            continue
        cell_spec = row.cells.get(col, BLANK)
        if cell_spec.free or (cell_spec.optional and _blank(value)):
            continue
        ref = _ref(spec.name, c.coordinate)
        if c.data_type == "f":  # a formula's text is not the value the user sees: refused, never read
            found.append(Problem(book, ref, message("xlsx.err.formula", formula=_shorten(str(getattr(value, "text", value))))))
            continue
        if cell_spec.target is not None:
            observations.setdefault(cell_spec.target, []).append((ref, value))
        elif _as_text(value) != cell_spec.fixed:
            found.append(Problem(book, ref, message(
                "xlsx.err.fixed", expected=_shorten(cell_spec.fixed or ""), params=message("xlsx.sheet.params", lang))))


def _parse_cell(target: Target, value: Any) -> tuple[Fraction | str | None, str | None]:
    """(value, problem message) for what a cell holds."""
    if target.text:
        if isinstance(value, (datetime, bool)):
            return None, message("xlsx.err.not_text", value=_as_text(value))
        text = _as_text(value)
        # Empty is judged by decide: fine where the file has no text either.
        return (one_line(text) if target.param == "title" else text), None
    if isinstance(value, bool) or isinstance(value, datetime) or _blank(value):
        return None, message("xlsx.err.not_number", value=_as_text(value) or '""')
    if isinstance(value, (int, float)):
        return fraction(str(value)) if isinstance(value, float) else fraction(value), None
    text = _as_text(value).strip()
    try:
        if text.endswith("%"):
            return fraction(text[:-1].strip()) / 100, None
        return fraction(text), None
    except (ValueError, ZeroDivisionError):
        return None, message("xlsx.err.not_number", value=_shorten(text))


def _same(target: Target, current: Any, new: Any) -> bool:
    if target.text:
        return (current or "") == new
    # A cell holds a float: 1/3 in the file comes back as 0.333...; equal as floats is unchanged.
    try:
        return current is not None and float(current) == float(new)
    except OverflowError:  # past a float's range (1e400): compared exactly, and the model refuses it
        return current is not None and fraction(current) == fraction(new)


def decide(observations: dict[Target, list[tuple[str, Any]]], st: Standard, lang: str, book: str,
            problems: list[Problem]) -> list[Edit]:
    """The edits the observations ask for: cells that differ from the standard, each value parsed and
    checked; cells that cannot be read or disagree go to `problems`."""
    edits = []
    for target, seen in observations.items():
        current = model_value(st, target, lang)
        changed: list[tuple[str, Any]] = []
        for ref, raw in seen:
            value, problem = _parse_cell(target, raw)
            if problem:
                problems.append(Problem(book, ref, problem))
            elif not _same(target, current, value):
                changed.append((ref, value))
        if not changed:
            continue
        values = {v for _, v in changed}
        if len(values) > 1:
            (ref_a, a), (ref_b, b) = changed[0], next((x for x in changed if x[1] != changed[0][1]))
            problems.append(Problem(book, ref_b, message("xlsx.err.conflict", other=ref_a, a=_show(target, a), b=_show(target, b))))
            continue
        new = changed[0][1]
        if target.text and not new.strip():
            problems.append(Problem(book, changed[0][0], message("xlsx.err.empty")))
            continue
        if target.ratio and not (0 <= new <= 1):
            problems.append(Problem(book, changed[0][0], message("xlsx.err.not_ratio", value=_show(target, new))))
            continue
        edits.append(Edit(target, tuple(ref for ref, _ in changed), current, new))
    return edits


def _show(target: Target, value: Any) -> str:
    if isinstance(value, RATIONAL):
        text = decimal_text(value * 100 if target.ratio else value) or str(value)
        return text + "%" if target.ratio else text
    return _shorten(str(value))
