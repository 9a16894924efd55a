"""Applying an inspection to its evidence record: the inspected record, and what changed in it."""
from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from typing import Any

from assess.core.exact import Fraction
from assess.core.loading import Document, in_cells
from assess.core.messages import current_language, message
from assess.core.problems import InputError, Problem, dotted
from assess.core.types import number_out
from assess.model.evidence import LoadedEvidence, check_facts, evidence_from_document
from assess.model.standard import Standard
from assess.standards.catalog import LoadedStandard, known_fields
from assess.workflows.inspection.events import (CountCorrection, UnverifiedEvent, counted_kinds, event_items,
                                                inspected_events, read_counts, read_event_findings)
from assess.workflows.inspection.facts import item_facts
from assess.workflows.inspection.model import (DocumentFinding, InspectionFile, LoadedInspection, as_shown, check_reference,
                                               check_standard, shown_value, sorted_problems)


@dataclass(frozen=True)
class Correction:
    """A fact the inspector found to be other than reported."""

    name: str
    reported: Any  # as the record had it (None: not reported)
    observed: Any  # as the inspection file has it
    where: tuple  # its place in the inspection file
    item: str | None  # the item entry it was written under (None: top level)


@dataclass(frozen=True)
class Unproven:
    """A fact whose document the inspector did not verify or found missing: missing evidence now."""

    name: str
    document: str
    status: str  # not_verified | missing
    where: tuple
    item: str | None
    note: str | None


@dataclass(frozen=True)
class JudgementFinding:
    """An inspector's judgement score (考核分) with its reason, beside the self-assessed one."""

    item: str
    score: Fraction
    reason: str
    self_score: Fraction | None
    self_reason: str | None
    where: tuple


@dataclass
class Inspected:
    """The inspected record and what the inspection changed in it."""

    inspection: LoadedInspection
    evidence: LoadedEvidence  # the inspected record (path and sha256 of the record it came from)
    corrections: dict[str, Correction] = field(default_factory=dict)
    unproven: dict[str, Unproven] = field(default_factory=dict)
    judgements: dict[str, JudgementFinding] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # item id -> the inspector's note
    reported: dict[str, Any] = field(default_factory=dict)  # the record's validated values
    observed: dict[str, Any] = field(default_factory=dict)  # the inspected record's validated values
    event_counts: dict[str, CountCorrection] = field(default_factory=dict)  # kind -> the count found
    unverified_events: list[UnverifiedEvent] = field(default_factory=list)


def _entries(model: InspectionFile):
    """(item id or None, base location, observed facts, documents) for the top level and each item."""
    yield None, (), model.facts, model.documents
    for item_id, entry in model.items.items():
        yield item_id, ("items", item_id), entry.observed, entry.documents


def _form(inspection: LoadedInspection) -> str:
    """The suffix of a message's workbook wording ("_xlsx"), where the YAML one names a key the
    workbook has no place for (facts: [...], note:); "" for a YAML or JSON file."""
    return "_xlsx" if inspection.document.headings else ""


def _fact_problem(inspection: LoadedInspection, standard: Standard, loc: tuple, name: str) -> Problem:
    if name in standard.derived:
        inputs = standard.derived[name].inputs
        if inputs:
            return inspection.problem(loc, message("inspection.derived_fact", name=name, inputs=", ".join(inputs)))
        return inspection.problem(loc, message("inspection.event_count" + _form(inspection), name=name))
    hint = difflib.get_close_matches(name, list(standard.fields), n=1)
    key = "inspection.unknown_fact_hint" if hint else "inspection.unknown_fact"
    return inspection.problem(loc, message(key, name=name, standard=standard.id, hint=hint[0] if hint else ""))


def _document_facts(inspection: LoadedInspection, standard: Standard, evidence: LoadedEvidence, finding: DocumentFinding,
                    loc: tuple, problems: list[Problem]) -> list[str]:
    if finding.facts is not None:
        good = []
        for i, name in enumerate(finding.facts):
            if name in standard.fields:
                good.append(name)
            else:
                problems.append(_fact_problem(inspection, standard, loc + ("facts", i), name))
        return good
    text = finding.document.strip()
    record = evidence.record
    by_label = [n for n, decl in standard.fields.items()
                if decl.document is not None and text in (decl.document.zh, decl.document.en)]
    if text in {d.id for d in record.documents}:
        citing = [n for n, raw in record.facts.items()
                  if isinstance(raw, dict) and text in (raw.get("documents") or []) and n in standard.fields]
        if citing:
            return [n for n in standard.fields if n in citing]
        if not by_label:
            problems.append(inspection.problem(loc + ("document",), message("inspection.document_uncited" + _form(inspection),
                                                                            document=text)))
            return []
    if by_label:
        return by_label
    problems.append(inspection.problem(loc + ("document",), message("inspection.document_facts" + _form(inspection),
                                                                    document=text)))
    return []


def apply_inspection(inspection: LoadedInspection, loaded_standard: LoadedStandard, evidence: LoadedEvidence) -> Inspected:
    """The inspected record: corrected facts replace the reported ones, facts whose documents were
    not verified or are missing become missing evidence (unless an observed value is given), and
    the inspector's judgement scores replace the self-assessed ones. The result is validated like
    any record; problems point into the inspection file. Raises InputError listing every problem
    of the inspection at once: those of its shape (an inspection read with stand-ins, see
    standins.py), and those of what it says against the record and the standard."""
    check_reference(inspection, evidence)
    check_standard(inspection, loaded_standard)
    standard, record = loaded_standard.standard, evidence.record
    out = Inspected(inspection, evidence)
    items = {it.id: it for _, it in standard.all_items()}
    problems = _unknown_items(inspection, standard, items)
    _read_facts(out, standard, problems)
    judged_key = next((k for k in (standard.id, *(a.id for a in loaded_standard.lineage)) if k in record.judgements), standard.id)
    _judgement_findings(out, standard, items, record.judgements.get(judged_key, {}), problems)
    out.event_counts, found = read_counts(inspection.model.event_counts, standard, record, inspection.problem)
    out.unverified_events, more = read_event_findings(inspection.model.events, standard, record, inspection.problem)
    problems += found + more
    if problems or inspection.pending:
        try:  # the inspected record's own problems too, all in one pass
            _inspected_record(out, standard, judged_key)
        except InputError as err:
            problems += err.problems
        raise inspection.refuse(problems)
    return _inspected_record(out, standard, judged_key)


def _unknown_items(inspection: LoadedInspection, standard: Standard, items: dict[str, Any]) -> list[Problem]:
    problems = []
    for item_id in inspection.model.items:
        if item_id not in items:
            hint = difflib.get_close_matches(item_id, list(items), n=1)
            key = "inspection.unknown_item_hint" if hint else "inspection.unknown_item"
            problems.append(inspection.problem(("items", item_id), message(key, item=item_id, standard=standard.id,
                                                                           hint=hint[0] if hint else "")))
    return problems


def _read_facts(out: Inspected, standard: Standard, problems: list[Problem]) -> None:
    """The corrected facts and the facts left unproven, from the top level and every item entry."""
    inspection, evidence = out.inspection, out.evidence
    verified: dict[str, tuple] = {}  # fact -> where an explicit "verified" said so
    for item_id, base, observed, documents in _entries(inspection.model):
        for name, value in observed.items():
            loc = base + (("observed",) if item_id is not None else ("facts",)) + (name,)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # blank: confirmed as reported
            if name not in standard.fields:
                problems.append(_fact_problem(inspection, standard, loc, name))
                continue
            earlier = out.corrections.get(name)
            if earlier is not None and earlier.observed != value:
                problems.append(inspection.problem(loc, message("inspection.conflicting_values", name=name, value=shown_value(value),
                                                                other=shown_value(earlier.observed), where=_at(inspection, earlier.where))))
                continue
            if earlier is None:
                out.corrections[name] = Correction(name, evidence.record.fact_value(name), value, loc, item_id)
        for i, finding in enumerate(documents):
            loc = base + ("documents", i)
            names = _document_facts(inspection, standard, evidence, finding, loc, problems)
            if finding.status is None:
                continue
            for name in names:
                if finding.status == "verified":
                    verified.setdefault(name, loc)
                elif name not in out.unproven:
                    out.unproven[name] = Unproven(name, finding.document, finding.status, loc, item_id, finding.note)
    for name, u in out.unproven.items():
        if name in verified:
            problems.append(inspection.problem(u.where + ("status",), message(
                "inspection.conflicting_status", name=name, where=_at(inspection, verified[name]))))
    # An observed value proves the fact whatever became of its document.
    out.unproven = {n: u for n, u in out.unproven.items() if n not in out.corrections}


def _judgement_findings(out: Inspected, standard: Standard, items: dict[str, Any], own: dict[str, Any],
                        problems: list[Problem]) -> None:
    """The inspector's notes, and judgement scores (考核分) for judgement items only, each with a
    reason, within the item's points; `own` is the record's self-assessed judgements. A score on
    an item scored from facts or events is that, whatever its reason."""
    inspection = out.inspection
    for item_id, entry in inspection.model.items.items():
        item = items.get(item_id)
        if item is None:
            continue  # an unknown item: its own problem
        if entry.note:
            out.notes[item_id] = entry.note
        loc = ("items", item_id, "score")
        stood = {p.rsplit(".", 1)[-1] for p in inspection.stand_ins if p.startswith(f"{dotted(loc[:2])}.")}
        if entry.score is None:
            if entry.reason is not None and "score" not in stood:
                problems.append(inspection.problem(loc[:2] + ("reason",), message("inspection.reason_without_score")))
        elif not item.rule.judged:
            problems.append(inspection.problem(loc, _not_judgement(standard, item, inspection)))
        elif (wrong := _score_problems(entry, item, "reason" in stood, _cell_and_heading(inspection, loc[:2] + ("reason",)))):
            problems += [inspection.problem(loc, text) for text in wrong]
        else:
            mine = own.get(item_id)
            out.judgements[item_id] = JudgementFinding(item_id, entry.score, entry.reason or "",
                                                       mine.score if mine else None, mine.reason if mine else None, loc)


def _score_problems(entry: Any, item: Any, reason_stood: bool, reason_cell: tuple[str, str] | None) -> list[str]:
    """What is wrong with a judgement score, all at once: no reason (unless the reason written
    could not be read: its own problem; in a workbook naming the cell it goes in and its column,
    `reason_cell`) and a score outside the item's points."""
    wrong = []
    if entry.reason is None and not reason_stood:
        reason_cell, heading = reason_cell or (None, "")
        wrong.append(message("inspection.reason_needed_cell", cell=reason_cell, column=heading) if reason_cell
                     else message("inspection.reason_needed"))
    if not (0 <= entry.score <= item.points):
        wrong.append(message("inspection.score_range", score=number_out(entry.score), points=number_out(item.points)))
    return wrong


def _not_judgement(standard: Standard, item: Any, inspection: LoadedInspection) -> str:
    """Why a score is refused on an item not scored by judgement, naming what it is scored from:
    the facts it reads and the kinds of event it counts; in a workbook, also the cells where the
    values found go (the item's 核实值 on 考核表, the kinds' 核实值 on 活动次数)."""
    sep, lang = message("inspection.basis_sep"), current_language()
    facts = item_facts(standard, item)
    basis = [message("inspection.basis_fact", label=standard.label(n, lang), name=n) for n in facts]
    counted = [k for k in counted_kinds(standard) if item.id in event_items(standard, k)]
    if counted:
        basis.append(message("inspection.basis_events", kinds=sep.join(standard.event_kinds[k].get(lang) for k in counted)))
    shown = sep.join(basis) or message("inspection.basis_none")
    cells = [inspection.document.cells.get(f"items.{item.id}.observed.{n}") for n in facts]
    cells += [inspection.document.cells.get(f"event_counts.{k}") for k in counted]
    places = _places(inspection, [c for c in cells if c])
    if places:
        return message("inspection.not_judgement_cells", item=item.id, basis=shown, places=places)
    return message("inspection.not_judgement", item=item.id, basis=shown)


def _places(inspection: LoadedInspection, cells: list[str]) -> str:
    """Workbook cells as a user finds them: by sheet and column, with the column's heading and a
    run of rows as a range ("活动次数 表 核实值 列 (E6:E10)"); "" for none."""
    columns: dict[tuple[str, str], list[int]] = {}
    for cell in cells:
        sheet, _, at = cell.rpartition("!")
        letters = at.rstrip("0123456789")
        columns.setdefault((sheet, letters), []).append(int(at[len(letters):]))
    out = []
    for (sheet, letters), rows in columns.items():
        rows = sorted(set(rows))
        runs, start = [], rows[0]
        for before, row in zip(rows, rows[1:] + [None]):
            if row != before + 1:
                runs.append(f"{letters}{start}" if start == before else f"{letters}{start}:{letters}{before}")
                start = row
        out.append(message("inspection.place", sheet=sheet.strip("'"), column=inspection.heading(f"{sheet}!{letters}1"),
                           cells=message("inspection.basis_sep").join(runs)))
    return message("inspection.basis_sep").join(out)


def _cell_and_heading(inspection: LoadedInspection, loc: tuple) -> tuple[str, str] | None:
    """The workbook cell of `loc` and its column's heading (考核表!M4, 说明); None in a YAML file."""
    cell = inspection.cell(loc)
    return (cell, inspection.heading(cell)) if cell else None


def _at(inspection: LoadedInspection, loc: tuple) -> str:
    """Where `loc` is, as a user finds it: its workbook cell, else its field path in the file."""
    return inspection.cell(loc) or dotted(loc)


def _inspected_record(out: Inspected, standard: Standard, judged_key: str) -> Inspected:
    """The inspected record, built as data and validated as any record is."""
    inspection, evidence, model = out.inspection, out.evidence, out.inspection.model
    data = copy.deepcopy(evidence.document.data)
    if not isinstance(data.get("facts"), dict):
        data["facts"] = {}
    facts = data["facts"]
    where: dict[str, tuple] = {}
    for name, c in out.corrections.items():
        facts[name] = c.observed
        where[dotted(("facts", name))] = c.where
    for name in out.unproven:
        facts.pop(name, None)
    if out.event_counts or out.unverified_events:
        data["events"], placed = inspected_events(data.get("events") or [], evidence.record, standard, out.event_counts,
                                                  out.unverified_events)
        where.update(placed)
    if out.judgements:
        if not isinstance(data.get("judgements"), dict):
            data["judgements"] = {}
        judged = data["judgements"]
        mine = dict(judged.get(judged_key) or {})
        for item_id, j in out.judgements.items():
            mine[item_id] = {k: v for k, v in {"score": j.score, "reason": j.reason, "by": model.inspector,
                                               "date": model.date}.items() if v is not None}
            where[dotted(("judgements", judged_key, item_id))] = ("items", item_id)
        judged[judged_key] = mine
    names = known_fields((standard,))
    out.reported = check_facts(evidence, standard, names)  # the record's own problems stay the record's
    doc = Document(evidence.path, data, evidence.document.lines, evidence.document.columns, cells=evidence.document.cells,
                   form=evidence.document.form)
    try:
        inspected = evidence_from_document(doc)
        out.observed = check_facts(inspected, standard, names)
    except InputError as err:
        raise _remapped(err, where, inspection, out.corrections) from None
    # Keep the record's own path and hash: the inspection card is about that record.
    out.evidence = LoadedEvidence(inspected.record, doc, evidence.sha256)
    return out


def _remapped(err: InputError, where: dict[str, tuple], inspection: LoadedInspection,
              corrections: dict[str, Correction]) -> InputError:
    """Problems found in the inspected record, pointed at the inspection entry that caused them.
    One at a value the inspection left alone (女会员人数 above a corrected 会员人数) was caused by
    the corrections too, the record read alone having none: it names the inspection file, and the
    corrections, at the first one's line."""
    out = []
    for p in err.problems:
        best = max((k for k in where if p.path == k or p.path.startswith(k + ".") or p.path.startswith(k + "[")),
                   key=len, default=None)
        if best is None:
            out.append(_after_corrections(p, inspection, corrections))
            continue
        loc = where[best]
        out.append(in_cells(inspection.document, [Problem(inspection.path, dotted(loc) + p.path[len(best):], p.message,
                                                          inspection.document.line_of(loc))])[0])
    return InputError(as_shown(inspection.document, sorted_problems(out)))


def _after_corrections(p: Problem, inspection: LoadedInspection, corrections: dict[str, Correction]) -> Problem:
    """`p`, found at a value no correction wrote, said to follow from the inspection's corrections."""
    if not corrections:
        return p
    first = min(corrections.values(), key=lambda c: inspection.document.line_of(c.where) or 0)
    listed = message("inspection.correction_sep").join(
        message("inspection.correction_at_cell", where=cell, value=shown_value(c.observed))
        if (cell := inspection.cell(c.where)) else
        message("inspection.correction_at", where=dotted(c.where), value=shown_value(c.observed),
                line=inspection.document.line_of(c.where) or "?") for c in corrections.values())
    text = message("inspection.after_corrections", problem=p.message, record=p.file, path=p.path, corrections=listed)
    return in_cells(inspection.document, [Problem(inspection.path, dotted(first.where), text,
                                                  inspection.document.line_of(first.where))])[0]
