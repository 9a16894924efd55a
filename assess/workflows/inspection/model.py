"""The inspection file: its model (one pydantic model per level: schema and validation), loading,
and the checks that it belongs to the evidence record and the standard it is used with."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Literal, Optional

from pydantic import ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from assess.core.exact import RATIONAL
from assess.core.loading import Document, in_cells, read_document, reading_order, sha256_of, validation_problems
from assess.core.messages import message
from assess.core.unions import union_key
from assess.core.natural import NaturalError, read_date
from assess.core.problems import InputError, Problem, dotted
from assess.core.types import Number, StrictModel, number_out
from assess.model.evidence import LoadedEvidence
from assess.standards.catalog import LoadedStandard
from assess.workflows.inspection.standins import with_stand_ins
from assess.workflows.inspection.statuses import YAML, refused, status_of

SCHEMA = "assess.inspection/1"


def _blank(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _day(value: Any) -> Any:
    """A date as people write it (2026年1月14日, 2026/1/14, an Excel date: assess/core/natural.py);
    one that does not exist (2026-02-30, read as the text written) refused in the same words."""
    try:
        return read_date(value)
    except NaturalError as err:
        raise ValueError(err.text()) from None


class PeriodRef(StrictModel):
    """The period of the record the inspection is about."""

    start: dt.date
    end: dt.date
    label: Optional[str] = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _dates(cls, v: Any) -> Any:
        return _day(v)


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


class _Finding(StrictModel):
    """What a document and an event finding share: the status read in Chinese or English words
    (已核实 / verified ...; statuses.py), blanks as not given."""

    @field_validator("status", mode="before", check_fields=False)
    @classmethod
    def _status_words(cls, v: Any) -> Any:
        v = _blank(v)
        found = status_of(v) if isinstance(v, str) else None
        if v is not None and found is None:
            raise ValueError(refused(v, YAML))
        return found

    @field_validator("note", mode="before", check_fields=False)
    @classmethod
    def _note(cls, v: Any) -> Any:
        return _blank(v)


class DocumentFinding(_Finding):
    """A document checked: its status, and the facts it proves."""

    document: str = Field(min_length=1, description="The document: a record document id (D01) or the standard's document text.")
    facts: Optional[list[str]] = Field(None, description="The facts this document proves; default: the facts citing the record "
                                                         "document of that id, or the fields whose document text this is.")
    status: Optional[Literal["verified", "not_verified", "missing"]] = Field(
        None, description="verified (已核实), not_verified (未核实) or missing (缺失); blank: as reported.")
    note: Optional[str] = None


class EventFinding(_Finding):
    """An event of the record checked: its number in the record's events (1 for the first)."""

    event: int = Field(ge=1, description="The event's number in the record's events list, from 1.")
    status: Optional[Literal["verified", "not_verified", "missing"]] = Field(
        None, description="verified (已核实), not_verified (未核实) or missing (缺失): not counted; blank: as reported.")
    note: Optional[str] = None


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
    """An inspection file (schema assess.inspection/1): the record it is about, who inspected and
    when, and the findings at the top level and per item."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True)

    schema_id: Optional[Literal["assess.inspection/1"]] = Field(None, alias="schema")
    reference: Reference
    inspector: Optional[str] = Field(None, description="The inspector's name (考核人).")
    date: Optional[dt.date] = Field(None, description="The date of the inspection.")
    notes: Optional[str] = Field(None, description="Overall remarks.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Corrections not tied to one item: fact -> observed value.")
    documents: list[DocumentFinding] = Field(default_factory=list, description="Document findings not tied to one item.")
    items: dict[str, ItemFinding] = Field(default_factory=dict, description="item id -> findings")
    event_counts: dict[str, Any] = Field(default_factory=dict, description="kind of event (id or label) -> the count "
                                         "the inspector found in the window the standard counts it over; blank: as reported.")
    events: list[EventFinding] = Field(default_factory=list, description="Single events not verified or missing.")

    @field_validator("facts", "event_counts", mode="before")
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

    @field_validator("documents", "events", mode="before")
    @classmethod
    def _list(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("inspector", "notes", mode="before")
    @classmethod
    def _texts(cls, v: Any) -> Any:
        return _blank(v)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        v = _blank(v)
        return None if v is None else _day(v)

    @field_validator("date")
    @classmethod
    def _after_period(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # An inspection checks a period that is over: a day before its end is a mistyped year, or
        # the period's own dates copied (its judgements would be stamped with it).
        ref = info.data.get("reference")
        if v is not None and ref is not None and v <= ref.period.end:
            raise ValueError(message("inspection.date_in_period", date=v.isoformat(), start=ref.period.start.isoformat(),
                                     end=ref.period.end.isoformat()))
        return v


@dataclass
class LoadedInspection:
    """An inspection file as read: its model, the document (for lines) and its content hash."""

    model: InspectionFile
    document: Document
    sha256: str  # of the file's canonical content
    # an inspection refused for its shape, read again with stand-ins for its bad values
    # (InspectionRefused.stand_in): its problems, reported with those found on the rest of it,
    # and the paths that stand in (standins.py); never applied
    pending: tuple[Problem, ...] = ()
    stand_ins: frozenset[str] = frozenset()

    @property
    def path(self) -> str:
        return self.document.path

    def problem(self, loc: tuple, text: str) -> Problem:
        """A problem at `loc` of the file: its line, or its cell for an inspection workbook."""
        return in_cells(self.document, [Problem(self.path, dotted(loc), text, self.document.line_of(loc))])[0]

    def of_stand_in(self, problem: Problem) -> bool:
        """Whether a problem found on the inspection is one of a value standing in (see standins.py)."""
        return problem.file == self.path and any(
            problem.path == s or problem.path.startswith((s + ".", s + "[")) for s in self.stand_ins)

    def refuse(self, problems: list[Problem]) -> InputError:
        """The InputError for `problems` found on the inspection (or the record it was applied to)
        with those it was refused for, none of a stand-in, each once in reading order."""
        mine = [p for p in problems if not self.of_stand_in(p)]
        return InputError(as_shown(self.document, sorted_problems([*self.pending, *mine], self.document)))

    def cell(self, loc: tuple) -> str | None:
        """The workbook cell of `loc` (or of the nearest enclosing field that has one); None for a
        YAML or JSON inspection file."""
        return in_cells(self.document, [Problem(self.path, dotted(loc), "")])[0].cell if self.document.cells else None

    def heading(self, cell: str) -> str:
        """The heading of the workbook column `cell` is in (考核表!M4 -> 说明); "" when not known."""
        return heading_of(self.document, cell)


class InspectionRefused(InputError):
    """An inspection file refused for its shape (`problems`, as any InputError). `stand_in`: the
    file read again with stand-ins for its bad values, to be checked against its record and
    standard so that every problem comes in one run (None when it cannot be read so)."""

    def __init__(self, problems: list[Problem], stand_in: LoadedInspection | None = None) -> None:
        super().__init__(problems)
        self.stand_in = stand_in


def load_inspection(path: str) -> LoadedInspection:
    """Read and check an inspection file (YAML or JSON). Raises InspectionRefused (an InputError)
    naming file, line and field of every problem of its shape. A date that does not exist
    (2026-02-30) is read as the text written and refused where the file reads a date, with the
    file's other problems, as a record's is (read_record_file)."""
    return inspection_from_document(read_document(path, bad_dates_as_text=True))


def inspection_from_data(data: Any, name: str = "<inspection>") -> LoadedInspection:
    """An inspection from data already read (`name` stands for the file in problems). Raises
    InspectionRefused (an InputError)."""
    return inspection_from_document(Document(name, data, {}))


def inspection_from_document(doc: Document, problems: tuple[Problem, ...] = ()) -> LoadedInspection:
    """Check a read document as an inspection file (`problems`: those found reading it, a
    workbook's cells). Raises InspectionRefused listing every problem of its shape, with the file
    read again with stand-ins for its bad values when it can be (see standins.py); what the file
    says is checked against its record and standard by apply_inspection."""
    if not isinstance(doc.data, dict):
        raise InspectionRefused([Problem(doc.path, "", message("error.not_mapping"))])
    found, data, stood = list(problems), doc.data, set()
    for _ in range(3):  # a round finds more when the last one let the file be validated further
        try:
            model = InspectionFile.model_validate(data)
        except ValidationError as exc:
            found += validation_problems(doc, exc, model=InspectionFile)
            salvaged = with_stand_ins(data, [tuple(e["loc"]) for e in exc.errors()])
            if salvaged is None:
                break
            data, more = salvaged
            stood |= more
            continue
        loaded = LoadedInspection(model, doc, sha256_of(doc.data))
        if not found:
            return loaded
        pending = tuple(as_shown(doc, sorted_problems(in_cells(doc, found), doc)))
        raise InspectionRefused(list(pending), LoadedInspection(model, doc, loaded.sha256, pending, frozenset(stood)))
    raise InspectionRefused(as_shown(doc, sorted_problems(in_cells(doc, found), doc)))


def standard_ref(inspection: LoadedInspection) -> str:
    """The standard the inspection names, as `assess score --standard` takes it (ID or ID@VERSION)."""
    ref = inspection.model.reference
    return f"{ref.standard}@{ref.standard_version}" if ref.standard_version else ref.standard


def check_reference(inspection: LoadedInspection, evidence: LoadedEvidence) -> None:
    """Refuse an inspection file made for another union, another period, or an earlier state of
    the record (its content hash changed since)."""
    ref, record = inspection.model.reference, evidence.record
    problems = []
    if union_key(ref.union) != record.union.id:  # an id written as the record's was (` u1 ` is u1)
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
        raise inspection.refuse(problems)


def check_standard(inspection: LoadedInspection, loaded_standard: LoadedStandard) -> None:
    """The inspection's items belong to one standard: refuse scoring it with another one."""
    ref, standard = inspection.model.reference, loaded_standard.standard
    ids = (standard.id, *(a.id for a in loaded_standard.lineage))
    if ref.standard not in ids:
        raise inspection.refuse([inspection.problem(("reference", "standard"), message(
            "inspection.other_standard", theirs=ref.standard, ours=standard.id))])
    if ref.standard == standard.id and ref.standard_version is not None and ref.standard_version != standard.version:
        raise inspection.refuse([inspection.problem(("reference", "standard_version"), message(
            "inspection.other_version", id=standard.id, theirs=ref.standard_version, ours=standard.version))])


def sorted_problems(problems: list[Problem], doc: Document | None = None) -> list[Problem]:
    """Each problem once, by file, then in `doc`'s reading order (line or cell: reading_order)
    for its own, else by line, path and text."""
    order = reading_order(doc) if doc is not None else None

    def key(p: Problem) -> tuple:
        mine = order is not None and p.file == doc.path
        return (p.file, order(p) if mine else (p.line or 0, (), 0, p.path, p.message))

    return sorted(set(problems), key=key)


def heading_of(doc: Document, cell: str | None) -> str:
    """The heading of the workbook column holding `cell` ("考核表!M4" -> 说明), or the label of
    the cell itself where it has one (考核信息!C3 -> 考核日期); "" when not known."""
    return doc.headings.get(cell or "") or doc.headings.get((cell or "").rstrip("0123456789"), "")


def as_shown(doc: Document, problems: list[Problem]) -> list[Problem]:
    """Problems of an inspection workbook as a user is shown them: at a cell, named by its
    column's heading (考核分, 核实值), never by the field path of the YAML file the workbook stands
    for, which the user never sees; other problems, and those of a YAML or JSON file, unchanged."""
    if not doc.headings:
        return problems
    return [replace(p, path=heading_of(doc, p.cell)) if p.file == doc.path and p.path else p for p in problems]


def shown_value(value: Any) -> str:
    """A fact's value as a message or a worksheet comment shows it (exact numbers, true/false)."""
    if isinstance(value, RATIONAL):
        return str(number_out(value, places=6))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
