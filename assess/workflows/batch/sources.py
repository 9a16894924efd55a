"""Reading a batch's INPUTs: directories of evidence files (YAML/JSON and fill-in workbooks, sorted
by name), JSON Lines files (one record a line) and rosters (CSV or xlsx, one union a row:
assess/intake), as a lazy stream of `Source`s, each with its position."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

from assess.core.messages import message
from assess.core.printable import printable_path
from assess.core.writing import same_file
from assess.core.problems import InputError, Problem
from assess.intake import inputs as intake
from assess.intake.inputs import ROSTER_SUFFIXES
from assess.core.paths import os_reason

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")  # .xlsx: fill-in workbooks (assess/intake)
JSONL_SUFFIXES = (".jsonl", ".ndjson")


class Source(NamedTuple):
    """One record to score: where it is, and what the worker reads."""

    position: str  # "file" or "file:line"; a file name that is not UTF-8 is shown escaped (`\xff`)
    kind: str  # file: a path to read | line: one JSON Lines line (bytes) | data: a record as plain data
    payload: Any
    file: str
    line: int | None = None


def _input_kind(path: str) -> tuple[str, Problem | None]:
    # os.path, not Path: it answers False for a name too long to exist, where Path raises.
    if os.path.isdir(path):
        return "dir", None
    if not os.path.exists(path):
        return "", Problem(path, "", message("error.file_not_found"))
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl", None
    if suffix in ROSTER_SUFFIXES:  # a roster (one union a row), or a fill-in workbook
        try:
            return ("roster" if intake.input_kind(path) == "roster" else "file"), None
        except InputError as err:
            return "", err.problems[0]
    if suffix in EVIDENCE_SUFFIXES:
        return "file", None
    return "", Problem(path, "", message("batch.unknown_input", suffixes=", ".join(
        dict.fromkeys(JSONL_SUFFIXES + EVIDENCE_SUFFIXES + ROSTER_SUFFIXES))))


def rosters(paths: Sequence[str]) -> list[str]:
    """The INPUTs that are rosters."""
    return [p for p in paths if Path(p).suffix.lower() in ROSTER_SUFFIXES and _input_kind(p)[0] == "roster"]


def _is_evidence(entry: os.DirEntry) -> bool:
    """An evidence file of a directory INPUT. Not the lock file Excel or WPS keeps beside a
    workbook while it is open (`~$自评.xlsx`): it is no record, and would fail the batch whenever
    someone has a workbook open."""
    return (entry.is_file() and os.path.splitext(entry.name)[1].lower() in EVIDENCE_SUFFIXES
            and not entry.name.startswith("~$"))


def _dir_files(directory: str) -> list[str]:
    # Names only (not Path objects): a directory of a million records is listed, and sorted, once.
    with os.scandir(directory) as entries:
        names = sorted(e.name for e in entries if _is_evidence(e))
    return [os.path.join(directory, n) for n in names]


# Files of a directory INPUT that hold records but are not read there (a CSV roster, a JSON Lines
# file, perhaps an earlier run's output): named in a note, never passed over in silence.
UNREAD_SUFFIXES = (".csv", *JSONL_SUFFIXES)


def unread_files(paths: Sequence[str], exclude: Iterable[str] = ()) -> list[str]:
    """The files of directory INPUTs, by name, that may hold records but are not read as records
    (UNREAD_SUFFIXES), less `exclude` (the run's own outputs)."""
    skip = {os.path.realpath(p) for p in exclude}
    out = []
    for path in paths:
        if not os.path.isdir(path):
            continue
        try:
            with os.scandir(path) as entries:
                names = sorted(e.name for e in entries if e.is_file() and os.path.splitext(e.name)[1].lower() in UNREAD_SUFFIXES)
        except OSError:
            continue  # said by check_inputs
        out += [printable_path(os.path.join(path, n)) for n in names if os.path.realpath(os.path.join(path, n)) not in skip]
    return out


def is_record_of(path: str, inputs: Sequence[str]) -> bool:
    """Whether `path` is a file a directory among `inputs` holds and the batch reads as a record
    (a YAML or JSON file, or a fill-in workbook): an output named so would overwrite it."""
    if not os.path.isfile(path) or not any(os.path.isdir(d) and same_file(os.path.dirname(path) or ".", d) for d in inputs):
        return False
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in EVIDENCE_SUFFIXES or os.path.basename(path).startswith("~$"):
        return False
    if suffix in intake.WORKBOOK_SUFFIXES:  # an earlier run's results workbook is no record
        try:
            return intake.input_kind(path) == "workbook"
        except InputError:  # a workbook that cannot be read: not knowingly a record
            return False
    return True


def check_inputs(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(path, kind) for each INPUT, or InputError naming every one that cannot be read."""
    problems, out = [], []
    if not paths:
        problems.append(Problem("INPUT", "", message("batch.no_input")))
    for path in paths:
        kind, problem = _input_kind(path)
        if problem is None and kind == "dir":
            problem = _dir_problem(path)
        if problem is None and kind != "dir" and not os.access(path, os.R_OK):
            problem = Problem(path, "", message("error.unreadable", reason=message("os.permission")))
        if problem is None:
            problem = _given_before(path, [p for p, _ in out])
        if problem:
            problems.append(problem)
        else:
            out.append((path, kind))
    if problems:
        raise InputError(problems)
    return out


def _given_before(path: str, before: list[str]) -> Problem | None:
    """An INPUT named twice (the same file or directory, however written) would score each of its
    records twice under one position: refused, naming the first."""
    for earlier in before:
        try:
            if os.path.samefile(path, earlier):
                return Problem(printable_path(path), "", message("batch.input_twice", first=printable_path(earlier)))
        except OSError:
            continue
        # A record file of a directory INPUT, given beside it (in either order), is read twice too.
        if is_record_of(path, [earlier]) or is_record_of(earlier, [path]):
            return Problem(printable_path(path), "", message("batch.input_inside", first=printable_path(earlier)))
    return None


def _dir_problem(path: str) -> Problem | None:
    """Why a directory INPUT cannot be read (or holds no evidence file), or None."""
    try:
        if any(True for _ in _iter_dir_names(path)):
            return None
    except OSError as exc:
        return Problem(printable_path(path), "", message("error.unreadable", reason=os_reason(exc)))
    return Problem(path, "", message("batch.empty_dir", suffixes=", ".join(EVIDENCE_SUFFIXES)))


def _iter_dir_names(directory: str) -> Iterator[str]:
    with os.scandir(directory) as entries:
        for e in entries:
            if _is_evidence(e):
                yield e.name


def iter_sources(paths: Sequence[str], exclude: Iterable[str] = (), standard: str | None = None) -> Iterator[Source]:
    """Every record of the INPUTs, lazily, in a fixed order: INPUTs as given, a directory's files
    by name, a JSON Lines file's non-blank lines in order, a roster's filled rows in order (its
    headers read with `standard`). Files in `exclude` (the batch's own output, when written into
    an input directory) are left out."""
    skip = {os.path.realpath(p) for p in exclude}
    for path, kind in check_inputs(paths):
        if kind == "dir":
            for name in _dir_files(path):
                if not skip or os.path.realpath(name) not in skip:
                    shown = printable_path(name)
                    yield Source(shown, "file", name, shown)
        elif kind == "file":
            shown = printable_path(path)
            yield Source(shown, "file", path, shown)
        elif kind == "roster":
            shown = printable_path(path)
            for row in intake.roster_rows(path, standard):
                yield Source(row.position, "data", row, shown, row.row)
        else:
            yield from _jsonl_sources(path)


def _jsonl_sources(path: str) -> Iterator[Source]:
    """A JSON Lines file's non-blank lines. The file failing to read part-way (a disk error, a
    network share gone) is the INPUT's problem, not a record's: InputError naming it and the line;
    what was committed before stays resumable."""
    shown = printable_path(path)
    number = 0
    try:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                yield Source(f"{shown}:{number}", "line", raw, shown, number)
    except OSError as exc:
        raise InputError([Problem(shown, "", message("error.unreadable", reason=os_reason(exc)),
                                  number + 1)]) from None


def count_records(paths: Sequence[str], standard: str | None = None) -> int:
    """How many records iter_sources will yield (for a progress bar's total)."""
    total = 0
    for path, kind in check_inputs(paths):
        if kind == "dir":
            total += sum(1 for _ in _iter_dir_names(path))
        elif kind == "file":
            total += 1
        elif kind == "roster":
            total += sum(1 for _ in intake.roster_rows(path, standard))
        else:
            with open(path, "rb") as fh:
                total += sum(1 for raw in fh if raw.strip() and raw.strip() != b"\xef\xbb\xbf")
    return total


def pack_chunk(chunk: list[Source]) -> tuple:
    """A chunk as a pool process is sent it (`run_packed`): the lines of one JSON Lines file as
    ("lines", file, line numbers, payloads), which pickle as plain lists at half the cost of the
    Sources (each a named tuple pickled, and made again, one by one); any other chunk as
    ("sources", chunk). `unpack_chunk` gives back Sources equal to the chunk's."""
    file = chunk[0].file if chunk else None
    numbers, payloads = [], []
    for src in chunk:
        number = src.line
        if src.kind != "line" or src.file != file or number.__class__ is not int or src.position != f"{file}:{number}":
            return ("sources", chunk)
        numbers.append(number)
        payloads.append(src.payload)
    return ("lines", file, numbers, payloads)


def unpack_chunk(packed: tuple) -> list[Source]:
    """The Sources of a `pack_chunk` chunk."""
    if packed[0] == "sources":
        return packed[1]
    _, file, numbers, payloads = packed
    return [Source(f"{file}:{number}", "line", payload, file, number) for number, payload in zip(numbers, payloads)]
