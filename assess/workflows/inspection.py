"""The inspection layer (考核): what an inspector found on site, checked against the evidence record
it refers to, and applied to that record to give the inspected record.

An inspection file names one evidence record (union id, period and the record's sha256) and the
standard it was made for, and records, per item: facts corrected (the observed value), documents
not verified or missing, judgement scores with reasons, and notes; plus the inspector and the date.
`assess inspect` writes a worksheet in the same format, pre-filled from the evidence; anything left
blank means "confirmed as reported", so an untouched worksheet scores exactly as the self-check.
"""
from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, Optional

from pydantic import ConfigDict, Field, field_validator

from assess.standards.catalog import LoadedStandard, known_fields
from assess.scoring.compiler import Decider
from assess.core.conditions import fields as condition_fields
from assess.core.conditions import parse as parse_condition
from assess.model.evidence import LoadedEvidence, check_facts, evidence_from_document
from assess.core.loading import Document, read_document, sha256_of, validated
from assess.core.messages import message, use_language
from assess.core.types import Number, StrictModel, number_out
from assess.core.problems import InputError, Problem, dotted
from assess.model.standard import Item, Judgement, Standard

SCHEMA = "assess.inspection/1"
STATUSES = ("verified", "not_verified", "missing")
UNPROVEN = ("not_verified", "missing")
# Inspectors may write the status in Chinese, as on the paper form.
_STATUS_WORDS = {"已核实": "verified", "未核实": "not_verified", "缺失": "missing"}


def _blank(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class PeriodRef(StrictModel):
    start: dt.date
    end: dt.date
    label: Optional[str] = None


class Reference(StrictModel):
    """Which evidence record the inspection is about, and for which standard."""

    union: str = Field(min_length=1, description="The union id of the evidence record.")
    period: PeriodRef
    evidence_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="The record's content hash (evidence_sha256 in scorecards).")
    standard: str = Field(min_length=1, description="The standard id the inspection was made for.")
    standard_version: Optional[str] = None
    union_name: Optional[str] = Field(None, description="For the reader; not checked.")
    evidence_file: Optional[str] = Field(None, description="For the reader; not checked.")

    @field_validator("standard_version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        # `standard_version: 2025.1` unquoted reads as a number: take it as the text it was.
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class DocumentFinding(StrictModel):
    """A document checked: its status, and the facts it proves."""

    document: str = Field(min_length=1, description="The document: a record document id (D01) or the standard's document text.")
    facts: Optional[list[str]] = Field(None, description="The facts this document proves; default: the facts citing the record "
                                                         "document of that id, or the fields whose document text this is.")
    status: Optional[Literal["verified", "not_verified", "missing"]] = Field(
        None, description="verified (已核实), not_verified (未核实) or missing (缺失); blank: as reported.")
    note: Optional[str] = None

    @field_validator("status", mode="before")
    @classmethod
    def _status_words(cls, v: Any) -> Any:
        v = _blank(v)
        return _STATUS_WORDS.get(v.strip(), v.strip()) if isinstance(v, str) else v

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v: Any) -> Any:
        return _blank(v)


class ItemFinding(StrictModel):
    """What the inspector found for one item. Blank fields: confirmed as reported."""

    check: Optional[dict[str, Any]] = Field(None, description="Pre-filled by `assess inspect` (the self-check, for reading); not used.")
    observed: dict[str, Any] = Field(default_factory=dict, description="fact -> the value the inspector found; blank: as reported.")
    documents: list[DocumentFinding] = Field(default_factory=list)
    score: Optional[Number] = Field(None, description="Judgement items: the inspection score (考核分), with a reason.")
    reason: Optional[str] = None
    note: Optional[str] = None

    @field_validator("observed", mode="before")
    @classmethod
    def _observed(cls, v: Any) -> Any:
        return {} if v is None else v

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("score", "reason", "note", mode="before")
    @classmethod
    def _blanks(cls, v: Any) -> Any:
        return _blank(v)


class InspectionFile(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True)

    schema_id: Optional[Literal["assess.inspection/1"]] = Field(None, alias="schema")
    reference: Reference
    inspector: Optional[str] = Field(None, description="The inspector's name (考核人).")
    date: Optional[dt.date] = Field(None, description="The date of the inspection.")
    notes: Optional[str] = Field(None, description="Overall remarks.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Corrections not tied to one item: fact -> observed value.")
    documents: list[DocumentFinding] = Field(default_factory=list, description="Document findings not tied to one item.")
    items: dict[str, ItemFinding] = Field(default_factory=dict, description="item id -> findings")

    @field_validator("facts", mode="before")
    @classmethod
    def _facts(cls, v: Any) -> Any:
        return {} if v is None else v

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, v: Any) -> Any:
        # An entry left empty (`work_pattern:`) says nothing: confirmed as reported.
        if v is None:
            return {}
        return {k: ({} if e is None else e) for k, e in v.items()} if isinstance(v, dict) else v

    @field_validator("documents", mode="before")
    @classmethod
    def _list(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("inspector", "notes", mode="before")
    @classmethod
    def _texts(cls, v: Any) -> Any:
        return _blank(v)


@dataclass
class LoadedInspection:
    model: InspectionFile
    document: Document
    sha256: str  # of the file's canonical content

    @property
    def path(self) -> str:
        return self.document.path

    def problem(self, loc: tuple, text: str) -> Problem:
        return Problem(self.path, dotted(loc), text, self.document.line_of(loc))


def load_inspection(path: str) -> LoadedInspection:
    return inspection_from_document(read_document(path))


def inspection_from_data(data: Any, name: str = "<inspection>") -> LoadedInspection:
    return inspection_from_document(Document(name, data, {}))


def inspection_from_document(doc: Document) -> LoadedInspection:
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.path, "", message("error.not_mapping"))])
    model = validated(doc, InspectionFile)
    loaded = LoadedInspection(model, doc, sha256_of(doc.data))
    problems = []
    for item_id, entry in model.items.items():
        loc = ("items", item_id)
        if entry.score is not None and entry.reason is None:
            problems.append(loaded.problem(loc + ("score",), message("inspection.reason_needed")))
        if entry.reason is not None and entry.score is None:
            problems.append(loaded.problem(loc + ("reason",), message("inspection.reason_without_score")))
    if problems:
        raise InputError(_sorted(problems))
    return loaded


def standard_ref(inspection: LoadedInspection) -> str:
    """The standard the inspection names, as `assess score --standard` takes it (ID or ID@VERSION)."""
    ref = inspection.model.reference
    return f"{ref.standard}@{ref.standard_version}" if ref.standard_version else ref.standard


# ---- matching the evidence record and the standard -------------------------------------------


def check_reference(inspection: LoadedInspection, evidence: LoadedEvidence) -> None:
    """Refuse an inspection file made for another union, another period, or an earlier state of
    the record (its content hash changed since)."""
    ref, record = inspection.model.reference, evidence.record
    problems = []
    if ref.union != record.union.id:
        problems.append(inspection.problem(("reference", "union"), message(
            "inspection.other_union", theirs=ref.union, ours=record.union.id, evidence=evidence.path)))
    if (ref.period.start, ref.period.end) != (record.period.start, record.period.end):
        problems.append(inspection.problem(("reference", "period"), message(
            "inspection.other_period", theirs=f"{ref.period.start} ~ {ref.period.end}",
            ours=f"{record.period.start} ~ {record.period.end}", evidence=evidence.path)))
    # Another union or period: the hash differs as a matter of course; saying so adds nothing.
    if not problems and ref.evidence_sha256 != evidence.sha256:
        problems.append(inspection.problem(("reference", "evidence_sha256"), message(
            "inspection.record_changed", theirs=ref.evidence_sha256[:12], ours=evidence.sha256[:12], evidence=evidence.path)))
    if problems:
        raise InputError(problems)


def check_standard(inspection: LoadedInspection, loaded_standard: LoadedStandard) -> None:
    """The inspection's items belong to one standard: refuse scoring it with another one."""
    ref, standard = inspection.model.reference, loaded_standard.standard
    ids = (standard.id, *(a.id for a in loaded_standard.lineage))
    if ref.standard not in ids:
        raise InputError([inspection.problem(("reference", "standard"), message(
            "inspection.other_standard", theirs=ref.standard, ours=standard.id))])
    if ref.standard == standard.id and ref.standard_version is not None and ref.standard_version != standard.version:
        raise InputError([inspection.problem(("reference", "standard_version"), message(
            "inspection.other_version", id=standard.id, theirs=ref.standard_version, ours=standard.version))])


# ---- which facts an item reads ------------------------------------------------------------------


def declared_inputs(standard: Standard, names) -> list[str]:
    """The declared fields behind `names` (derived values followed to their inputs), in the
    standard's order. Event counts have no fact behind them."""
    found: set[str] = set()

    def visit(name: str) -> None:
        if name in standard.fields:
            found.add(name)
        elif name in standard.derived:
            for ref in standard.derived[name].inputs:
                visit(ref)

    for n in names:
        visit(n)
    return [n for n in standard.fields if n in found]


def item_facts(standard: Standard, item: Item) -> list[str]:
    """The facts an item reads: its rule's inputs and its applicability condition."""
    names = set(item.rule.inputs())
    if item.applies_if:
        names |= condition_fields(parse_condition(item.applies_if))
    return declared_inputs(standard, names)


def condition_facts(standard: Standard, text: str | None) -> list[str]:
    return declared_inputs(standard, condition_fields(parse_condition(text))) if text else []


# ---- applying an inspection -----------------------------------------------------------------


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


def _entries(model: InspectionFile):
    """(item id or None, base location, observed facts, documents) for the top level and each item."""
    yield None, (), model.facts, model.documents
    for item_id, entry in model.items.items():
        yield item_id, ("items", item_id), entry.observed, entry.documents


def _fact_problem(inspection: LoadedInspection, standard: Standard, loc: tuple, name: str) -> Problem:
    if name in standard.derived:
        inputs = standard.derived[name].inputs
        if inputs:
            return inspection.problem(loc, message("inspection.derived_fact", name=name, inputs=", ".join(inputs)))
        return inspection.problem(loc, message("inspection.event_count", name=name))
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
            problems.append(inspection.problem(loc + ("document",), message("inspection.document_uncited", document=text)))
            return []
    if by_label:
        return by_label
    problems.append(inspection.problem(loc + ("document",), message("inspection.document_facts", document=text)))
    return []


def apply_inspection(inspection: LoadedInspection, loaded_standard: LoadedStandard, evidence: LoadedEvidence) -> Inspected:
    """The inspected record: corrected facts replace the reported ones, facts whose documents were
    not verified or are missing become missing evidence (unless an observed value is given), and
    the inspector's judgement scores replace the self-assessed ones. The result is validated like
    any record; problems point into the inspection file. Raises InputError."""
    check_reference(inspection, evidence)
    check_standard(inspection, loaded_standard)
    standard = loaded_standard.standard
    model, record = inspection.model, evidence.record
    problems: list[Problem] = []
    out = Inspected(inspection, evidence)

    items = {it.id: it for _, it in standard.all_items()}
    for item_id in model.items:
        if item_id not in items:
            hint = difflib.get_close_matches(item_id, list(items), n=1)
            key = "inspection.unknown_item_hint" if hint else "inspection.unknown_item"
            problems.append(inspection.problem(("items", item_id), message(key, item=item_id, standard=standard.id,
                                                                           hint=hint[0] if hint else "")))

    verified: dict[str, tuple] = {}  # fact -> where an explicit "verified" said so
    for item_id, base, observed, documents in _entries(model):
        for name, value in observed.items():
            loc = base + (("observed",) if item_id is not None else ("facts",)) + (name,)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # blank: confirmed as reported
            if name not in standard.fields:
                problems.append(_fact_problem(inspection, standard, loc, name))
                continue
            earlier = out.corrections.get(name)
            if earlier is not None and earlier.observed != value:
                problems.append(inspection.problem(loc, message("inspection.conflicting_values", name=name, value=_shown(value),
                                                                other=_shown(earlier.observed), where=dotted(earlier.where))))
                continue
            if earlier is None:
                out.corrections[name] = Correction(name, record.fact_value(name), value, loc, item_id)
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
                "inspection.conflicting_status", name=name, where=dotted(verified[name]))))
    # An observed value proves the fact whatever became of its document.
    out.unproven = {n: u for n, u in out.unproven.items() if n not in out.corrections}

    judged_key = next((k for k in (standard.id, *(a.id for a in loaded_standard.lineage)) if k in record.judgements), standard.id)
    own = record.judgements.get(judged_key, {})
    for item_id, entry in model.items.items():
        if item_id in items and entry.note:
            out.notes[item_id] = entry.note
        if entry.score is None or item_id not in items:
            continue
        item = items[item_id]
        loc = ("items", item_id, "score")
        if not item.rule.judged:
            problems.append(inspection.problem(loc, message("inspection.not_judgement", item=item_id)))
        elif not (0 <= entry.score <= item.points):
            problems.append(inspection.problem(loc, message("inspection.score_range", score=number_out(entry.score),
                                                            points=number_out(item.points))))
        else:
            mine = own.get(item_id)
            out.judgements[item_id] = JudgementFinding(item_id, entry.score, entry.reason or "",
                                                       mine.score if mine else None, mine.reason if mine else None, loc)
    if problems:
        raise InputError(_sorted(problems))

    # The inspected record, built as data and validated as any record is.
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
    doc = Document(evidence.path, data, evidence.document.lines, evidence.document.columns)
    try:
        inspected = evidence_from_document(doc)
        out.observed = check_facts(inspected, standard, names)
    except InputError as err:
        raise _remapped(err, where, inspection) from None
    # Keep the record's own path and hash: the inspection card is about that record.
    out.evidence = LoadedEvidence(inspected.record, doc, evidence.sha256)
    return out


def _remapped(err: InputError, where: dict[str, tuple], inspection: LoadedInspection) -> InputError:
    """Problems found in the inspected record, pointed at the inspection entry that caused them."""
    out = []
    for p in err.problems:
        best = max((k for k in where if p.path == k or p.path.startswith(k + ".") or p.path.startswith(k + "[")),
                   key=len, default=None)
        if best is None:
            out.append(p)
            continue
        loc = where[best]
        out.append(Problem(inspection.path, dotted(loc) + p.path[len(best):], p.message, inspection.document.line_of(loc)))
    return InputError(_sorted(out))


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.path, p.message))


def _shown(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(number_out(value, places=6))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- the worksheet (assess inspect) ---------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# YAML 1.1 reads these bare words as booleans or null: quote them as keys.
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) and name.lower() not in _YAML_WORDS else json.dumps(name, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return json.dumps(number_out(value, places=6))
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))}: {_scalar(v) or 'null'}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def _comment(text: str) -> str:
    return "  # " + " ".join(str(text).split()) if text else ""


def worksheet(loaded_standard: LoadedStandard, evidence: LoadedEvidence, *, lang: str = "zh", decider: Decider | None = None,
              as_of: dt.date | None = None, prior: tuple = ()) -> str:
    """The inspection worksheet for one record and one standard, as YAML text: the reference
    block, the inspector and date blank, and one entry per item with what to check and how, the
    self-reported values and self-assessed points, and blank fields for the inspector. Loads as
    an inspection file as it is. Raises InputError when the record does not validate."""
    from assess.present.scorecard import score  # the worksheet shows the self-check; scorecard sits above this module

    with use_language(lang):
        return _worksheet(loaded_standard, evidence, lang, score(loaded_standard, evidence, lang=lang, decider=decider,
                                                                 as_of=as_of, prior=prior))


def _worksheet(loaded_standard: LoadedStandard, evidence: LoadedEvidence, lang: str, card: dict[str, Any]) -> str:
    standard, record = loaded_standard.standard, evidence.record
    text = lambda local: local.get(lang) if local is not None else ""  # noqa: E731
    cards = {it["id"]: it for s in card["sections"] for it in s["items"]} | {it["id"]: it for it in card["bonus_items"]}
    judged = next((record.judgements[k] for k in (standard.id, *(a.id for a in loaded_standard.lineage))
                   if k in record.judgements), {})
    docs = {d.id: d.title for d in record.documents}

    def cited(name: str) -> list[str]:
        raw = record.facts.get(name)
        return list(raw.get("documents") or []) if isinstance(raw, dict) else []

    def label(name: str) -> str:
        return standard.label(name, lang)

    def document_of(name: str) -> str:
        decl = standard.fields[name]
        return text(decl.document) if decl.document is not None else message("inspect.document_of", lang, label=label(name))

    def reported_comment(name: str) -> str:
        raw = record.fact_value(name)
        shown = message("inspect.not_reported", lang) if raw is None else _shown(raw)
        return message("inspect.reported", lang, label=label(name), value=shown)

    def documents_block(names: list[str], indent: str) -> list[str]:
        groups: dict[str, list[str]] = {}
        for n in names:
            groups.setdefault(document_of(n), []).append(n)
        if not groups:
            return [f"{indent}documents: []"]
        lines = [f"{indent}documents:"]
        for doc_text, members in groups.items():
            refs = sorted({r for n in members for r in cited(n)})
            refs_text = "; ".join(f"{r} {docs.get(r, '')}".strip() for r in refs)
            lines.append(f"{indent}  - document: {_scalar(doc_text)}")
            lines.append(f"{indent}    facts: {_scalar(members)}")
            lines.append(f"{indent}    status:" + _comment(message("inspect.cited", lang, refs=refs_text) if refs
                                                         else message("inspect.status_hint", lang)))
        return lines

    ref = [
        f"schema: {SCHEMA}",
        "reference:",
        f"  union: {_scalar(record.union.id)}",
        f"  union_name: {_scalar(record.union.name)}",
        f"  period: {{start: {record.period.start.isoformat()}, end: {record.period.end.isoformat()}}}",
        f"  evidence_file: {_scalar(evidence.path)}",
        f"  evidence_sha256: {_scalar(evidence.sha256)}",
        f"  standard: {_scalar(standard.id)}",
        f"  standard_version: {_scalar(standard.version)}",
        "inspector:" + _comment(message("inspect.inspector_hint", lang)),
        "date:" + _comment(message("inspect.date_hint", lang)),
        "notes:" + _comment(message("inspect.notes_hint", lang)),
    ]
    head = [f"# {message('inspect.title', lang)}",
            f"# {message('inspect.union', lang, name=record.union.name, id=record.union.id)}",
            f"# {message('inspect.period', lang, start=record.period.start.isoformat(), end=record.period.end.isoformat())}",
            f"# {message('inspect.standard', lang, title=text(standard.title), id=standard.id, version=standard.version)}",
            f"# {message('inspect.self_score', lang, score=card['score'], total=card['total'], bonus=card['bonus'], grade=card['grade']['title'] if card['grade'] else message('head.no_grade', lang))}",
            "#"]
    head += [f"# {line}" for line in message("inspect.howto", lang).splitlines()]

    body: list[str] = []
    read_by_items: set[str] = set()
    groups = [(s, s.items) for s in standard.sections] + ([(None, standard.bonus.items)] if standard.bonus else [])
    for section, items in groups:
        title = (f"{text(section.title)} ({message('inspect.points', lang, points=number_out(section.cap))})" if section is not None
                 else f"{message('word.bonus_section', lang)} ({message('inspect.points', lang, points=number_out(standard.bonus.cap))})")
        body.append(f"  # ---- {title}")
        for item in items:
            c = cards[item.id]
            names = item_facts(standard, item)
            read_by_items |= set(names)
            body.append(f"  {_key(item.id)}:")
            body.append("    check:" + _comment(message("inspect.check_hint", lang)))
            body.append(f"      title: {_scalar(text(item.title))}")
            body.append(f"      points: {_scalar(item.points)}" + (f"  # {message('word.mandatory', lang)}" if item.mandatory else ""))
            body.append(f"      self_score: {_scalar(c['awarded'])}")
            body.append(f"      status: {_scalar(c['status_text'])}")
            body.append(f"      actual: {_scalar(c['observed'])}")
            body.append(f"      required: {_scalar(c['required'])}")
            body.append(f"      method: {_scalar([message(f'explain.method.{m}', lang) for m in item.method])}")
            body.append(f"      evidence: {_scalar([text(e) for e in item.evidence])}")
            if item.requirement is not None:
                body.append(f"      requirement: {_scalar(text(item.requirement))}")
            if item.applies_if:
                body.append(f"      applies_if: {_scalar(item.applies_if)}")
            body.append(f"      reported: {_scalar({n: record.fact_value(n) for n in names})}")
            if item.rule.judged:
                mine = judged.get(item.id)
                body.append("    score:" + _comment(message("inspect.self_judgement", lang, score=number_out(mine.score), reason=mine.reason)
                                                    if mine else message("inspect.no_self_judgement", lang)))
                body.append("    reason:" + _comment(message("inspect.reason_hint", lang)))
            if names:
                body.append("    observed:")
                body += [f"      {_key(n)}:" + _comment(reported_comment(n)) for n in names]
            body += documents_block(names, "    ")
            body.append("    note:")

    # Facts only vetoes and grade conditions read: corrected at the top level.
    others = declared_inputs(standard, {n for v in standard.vetoes if v.when for n in condition_fields(parse_condition(v.when))}
                             | {n for g in standard.grades for c in g.requires for n in condition_fields(parse_condition(c))})
    others = [n for n in others if n not in read_by_items]
    tail = []
    if others:
        tail.append("facts:" + _comment(message("inspect.other_facts", lang)))
        tail += [f"  {_key(n)}:" + _comment(reported_comment(n)) for n in others]
        tail += documents_block(others, "")
    else:
        tail.append("facts: {}" + _comment(message("inspect.other_facts", lang)))
        tail.append("documents: []")
    return "\n".join(head + ref + tail + ["items:"] + body) + "\n"
