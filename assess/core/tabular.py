"""Rows for spreadsheets: the one CSV writer, the rule every CSV and xlsx cell follows, and the
encodings CSV files are written in.

A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab
or carriage return) as a formula: a union named `=HYPERLINK(...)` would run when the file is
opened. So every text cell that starts with one of those is neutralised: CSV cells get a leading
apostrophe (`'=...`, the OWASP advice), xlsx cells are stored as text with Excel's quote prefix.
Numbers are numbers, not text: a negative score is written as `-2.5` and stays a number, and so
does text that is nothing but a number (`-3`, `+1`, `-5%`), which no spreadsheet reads as a formula.

CSV files start with a UTF-8 byte order mark by default (`utf-8-sig`): without it Excel and WPS on
a Chinese Windows PC read the file as GBK and garble every name. `gbk` is offered for programs
that want it; a character GBK lacks (生僻字 such as 𠮷, emoji) is replaced by `?` and counted, so
the caller can warn once, never a traceback.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from assess.core.exact import fraction, RATIONAL
from assess.core.types import number_out

CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gbk")
DEFAULT_CSV_ENCODING = "utf-8-sig"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Text that is only a number (or a lone sign): a spreadsheet reads it as a number or as text, never
# as a formula, so it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d+)?%?)?")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula: it starts with = + - @, a tab or a
    carriage return and is not just a number (`-3`, `+1.5`, `-5%`)."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """`text` as a CSV cell: with a leading apostrophe when a spreadsheet could take it for a
    formula (`=1+2` -> `'=1+2`), else unchanged."""
    return QUOTE + text if is_formula_like(text) else text


def cell_value(value: Any) -> int | float | str | None:
    """A value as a spreadsheet cell: numbers (int, float, Fraction, Decimal) as numbers (every
    digit of a decimal that ends within a few places, others rounded half up to 2 places: a score
    a card shows as 69.999 beside no grade stays 69.999, never 70), booleans as 1 or 0, None as
    None, anything else as its text. Text is returned as it is: `safe_text` (CSV) or the xlsx writer's quote prefix
    neutralises it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal, *RATIONAL)):
        return number_out(fraction(str(value)) if isinstance(value, Decimal) else value, exact=True)
    return str(value)


def csv_cell(value: Any) -> str:
    """A value as the text of a CSV cell: numbers as numbers, None as empty, text neutralised."""
    if type(value) is str:  # most cells
        return safe_text(value)
    shown = cell_value(value)
    if shown is None:
        return ""
    return safe_text(shown) if isinstance(shown, str) else str(shown)


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text (comma-separated, quoted where needed, one `\\n` after each row), every
    cell through `csv_cell`."""
    return "".join([_line(cells) for cells in [_cells(row) for row in rows]])


def csv_line(row: Iterable[Any]) -> str:
    """One row as CSV text, `\\n` included: `csv_text([row])` (a batch writes a row at a time)."""
    return _line(_cells(row))


def _cells(row: Iterable[Any]) -> list[str]:
    # Text that cannot be a formula and ints are most cells, a float the rest: their text is
    # written here, the same as csv_cell's, without its call (a float's as first worked out).
    return [v if type(v) is str and not v.startswith(FORMULA_START) else str(v) if type(v) is int
            else (_FLOAT_CELLS.get(v) or _float_cell(v)) if type(v) is float else csv_cell(v) for v in row]


def _float_cell(value: float) -> str:
    """`csv_cell(value)`, kept: equal floats are written alike (0.0 and -0.0 both as 0)."""
    text = csv_cell(value)
    if value == value:  # NaN is no key: it equals nothing
        if len(_FLOAT_CELLS) >= _MOST_FLOATS:
            _FLOAT_CELLS.clear()
        _FLOAT_CELLS[value] = text
    return text


_FLOAT_CELLS: dict[float, str] = {}
_MOST_FLOATS = 4096  # a batch's scores are a few hundred values


def _line(cells: list[str]) -> str:
    line = ",".join(cells)
    # Nothing the csv module quotes a cell for (its delimiter, quote character, line ends; no cell
    # holds a comma when there are no more than between the cells): its text. A row of one cell
    # goes to it (one empty cell is written as "", else it would read back as no row at all).
    if len(cells) > 1 and line.count(",") == len(cells) - 1 and '"' not in line and "\n" not in line and "\r" not in line:
        return line + "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


@dataclass(frozen=True)
class Encoded:
    """Text encoded for a file: the bytes, how many times a character the encoding could not hold
    was replaced (by `?`, or U+FFFD where the encoding has it), and which characters those were."""

    data: bytes
    replaced: int = 0  # occurrences
    missing: frozenset[str] = frozenset()  # the distinct characters


def code_points(chars: Iterable[str], limit: int = 8) -> str:
    """Characters named by code point, in order (`U+20BB7, U+1F600`), the first `limit` and `…`:
    a warning about characters a console or file cannot hold must not hold them itself."""
    ordered = sorted(chars)
    shown = ", ".join(f"U+{ord(ch):04X}" for ch in ordered[:limit])
    return shown + (", …" if len(ordered) > limit else "")


def encode_text(text: str, encoding: str, *, start: bool = True) -> Encoded:
    """`text` in `encoding` (one of CSV_ENCODINGS, or any Python codec name). `start`: the text
    begins the file, so `utf-8-sig` puts the byte order mark in front (a continuation, such as a
    row appended to a batch file, gets none). Characters the encoding lacks are replaced and
    counted, never raised. Raises LookupError for an unknown codec."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    bom = b"\xef\xbb\xbf" if encoding == "utf-8-sig" and start else b""
    try:
        return Encoded(bom + text.encode(codec))
    except UnicodeEncodeError:
        pass
    # Rare: a character the encoding lacks, or a lone surrogate. Character by character, the
    # runs that encode kept whole.
    out, replaced, missing = bytearray(bom), 0, set()
    stand_in = _stand_in(codec)
    for run in re.split(r"(\s+)", text):
        try:
            out += run.encode(codec)
            continue
        except UnicodeEncodeError:
            pass
        for ch in run:
            try:
                out += ch.encode(codec)
            except UnicodeEncodeError:
                out += stand_in
                replaced += 1
                missing.add(ch)
    return Encoded(bytes(out), replaced, frozenset(missing))


def _stand_in(codec: str) -> bytes:
    try:
        return "\ufffd".encode(codec)
    except UnicodeEncodeError:
        return b"?"
