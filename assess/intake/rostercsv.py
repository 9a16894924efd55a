"""A CSV roster's rows, read as Excel, WPS and Numbers write them: UTF-8 (with or without BOM),
GBK, or Excel's UTF-16 "Unicode text"; comma, tab or semicolon; rows ending in CR (Excel for
Mac's "CSV (Macintosh)"), LF or CRLF alike, outside quotes. A file that cannot be read so is an
InputError naming where: the cell of an opening quote never closed, the line of a row the csv
module refuses, the line and cell of the first bytes in neither encoding.
"""
from __future__ import annotations

import csv
import io
import re

from assess.core.loading import read_bytes
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.intake import xlsx

_LINE_END = re.compile(r"\r\n|\r|\n")
_ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GBK"))  # as tried, and as named to the user


def csv_rows(book: str) -> list[list[str]]:
    """The rows of the CSV file `book`. Raises InputError for a file that cannot be read."""
    return _rows(book, _text(book, read_bytes(book)))


def _rows(book: str, text: str) -> list[list[str]]:
    """The CSV rows of `text`. InputError for a quoted cell whose closing quote never comes (every
    row after it would be read into that cell), named at the cell it opens in; a cell quoted only
    in part (ab"c) is read leniently, as Excel does."""
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows: list[list[str]] = []
    ended = 0  # the physical line the last complete row ended on
    try:
        for row in reader:
            rows.append(row)
            ended = reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InputError([_unclosed(book, text, dialect, len(rows) + 1, ended)]) from None
        return _lax_rows(book, text, dialect)
    return rows


def _lax_rows(book: str, text: str, dialect) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [list(r) for r in reader]
    except csv.Error as exc:  # a cell longer than the csv module's limit, say
        line = reader.line_num
        raise InputError([Problem(book, "", message("roster.csv_error", line=line, reason=str(exc)), line=line)]) from None


def _unclosed(book: str, text: str, dialect, row: int, ended: int) -> Problem:
    lines = _LINE_END.split(text)
    line = lines[ended] if ended < len(lines) else ""
    col = len(next(csv.reader([line], dialect), [""]))
    cell = xlsx.cell_name(None, row, col)
    return Problem(book, "", message("roster.unclosed_quote", cell=cell, line=ended + 1), cell=cell)


def _text(book: str, raw: bytes) -> str:
    """The file's text. A file in neither encoding is refused naming the line and cell of its
    first bad bytes, in the encoding that reads further into it (a UTF-8 file with a few GBK
    cells pasted in, or the reverse)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([Problem(book, "", message("roster.encoding"))]) from None
    failures = []
    for encoding, name in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # its positions count the BOM
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                failures.append((exc.start, exc.end, encoding, name))
    start, end, encoding, name = max(failures)
    other = next(n for _, n in _ENCODINGS if n != name)
    before = raw[:start].decode(encoding)
    line = len(_LINE_END.split(before))
    cell = _cell_at(before)
    bad = " ".join(f"{b:02X}" for b in raw[start:max(end, start + 1)][:4])
    text = message("roster.encoding_at", line=line, bytes=bad, encoding=name, other=other)
    raise InputError([Problem(book, "", text, line=line, cell=cell)])


def _cell_at(before: str) -> str | None:
    """The cell (B2) in which the text after `before` goes on, or None when the rows before
    cannot be told."""
    try:
        rows = list(csv.reader(io.StringIO(before, newline=""), _dialect(before)))
    except csv.Error:
        return None
    if not rows or before.endswith(("\r", "\n")):
        return xlsx.cell_name(None, len(rows) + 1, 1)
    return xlsx.cell_name(None, len(rows), max(1, len(rows[-1])))


def _dialect(text: str):
    """Excel's CSV dialect (a quote inside a quoted cell written twice) with the header line's
    delimiter. Only the delimiter is sniffed: from a header without quotes the sniffer also
    guessed that quotes are never doubled, and `"甲""乙"` was read as `甲"乙""`."""
    first = _LINE_END.split(text, 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",\t;").delimiter
    except csv.Error:
        return csv.excel
    return type("Roster", (csv.excel,), {"delimiter": delimiter})
