"""A federation's roster: one row a union, as CSV (UTF-8 with or without BOM, GBK, or Excel's
UTF-16 "Unicode text"; assess/intake/rostercsv.py) or xlsx, read as evidence records for one
standard; and the empty roster of a standard, with headers and data validation.

Headers (row 1) are record keys or their labels, fact names or the standard's labels, event
counts as `events.<kind>` or the event's label (assess/intake/layout.py). A number's header may
end with its field's own unit in brackets (会员人数（人）), a rate's with (%), under which a bare
number is a percentage; another unit (万人) is refused at the header, never ignored. A roster
with no union in it is refused. An event count N becomes one event of that kind dated the
period's last day, counted N times; 0 is no event.
Each row's record carries the cell of each value, and the row as its line: a bad row's problems
read FILE:CELL: field: what was expected, and the errors file of a batch names FILE:ROW.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from openpyxl.utils import get_column_letter

from assess.core.loading import Document
from assess.core.messages import LANGUAGES, current_language, message
from assess.core.natural import NaturalError, plain_text, read_integer, read_number
from assess.core.problems import InputError, Problem
from assess.core.unions import UNION_KINDS, kind_name, union_key
from assess.intake import xlsx
from assess.intake.cellfaults import cell_faults, uncached_formulas, unread_cells
from assess.intake.layout import BASIC_KEYS, ROSTER_SCHEMA, header_blank, header_forms, header_key, header_unit, key_label
from assess.intake.rostercsv import csv_rows
from assess.intake.template import fact_validation
from assess.intake.workbook import is_record_workbook
from assess.model.standard import Standard

AMBIGUOUS = ("ambiguous", "")


@dataclass(frozen=True)
class RosterRow:
    """One union's row: where it is, and its record as plain data with the cell of each value."""

    position: str  # FILE:ROW
    row: int
    document: Document
    standard: str  # the id of the standard the row was read for (its record is scored against it)
    problems: tuple[Problem, ...] = ()  # of its cells, found reading the file (a formula with no saved result)
    unread: frozenset[str] = frozenset()  # its cells read as blank because of those problems (cellfaults.unread_cells)


def is_roster(path: str | Path) -> bool:
    """A CSV file, or an xlsx workbook that is no fill-in workbook."""
    suffix = Path(path).suffix.lower()
    return suffix == ".csv" or (suffix == ".xlsx" and not is_record_workbook(path))


def headers(standard: Standard) -> dict[str, tuple[str, str]]:
    """Every header text a roster may use for this standard (as compared: see header_forms) ->
    (what, name): ("key", "union.name"), ("fact", "members") or ("event", "workers_congress").
    A label two targets share maps to AMBIGUOUS."""
    out: dict[str, tuple[str, str]] = {}
    short: dict[str, tuple[str, str]] = {}  # labels without their bracketed tail: used when no label is so

    def add(texts, target):
        for text in texts:
            forms = header_forms(text)
            for table, key in ((out, forms[0]), *((short, f) for f in forms[1:])):
                table[key] = target if table.get(key, target) == target else AMBIGUOUS

    for key in BASIC_KEYS:
        add([key, *(key_label(key, lang) for lang in LANGUAGES)], ("key", key))
    add(["application.override_kind"], ("key", "application.override_kind"))
    add(["honours", *(message("roster.head.honours", lang) for lang in LANGUAGES)], ("honours", ""))
    for _, item in standard.all_items():
        if item.rule.judged:
            add([f"judgements.{item.id}", *(message("roster.head.judgement", lang, title=item.title.get(lang))
                                            for lang in LANGUAGES)], ("judgement", item.id))
            add([f"judgements.{item.id}.reason", *(message("roster.head.reason", lang, title=item.title.get(lang))
                                                   for lang in LANGUAGES)], ("reason", item.id))
    for name, decl in standard.fields.items():
        add([name, f"facts.{name}", decl.label.zh, decl.label.en or name], ("fact", name))
    for kind, label in standard.event_kinds.items():
        add([f"events.{kind}", label.zh, label.en or f"events.{kind}"], ("event", kind))
    return short | out


def calculated_headers(standard: Standard) -> dict[str, tuple[str, str]]:
    """Header forms naming what the standard works out rather than reads (a derived value such
    as 职工入会率, or an item scored from other data) -> (what it names, the columns to fill in
    instead), in the current language: a roster holding such a column is told so, not merely
    that the header is unknown."""
    lang = current_language()
    out: dict[str, tuple[str, str]] = {}

    def add(texts: list[str], what: str, names: list[str]) -> None:
        needed = ", ".join(dict.fromkeys(_input_labels(standard, names, lang)))
        for text in texts:
            for form in header_forms(text):
                out.setdefault(form, (what, needed))

    for name, d in standard.derived.items():
        add([name, d.label.zh, d.label.en or name], f"{d.label.get(lang)} ({name})", [name])
    for _, item in standard.all_items():
        if not item.rule.judged:
            add([item.id, item.title.zh, item.title.en or item.id], f"{item.title.get(lang)} ({item.id})", list(item.rule.inputs()))
    return out


def _input_labels(standard: Standard, names: list[str], lang: str) -> Iterator[str]:
    """The roster columns behind `names`: declared facts by label, derived values followed to
    their inputs, counted events by kind label, held honours as the honours column."""
    for name in names:
        if name in standard.fields:
            yield standard.fields[name].label.get(lang)
        elif name in standard.derived:
            d = standard.derived[name]
            if d.count_events is not None:
                yield from (standard.event_kinds[k].get(lang) if k in standard.event_kinds else k for k in d.count_events.kind)
            elif d.honours is not None:
                yield message("roster.head.honours", lang)
            else:
                yield from _input_labels(standard, d.inputs, lang)


def _target(text: str | None, table: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    return _match(text, table)[0]


def _match(text: str | None, table: dict[str, tuple[str, str]]) -> tuple[tuple[str, str] | None, str | None]:
    """(the target a header names, the unit in brackets it was matched without, or None)."""
    for i, form in enumerate(header_forms(text or "")):
        if form in table:
            return table[form], header_unit(text or "") if i else None
    return None, None


def _units(standard: Standard) -> dict[tuple[str, str], tuple[frozenset[str], str | None]]:
    """The target of each number a roster column holds -> (the units its header may name in
    brackets, as compared; the unit as shown, None for a field without one): a fact's unit in
    either language (`%` for a rate), an event count's 次."""
    out: dict[tuple[str, str], tuple[frozenset[str], str | None]] = {}
    for name, decl in standard.fields.items():
        if decl.type in ("integer", "number", "ratio"):
            own = ([decl.unit.zh, decl.unit.en or decl.unit.zh] if decl.unit else []) + (["%"] if decl.type == "ratio" else [])
            shown = decl.unit.get(current_language()) if decl.unit else "%" if decl.type == "ratio" else None
            out[("fact", name)] = (frozenset(header_key(u) for u in own), shown)
    times = [message("word.times", lang) for lang in LANGUAGES]
    for kind in standard.event_kinds:
        out[("event", kind)] = (frozenset(header_key(t) for t in times), message("word.times"))
    return out


def _header_problems(book: str, sheet: str | None, titles: list[str | None], standard: Standard,
                     filled: dict[int, int]) -> tuple[dict[int, tuple[str, str]], list[Problem]]:
    """Column number -> target for row 1; a problem for each header that names nothing (with a
    "did you mean"), names two things, repeats another, or gives a unit that is not its field's,
    and at its first filled cell for a column with no header (`filled`: column -> its first row
    with content; a CSV row may run past the last header). A rate under a `%` header is the
    target ("percent", name): its bare numbers are percentages."""
    table, calculated, known_units = headers(standard), calculated_headers(standard), _units(standard)
    found: dict[int, tuple[str, str]] = {}
    seen: dict[tuple[str, str], int] = {}
    problems = []
    width = max([len(titles), *filled])
    for col, text in enumerate(titles + [None] * (width - len(titles)), start=1):
        if text is None or header_blank(text):
            if col in filled:
                problems.append(Problem(book, "", message("roster.blank_header", header=xlsx.cell_name(sheet, 1, col)),
                                        cell=xlsx.cell_name(sheet, filled[col], col)))
            continue
        target, unit = _match(text, table)
        where = xlsx.cell_name(sheet, 1, col)
        wrong = _unit_problem(text, unit, known_units.get(target)) if target else None
        if target is None:
            problems.append(Problem(book, "", _unknown(text, table, calculated), cell=where))
        elif target == AMBIGUOUS:
            problems.append(Problem(book, "", message("roster.ambiguous_header", header=text), cell=where))
        elif target in seen:
            problems.append(Problem(book, "", message("roster.duplicate_header", header=text,
                                                      other=xlsx.cell_name(sheet, 1, seen[target])), cell=where))
        elif wrong:
            problems.append(Problem(book, "", wrong, cell=where))
        else:
            seen[target] = col
            percent = target[0] == "fact" and unit == "%" and standard.fields[target[1]].type == "ratio"
            found[col] = ("percent", target[1]) if percent else target
    return found, problems


def _unit_problem(text: str, unit: str | None, known: tuple[frozenset[str], str | None] | None) -> str | None:
    """What is wrong with the unit a number's header names (万人 for a count of 人), or None."""
    if unit is None or known is None or unit in known[0]:
        return None
    if known[1] is None:
        return message("roster.unit_none", header=text, unit=unit)
    return message("roster.unit_mismatch", header=text, unit=unit, own=known[1])


def _unknown(text: str, table: dict[str, tuple[str, str]], calculated: dict[str, tuple[str, str]]) -> str:
    """What to say of a header that names nothing to read: that it names a calculated value (in
    any of its forms: 职工入会率（%）), or which known header it may mean (a calculated one said so)."""
    forms = header_forms(text)
    worked_out = next((calculated[f] for f in forms if f in calculated), None)
    if worked_out is not None:
        return message("roster.calculated_header", header=text, what=worked_out[0], needed=worked_out[1])
    hint = _hint(forms, [*table, *(c for c in calculated if c not in table)])
    if hint is None:
        return message("roster.unknown_header", header=text)
    if hint in calculated and hint not in table:
        what, needed = calculated[hint]
        return message("roster.unknown_header_calculated", header=text, hint=hint, what=what, needed=needed)
    return message("roster.unknown_header_hint", header=text, hint=hint)


def _hint(forms: list[str], known: list[str]) -> str | None:
    """The known header a header most likely means: a close spelling of any of its forms, else
    the one most alike of those that contain it (入会率 in 职工入会率) or that it contains."""
    for form in reversed(forms):
        close = difflib.get_close_matches(form, known, n=1)
        if close:
            return close[0]
    near = [k for k in known for f in forms if min(len(k), len(f)) >= 2 and (f in k or k in f)]
    if not near:
        return None
    return max(near, key=lambda k: (max(difflib.SequenceMatcher(None, f, k).ratio() for f in forms), -len(k), k))


def read_roster(path: str | Path, standard: Standard) -> Iterator[RosterRow]:
    """Each filled row of the roster as a record for `standard`, in order. Raises InputError (at
    once, before any row) for a file that cannot be read and for headers that name nothing."""
    book = str(path)
    sheet, rows, faults, unread = _rows(book)
    titles = [xlsx.as_text(v) for v in (rows[0] if rows else [])]
    filled: dict[int, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        for col, value in enumerate(row, start=1):
            if col not in filled and not xlsx.blank(value):
                filled[col] = number
    columns, problems = _header_problems(book, sheet, titles, standard, filled)
    problems = faults.pop(1, []) + problems
    if not rows:
        problems.append(Problem(book, "", message("roster.empty")))
    elif not filled and not faults:
        problems.append(Problem(book, "", message("roster.no_rows")))
    if problems:
        raise InputError(problems)
    return _records(book, sheet, rows, columns, standard, faults, unread)


def _records(book: str, sheet: str | None, rows: list[list[Any]], columns: dict, standard: Standard,
             faults: dict[int, list[Problem]], unread: dict[int, set[str]]) -> Iterator[RosterRow]:
    first: dict[str, int] = {}  # union id -> the row it is first on
    for number, row in enumerate(rows[1:], start=2):
        if all(xlsx.blank(v) for v in row) and number not in faults:
            continue
        data, cells = _row_record(row, columns, standard, lambda col: xlsx.cell_name(sheet, number, col))
        cells[""] = xlsx.cell_name(sheet, number, 1)
        problems = list(faults.get(number, ()))
        uid = data.get("union", {}).get("id") if isinstance(data.get("union"), dict) else None
        same = union_key(uid) if isinstance(uid, str) else uid
        if same is not None and first.setdefault(same, number) != number:
            problems.append(Problem(book, "union.id", message("roster.duplicate_id", id=uid, row=first[same]),
                                    line=number, cell=cells.get("union.id")))  # its row, as the row's other problems
        doc = Document(book, data, {(): number}, cells=cells, form="roster")
        yield RosterRow(f"{book}:{number}", number, doc, standard.id, tuple(problems), frozenset(unread.get(number, ())))


def _row_record(row: list[Any], columns: dict, standard: Standard, cell) -> tuple[dict, dict]:
    data: dict[str, Any] = {}
    cells: dict[str, str] = {}
    counts: list[tuple[str, Any, str]] = []
    for col, (what, name) in columns.items():
        value = xlsx.as_value(row[col - 1]) if col <= len(row) else None
        if value is None:
            if what == "key" and "." in name and not name.startswith("application."):
                cells[name] = cell(col)  # a required value left empty is named at its own cell
                data.setdefault(name.partition(".")[0], {})
            elif what in ("judgement", "reason"):  # an empty score or reason: its own column, not the other's
                cells[f"judgements.{standard.id}.{name}.{'score' if what == 'judgement' else 'reason'}"] = cell(col)
            elif name == "application.grade":  # missing there when override_kind alone is filled in
                cells["applications[0].grade"] = cell(col)
            continue
        if what in ("fact", "percent"):
            data.setdefault("facts", {})[name] = _percent(value) if what == "percent" else value
            cells[f"facts.{name}"] = cell(col)
        elif what == "event":
            counts.append((name, value, cell(col)))
        elif what in ("judgement", "reason"):
            _judgement(data, cells, standard.id, name, "score" if what == "judgement" else "reason", value, cell(col))
        elif what == "honours":
            _honours(data, cells, value, cell(col))
        elif name.startswith("application."):
            app = data.setdefault("applications", [{"standard": standard.id}])[0]
            app[name.partition(".")[2]] = xlsx.as_text(value) if name == "application.grade" else value
            cells["applications[0]"] = cells.get("applications[0]", cell(col))
            cells[f"applications[0].{name.partition('.')[2]}"] = cell(col)
        else:
            part, _, key = name.partition(".")
            shown = value if name in ("period.start", "period.end") else xlsx.as_text(value)
            (data.setdefault(part, {}) if key else data)[key or part] = shown
            cells[name] = cell(col)
    _events(data, cells, counts)
    return data, cells


def _percent(value: Any) -> Any:
    """A rate's cell under a `%` header: a bare number is a percentage (1 is 1%, 95 is 95%); a
    value written with % or that is no number is kept as written."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(value, float) and not math.isfinite(value) else f"{Decimal(repr(value)).normalize():f}%"
    if isinstance(value, str) and not plain_text(value).endswith("%"):
        try:
            read_number(value)
        except NaturalError:
            return value
        return f"{plain_text(value)}%"
    return value


def _judgement(data: dict, cells: dict, standard_id: str, item: str, part: str, value: Any, where: str) -> None:
    entry = data.setdefault("judgements", {}).setdefault(standard_id, {}).setdefault(item, {})
    entry[part] = xlsx.as_text(value) if part == "reason" else value
    base = f"judgements.{standard_id}.{item}"
    cells.setdefault(base, where)
    cells[f"{base}.{part}"] = where


_HONOUR_SPLIT = re.compile(r"[;；、\n]+")
_YEAR = re.compile(r"(19|20)\d\d")


def _honours(data: dict, cells: dict, value: Any, where: str) -> None:
    """Honours written as "合格职工之家 2022; 区级先进基层工会 2024": a title and a year each."""
    cells["honours"] = where
    for text in _HONOUR_SPLIT.split(xlsx.as_text(value) or ""):
        text = text.strip()
        if not text:
            continue
        year = _YEAR.search(text)
        title = (text[:year.start()] + text[year.end():]) if year else text
        honour = {"title": title.strip(" ()（）年,，")} | ({"year": int(year.group())} if year else {})
        cells[f"honours[{len(data.setdefault('honours', []))}]"] = where
        data["honours"].append(honour)


def _events(data: dict, cells: dict, counts: list[tuple[str, Any, str]]) -> None:
    """Event counts as events dated the period's last day; a count that is no whole number is
    kept as written (the record check reports it at its cell)."""
    end = data.get("period", {}).get("end") if isinstance(data.get("period"), dict) else None
    for kind, value, where in counts:
        try:
            count = read_integer(value)
        except NaturalError:
            count = value
        if count == 0:
            continue
        i = len(data.setdefault("events", []))
        data["events"].append({"kind": kind, "date": end, "count": count})
        for part in ("", ".kind", ".date", ".count"):
            cells[f"events[{i}]{part}"] = where


def _rows(book: str) -> tuple[str | None, list[list[Any]], dict[int, list[Problem]], dict[int, set[str]]]:
    """(sheet name or None for CSV, the rows' cell values, row number -> the problems of its cells
    (a formula with no saved result, merged cells; those of the file as a whole, as of the hidden
    meta sheet of an empty roster, under row 1), row number -> its cells read as blank because of
    those problems)."""
    if Path(book).suffix.lower() == ".xlsx":
        wb = xlsx.open_workbook(book)
        ws = next((w for w in wb.worksheets if w.sheet_state == "visible"), wb.worksheets[0])
        uncached = uncached_formulas(book).get(ws.title, [])
        faults = cell_faults(book, ws, uncached)
        faults[1] = faults.get(1, []) + (xlsx.meta_problems(wb, book) if xlsx.read_meta(wb).get("schema") == ROSTER_SCHEMA
                                         else []) + _other_sheets(wb, ws, book)
        # Values as shown: a rate stored as 1.5 in a 0.0% cell is 150% (xlsx.shown_value).
        return ws.title, [[xlsx.shown_value(c) for c in r] for r in ws.iter_rows()], faults, unread_cells(ws, uncached)
    return None, csv_rows(book), {}, {}


def _other_sheets(wb, ws, book: str) -> list[Problem]:
    """A problem naming the visible sheets besides `ws` that hold anything: a roster is one sheet,
    and the rows of a second (a district's units split over two sheets) would go unread."""
    others = [w.title for w in wb.worksheets if w is not ws and w.sheet_state == "visible"
              and any(not xlsx.blank(v) for row in w.iter_rows(values_only=True) for v in row)]
    if not others:
        return []
    return [Problem(book, "", message("roster.other_sheets", sheet=ws.title, others="、".join(others)))]


# ---- the empty roster --------------------------------------------------------------------


def roster_columns(standard: Standard, lang: str) -> list[tuple[str, str, tuple[str, str]]]:
    """(header, kind of value, target) for each column of the empty roster: the label where it
    names its target alone (with the unit in brackets), else the key."""
    table = headers(standard)
    out = []
    for key in ("union.id", "union.name", "union.kind", "union.parent", "union.region", "period.start", "period.end",
                "period.label", "application.grade"):
        out.append((key_label(key, lang), "date" if key.startswith("period.") and key != "period.label" else key,
                    ("key", key)))
    for name, decl in standard.fields.items():
        label = decl.label.get(lang)
        head = label if _target(label, table) == ("fact", name) else name
        unit = decl.unit.get(lang) if decl.unit else "%" if decl.type == "ratio" else ""
        out.append((f"{head}（{unit}）" if unit and head == label else head, decl.type, ("fact", name)))
    for kind, label in standard.event_kinds.items():
        text = label.get(lang)
        head = text if _target(text, table) == ("event", kind) else f"events.{kind}"
        out.append((f"{head}（{message('word.times', lang)}）" if head == text else head, "count", ("event", kind)))
    for _, item in standard.all_items():
        if item.rule.judged:
            out.append((message("roster.head.judgement", lang, title=item.title.get(lang)), "judgement",
                        ("judgement", item.id)))
            out.append((message("roster.head.reason", lang, title=item.title.get(lang)), "text", ("reason", item.id)))
    out.append((message("roster.head.honours", lang), "text", ("honours", "")))
    return out


def roster_template(standard: Standard, lang: str = "zh", rows: int = 1000) -> bytes:
    """The empty roster of `standard` as xlsx bytes: headers, and data validation on `rows` rows
    (drop-downs for the kind of union, the grade and yes/no facts; dates; numbers)."""
    wb = xlsx.new_workbook()
    ws = wb.create_sheet(message("intake.sheet.roster", lang))
    lists = xlsx.Lists(wb)
    columns = roster_columns(standard, lang)
    xlsx.header(ws, [c[0] for c in columns], [max(10, min(30, 2 * len(c[0]))) for c in columns])
    for col, (_, kind, target) in enumerate(columns, start=1):
        dv, fmt = _validation(kind, target, standard, lang, lists)
        if dv is None:
            continue
        letter = get_column_letter(col)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{rows + 1}")
        if fmt:
            for r in range(2, rows + 2):
                ws.cell(r, col).number_format = fmt
    xlsx.write_meta(wb, {"schema": ROSTER_SCHEMA, "standard": standard.id, "version": standard.version,
                         "sha256": standard.sha256, "lang": lang})
    wb.active = 0
    return xlsx.workbook_bytes(wb, message("roster.title", lang, title=standard.title.get(lang)))


def _validation(kind: str, target: tuple[str, str], standard: Standard, lang: str, lists: xlsx.Lists):
    """(data validation or None, number format or None) of a roster column."""
    if target[0] == "fact":
        return fact_validation(standard.fields[target[1]], lang, lists)
    if kind == "union.kind":
        kinds = standard.applies_to or UNION_KINDS  # only kinds the standard takes (as the fill-in workbook)
        return xlsx.validation("list", choices=lists.formula([kind_name(k, lang) for k in kinds]),
                               error=message("intake.pick", lang)), None
    if kind == "application.grade":
        return xlsx.validation("list", choices=lists.formula([g.title.get(lang) for g in standard.grades]),
                               error=message("intake.pick", lang)), None
    if kind == "date":
        return xlsx.validation("date", error=message("intake.prompt.date", lang)), xlsx.DATE_FORMAT
    if kind == "count":
        text = message("roster.prompt.count", lang)
        return xlsx.validation("whole", low=0, prompt=text, error=text), None
    if kind == "judgement":
        points = standard.find_item(target[1]).points
        high = int(points) if points.denominator == 1 else float(points)
        text = message("intake.prompt.judgement", lang, points=high)
        return xlsx.validation("decimal", low=0, high=high, prompt=text, error=text), None
    return None, None
