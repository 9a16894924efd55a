"""What every workbook `assess` writes for filling in, and reads back, shares: deterministic bytes,
the hidden sheets (meta and drop-down lists), data validation, header styles, cell names and
reading a cell as text.

Workbooks are plain xlsx with no macros, so Excel and WPS open them alike. Drop-down lists read
their choices from a hidden sheet (inline lists are limited to 255 characters).
"""
from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from assess.core.loading import missing_parent
from assess.core.messages import message
from assess.core.natural import SERIAL_MAX, SERIAL_MIN
from assess.core.problems import InputError, Problem
from assess.core.tabular import is_formula_like
from assess.core.writing import write_file, writing

META_SHEET = "_meta"  # hidden: what the workbook is (schema), for which standard (id, version, sha256)
LISTS_SHEET = "_lists"  # hidden: the choices of the drop-down lists, one column a list
FIXED_TIME = datetime(2000, 1, 1)  # document times: the same input gives the same bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"


def new_workbook() -> Workbook:
    """An empty workbook (no default sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_bytes(wb: Workbook, title: str) -> bytes:
    """The workbook as xlsx bytes with fixed times: the same content gives the same bytes."""
    props = wb.properties
    props.creator = props.lastModifiedBy = "assess"
    props.title = title
    props.created = props.modified = FIXED_TIME
    raw = io.BytesIO()
    # ExcelWriter directly: save_workbook() would stamp the current time into the document.
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_new(path: str | Path, make: Callable[[], bytes], force: bool) -> None:
    """Write the bytes `make()` returns (a workbook) to `path`; InputError when it exists (without
    `force`), its directory does not exist or it cannot be written: making a workbook writes
    temporary files, so a full disk or a file size limit can stop it before `path` is opened."""
    target = Path(path)
    if target.exists() and not force:
        raise InputError([Problem(str(path), "", message("intake.exists"))])
    missing = missing_parent(target)
    if missing is not None:
        raise InputError([missing])
    with writing(str(path)):
        data = make()
    write_file(str(path), data)


def open_workbook(path: str | Path):
    """The workbook at `path` with cell values (formulas as last calculated). InputError when it
    is missing or no xlsx workbook."""
    name = str(path)
    if not Path(path).exists():
        raise InputError([Problem(name, "", message("error.file_not_found"))])
    try:
        return load_workbook(name, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of the xlsx parser means the same to the user
        raise InputError([Problem(name, "", message("xlsx.err.not_workbook"))]) from None


def write_meta(wb: Workbook, meta: dict[str, str]) -> None:
    """The hidden meta sheet: one key and value a row."""
    ws = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(meta.items(), start=1):
        put(ws.cell(r, 1), key)
        put(ws.cell(r, 2), value)
    ws.sheet_state = "hidden"


def read_meta(wb) -> dict[str, str]:
    """The meta sheet's keys and values ({} when the workbook has none)."""
    if META_SHEET not in wb.sheetnames:
        return {}
    return {str(k): "" if v is None else str(v) for k, v in wb[META_SHEET].iter_rows(max_col=2, values_only=True)
            if k is not None}


META_KEYS = ("schema", "standard", "version", "sha256", "lang")


def meta_problems(wb, book: str) -> list[Problem]:
    """Problems of the meta sheet (none when there is none): a row whose key is none of
    META_KEYS, a lang that is no language of the messages; each named by its cell."""
    if META_SHEET not in wb.sheetnames:
        return []
    from assess.core.messages import LANGUAGES

    problems = []
    for r, (key, value) in enumerate(wb[META_SHEET].iter_rows(max_col=2, values_only=True), start=1):
        if blank(key) and blank(value):
            continue
        if as_text(key) not in META_KEYS:
            problems.append(Problem(book, "", message("intake.meta_unknown_key", name=as_text(key) or "",
                                                      keys=", ".join(META_KEYS)), cell=cell_name(META_SHEET, r, 1)))
        elif as_text(key) == "lang" and as_text(value) not in LANGUAGES:
            problems.append(Problem(book, "", message("intake.meta_lang", value=as_text(value) or "",
                                                      langs=", ".join(LANGUAGES)), cell=cell_name(META_SHEET, r, 2)))
    return problems


class Lists:
    """The hidden sheet of drop-down choices: each list once, in its own column."""

    def __init__(self, wb: Workbook) -> None:
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self._columns: dict[tuple[str, ...], str] = {}

    def formula(self, choices: Iterable[str]) -> str:
        """The range holding these choices, as a validation formula."""
        key = tuple(choices)
        if key not in self._columns:
            col = len(self._columns) + 1
            for r, text in enumerate(key, start=1):
                put(self.ws.cell(r, col), text)
            letter = get_column_letter(col)
            self._columns[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${max(1, len(key))}"
        return self._columns[key]


def validation(kind: str, *, choices: str | None = None, low: Any = None, high: Any = None,
               prompt: str = "", error: str = "") -> DataValidation:
    """A data validation: kind list (choices: a range formula), whole, decimal or date (between
    low and high; dates from 1950 to 2100). Blank cells are allowed; `prompt` shows on entry,
    `error` when a value is refused."""
    if kind == "list":
        dv = DataValidation(type="list", formula1=choices, allow_blank=True)
    elif kind == "date":
        dv = DataValidation(type="date", operator="between", formula1=str(SERIAL_MIN), formula2=str(SERIAL_MAX),
                            allow_blank=True)
    elif high is None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low if low is not None else 0),
                            allow_blank=True)
    else:
        dv = DataValidation(type=kind, operator="between", formula1=str(low if low is not None else 0),
                            formula2=str(high), allow_blank=True)
    if prompt:
        dv.prompt, dv.showInputMessage = prompt[:255], True
    if error:
        dv.error, dv.showErrorMessage, dv.errorStyle = error[:255], True, "stop"
    return dv


def header(ws, titles: list[str], widths: list[int]) -> None:
    """Row 1: the column titles, bold on a tint, frozen above the rows."""
    for c, (title, width) in enumerate(zip(titles, widths), start=1):
        cell = ws.cell(1, c)
        cell.value, cell.font, cell.fill, cell.alignment = title, HEAD_FONT, HEAD_FILL, WRAP
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def cell_name(sheet: str | None, row: int, col: int) -> str:
    """Excel's name of a cell: 基本信息!C3 (a sheet name with spaces quoted), or C3 without a sheet."""
    coordinate = f"{get_column_letter(col)}{row}"
    if sheet is None:
        return coordinate
    plain = all(ch.isalnum() or ch == "_" for ch in sheet)
    return f"{sheet}!{coordinate}" if plain else f"'{sheet}'!{coordinate}"


def storable(value: Any) -> Any:
    """A value as a cell can hold it: text without the control characters xlsx refuses."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def put(cell, value: Any) -> None:
    """`value` into an openpyxl cell, as a cell can hold it (`storable`). Text stays text, never a
    formula: openpyxl would store `=1+2` as one, and a union named so would run in Excel and
    not read back. Formula-like text gets Excel's quote prefix, as in every xlsx assess writes
    (assess.core.tabular)."""
    value = storable(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True


def blank(value: Any) -> bool:
    """An empty cell: None or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def not_text_kind(value: Any) -> str | None:
    """What a cell holding no text holds, as "error" (a formula's error value: #N/A, #REF!...),
    "bool" (TRUE/FALSE) or "date" (a date or time cell); None for text, numbers and blanks."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (date, time)):
        return "date"
    if isinstance(value, str) and value.strip() in ERROR_CODES:
        return "error"
    return None


def as_text(value: Any) -> str | None:
    """A cell as text, as a person reads it: 1001 (not 1001.0), dates as YYYY-MM-DD; blank: None."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).replace("_x000D_", "").replace("\r\n", "\n").strip()


def shown_value(cell: Any) -> Any:
    """A cell's value as the user sees it where that differs from what is stored: a number in a
    cell formatted as a percentage (the template's rate cells, 0.0%) is the percentage shown, as
    text ("150%" for a stored 1.5, which Excel shows as 150.0%), so that the field's reader does not
    take a stored 1.5 for 1.5%. Every digit stored is kept (1.0001 is 100.01%, though 0% shows 100%).
    A percent sign written as text in the format (0.0"%", 0.0\\%) is no percentage: Excel shows
    the number as stored, unscaled, with a % after it."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and is_percent_format(getattr(cell, "number_format", "") or "", value):
        if isinstance(value, float) and not math.isfinite(value):
            return value
        percent = Decimal(repr(value)) * 100
        return f"{percent.normalize():f}%"
    return value


def is_percent_format(code: str, value: float = 1) -> bool:
    """Whether Excel shows `value` in a cell of number format `code` multiplied by 100: the part
    of the format for the value's sign (positive;negative;zero;text) holds a % that is a format
    character, not one in quotes ("%"), escaped (\\%), after _ or * (a space as wide as %, % to
    fill the cell), or in brackets ([Red], [$-804])."""
    if "%" not in code:
        return False
    sections = _sections(code)
    index = 0 if value > 0 or len(sections) == 1 else 1 if value < 0 else 2 if len(sections) > 2 else 0
    text, i = sections[index], 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            return True
        if ch == '"':
            end = text.find('"', i + 1)
            i = len(text) if end < 0 else end + 1
        elif ch in "\\_*":
            i += 2
        elif ch == "[":
            end = text.find("]", i + 1)
            i = len(text) if end < 0 else end + 1
        else:
            i += 1
    return False


def _sections(code: str) -> list[str]:
    """A number format's sections, split at each ; that is a format character."""
    out, start, i, quoted = [], 0, 0, False
    while i < len(code):
        ch = code[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\\_*":
            i += 1
        elif not quoted and ch == ";":
            out.append(code[start:i])
            start = i + 1
        i += 1
    return out + [code[start:]]


# The dates a date cell may hold, as its serial numbers (assess.core.natural.SERIAL_MIN/MAX) allow
_FIRST_DAY, _PAST_LAST_DAY = date(1950, 1, 1), date(2101, 1, 1)


def as_value(value: Any) -> Any:
    """A cell as a record value: text stripped, a whole float as an int, a midnight date-time as a
    date; blank: None. Everything else is read later by the field's type (assess/core/natural.py)."""
    if blank(value):
        return None
    if isinstance(value, str):
        return value.replace("_x000D_", "").strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date) and not _FIRST_DAY <= (value.date() if isinstance(value, datetime) else value) < _PAST_LAST_DAY:
        # A date cell holding 1 or -5 is read by Excel as 1900-01-01 or earlier: no date a record
        # means. Its serial number is what the field's type then refuses, as "实际为 1".
        serial = to_excel(value)
        return int(serial) if float(serial).is_integer() else serial
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, time):  # a cell formatted as a time of day: text, which the field's type then reads or refuses
        return value.isoformat()
    return value
