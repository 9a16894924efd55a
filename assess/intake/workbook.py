"""A filled-in workbook (自评填报表) read as an evidence record.

The workbook's sheets become the record's plain data (the values as written: the record check
reads 是/否, 2025/3/15, 93.5% like any record's), with the cell of every value, so each problem
is reported as FILE:SHEET!CELL: field: what was expected. The hidden _meta sheet names the
standard the workbook was made for: the record is scored against it unless it applies for
others, and a workbook made from an earlier content of that standard is said to be stale.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assess.core.loading import Document, cell_order, in_cells
from assess.core.messages import message
from assess.core.natural import NaturalError, read_boolean
from assess.core.problems import InputError, Problem
from assess.intake import xlsx
from assess.intake.cellfaults import cell_faults, uncached_formulas, unread_cells, without_consequences
from assess.intake.layout import BASIC_KEYS, RECORD_SCHEMA, SPEC, sheet_ids, sheet_name
from assess.intake.sheets import Row, Sheet, hidden_sheets, iter_filled, read_sheet
from assess.model.evidence import LoadedEvidence, RecordRefused, evidence_from_document
from assess.model.references import event_kind_id
from assess.model.standard import Standard
from assess.standards import catalog

_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_FILLED = ("value", "documents", "note", "reason", "by", "date")  # the columns a keyed row is filled in by
_TEXT_KEYS = ("union.id", "union.name", "union.kind", "union.parent", "union.region", "period.label", "note")


def is_record_workbook(path: str | Path) -> bool:
    """Whether the xlsx file at `path` is a fill-in workbook: its _meta sheet says so, or it has
    none and has the fill-in workbook's sheets (基本信息, 佐证数据: read to say _meta is missing)."""
    wb = xlsx.open_workbook(path)
    return xlsx.read_meta(wb).get("schema") == RECORD_SCHEMA or _meta_deleted(wb)


def _meta_deleted(wb) -> bool:
    names = {sheet_ids().get(title) for title in wb.sheetnames}
    return xlsx.META_SHEET not in wb.sheetnames and {"basics", "facts"} <= names


def read_record_workbook(path: str | Path, *, lenient: bool = False) -> LoadedEvidence:
    """The record a filled-in workbook holds, validated for shape as any record is (see
    evidence_from_document, `lenient` included). Its `made_for` is the workbook's standard; its
    `notes` say when the workbook was made for an earlier content of that standard. Raises
    InputError naming FILE:SHEET!CELL for each problem: not a fill-in workbook, an unknown key,
    column or sheet holding values, a value that cannot be read."""
    book = str(path)
    wb = xlsx.open_workbook(book)
    meta = xlsx.read_meta(wb)
    if _meta_deleted(wb):
        raise InputError([Problem(book, "", message("intake.meta_missing"))])
    if meta.get("schema") != RECORD_SCHEMA or not meta.get("standard"):
        raise InputError([Problem(book, "", message("intake.not_record_workbook"))])
    loaded_standard = _loaded_standard(meta)
    standard = loaded_standard.standard if loaded_standard else None
    wrong = xlsx.meta_problems(wb, book) + _other_standard(wb, book, meta, standard)
    if wrong:
        raise InputError(wrong)
    read = _record_data(wb, book, meta["standard"], standard)
    doc = Document(book, read.data, {}, cells=read.cells, sheets=tuple(wb.sheetnames), form="workbook")

    def together(found: list[Problem]) -> list[Problem]:
        """With what reading the sheets found, less what follows from it: a blank read where a
        cell cannot be read (a formula with no saved result), the 基本信息 values of a missing
        基本信息 sheet."""
        found = [p for p in in_cells(doc, found) if "basics" in read.sheets or p.path.split(".")[0] not in _BASICS_TOPS]
        return _in_order(without_consequences(read.problems + found, read.faults, read.unread), wb.sheetnames)

    try:
        loaded = evidence_from_document(doc, lenient=lenient)
    except RecordRefused as err:  # with what reading the sheets found (a renamed 基本信息 sheet)
        raise InputError(together(err.problems + _more_problems(err, loaded_standard))) from None
    if read.problems and not lenient:
        raise InputError(together([]))
    return replace(loaded, pending=tuple(together(list(loaded.pending))),
                   made_for=(meta["standard"],), notes=tuple(_stale(book, meta, standard)))


def _more_problems(err: RecordRefused, loaded: catalog.LoadedStandard | None) -> list[Problem]:
    """The workbook's other problems against its own standard when the record's shape was refused
    (a missing 考核期结束, a bad 活动记录 row): the other sheets' bad cells, an unknown 工会类型, a
    grade the standard does not have. A user sees every bad cell at once, not a few per run: the
    record is checked with stand-ins for the bad 基本信息 values (RecordRefused.problems_against)."""
    if loaded is None:
        return []
    standard = loaded.standard
    return err.problems_against(standard, catalog.known_names([standard]), tuple(a.id for a in loaded.lineage))


def _in_order(problems: list[Problem], sheets: list[str]) -> list[Problem]:
    """Problems in reading order: by sheet in the workbook's order, row, column, then field."""
    return sorted(set(problems), key=lambda p: (cell_order(p.cell, sheets), p.path, p.message))


def _loaded_standard(meta: dict[str, str]) -> catalog.LoadedStandard | None:
    """The standard of the workbook's id and version, when one is known."""
    try:
        return catalog.resolve_standard(f"{meta['standard']}@{meta.get('version', '')}")
    except InputError:
        return None


def _other_standard(wb, book: str, meta: dict[str, str], standard: Standard | None) -> list[Problem]:
    """A problem when _meta names one standard but its digest is that of another's content: the
    workbook was made for that other standard (its standard cell edited)."""
    if standard is not None and meta.get("sha256") == standard.sha256:
        return []
    other = next((s.standard for s in catalog.builtin_standards()
                  if s.standard.sha256 == meta.get("sha256") and s.standard.id != meta["standard"]), None)
    if other is None:
        return []
    row = next((r for r, (k, _) in enumerate(wb[xlsx.META_SHEET].iter_rows(max_col=2, values_only=True), start=1)
                if k == "standard"), 2)
    return [Problem(book, "", message("intake.meta_other_standard", named=meta["standard"], id=other.id,
                                      version=other.version), cell=xlsx.cell_name(xlsx.META_SHEET, row, 2))]


def _stale(book: str, meta: dict[str, str], standard: Standard | None) -> list[str]:
    if standard is None:
        return [message("intake.unknown_version", file=book, id=meta["standard"], version=meta.get("version", ""))]
    if meta.get("sha256") != standard.sha256:
        return [message("intake.stale", file=book, id=standard.id, version=standard.version,
                        old=meta.get("sha256", "")[:12], new=standard.sha256[:12])]
    return []


_BASICS_TOPS = ("union", "period")  # the required parts of a record that 基本信息 holds


@dataclass
class _Read:
    """What reading a workbook's sheets gave: the record's plain data and the cell of each value;
    the problems found (with the faults of cells among them), the cells read as blank because of
    a fault, and the ids of the contract's sheets the workbook has."""

    data: dict[str, Any]
    cells: dict[str, str]
    problems: list[Problem]
    faults: list[Problem]
    unread: set[str]
    sheets: set[str]


def _record_data(wb, book: str, standard_id: str, standard: Standard | None) -> _Read:
    sheets, problems, faults, unread = _sheets(wb, book)
    data: dict[str, Any] = {}
    cells: dict[str, str] = {}
    _basics(sheets.get("basics"), data, cells, problems, book, standard_id, standard)
    _facts(sheets.get("facts"), data, cells, problems, book, standard)
    _events(sheets.get("events"), data, cells, standard)
    _entries(sheets.get("documents"), data, cells, "documents", ("id", "title", "kind", "date"))
    _entries(sheets.get("honours"), data, cells, "honours", ("title", "year", "grade", "standard", "awarded_by"))
    _judgements(sheets.get("judgements"), data, cells, standard_id, problems, book, standard)
    return _Read(data, cells, problems, faults, unread, set(sheets))


def _sheets(wb, book: str) -> tuple[dict[str, Sheet], list[Problem], list[Problem], set[str]]:
    """Each sheet of the contract that the workbook has, read; problems of their layout, of a
    required sheet missing, of a sheet the contract does not know that holds anything (visible, or
    hidden by hand: sheets.hidden_sheets), and of a
    formula with no saved result in any sheet read or shown, of merged cells in a sheet read;
    those faults of cells again on their own, and the cells they make read as blank."""
    ids = sheet_ids()
    guide = {message("intake.sheet.guide", lang) for lang in ("zh", "en")}
    found: dict[str, Sheet] = {}
    problems: list[Problem] = []
    faults: list[Problem] = []
    unread: set[str] = set()
    formulas = uncached_formulas(book)
    for ws in wb.worksheets:
        sid = ids.get(ws.title)
        if sid is not None or ws.sheet_state == "visible":
            uncached = formulas.get(ws.title, [])
            by_row = cell_faults(book, ws, uncached, merged=sid is not None)
            faults += dict.fromkeys(p for row in by_row.values() for p in row)
            unread.update(*unread_cells(ws, uncached, merged=sid is not None).values())
        if sid is not None and sid not in found:
            found[sid] = read_sheet(ws, SPEC[sid], book)
            problems += found[sid].problems
        elif ws.sheet_state == "visible" and ws.title not in guide:
            filled = next(iter_filled(ws), None)
            if filled is not None:
                problems.append(Problem(book, "", message("intake.unknown_sheet", sheet=ws.title, sheets="、".join(
                    sheet_name(s, "zh") for s in SPEC)), cell=xlsx.cell_name(ws.title, *filled)))
    problems += hidden_sheets(wb, book, read=guide | {ws.title for ws in wb.worksheets if ws.title in ids})
    for sid in ("basics", "facts"):
        if sid not in found:
            problems.append(Problem(book, "", message("intake.no_sheet", sheet=sheet_name(sid, "zh"))))
    return found, faults + problems, faults, unread


def _set(data: dict, cells: dict, path: tuple, value: Any, cell: str) -> None:
    """data[path] = value, making the mappings on the way; the cell named for the dotted path."""
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    cells[".".join(path)] = cell


def _repeated(seen: dict, key: Any, row: Row, name: str, problems: list[Problem], book: str) -> bool:
    """Whether `key` was filled in on an earlier row (a problem naming both cells; the later row
    is not read), else remember this row's key cell for it. A row with only its key (the blank
    row of the template) fills nothing in: it is never one of two."""
    if all(row.values.get(cid) is None for cid in _FILLED):
        return False
    cell = row.cells.get("key", "")
    if key in seen:
        problems.append(Problem(book, "", message("intake.duplicate_key", name=name, other=seen[key]), cell=cell))
        return True
    seen[key] = cell
    return False


def _basics(sheet: Sheet | None, data: dict, cells: dict, problems: list[Problem], book: str, standard_id: str,
            standard: Standard | None) -> None:
    apps: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    blank_grades: dict[str, str] = {}  # standard id -> the cell of its grade row left empty
    for row in sheet.rows if sheet else []:
        key, value, cell = str(row.values["key"]).strip(), row.values.get("value"), row.cells.get("value", "")
        written = key
        if key == "application.grade":
            key = f"applications.{standard_id}"
        elif key == "application.override_kind":
            key = f"applications.{standard_id}.override_kind"
        if _repeated(seen, key, row, written, problems, book):
            continue
        if not key.startswith("applications.") and key not in BASIC_KEYS:
            problems.append(_unknown_key(book, key, BASIC_KEYS, cell or row.cells.get("key", "")))
        elif value is None:
            if key.startswith("applications.") and not key.endswith(".override_kind"):
                blank_grades[key[len("applications."):]] = cell
            elif not key.startswith("applications."):
                cells[key] = cell  # a required value left empty is reported at its cell
                if "." in key:  # and by its own name: 基本信息 all blank is union.id, union.name, ...
                    data.setdefault(key.split(".")[0], {})
        elif key.startswith("applications."):
            _application(key[len("applications."):], value, cell, apps, problems, book, standard_id, standard)
        else:
            shown = xlsx.as_text(value) if key in _TEXT_KEYS else value
            _set(data, cells, tuple(key.split(".")), shown, cell)
        if key == "period.end":
            cells["period"] = cell  # a problem of the period as a whole (ends before it starts)
    for i, (sid, app) in enumerate(apps.items()):
        data.setdefault("applications", []).append({k: v for k, v in app.items() if k != "_cell"})
        cells[f"applications[{i}]"] = app["_cell"]
        if "grade" not in app and sid in blank_grades:  # only override_kind filled in: the grade is missing at its row
            cells[f"applications[{i}].grade"] = blank_grades[sid]


def _unknown_key(book: str, key: str, known, cell: str) -> Problem:
    """An unknown key on a keyed sheet, with a "did you mean" when one is close."""
    hint = difflib.get_close_matches(key, list(known), n=1)
    return Problem(book, "", message("intake.unknown_key_hint" if hint else "intake.unknown_key", name=key,
                                     hint=hint[0] if hint else ""), cell=cell)


def _application(rest: str, value: Any, cell: str, apps: dict, problems: list[Problem], book: str, standard_id: str,
                 standard: Standard | None) -> None:
    sid = rest.partition(".override_kind")[0]
    app = apps.setdefault(sid, {"standard": sid, "_cell": cell})
    if rest.endswith(".override_kind"):
        try:
            app["override_kind"] = read_boolean(value)
        except NaturalError as err:
            problems.append(Problem(book, "", err.text(), cell=cell))
        return
    grade = xlsx.as_text(value)
    named = standard.grade_named(grade) if standard is not None and sid == standard_id else None
    app["grade"], app["_cell"] = (named.id if named is not None else grade), cell


def _facts(sheet: Sheet | None, data: dict, cells: dict, problems: list[Problem], book: str,
           standard: Standard | None) -> None:
    facts: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for row in sheet.rows if sheet else []:
        name = str(row.values["key"]).strip()
        name = name[len("facts."):] if name.startswith("facts.") else name
        if _repeated(seen, name, row, str(row.values["key"]).strip(), problems, book):
            continue
        value, docs, note = row.values.get("value"), _list(row.values.get("documents")), xlsx.as_text(row.values.get("note"))
        if value is None and not docs and not note and standard is not None and name in standard.fields:
            continue  # a fact of the standard not filled in: missing (an unknown name is read, to be refused)
        cited = {"value": value} | ({"documents": docs} if docs else {}) | ({"note": note} if note else {})
        facts[name] = cited if docs or note else value
        for part, cid in (("", "value"), (".documents", "documents"), (".note", "note")):
            if cid in row.cells:
                cells[f"facts.{name}{part}"] = row.cells[cid]
    if facts:
        data["facts"] = facts


def _list(value: Any) -> list[str]:
    text = xlsx.as_text(value)
    return [part for part in _LIST_SPLIT.split(text) if part] if text else []


def _events(sheet: Sheet | None, data: dict, cells: dict, standard: Standard | None) -> None:
    events = []
    for row in sheet.rows if sheet else []:
        v = row.values
        kind = xlsx.as_text(v.get("kind"))
        known = event_kind_id(standard, kind) if standard is not None and kind else None
        event = {"kind": known or kind, "date": v.get("date"), "count": v.get("count"), "title": xlsx.as_text(v.get("title")),
                 "documents": _list(v.get("documents"))}
        events.append({k: x for k, x in event.items() if x not in (None, [])})
        i = len(events) - 1
        cells[f"events[{i}]"] = row.cells.get("kind", "")
        cells.update({f"events[{i}].{cid}": name for cid, name in row.cells.items()})
    if events:
        data["events"] = events


def _entries(sheet: Sheet | None, data: dict, cells: dict, key: str, columns: tuple[str, ...]) -> None:
    entries = []
    for row in sheet.rows if sheet else []:
        entry = {c: row.values.get(c) for c in columns}
        entry = {c: (xlsx.as_text(v) if c not in ("date", "year") else v) for c, v in entry.items() if v is not None}
        entries.append(entry)
        i = len(entries) - 1
        cells[f"{key}[{i}]"] = row.cells.get(columns[0], "")
        cells.update({f"{key}[{i}].{cid}": name for cid, name in row.cells.items()})
    if entries:
        data[key] = entries


def _judgements(sheet: Sheet | None, data: dict, cells: dict, standard_id: str, problems: list[Problem],
                book: str, standard: Standard | None) -> None:
    filed: dict[str, dict[str, Any]] = {}
    seen: dict[tuple, str] = {}
    for row in sheet.rows if sheet else []:
        v = row.values
        sid = xlsx.as_text(v.get("standard")) or standard_id
        iid = xlsx.as_text(v["key"])
        if _repeated(seen, (sid, iid), row, iid, problems, book):
            continue
        if v.get("value") is None and v.get("reason") is None:
            if standard is not None and sid == standard.id and standard.find_item(iid or "") is None:
                judged = [item.id for _, item in standard.all_items() if item.rule.judged]
                problems.append(_unknown_key(book, iid or "", judged, row.cells.get("key", "")))
            continue  # a judgement item not scored (yet)
        entry = {"score": v.get("value"), "reason": xlsx.as_text(v.get("reason")), "by": xlsx.as_text(v.get("by")),
                 "date": v.get("date")}
        filed.setdefault(sid, {})[iid] = {k: x for k, x in entry.items() if x is not None}
        base = f"judgements.{sid}.{iid}"
        if v.get("standard") is not None:  # an unknown standard is refused at the cell naming it
            cells.setdefault(f"judgements.{sid}", row.cells.get("standard", ""))
        cells[base] = row.cells.get("value", "")
        for part, cid in (("score", "value"), ("reason", "reason"), ("by", "by"), ("date", "date")):
            if cid in row.cells:
                cells[f"{base}.{part}"] = row.cells[cid]
    if filed:
        data["judgements"] = filed
