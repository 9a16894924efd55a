"""The inspection worksheet as a workbook (`assess inspect EVIDENCE --xlsx FILE`); workbook_read.py
reads it back as an inspection file (`assess score EVIDENCE --inspection FILE.xlsx`).

Sheets: 考核信息 (inspector, date, remarks), 考核表 (one row per item and fact it reads: the
self-check score, what to check and how, the reported value; for the inspector the verified value
核实值, the inspection score 考核分 of a judgement item, and a note 说明 - a judgement's reason),
材料核查 (each document: 已核实 / 未核实 / 缺失), 活动次数 (the count of each kind of event found),
活动明细 (each event of the record: verified or not), and the hidden _meta naming the record (union,
period, sha256) and the standard. Blank cells mean "as reported", so an untouched workbook scores
as the self-check, like the YAML worksheet (worksheet.py) it mirrors.
"""
from __future__ import annotations

from typing import Any

from assess.core.messages import message, use_language
from assess.intake import xlsx
from assess.intake.template import cell_value, fact_validation
from assess.model.evidence import LoadedEvidence
from assess.present.scorecard import score
from assess.scoring.compiler import Decider
from assess.standards.catalog import LoadedStandard
from assess.workflows.inspection.events import counted_kinds, counted_since, reported_count
from assess.workflows.inspection.facts import declared_inputs, item_facts
from assess.workflows.inspection.statuses import WORDS

BOOK_SCHEMA = "assess.inspection-workbook/1"
# Each sheet: its id (message inspect.xlsx.sheet.<id>) and its columns (message inspect.xlsx.col.<id>, width).
SHEETS = {
    "info": (("key", 14), ("item", 16), ("value", 40)),
    "items": (("id", 10), ("section", 16), ("title", 24), ("points", 7), ("self_score", 7), ("check", 36),
              ("method", 14), ("fact", 24), ("key", 16), ("reported", 12), ("observed", 12), ("score", 8), ("note", 36)),
    "documents": (("document", 26), ("name", 36), ("facts", 30), ("status", 10), ("note", 30)),
    "counts": (("key", 22), ("kind", 26), ("since", 12), ("reported", 8), ("observed", 8)),
    "events": (("event", 6), ("kind", 26), ("date", 12), ("count", 6), ("name", 36), ("status", 10), ("note", 30)),
}
INPUTS = {"info": ("value",), "items": ("observed", "score", "note"), "documents": ("status", "note"),
          "counts": ("observed",), "events": ("status", "note")}
DATES = ("since", "date")  # columns holding dates: date cells, shown as YYYY-MM-DD


def _title(column: str, lang: str) -> str:
    return message(f"inspect.xlsx.col.{column}", lang)


def inspection_workbook(loaded_standard: LoadedStandard, evidence: LoadedEvidence, *, lang: str = "zh",
                        decider: Decider | None = None, as_of=None, prior: tuple = ()) -> bytes:
    """The inspection workbook for one record and one standard, as xlsx bytes (see the module
    docstring). Raises InputError when the record does not validate."""
    with use_language(lang):
        card = score(loaded_standard, evidence, lang=lang, decider=decider, as_of=as_of, prior=prior)
        wb = xlsx.new_workbook()
        sheets = {sid: wb.create_sheet(message(f"inspect.xlsx.sheet.{sid}", lang)) for sid in SHEETS}
        lists = xlsx.Lists(wb)
        for sid, ws in sheets.items():
            xlsx.header(ws, [_title(c, lang) for c, _ in SHEETS[sid]], [w for _, w in SHEETS[sid]])
        _info(sheets["info"], card, lang)
        _items(sheets["items"], loaded_standard, evidence, card, lang, lists)
        _documents(sheets["documents"], loaded_standard, evidence, lang, lists)
        _counts(sheets["counts"], loaded_standard, evidence, lang)
        _events(sheets["events"], loaded_standard, evidence, lang, lists)
        record, st = evidence.record, loaded_standard.standard
        xlsx.write_meta(wb, {"schema": BOOK_SCHEMA, "union": record.union.id, "union_name": record.union.name,
                             "period_start": record.period.start.isoformat(), "period_end": record.period.end.isoformat(),
                             "evidence_file": evidence.path, "evidence_sha256": evidence.sha256, "standard": st.id,
                             "standard_version": st.version})
        wb.active = 0
        return xlsx.workbook_bytes(wb, message("inspect.title", lang))


def _put_inputs(ws, row: int, sid: str) -> None:
    for c, (cid, _) in enumerate(SHEETS[sid], start=1):
        if cid in INPUTS[sid]:
            ws.cell(row, c).fill = xlsx.INPUT_FILL


def _info(ws, card: dict[str, Any], lang: str) -> None:
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    rows = [("inspector", message("inspect.xlsx.inspector", lang)), ("date", message("inspect.xlsx.date", lang)),
            ("notes", message("inspect.xlsx.notes", lang))]
    for r, (key, label) in enumerate(rows, start=2):
        xlsx.put(ws.cell(r, 1), key)
        xlsx.put(ws.cell(r, 2), label)
        _put_inputs(ws, r, "info")
    ws.cell(6, 1).value = message("inspect.self_score", lang, score=card["score"], total=card["total"],
                                  bonus=card["bonus"], grade=grade)
    ws.cell(7, 1).value = message("inspect.xlsx.howto", lang)
    dv = xlsx.validation("date", error=message("intake.prompt.date", lang))
    ws.add_data_validation(dv)
    dv.add("C3")
    ws["C3"].number_format = xlsx.DATE_FORMAT


def _items(ws, loaded_standard: LoadedStandard, evidence: LoadedEvidence, card: dict, lang: str, lists) -> None:
    standard, record = loaded_standard.standard, evidence.record
    awarded = {it["id"]: it["awarded"] for s in card["sections"] for it in s["items"]}
    awarded |= {it["id"]: it["awarded"] for it in card["bonus_items"]}
    titles = {it.id: (s.title.get(lang) if s is not None else message("word.bonus_section", lang))
              for s, it in standard.all_items()}
    row = 2
    for _, item in standard.all_items():
        names = item_facts(standard, item) or [None]
        check = "; ".join([item.requirement.get(lang)] if item.requirement else [e.get(lang) for e in item.evidence])
        for i, name in enumerate(names):
            decl = standard.fields.get(name) if name else None
            values = {"id": item.id, "fact": standard.label(name, lang) if name else None, "key": name,
                      "reported": cell_value(decl.type, record.fact_value(name), lang) if decl else None}
            if i == 0:
                values |= {"section": titles[item.id], "title": item.title.get(lang), "points": float(item.points),
                           "self_score": awarded[item.id], "check": check,
                           "method": "、".join(message(f"explain.method.{m}", lang) for m in item.method)}
            _row(ws, row, "items", values)
            if name:
                dv, fmt = fact_validation(standard.fields[name], lang, lists)
                if dv is not None:
                    ws.add_data_validation(dv)
                    dv.add(f"K{row}")
                if fmt:
                    ws.cell(row, 10).number_format = ws.cell(row, 11).number_format = fmt
            if i == 0 and item.rule.judged:
                text = message("intake.prompt.judgement", lang, points=float(item.points))
                dv = xlsx.validation("decimal", low=0, high=float(item.points), prompt=text, error=text)
                ws.add_data_validation(dv)
                dv.add(f"L{row}")
            row += 1


def _row(ws, row: int, sid: str, values: dict[str, Any]) -> None:
    for c, (cid, _) in enumerate(SHEETS[sid], start=1):
        if values.get(cid) is not None:
            xlsx.put(ws.cell(row, c), values[cid])
        if cid in DATES:
            ws.cell(row, c).number_format = xlsx.DATE_FORMAT
        ws.cell(row, c).alignment = xlsx.WRAP
    _put_inputs(ws, row, sid)


def _status_rule(ws, column: str, rows: int, lang: str, lists) -> None:
    dv = xlsx.validation("list", choices=lists.formula(WORDS), error=message("intake.pick", lang))
    ws.add_data_validation(dv)
    dv.add(f"{column}2:{column}{max(2, rows + 1)}")


def _documents(ws, loaded_standard: LoadedStandard, evidence: LoadedEvidence, lang: str, lists) -> None:
    """One row per record document some fact cites, then one per document a standard names for
    facts that cite none."""
    standard, record = loaded_standard.standard, evidence.record
    read = declared_inputs(standard, {n for _, it in standard.all_items() for n in item_facts(standard, it)})
    titles = {d.id: d.title for d in record.documents}
    groups: dict[str, list[str]] = {}
    for name in read:
        raw = record.facts.get(name)
        refs = [r for r in (raw.get("documents") or []) if r in titles] if isinstance(raw, dict) else []
        decl = standard.fields[name]
        for ref in refs or [decl.document.get(lang) if decl.document else None]:
            if ref:
                groups.setdefault(ref, []).append(name)
    for r, (doc, names) in enumerate(groups.items(), start=2):
        _row(ws, r, "documents", {"document": doc, "name": titles.get(doc), "facts": ", ".join(names)})
    _status_rule(ws, "D", len(groups), lang, lists)


def _counts(ws, loaded_standard: LoadedStandard, evidence: LoadedEvidence, lang: str) -> None:
    standard, record = loaded_standard.standard, evidence.record
    kinds = counted_kinds(standard)
    for r, kind in enumerate(kinds, start=2):
        _row(ws, r, "counts", {"key": kind, "kind": standard.event_kinds[kind].get(lang),
                               "since": counted_since(standard, record, kind),
                               "reported": reported_count(standard, record, kind)})
    text = message("roster.prompt.count", lang)
    dv = xlsx.validation("whole", low=0, prompt=text, error=text)
    ws.add_data_validation(dv)
    dv.add(f"E2:E{max(2, len(kinds) + 1)}")


def _events(ws, loaded_standard: LoadedStandard, evidence: LoadedEvidence, lang: str, lists) -> None:
    standard = loaded_standard.standard
    events = evidence.record.events
    for r, ev in enumerate(events, start=2):
        label = standard.event_kinds.get(ev.kind)
        _row(ws, r, "events", {"event": r - 1, "kind": label.get(lang) if label else ev.kind, "date": ev.date,
                               "count": ev.count, "name": ev.title})
    _status_rule(ws, "F", len(events), lang, lists)
