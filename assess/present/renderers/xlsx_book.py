"""Writing xlsx workbooks as a stream: the one xlsx writer of every result that has an xlsx format
(scorecards, batch results, the report's list).

Rows go to disk as they are appended (openpyxl's write-only mode), so a province's results never
sit in memory at once. The bytes are the same for the same rows: the document's times are fixed
and every zip entry gets a fixed time and attributes. Cells follow `assess.core.tabular`: numbers
are numbers; text is stored as text, never as a formula, and text a spreadsheet could take for a
formula (`=...`, `+...`, `-...`, `@...`) also gets Excel's quote prefix, so it stays text when the
cell is edited. Characters an xlsx file cannot hold (control characters, lone surrogates) are
replaced by U+FFFD and counted.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime
from typing import IO, Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from assess.core.tabular import cell_value, is_formula_like

FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_ROWS = 1_048_576  # Excel's limit per sheet
SHEET_TITLE_MAX = 31  # characters in a sheet's name (Excel's limit)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Excel reads `_xHHHH_` in cell text as an escaped character: a text holding one literally gets its
# underscore escaped (`_x005F_`), and a carriage return (which XML would turn into a line feed) is
# written as Excel writes it, `_x000D_`.
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Anything the two steps below would change; most text has none of it and is stored as it is.
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff]|_x[0-9A-Fa-f]{4}_")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed time and the same attributes (zipfile
    otherwise stamps the current time, or a temporary file's time, into each entry)."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 0
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        """zipfile's writestr, the entry stamped with the fixed time."""
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """zipfile's write, the entry stamped with the fixed time; the file is copied as a stream
        (openpyxl writes each write-only sheet from its temporary file)."""
        with open(filename, "rb") as src, self.open(self._info(arcname or filename), "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


class XlsxBook:
    """A workbook written as a stream. `sheet(title)` adds a worksheet (its title made valid and
    unique), `row(ws, values, style=...)` appends a row, `save(target)` writes the file.
    `replaced` counts the times a character had to be replaced, `missing` holds which ones."""

    def __init__(self, title: str = "", creator: str = "assess") -> None:
        self.wb = Workbook(write_only=True)
        props = self.wb.properties
        props.creator = props.lastModifiedBy = creator
        props.title = title or None
        props.created = props.modified = FIXED_TIME
        self.replaced = 0  # times a character was replaced
        self.missing: set[str] = set()  # which characters
        self._titles: set[str] = set()
        self._rows: dict[int, int] = {}

    def sheet(self, title: str, widths: Iterable[float] = (), freeze: str | None = None):
        """A new worksheet named `title` (cut to Excel's 31 characters, forbidden characters
        replaced, made unique with a number); `widths`: column widths in characters; `freeze`:
        the top-left cell of the unfrozen area (say "A2" under a header row)."""
        ws = self.wb.create_sheet(self._unique(title))
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        if freeze:
            ws.freeze_panes = freeze
        return ws

    def _unique(self, title: str) -> str:
        base = _SHEET_FORBIDDEN.sub("_", self._storable(title)).strip("'").replace("\r", " ") or "Sheet"
        name, n = base[:SHEET_TITLE_MAX], 1
        while name.lower() in self._titles:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        self._titles.add(name.lower())
        return name

    def _storable(self, text: str) -> str:
        """`text` without what an xlsx file cannot hold (replaced by U+FFFD, counted and noted)."""
        cleaned, n1 = ILLEGAL_CHARACTERS_RE.subn(self._note, text)
        cleaned, n2 = _SURROGATE.subn(self._note, cleaned)
        self.replaced += n1 + n2
        return cleaned

    def _note(self, found: re.Match) -> str:
        self.missing.add(found.group(0))
        return "\ufffd"

    def _clean(self, text: str) -> str:
        """Cell text as Excel will read it back: storable, with Excel's own escapes."""
        if not _NEEDS_CLEANING.search(text):
            return text
        cleaned = _EXCEL_ESCAPE.sub(lambda m: "_x005F" + m.group(0), self._storable(text))
        return cleaned.replace("\r", "_x000D_")

    def cell(self, ws, value: Any, style: str = "") -> WriteOnlyCell:
        """One cell: a number as a number, text as text (never a formula; formula-like text with
        the quote prefix). `style`: "" | "head" (bold on grey) | "bold" | "title" | "wrap"."""
        shown = cell_value(value)
        if isinstance(shown, str):
            shown = self._clean(shown)
        cell = WriteOnlyCell(ws, value=shown)
        if isinstance(shown, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if is_formula_like(shown):
                cell.quotePrefix = True
        if style == "head":
            cell.font, cell.fill = _BOLD, _HEAD_FILL
        elif style == "bold":
            cell.font = _BOLD
        elif style == "title":
            cell.font = _TITLE
        if style in ("head", "wrap"):
            cell.alignment = _WRAP
        return cell

    def row(self, ws, values: Iterable[Any], style: str = "") -> None:
        """Append one row of values, each through `cell` with `style`. Raises ValueError past
        Excel's 1,048,576 rows a sheet."""
        count = self._rows.get(id(ws), 0) + 1
        if count > MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows in one sheet")
        self._rows[id(ws)] = count
        ws.append([self.cell(ws, v, style) for v in values])

    def save(self, target: str | IO[bytes]) -> None:
        """Write the workbook to a path or a binary file object (the same rows give the same
        bytes). Raises OSError when the path cannot be written."""
        if not self.wb.worksheets:
            self.wb.create_sheet("Sheet")
        with _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            # ExcelWriter directly: openpyxl's save() would stamp the current time into the document.
            ExcelWriter(self.wb, archive).save()
