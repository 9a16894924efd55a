"""A filled inspection workbook (workbook.py) read back as an inspection file: the same data an
inspector would write in the YAML worksheet, with the cell of every value, so each problem is
reported as FILE:SHEET!CELL: field: what was expected."""
from __future__ import annotations

from typing import Any

from assess.core.loading import Document
from assess.core.messages import LANGUAGES, message
from assess.core.problems import InputError, Problem
from assess.intake import xlsx
from assess.intake.cellfaults import cell_faults, uncached_formulas
from assess.intake.sheets import hidden_sheets
from assess.workflows.inspection.model import SCHEMA, LoadedInspection, inspection_from_document
from assess.workflows.inspection.statuses import XLSX, refused, status_of
from assess.workflows.inspection.workbook import BOOK_SCHEMA, SHEETS


def is_inspection_workbook(path: str) -> bool:
    """Whether the xlsx file at `path` is an inspection workbook (its _meta sheet says so)."""
    return xlsx.read_meta(xlsx.open_workbook(path)).get("schema") == BOOK_SCHEMA


def read_inspection_workbook(path: str) -> LoadedInspection:
    """A filled inspection workbook as an inspection file. Raises InputError naming FILE:SHEET!CELL
    for each problem: not an inspection workbook, a sheet or column missing, a value that cannot
    be read (a status not on the drop-down), and whatever the inspection file itself may not say;
    InspectionRefused with the workbook read with stand-ins for its bad values where it can be,
    so that its problems against the record are found in the same run."""
    book = str(path)
    wb = xlsx.open_workbook(book)
    meta = xlsx.read_meta(wb)
    if meta.get("schema") != BOOK_SCHEMA:
        raise InputError([Problem(book, "", message("inspect.xlsx.not_ours"))])
    headings: dict[str, str] = {}
    data, cells, problems = inspection_data(wb, book, meta, headings)
    known = {message(f"inspect.xlsx.sheet.{sid}", lang) for sid in SHEETS for lang in LANGUAGES}
    problems += hidden_sheets(wb, book, read=known)
    # a formula with no saved result reads as blank: said at its cell, never taken as 未填写
    formulas = uncached_formulas(book)
    problems += [p for ws in wb.worksheets if ws.title in formulas
                 for row in cell_faults(book, ws, formulas[ws.title], merged=False).values() for p in row]
    doc = Document(book, data, {}, cells=cells, sheets=tuple(wb.sheetnames), headings=headings)
    return inspection_from_document(doc, tuple(problems))


def _rows(wb, sid: str, book: str, problems: list[Problem],
          headings: dict[str, str]) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
    """(row number, values by column id, cells by column id) of the sheet's filled rows; a problem
    when the sheet or one of its columns is missing. `headings` gets the heading of each column
    read (考核表!M -> 说明), by which its problems are named."""
    names = {message(f"inspect.xlsx.sheet.{sid}", lang) for lang in LANGUAGES}
    ws = next((w for w in wb.worksheets if w.title in names), None)
    if ws is None:
        problems.append(Problem(book, "", message("intake.no_sheet", sheet=message(f"inspect.xlsx.sheet.{sid}", "zh"))))
        return []
    titles = {xlsx.as_text(c.value): c.column for c in ws[1] if c.value is not None}
    found = {}
    for cid, _ in SHEETS[sid]:
        col = next((titles[t] for t in _column_titles(cid) if t in titles), None)
        if col is None:
            problems.append(Problem(book, "", message("intake.no_column", column=message(f"inspect.xlsx.col.{cid}", "zh")),
                                    cell=xlsx.cell_name(ws.title, 1, 1)))
        else:
            found[cid] = col
            headings[xlsx.cell_name(ws.title, 1, col)[:-1]] = xlsx.as_text(ws.cell(1, col).value)
    out = []
    for number in range(2, ws.max_row + 1):
        values = {cid: xlsx.as_value(ws.cell(number, col).value) for cid, col in found.items()}
        if any(v is not None for v in values.values()):
            out.append((number, values, {cid: xlsx.cell_name(ws.title, number, col) for cid, col in found.items()}))
    return out


def _column_titles(cid: str) -> list[str]:
    """The titles a column is known by, in either language, then those of earlier workbooks (the
    考核信息 value column was headed 填报值, the union's word, before it became 考核值)."""
    titles = [message(f"inspect.xlsx.col.{cid}", lang) for lang in LANGUAGES]
    if cid in _RENAMED:
        titles += [message(f"inspect.xlsx.col_was.{cid}", lang) for lang in LANGUAGES]
    return titles


_RENAMED = ("value",)


def inspection_data(wb, book: str, meta: dict[str, str],
                    headings: dict[str, str]) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    """The inspection file's data, the cell of each value, and the problems of the layout;
    `headings` gets the heading of each column read (_rows)."""
    problems: list[Problem] = []
    data: dict[str, Any] = {"schema": SCHEMA, "reference": {
        "union": meta.get("union"), "union_name": meta.get("union_name"), "evidence_file": meta.get("evidence_file"),
        "period": {"start": meta.get("period_start"), "end": meta.get("period_end")},
        "evidence_sha256": meta.get("evidence_sha256"), "standard": meta.get("standard"),
        "standard_version": meta.get("standard_version")}}
    cells: dict[str, str] = {}
    for _, v, c in _rows(wb, "info", book, problems, headings):
        if v.get("key") in ("inspector", "date", "notes") and v.get("value") is not None:
            cells[v["key"]] = c["value"]
            # a row of 考核信息 is named by its label (考核日期), not by the 考核值 heading all share
            headings[c["value"]] = xlsx.as_text(v.get("item")) or v["key"]
            if v["key"] == "inspector" and (what := xlsx.not_text_kind(v["value"])):
                # #N/A, TRUE or a date is no one's name: refused at its cell, and stands in as blank
                problems.append(Problem(book, "inspector", message(
                    "inspection.inspector_not_name", what=message(f"inspection.value.{what}"),
                    value=xlsx.as_text(v["value"])), cell=c["value"]))
                continue
            data[v["key"]] = v["value"] if v["key"] == "date" else xlsx.as_text(v["value"])
    _items(_rows(wb, "items", book, problems, headings), data, cells)
    _findings(_rows(wb, "documents", book, problems, headings), data, cells, ("documents", "document"), (book, problems))
    _findings(_rows(wb, "events", book, problems, headings), data, cells, ("events", "event"), (book, problems))
    for _, v, c in _rows(wb, "counts", book, problems, headings):
        # A row added by hand may name its kind by label only (群体性事件): read_counts takes either.
        kind = xlsx.as_text(v.get("key")) or xlsx.as_text(v.get("kind")) or ""
        if "observed" in c:  # filled or not: where a problem tells the user to write a count
            cells.setdefault(f"event_counts.{kind}", c["observed"])
        if v.get("observed") is not None:
            data.setdefault("event_counts", {})[kind] = v["observed"]
            cells[f"event_counts.{kind}"] = c["observed"]
    return data, cells, problems


def _items(rows, data: dict[str, Any], cells: dict[str, str]) -> None:
    """Per item: the verified values (by fact), the inspection score with its reason (the note of
    a row that has a score), notes (joined when several rows have one)."""
    items: dict[str, dict[str, Any]] = {}
    for _, v, c in rows:
        item = xlsx.as_text(v.get("id"))
        if item is None:
            continue
        entry = items.setdefault(item, {})
        base = f"items.{item}"
        if v.get("key") and "observed" in c:
            # every fact's 核实值 cell, filled or not: where a problem tells the user to write one
            cells.setdefault(f"{base}.observed.{v['key']}", c["observed"])
        if v.get("observed") is not None and v.get("key"):
            entry.setdefault("observed", {})[str(v["key"])] = v["observed"]
            cells[f"{base}.observed.{v['key']}"] = c["observed"]
        if v.get("score") is not None:
            entry["score"] = v["score"]
            cells[f"{base}.score"] = c["score"]
            if "note" in c:  # the reason of the score goes in its row's 说明, written or not
                cells.setdefault(f"{base}.reason", c["note"])
        note = xlsx.as_text(v.get("note"))
        if note is not None:
            part = "reason" if v.get("score") is not None else "note"
            entry[part] = "; ".join(filter(None, [entry.get(part), note]))
            cells[f"{base}.{part}"] = c["note"]
        cells.setdefault(base, c["id"])
    filled = {k: e for k, e in items.items() if e}
    if filled:
        data["items"] = filled


def _findings(rows, data: dict[str, Any], cells: dict[str, str], kind: tuple[str, str],
              found: tuple[str, list[Problem]]) -> None:
    """Document or event findings (`kind`: the list's key, the column naming what was checked):
    the rows given a status or a note. A status not on the drop-down is a problem (`found`: the
    book and its problems) and stands in as blank."""
    (key, ref), (book, problems) = kind, found
    out = []
    for _, v, c in rows:
        if v.get("status") is None and v.get("note") is None:
            continue
        i = len(out)
        written = xlsx.as_text(v.get("status"))
        status = status_of(written) if written is not None else None
        if written is not None and status is None:
            problems.append(Problem(book, f"{key}[{i}].status", refused(written, XLSX), cell=c.get("status")))
        finding = {ref: xlsx.as_text(v.get(ref)) if ref == "document" else v.get(ref), "status": status,
                   "note": xlsx.as_text(v.get("note"))}
        out.append({k: x for k, x in finding.items() if x is not None})
        cells[f"{key}[{i}]"] = c.get(ref, "")
        cells.update({f"{key}[{i}].{cid}": name for cid, name in c.items() if cid in (ref, "status", "note")})
    if out:
        data[key] = out
