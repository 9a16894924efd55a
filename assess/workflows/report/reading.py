"""Where a report's scorecards come from: a JSON Lines batch file (streamed, bad lines reported and
skipped) or a results store; and the `--period` the report is for."""
from __future__ import annotations

import csv
from datetime import date
from typing import Iterator

from assess.core.jsonlines import JsonLineError, parse_line
from assess.core.messages import LANGUAGES, message
from assess.core.problems import InputError, Problem
from assess.store import check_card, upgraded_card
from assess.core.paths import os_reason

SQLITE_MAGIC = b"SQLite format 3\x00"
XLSX_MAGIC = b"PK\x03\x04"  # an xlsx workbook is a zip file


class CardAt(dict):
    """A scorecard read from a file, with where it was read (`file`, 1-based `line`): the report
    names the lines when one union has several cards."""

    __slots__ = ("file", "line")


def read_batch(path: str, problems: list[Problem]) -> Iterator[dict]:
    """The valid scorecards of a JSON Lines file, one at a time, each a `CardAt`. A bad line (not
    UTF-8, not JSON, a number JSON does not have such as NaN or Infinity, not a scorecard) is added
    to `problems` (file, line, field, what was expected) and skipped; the others are still read.
    Raises InputError at once when the file cannot be opened."""
    try:
        handle = open(path, "rb")  # bytes: a line that is not UTF-8 is one bad line, not the end of the file
    except OSError as exc:
        raise InputError([Problem(path, "", message("report.cannot_read", reason=os_reason(exc)))]) from None
    return _lines(path, handle, problems)


def _lines(path: str, handle, problems: list[Problem]) -> Iterator[dict]:
    read_any = False
    with handle:
        for n, raw in enumerate(handle, 1):
            if n == 1:
                _refuse_other_outputs(path, raw, handle)
            try:
                text = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem(path, "", message("report.not_utf8", reason=str(exc)), n))
                continue
            if not text.strip():
                continue
            try:
                card = parse_line(text)
            except JsonLineError as exc:
                if not read_any and not text.lstrip().startswith(("{", "[")):
                    # Not a JSON Lines file at all (a YAML record, a CSV): one problem, not one a line.
                    raise InputError([Problem(path, "", message("report.not_jsonl"))]) from None
                problems.append(Problem(path, exc.path, exc.text, n, exc.column))
                continue
            if not read_any and _is_errors_line(card):
                # A batch's errors file (or the web batch's bad lines) given for its results.
                raise InputError([Problem(path, "", message("report.given_errors_file"))])
            read_any = True
            found = check_card(card, path, n)
            if found:
                problems.extend(found)
                continue
            at = CardAt(upgraded_card(card))
            at.file, at.line = path, n
            yield at


def _refuse_other_outputs(path: str, first: bytes, handle) -> None:
    """Raises InputError, one problem saying what to run instead, when the file is the results
    table `assess batch --out 结果.csv` writes (its header, in either language and any of the CSV
    encodings) or a workbook (xlsx: a zip file): they hold no scorecards, and read line by line
    each line would be a problem of its own. `first`: the file's first line; `handle` is read on
    for the second (the table's first row names the standard) only when the header matched."""
    if first.startswith(XLSX_MAGIC):
        raise InputError([Problem(path, "", message("report.not_jsonl"))])
    header = _csv_cells(first)
    if header is None or not _is_batch_csv_header(header):
        return
    row = _csv_cells(next(handle, b"")) or []
    standard = row[2] if len(row) > 2 and row[2] else message("report.batch_csv.some_standard")
    raise InputError([Problem(path, "", message("report.batch_csv", standard=standard))])


def _csv_cells(raw: bytes) -> list[str] | None:
    """A CSV line's cells, the line read in one of the encodings the batch writes CSV in."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return next(csv.reader([text.rstrip("\r\n")]), [])
    return None


def _is_batch_csv_header(cells: list[str]) -> bool:
    """Whether `cells` is the header of `assess batch`'s CSV, in Chinese or English."""
    from assess.present.renderers import column_heads  # only for a file that is not JSON Lines
    from assess.present.renderers.record_csv import CSV_COLUMNS
    return any(cells == column_heads(CSV_COLUMNS, lang) for lang in LANGUAGES)


def _is_errors_line(data) -> bool:
    """Whether a JSON line is a bad record's, as a batch's errors file or the web's batch writes it."""
    return isinstance(data, dict) and "problems" in data and (
        "position" in data or data.get("schema") == "assess.problems/1")


def is_store_file(path: str) -> bool:
    """Whether a file is an SQLite database (a results store) rather than a JSON Lines batch."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def parse_period(text: str | None) -> tuple[str, str] | None:
    """`--period`: a year ("2025": periods starting that year) or a start date ("2025-01-01")."""
    if text is None:
        return None
    t = text.strip()
    if len(t) == 4 and t.isdigit():
        return ("year", t)
    try:
        return ("start", date.fromisoformat(t).isoformat())
    except ValueError:
        raise InputError([Problem("--period", "", message("report.bad_period", got=text))]) from None
