"""Files of the intake layer as inputs of many records (`assess batch`, `assess score`): which
kind a file is, the rows of a roster one by one, and loading a workbook or a roster row as a
record. Other inputs (YAML, JSON, JSON Lines) are the batch's own.

Light to import: the readers (and openpyxl, ~0.1 s) load when a workbook or roster is read, so
commands that read none start as fast as before."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

from assess.core.loading import Document, cell_order
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.model.evidence import LoadedEvidence, RecordRefused, evidence_from_document
from assess.standards import catalog

WORKBOOK_SUFFIXES = (".xlsx",)
ROSTER_SUFFIXES = (".csv", ".xlsx")


def input_kind(path: str | Path) -> str | None:
    """"workbook" (a fill-in workbook), "roster" (a CSV file or any other xlsx), or None for a
    file of another kind. InputError for an xlsx file that cannot be read."""
    suffix = Path(path).suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        return None
    from assess.intake.roster import is_roster

    return "roster" if is_roster(path) else "workbook"


def roster_standard(path: str | Path, standard: str | None, as_of=None) -> catalog.LoadedStandard:
    """The standard a roster's headers are read with: `standard` (an id, ID@VERSION or file), else
    the one an empty roster made by `assess template --roster` names. InputError without either."""
    if standard is None and Path(path).suffix.lower() == ".xlsx":
        from assess.intake import xlsx
        from assess.intake.layout import ROSTER_SCHEMA

        meta = xlsx.read_meta(xlsx.open_workbook(path))
        if meta.get("schema") == ROSTER_SCHEMA:
            standard = meta.get("standard")
    if standard is None:
        raise InputError([Problem(str(path), "", message("roster.needs_standard"))])
    return catalog.resolve_standard(str(standard), as_of)


def roster_rows(path: str | Path, standard: str | None, as_of=None) -> Iterator:
    """Each filled row of a roster (RosterRow). Raises InputError at once for an unreadable file,
    a missing standard or headers that name nothing."""
    from assess.intake.roster import read_roster

    return read_roster(path, roster_standard(path, standard, as_of).standard)


def load_workbook_record(path: str | Path) -> LoadedEvidence:
    """A fill-in workbook as a record, loaded leniently: problems of its entries wait in
    `pending` for those found against the standard (see evidence_from_document)."""
    from assess.intake.workbook import read_record_workbook

    return read_record_workbook(path, lenient=True)


def load_row(row) -> LoadedEvidence:
    """A roster row's record (a RosterRow, or its Document), loaded leniently (as
    load_workbook_record); made for the standard the row was read with, the problems of its
    cells (RosterRow.problems) waiting in `pending`."""
    if isinstance(row, Document):
        return evidence_from_document(row, lenient=True)

    def own(problems) -> list[Problem]:
        """With the faults of its cells, not what reading such a cell as blank led to, nor the
        dates its counts were given from a bad period end."""
        found = problems
        if row.problems:
            from assess.intake.cellfaults import without_consequences

            found = without_consequences(problems, row.problems, row.unread)
        found = _without_event_dates(found)
        return sorted(found, key=lambda p: (cell_order(p.cell, ()), p.path, p.message))

    try:
        loaded = evidence_from_document(row.document, lenient=True)
    except RecordRefused as err:  # its other cells still checked, on the record read with stand-ins
        refused = RecordRefused(own(err.problems), err.document)
        stand_in = err.stand_in
        if stand_in is not None:
            refused.stand_in = replace(stand_in, made_for=(row.standard,), pending=tuple(own(stand_in.pending)))
        raise refused from None
    except InputError as err:
        raise InputError(own(err.problems)) from None
    return replace(loaded, made_for=(row.standard,), pending=tuple(own(loaded.pending)))


def _without_event_dates(problems: list[Problem]) -> list[Problem]:
    """A roster row's events are dated on its period's last day (one count a column): when that
    day is bad, so is every event's date, and only the period's cell is to blame."""
    if not any(p.path == "period.end" for p in problems):
        return problems
    return [p for p in problems if not (p.path.startswith("events[") and p.path.endswith("].date"))]


def is_row(payload: Any) -> bool:
    """Whether a batch payload is a roster row (a RosterRow or its Document)."""
    return isinstance(payload, Document) or hasattr(payload, "document")


def row_data(payload: Any) -> Any:
    """The plain data of a batch payload (a roster row's record data, or data as it is)."""
    if isinstance(payload, Document):
        return payload.data
    return payload.document.data if hasattr(payload, "document") else payload
