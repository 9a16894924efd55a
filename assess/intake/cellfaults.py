"""Cells of an xlsx workbook that openpyxl reads as something other than what the user sees:
a formula with no saved result (written by a script or openpyxl, never opened in Excel: read as
blank) and merged cells (only the top-left cell holds the value; the others read as blank).

Formulas are found in the sheet's XML, and only in sheets that have any: a workbook without
formulas costs one search of its bytes."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Collection, Iterable
from pathlib import PurePosixPath
from xml.etree import ElementTree

from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

from assess.core.messages import message
from assess.core.problems import Problem
from assess.intake import xlsx

_ANY_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Uncached:
    """A formula cell with no saved result: its row, column and formula (as written, with =)."""

    row: int
    column: int
    formula: str


def uncached_formulas(path: str) -> dict[str, list[Uncached]]:
    """Sheet name -> its formula cells with no saved result, in order; {} for a workbook with
    none (and for one whose parts cannot be read: openpyxl reports those)."""
    try:
        with zipfile.ZipFile(path) as zf:
            out: dict[str, list[Uncached]] = {}
            for name, part in _sheet_parts(zf).items():
                raw = zf.read(part) if part in zf.namelist() else b""
                if _ANY_FORMULA.search(raw):
                    found = list(_uncached(raw))
                    if found:
                        out[name] = found
            return out
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it."""
    targets = {rel.get("Id"): rel.get("Target", "") for rel in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for el in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(el.tag) == "sheet" and el.get(_REL) in targets:
            target = targets[el.get(_REL)]
            out[el.get("name", "")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return out


def _uncached(raw: bytes):
    """The cells of a sheet's XML with a formula and no saved result."""
    row, col = 0, 0
    for event, el in ElementTree.iterparse(io.BytesIO(raw), events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                row, col = int(el.get("r") or row + 1), 0
            continue
        if tag == "c":
            ref = el.get("r")
            if ref:
                letters, row = coordinate_from_string(ref)
                col = column_index_from_string(letters)
            else:
                col += 1
            parts = {_local(child.tag): child for child in el}
            if "f" in parts and _no_result(el.get("t"), parts.get("v")):
                yield Uncached(row, col, "=" + (parts["f"].text or ""))
            el.clear()
        elif tag == "row":
            el.clear()


def _no_result(kind: str | None, value) -> bool:
    """No saved result: no <v>, or an empty one that is no text (openpyxl writes <v/> for a
    formula; Excel saves an empty text result as t="str" with <v></v>)."""
    return value is None or (not (value.text or "") and kind not in ("str", "s", "inlineStr"))


def unread_cells(ws, uncached: list[Uncached], merged: bool = True) -> dict[int, set[str]]:
    """Row number -> the cells of `ws` read as blank because of a fault cell_faults reports: each
    formula with no saved result, and every cell of a merged range but its first (which holds the
    value), unless `merged` is False. What a reader says of such a cell (缺少必填字段) is only a
    consequence of the fault: see without_consequences."""
    out: dict[int, set[str]] = {}
    for cell in uncached:
        out.setdefault(cell.row, set()).add(xlsx.cell_name(ws.title, cell.row, cell.column))
    for rng in ws.merged_cells.ranges if merged else ():
        for row in range(rng.min_row, rng.max_row + 1):
            cells = (xlsx.cell_name(ws.title, row, col) for col in range(rng.min_col, rng.max_col + 1)
                     if (row, col) != (rng.min_row, rng.min_col))
            out.setdefault(row, set()).update(cells)
    return out


def without_consequences(problems: Iterable[Problem], faults: Iterable[Problem],
                         unread: Collection[str]) -> list[Problem]:
    """`faults` (the cell faults of cell_faults), then the other `problems` except those at a cell
    in `unread` (unread_cells): a formula with no saved result in a required cell is reported as
    such, not also as 缺少必填字段 at the same cell."""
    faults = list(dict.fromkeys(faults))
    kept = set(faults)
    return faults + [p for p in dict.fromkeys(problems) if p not in kept and p.cell not in unread]


def cell_faults(book: str, ws, uncached: list[Uncached], min_row: int = 1, merged: bool = True) -> dict[int, list[Problem]]:
    """Row number -> the problems of its cells in `ws` from row `min_row` on: each formula with no
    saved result (`uncached`: from uncached_formulas) at its cell, and each merged range at every
    row it covers, named as a range (佐证数据!E2:E4), unless `merged` is False."""
    out: dict[int, list[Problem]] = {}
    for cell in uncached:
        if cell.row >= min_row:
            out.setdefault(cell.row, []).append(Problem(book, "", message("xlsx.err.uncached_formula", formula=cell.formula),
                                                        cell=xlsx.cell_name(ws.title, cell.row, cell.column)))
    for rng in sorted(ws.merged_cells.ranges if merged else (), key=lambda r: (r.min_row, r.min_col)):
        first = xlsx.cell_name(ws.title, rng.min_row, rng.min_col)
        where = f"{first}:{xlsx.cell_name(None, rng.max_row, rng.max_col)}"
        for row in range(max(rng.min_row, min_row), rng.max_row + 1):
            out.setdefault(row, []).append(Problem(book, "", message("xlsx.err.merged", range=where), cell=where))
    return out
