"""Writing the score sheet workbook (`assess export --xlsx`): three sheets from the layout and a
hidden sheet saying which standard, version, language and content it shows. The same standard and
language give the same bytes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from assess.core.exact import RATIONAL, Fraction
from assess.intake.xlsx import FIXED_TIME  # noqa: F401  (part of assess.workflows.spreadsheet)
from assess.intake.xlsx import workbook_bytes as fixed_xlsx_bytes
from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.model.standard import Standard
from assess.standards import catalog
from assess.workflows.spreadsheet.layout import BLANK, SheetSpec, sheets
from assess.workflows.spreadsheet.values import decimal_text, model_value, standard_sha256, what
from assess.core.writing import write_file, writing

SCHEMA = "assess.xlsx/1"
META_SHEET = "_assess"  # hidden: which standard, version, language and content the workbook shows
# Fixed document times and zip entry times: the same standard gives the same bytes.

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {"header": PatternFill("solid", fgColor="D9D9D9"), "subtotal": PatternFill("solid", fgColor="F2F2F2"),
          "total": PatternFill("solid", fgColor="D9D9D9")}


def _cell_out(value: Any) -> Any:
    if isinstance(value, RATIONAL):
        return int(value) if value.denominator == 1 else float(value)
    return value if value != "" else None


def _percent_format(value: Fraction) -> str:
    """A rate cell's format: at least one decimal place (98.0%), more where the value has them. A
    whole-percent format would show 97.5% typed into it as 98%, a cut-off the sheet does not hold."""
    text = decimal_text(value * 100)
    places = len(text.split(".")[1]) if text and "." in text else 0
    return "0." + "0" * min(max(places, 1), 6) + "%"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK characters print about twice as wide


def _height(texts: dict[int, str], widths: list[float]) -> float:
    # openpyxl cannot measure text: estimate wrapped lines so printed rows are not cut off.
    lines = 1
    for col, text in texts.items():
        if col > len(widths) or not text:
            continue
        usable = max(widths[col - 1] - 1, 1)
        lines = max(lines, sum(max(1, -(-_width(part) // int(usable))) for part in text.split("\n")))
    return 15.0 * lines


def _write_sheet(wb: Workbook, spec: SheetSpec, st: Standard, lang: str, source: str) -> None:
    ws = wb.create_sheet(spec.name)
    for r, row in enumerate(spec.rows, start=1):
        if row is None:
            continue
        shown: dict[int, str] = {}
        for col in range(1, spec.key_col):
            _write_cell(ws.cell(r, col), row.cells.get(col, BLANK), row.style, st, lang, source, spec, shown, col)
        ws.cell(r, spec.key_col).value = json_text(list(row.key), indent=None)
        ws.cell(r, spec.key_col).data_type = "s"
        if row.style == "title":
            ws.cell(r, 1).font = Font(bold=True, size=14)
            ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 30
        else:
            ws.row_dimensions[r].height = _height(shown, spec.widths)
    for first_row, first_col, last_row, last_col in spec.merges:
        if (first_row, first_col) != (last_row, last_col):
            ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
    _page_setup(ws, spec, lang)


_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")


def _write_cell(cell, cell_spec, style: str, st: Standard, lang: str, source: str, spec: SheetSpec,
                shown: dict[int, str], col: int) -> None:
    """One cell: the standard's value or the generated text, typed and styled; texts go to `shown`."""
    value = None
    if cell_spec.target is not None and not cell_spec.optional:
        value = model_value(st, cell_spec.target, lang)
    elif cell_spec.fixed and not cell_spec.optional:
        value = cell_spec.fixed
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        where = what(st, cell_spec.target, lang) if cell_spec.target else spec.name
        raise InputError([Problem(source, where, message("xlsx.err.illegal_char", lang))])
    cell.value = _cell_out(value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with '=' stays text, not a formula
        shown[col] = value
    if cell_spec.target is not None and cell_spec.target.ratio and isinstance(value, RATIONAL):
        cell.number_format = _percent_format(value)
    if style != "title":
        cell.border = _BORDER
        cell.alignment = _CENTRE if (style == "header" or isinstance(value, RATIONAL) or cell_spec.free) else _WRAP
    if style in _FILLS:
        cell.fill = _FILLS[style]
    if style in ("header", "subtotal", "total"):
        cell.font = Font(bold=True)


def _page_setup(ws, spec: SheetSpec, lang: str) -> None:
    """Column widths, the hidden key column, frozen header, and A4 printing fitted to the width."""
    for n, width in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.column_dimensions[get_column_letter(spec.key_col)].hidden = True  # row keys: how rows map back
    ws.freeze_panes = ws.cell(spec.header_row + 1, 1).coordinate
    ws.print_title_rows = f"{spec.header_row}:{spec.header_row}"
    ws.print_area = f"A1:{get_column_letter(len(spec.widths))}{max(len(spec.rows), 1)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = message("xlsx.footer", lang)


def workbook_bytes(loaded: catalog.LoadedStandard, lang: str = "zh") -> bytes:
    """The workbook for a standard, as bytes: the same standard and language give the same bytes."""
    st = loaded.standard
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets(st, lang):
        _write_sheet(wb, spec, st, lang, loaded.path)
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(_meta(st, lang).items(), start=1):
        meta.cell(r, 1).value, meta.cell(r, 2).value = key, value
    meta.sheet_state = "hidden"
    wb.active = 0
    wb.properties.identifier, wb.properties.version = st.id, st.version
    return fixed_xlsx_bytes(wb, st.title.get(lang))  # the one deterministic xlsx writer (assess.intake.xlsx)


def _meta(st: Standard, lang: str) -> dict[str, str]:
    return {"schema": SCHEMA, "standard": st.id, "version": st.version, "lang": lang, "sha256": standard_sha256(st)}


def export_standard(loaded: catalog.LoadedStandard, path: str | Path, lang: str = "zh") -> None:
    """Write the standard's score sheet workbook (评分表, 等级与否决, 参数) to `path`."""
    with writing(str(path)):  # making the workbook writes temporary files: a full disk can stop it there
        data = workbook_bytes(loaded, lang)
    write_file(str(path), data)
