"""The fill-in workbook (自评填报表) of a standard: empty, or filled from a record.

Sheets (assess/intake/layout.py has the contract): 填报说明 (how to fill it in), 基本信息 (the
union, the period, the grade applied for), 佐证数据 (one row per fact the standard declares:
label, unit, the document that proves it, the value cell with data validation, the documents
cited, a note), 活动记录 (kind by a drop-down of the standard's labels, date, count, title),
材料清单, 荣誉称号, 酌情评分 (one row per judgement item), and the hidden _meta and _lists.
A record's values that the standard does not declare (facts, events, judgements and applications
for other standards) get rows too, so a record comes back from its workbook as it went in.
"""
from __future__ import annotations

from typing import Any

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.core.messages import message
from assess.core.natural import NaturalError, read_as
from assess.core.unions import UNION_KINDS, kind_name
from assess.intake import xlsx
from assess.intake.layout import BASIC_KEYS, DATE_KEYS, RECORD_SCHEMA, SPEC, column_title, key_label, sheet_name
from assess.model.evidence import EvidenceRecord
from assess.model.standard import FieldDecl, Standard

SPARE_ROWS = 200  # empty rows with validation below the entries of a tabular sheet


def record_workbook(standard: Standard, lang: str = "zh", record: EvidenceRecord | None = None) -> bytes:
    """The fill-in workbook for `standard` as xlsx bytes, its texts in `lang`; with `record`, its
    values filled in. The same input gives the same bytes."""
    wb = xlsx.new_workbook()
    _guide(wb, standard, lang)
    sheets = {sid: wb.create_sheet(sheet_name(sid, lang)) for sid in SPEC}
    lists = xlsx.Lists(wb)
    _basics(sheets["basics"], standard, lang, lists, record)
    _facts(sheets["facts"], standard, lang, lists, record)
    _events(sheets["events"], standard, lang, lists, record)
    _documents(sheets["documents"], lang, record)
    _honours(sheets["honours"], lang, record)
    _judgements(sheets["judgements"], standard, lang, record)
    xlsx.write_meta(wb, {"schema": RECORD_SCHEMA, "standard": standard.id, "version": standard.version,
                         "sha256": standard.sha256, "lang": lang})
    wb.active = 0
    return xlsx.workbook_bytes(wb, message("intake.title", lang, title=standard.title.get(lang)))


def _headers(ws, sheet_id: str, lang: str) -> None:
    spec = SPEC[sheet_id]
    xlsx.header(ws, [column_title(c.id, lang) for c in spec.columns], [c.width for c in spec.columns])


def _guide(wb, standard: Standard, lang: str) -> None:
    ws = wb.create_sheet(message("intake.sheet.guide", lang))
    ws.column_dimensions["A"].width = 110
    lines = [message("intake.title", lang, title=standard.title.get(lang)),
             message("intake.guide.standard", lang, id=standard.id, version=standard.version, sha=standard.sha256[:12]),
             *message("intake.guide.howto", lang).splitlines()]
    for r, text in enumerate(lines, start=1):
        ws.cell(r, 1).value, ws.cell(r, 1).alignment = text, xlsx.WRAP
    ws.cell(1, 1).font = xlsx.HEAD_FONT


def _put(ws, row: int, col: int, value: Any, fmt: str | None = None, fill: bool = False) -> None:
    """A cell's value (text without the control characters xlsx cannot hold), format and fill."""
    cell = ws.cell(row, col)
    xlsx.put(cell, value)
    if fmt:
        cell.number_format = fmt
    if fill:
        cell.fill = xlsx.INPUT_FILL


def _basics(ws, standard: Standard, lang: str, lists: xlsx.Lists, record: EvidenceRecord | None) -> None:
    _headers(ws, "basics", lang)
    values = _basic_values(standard, lang, record)
    # Only the kinds the standard applies to (基层工会 offered on a 八好 workbook was then refused),
    # and the filled-in record's own kind.
    own = [record.union.kind] if record is not None and record.union.kind in UNION_KINDS else []
    kinds = list(dict.fromkeys([*(standard.applies_to or UNION_KINDS), *own]))
    choices = {"union.kind": [kind_name(k, lang) for k in kinds],
               "application.grade": [g.title.get(lang) for g in standard.grades]}
    rows = list(BASIC_KEYS) + [k for k in values if k not in BASIC_KEYS]
    for r, key in enumerate(rows, start=2):
        known = key in BASIC_KEYS
        _put(ws, r, 1, key)
        _put(ws, r, 2, key_label(key, lang) if known else key)
        _put(ws, r, 3, values.get(key), xlsx.DATE_FORMAT if key in DATE_KEYS else None, fill=True)
        _put(ws, r, 4, message(f"intake.hint.{key}", lang) if known else "")
        if key in choices:
            dv = xlsx.validation("list", choices=lists.formula(choices[key]), error=message("intake.pick", lang))
        elif key in DATE_KEYS:
            text = message("intake.prompt.date", lang)
            dv = xlsx.validation("date", prompt=text, error=text)
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(f"C{r}")


def _basic_values(standard: Standard, lang: str, record: EvidenceRecord | None) -> dict[str, Any]:
    if record is None:
        return {}
    u, p = record.union, record.period
    out: dict[str, Any] = {"union.id": u.id, "union.name": u.name, "union.kind": kind_name(u.kind, lang)
                           if u.kind in UNION_KINDS else u.kind, "union.parent": u.parent, "union.region": u.region,
                           "period.start": p.start, "period.end": p.end, "period.label": p.label, "note": record.note}
    first = record.applications[0].standard if record.applications else None
    for app in record.applications:
        # The grade applied for under this standard goes in its drop-down row, unless another
        # application comes first: rows keep the record's order (the order scorecards come in).
        own = app.standard == standard.id and first == standard.id
        grade = standard.grade_named(app.grade) if own else None
        out["application.grade" if own else f"applications.{app.standard}"] = grade.title.get(lang) if grade else app.grade
        if app.override_kind:
            key = "application.override_kind" if own else f"applications.{app.standard}.override_kind"
            out[key] = message("intake.yes", lang)
    return out


def fact_validation(decl: FieldDecl, lang: str, lists: xlsx.Lists):
    """(data validation or None, number format or None) of a fact's value cell by its type."""
    if decl.type == "boolean":
        words = [message("intake.yes", lang), message("intake.no", lang)]
        return xlsx.validation("list", choices=lists.formula(words), error=message("intake.prompt.boolean", lang)), None
    if decl.type == "ratio":
        text = message("intake.prompt.ratio", lang)
        return xlsx.validation("decimal", low=0, high=1, prompt=text, error=text), xlsx.PERCENT_FORMAT
    if decl.type in ("integer", "number"):
        kind = "whole" if decl.type == "integer" else "decimal"
        low = _plain_number(decl.min) if decl.min is not None else 0
        high = _plain_number(decl.max) if decl.max is not None else None
        text = message(f"intake.prompt.{decl.type}", lang, min=low)
        return xlsx.validation(kind, low=low, high=high, prompt=text, error=text), None
    if decl.choices:
        return xlsx.validation("list", choices=lists.formula(decl.choices), error=message("intake.pick", lang)), None
    return None, None


def _facts(ws, standard: Standard, lang: str, lists: xlsx.Lists, record: EvidenceRecord | None) -> None:
    _headers(ws, "facts", lang)
    facts = record.facts if record is not None else {}
    names = list(standard.fields) + [n for n in facts if n not in standard.fields]
    for r, name in enumerate(names, start=2):
        decl = standard.fields.get(name)
        raw = facts.get(name)
        cited = raw if isinstance(raw, dict) and "value" in raw else {"value": raw}
        _put(ws, r, 1, name)
        if decl is not None:
            _put(ws, r, 2, decl.label.get(lang))
            _put(ws, r, 3, decl.unit.get(lang) if decl.unit else None)
            _put(ws, r, 4, decl.document.get(lang) if decl.document else None)
            dv, fmt = fact_validation(decl, lang, lists)
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(f"E{r}")
        else:
            fmt = None
        _put(ws, r, 5, cell_value(decl.type if decl else None, cited.get("value"), lang), fmt, fill=True)
        _put(ws, r, 6, ", ".join(cited.get("documents") or []) or None)
        _put(ws, r, 7, cited.get("note"))


def cell_value(kind: str | None, value: Any, lang: str) -> Any:
    """A fact's value as its cell shows it: 是/否 for a boolean, a number (a rate as its fraction,
    shown as a percentage), text as it is; `kind` None (no type known) keeps the value as it is.
    A value that cannot be read as its type is written as written, so reading the workbook back
    reports the same problem."""
    if value is None or kind is None:
        return value  # a fact another standard reads: as written (a boolean stays a boolean cell)
    try:
        read = read_as(kind, value) if kind else value
    except NaturalError:
        return str(value)
    if isinstance(read, bool):  # True, or 是/有/Y as written: a yes/no cell, never Excel's TRUE
        return message("intake.yes" if read else "intake.no", lang)
    return _plain_number(read) if isinstance(read, RATIONAL) else read


def _plain_number(value: Fraction | int) -> int | float:
    value = fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _events(ws, standard: Standard, lang: str, lists: xlsx.Lists, record: EvidenceRecord | None) -> None:
    _headers(ws, "events", lang)
    events = record.events if record is not None else []
    for r, ev in enumerate(events, start=2):
        label = standard.event_kinds.get(ev.kind)
        _put(ws, r, 1, label.get(lang) if label is not None else ev.kind)
        _put(ws, r, 2, ev.date, xlsx.DATE_FORMAT)
        _put(ws, r, 3, ev.count)
        _put(ws, r, 4, ev.title)
        _put(ws, r, 5, ", ".join(ev.documents) or None)
    last = len(events) + 1 + SPARE_ROWS
    rules = [("A", xlsx.validation("list", choices=lists.formula([v.get(lang) for v in standard.event_kinds.values()]),
                                   error=message("intake.pick", lang))),
             ("B", xlsx.validation("date", error=message("intake.prompt.date", lang))),
             ("C", xlsx.validation("whole", low=1, error=message("intake.prompt.count", lang)))]
    for col, dv in rules:
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")
    for r in range(len(events) + 2, last + 1):
        ws.cell(r, 2).number_format = xlsx.DATE_FORMAT


def _documents(ws, lang: str, record: EvidenceRecord | None) -> None:
    _headers(ws, "documents", lang)
    for r, d in enumerate(record.documents if record is not None else [], start=2):
        for c, value in enumerate((d.id, d.title, d.kind), start=1):
            _put(ws, r, c, value)
        _put(ws, r, 4, d.date, xlsx.DATE_FORMAT)


def _honours(ws, lang: str, record: EvidenceRecord | None) -> None:
    _headers(ws, "honours", lang)
    for r, h in enumerate(record.honours if record is not None else [], start=2):
        for c, value in enumerate((h.title, h.year, h.grade, h.standard, h.awarded_by), start=1):
            _put(ws, r, c, value)


def _judgements(ws, standard: Standard, lang: str, record: EvidenceRecord | None) -> None:
    _headers(ws, "judgements", lang)
    filed = record.judgements if record is not None else {}
    rows = [(standard.id, item.id) for _, item in standard.all_items() if item.rule.judged]
    rows += [(sid, iid) for sid, items in filed.items() for iid in items if (sid, iid) not in rows]
    for r, (sid, iid) in enumerate(rows, start=2):
        item = standard.find_item(iid) if sid == standard.id else None
        entry = filed.get(sid, {}).get(iid)
        _put(ws, r, 1, iid)
        if item is not None:
            _put(ws, r, 2, item.title.get(lang))
            _put(ws, r, 3, _plain_number(item.points))
            text = message("intake.prompt.judgement", lang, points=_plain_number(item.points))
            dv = xlsx.validation("decimal", low=0, high=_plain_number(item.points), prompt=text, error=text)
            ws.add_data_validation(dv)
            dv.add(f"D{r}")
        _put(ws, r, 4, _plain_number(entry.score) if entry else None, fill=True)
        if entry is not None:
            _put(ws, r, 5, entry.reason)
            _put(ws, r, 6, entry.by)
            _put(ws, r, 7, entry.date, xlsx.DATE_FORMAT)
        _put(ws, r, 8, None if sid == standard.id else sid)
