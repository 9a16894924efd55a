"""Data in where the users live, through the library: the fill-in workbook (自评填报表) of a
standard, empty or filled from a record; the empty roster; reading a workbook or a roster as
records; and one value read as a field type would read it (for a form that checks as you type).

Workbooks and rosters are also read wherever records are: `load_record("book.xlsx")`,
`read_records(["roster.csv"], standard=...)`, `score_batch(["roster.xlsx"], ...)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.api.scoring import (RecordProblems, RecordSource, StandardSource, load_record, load_standard, roster_records,
                                 standards_for)
from assess.core.jsonlines import JsonLineError, parse_line
from assess.core.messages import message, use_language
from assess.core.natural import NaturalError, read_as, read_date
from assess.core.printable import lone_surrogate
from assess.core.problems import InputError, Problem
from assess.intake import layout, roster, template, xlsx
from assess.model.evidence import LoadedEvidence, check_record
from assess.standards import catalog
from assess.standards.catalog import LoadedStandard

VALUE_KINDS = ("boolean", "integer", "number", "ratio", "string", "date")


@dataclass(frozen=True)
class TemplateFile:
    """A workbook written: where, for which standard, and what it is ("record": a fill-in
    workbook, "roster": an empty roster)."""

    path: str
    standard: LoadedStandard
    kind: str
    notes: tuple[str, ...] = ()  # what the user should know: a record's application for another standard


def write_template(standard: StandardSource, out: str | Path, *, lang: str = "zh", record: RecordSource | None = None,
                   force: bool = False) -> TemplateFile:
    """Write the fill-in workbook (xlsx, no macros) of `standard` to `out`, its texts in `lang`;
    with `record`, filled with that record's values (the record read back from it scores the
    same). A grade the record applies for under another standard is carried as it is, with a
    note in `notes` (the workbook is then scored against that standard too). Raises InputError for
    an unknown standard, a bad record (its shape, or its facts as `assess score` checks them:
    see _check_as_scored), `out` existing (without `force`) or not writable."""
    with use_language(lang):
        _refuse_other_names(out)
        target = load_standard(standard)
        loaded = load_record(record) if record is not None else None
        if loaded is not None:
            _check_as_scored(loaded)
        filled = loaded.record if loaded is not None else None
        xlsx.write_new(out, lambda: template.record_workbook(target.standard, lang, filled), force)
        notes = _other_applications(loaded, target.standard.id, lang) if loaded is not None else ()
    return TemplateFile(str(out), target, "record", notes)


def _check_as_scored(loaded: LoadedEvidence) -> None:
    """Raise InputError with the problems `assess score` finds in the record's facts against the
    standards it would score it against (standards_for): a misspelt fact name would be left out of
    the workbook, a value out of bounds written into it as it is, each without a word."""
    for target in standards_for(loaded):
        check_record(loaded, target.standard, catalog.known_names(), tuple(a.id for a in target.lineage))


def _other_applications(loaded: LoadedEvidence, target: str, lang: str) -> tuple[str, ...]:
    """A note for each grade the record applies for under a standard other than `target`: carried
    into the workbook as it is, it makes `assess score` score the workbook against that standard
    (alone, when the record applies for nothing under `target`)."""
    apps = loaded.record.applications
    also = any(app.standard == target for app in apps)
    notes = []
    for app in apps:
        if app.standard == target:
            continue
        grade = app.grade
        try:  # the grade's title, when the standard is known (its newest version: only a title is wanted)
            other = catalog.resolve_standard(app.standard).standard
            found = other.grade_named(app.grade)
            grade = found.title.get(lang) if found is not None else grade
        except InputError:
            pass
        notes.append(message("template.other_application." + ("also" if also else "only"), lang, record=loaded.path,
                             standard=app.standard, grade=grade, grade_id=app.grade, target=target,
                             row=f"applications.{app.standard}", sheet=layout.sheet_name("basics", lang),
                             field=layout.key_label("application.grade", lang)))
    return tuple(notes)


def write_roster_template(standard: StandardSource, out: str | Path, *, lang: str = "zh",
                          force: bool = False) -> TemplateFile:
    """Write the empty roster of `standard` (xlsx: one union a row; headers, drop-downs and data
    validation) to `out`. Raises InputError as write_template."""
    with use_language(lang):
        _refuse_other_names(out)
        target = load_standard(standard)
        xlsx.write_new(out, lambda: roster.roster_template(target.standard, lang), force)
    return TemplateFile(str(out), target, "roster")


def _refuse_other_names(out: str | Path) -> None:
    """A template is an xlsx workbook: a name ending otherwise (名单.csv) would hold a workbook
    that Excel, WPS and `assess batch` read as something else. Raises InputError."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(out), "", message("template.not_xlsx", name=path.with_suffix(".xlsx").name))])


def read_workbook(path: str | Path, *, lang: str = "zh") -> LoadedEvidence:
    """A filled-in workbook as a record (same as load_record on an .xlsx path): `made_for` is its
    standard, `notes` says when it was made from an earlier content of it. Raises InputError with
    every problem as FILE:SHEET!CELL: field: what was expected."""
    with use_language(lang):
        return load_record(str(path))


def read_roster(path: str | Path, standard: StandardSource | None = None, *, as_of=None,
                lang: str = "zh") -> list[LoadedEvidence | RecordProblems]:
    """Each filled row of a roster (CSV or xlsx) as a record for `standard` (default: the one an
    empty roster made by write_roster_template names), in order; a row that is not a valid
    record as its RecordProblems (FILE:CELL: field: what was expected), the rest unaffected.
    Raises InputError for a file that cannot be read, no standard, or headers that name nothing."""
    with use_language(lang):
        # As `assess batch` reads a roster: a row refused for a bad cell (a period end that is no
        # date) is still checked against the standard, every problem of the row at once.
        return roster_records(path, standard, as_of)


def read_value(kind: str, value: Any, *, lang: str = "zh", name: str = "<value>") -> Any:
    """One value as a field of `kind` reads it ("boolean", "integer", "number", "ratio", "string"
    or "date"): 是 -> True, "1,200" -> 1200, "93.5" on a ratio -> Fraction(187, 200), "2025/3/15"
    -> date. None stays None. Raises InputError (one Problem naming `name`) with what was expected,
    in `lang`; ValueError for an unknown kind."""
    if kind not in VALUE_KINDS:
        raise ValueError(f"kind must be one of {VALUE_KINDS}, not {kind!r}")
    with use_language(lang):
        try:
            return read_date(value) if kind == "date" and value is not None else read_as(kind, value)
        except NaturalError as err:
            raise InputError([Problem(name, "", err.text())]) from None


def read_json(text: str, *, lang: str = "zh", name: str = "<json>", path: str = "") -> Any:
    """One JSON text read as assess reads a record of a JSON Lines file: a key given twice,
    NaN or Infinity, a number a float cannot hold as written (1e-400), an integer of more than 30
    digits, a text holding half a character (a lone surrogate, "\\ud800"), or nesting deeper
    than a record file may have is refused, never read silently; a leading byte order mark is
    skipped. Returns plain data (dict, list, str, int, float, bool, None). Raises InputError (one
    Problem naming `name` and `path`, with the line and column when known) saying what is wrong,
    in `lang`."""
    with use_language(lang):
        try:
            data = parse_line(text[1:] if text.startswith("\ufeff") else text)
        except JsonLineError as exc:
            raise InputError([Problem(name, ".".join(p for p in (path, exc.path) if p), exc.text, exc.line,
                                      exc.column)]) from None
        found = lone_surrogate(data)
        if found is not None:
            where, escape = found
            raise InputError([Problem(name, ".".join(p for p in (path, where) if p),
                                      message("error.json_lone_surrogate", escape=escape))])
        return data
