"""The evidence record of one union for one assessment period, and its checks against a standard.

The record's shape is one pydantic model. The facts a standard reads are validated by a pydantic
model built from that standard's field declarations (assess/model/facts.py), so a record can serve
several standards.
"""
from __future__ import annotations

import calendar
import difflib
import json
import os
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import is_
import datetime as dt
from datetime import date
from typing import Any, Optional

from pydantic import Field, ValidationError, field_validator, model_validator

from assess.core.loading import (Document, in_cells, read_document, reading_order, renumbered, sha256_of,
                                 validation_problems)
from assess.core.messages import message
from assess.core.types import Number, StrictModel, empty_list
from assess.core.problems import InputError, Problem, dotted
from assess.model.facts import fact_values, problem_at, range_problems, shown, unknown_document
from assess.model.honours import honour_problems
from assess.model.known_entries import caches, known_parts
from assess.model.normalise import normalise_record
from assess.model.plain import event_parts, events_parts, judged_points, plain_events, plain_record
from assess.model.references import (KnownNames, application_conflicts, judgement_standard_problems, kind_problems,
                                     resolve_applications, resolve_events)
from assess.model.standard import Standard, Window
from assess.model.standins import ENTRY_STAND_INS, PERIOD_END, of_stand_in, pruned, with_stand_ins

# Control characters (a line break, a tab, NUL...), the Unicode line and paragraph separators, and
# the invisible format characters (zero-width spaces and joiners, direction marks, overrides and
# isolates): in a union's id, name or period label they break text tables and the files other tools
# read (CSV), make two ids look alike, or show a name reversed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def one_line(v: str | None) -> str | None:
    """`v` when it holds none of _CONTROL (line breaks, tabs, invisible and direction-control
    characters); else ValueError naming the first and where it is. A union's names, a kind's
    label, who scored."""
    found = _CONTROL.search(v) if v is not None else None
    if found:
        raise ValueError(message("evidence.control_character", position=found.start() + 1,
                                 code=f"U+{ord(found.group()):04X}"))
    return v


class UnionIdentity(StrictModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1, description="grassroots_union, community_union, community_federation ...")
    parent: str | None = Field(None, description="The federation the union reports to.")
    region: str | None = None

    _printable = field_validator("id", "name", "parent", "region")(lambda cls, v: one_line(v))


class Period(StrictModel):
    start: date
    end: date
    label: str | None = None

    _printable = field_validator("label")(lambda cls, v: one_line(v))

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError(message("evidence.period_order"))
        return self


class Event(StrictModel):
    kind: str = Field(min_length=1)
    date: dt.date
    title: str | None = None
    count: int = Field(1, ge=1)
    documents: list[str] = Field(default_factory=empty_list)


class DocumentRef(StrictModel):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    kind: str | None = None
    date: Optional[dt.date] = None


class Honour(StrictModel):
    title: str = Field(min_length=1)
    year: int = Field(ge=1949, le=2100)
    grade: str | None = None
    standard: str | None = None
    awarded_by: str | None = None


class JudgementEntry(StrictModel):
    score: Number
    reason: str = Field(min_length=1)
    by: str | None = None
    date: Optional[dt.date] = None

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError(message("evidence.judgement_reason"))
        return v


class Application(StrictModel):
    standard: str
    grade: str = Field(description="The grade's id, title, or a part of its title naming one grade (示范).")
    override_kind: bool = Field(False, description="Score with this standard even though its applies_to excludes the union's kind.")


class EvidenceRecord(StrictModel):
    union: UnionIdentity
    period: Period
    facts: dict[str, Any] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=empty_list)
    documents: list[DocumentRef] = Field(default_factory=empty_list)
    honours: list[Honour] = Field(default_factory=empty_list)
    judgements: dict[str, dict[str, JudgementEntry]] = Field(
        default_factory=dict, description="standard id -> item id -> the inspector's score and reason"
    )
    applications: list[Application] = Field(default_factory=empty_list, description="Grades applied for (申报).")
    note: str | None = None

    @model_validator(mode="after")
    def _documents_exist(self) -> "EvidenceRecord":
        ids = [d.id for d in self.documents]
        dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) < len(ids) else None
        if dupes:
            raise ValueError(message("evidence.duplicate_documents", ids=", ".join(dupes)))
        return self

    def fact_value(self, name: str) -> Any:
        raw = self.facts.get(name)
        if isinstance(raw, dict) and "value" in raw:
            return raw["value"]
        return raw

    def application_for(self, standard_id: str) -> Application | None:
        return next((a for a in self.applications if a.standard == standard_id), None)


@dataclass
class LoadedEvidence:
    """A loaded record: `sha256` is the hash of the document's data (its canonical JSON), worked out
    when first read (a batch's CSV rows never read it) unless given as `digest`."""

    record: EvidenceRecord
    document: Document
    digest: str | None = None
    # problems found while loading leniently (evidence_from_document(lenient=True)): reported with
    # the problems the record has against a standard, so a file's problems come in one pass
    pending: tuple[Problem, ...] = ()
    # the standards the record was made for (a fill-in workbook's standard): scored against these
    # when it applies for none
    made_for: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # things to tell the user that are no problem (a stale fill-in workbook)
    # a list whose bad entries lenient loading left out -> the document's index of each entry kept:
    # problems found later are named by the entry's place in the document, not in the record
    origins: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # a refused record read again to find its other problems (RecordRefused.stand_in): what stands
    # in for its bad values ("union.kind", "period.end", "events"); never scored
    stand_ins: frozenset[str] = frozenset()
    # the notes worked out last (history.note_problems) and what they were worked out for: a batch
    # asks twice per record, for the card and for the run's summary; never copied by replace()
    kept_notes: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # the first day of the record's events (None: it has none) as check_record saw it, with the
    # record and its events: the notes ask (history), when the events are no longer at hand
    kept_first_event: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # (the list of the record's events, each one's plain.event_parts in order), where the reading
    # worked them out (a JSON Lines record of known events, none citing a document): read instead
    # of the events (plain.events_parts) while the record holds that very list; never copied by replace()
    event_parts: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.document.path

    def version_date(self, as_of: date | None = None) -> date | None:
        """The date the versions of standards are chosen for: `as_of`, else the end of the period;
        None (the newest versions) when the period is a stand-in."""
        if as_of is not None:
            return as_of
        return None if PERIOD_END in self.stand_ins else self.record.period.end

    @property
    def sha256(self) -> str:
        """The sha256 (hex) of the document's data (`assess.core.loading.sha256_of`)."""
        if self.digest is None:
            self.digest = sha256_of(self.document.data)
        return self.digest


@dataclass
class RecordRefused(InputError):
    """A record whose shape was refused (`problems`, as any InputError). `stand_in` is the record
    read again to find its other problems in the same run (problems_against)."""

    document: Document | None = None

    def problems_against(self, standard: Standard, known: KnownNames, lineage: tuple[str, ...] = ()) -> list[Problem]:
        """Every problem of the record against `standard` (see check_record), in reading order:
        those of its shape, and those of its other parts, found on `stand_in`; only those of its
        shape when it cannot be read so."""
        if self.stand_in is None:
            return list(self.problems)
        try:
            check_record(self.stand_in, standard, known, lineage)
        except InputError as err:
            return err.problems
        return list(self.problems)  # not reached: its pending problems (why it was refused) always raise

    @cached_property
    def stand_in(self) -> LoadedEvidence | None:
        """The record read again leniently, with stand-ins for its bad values (see
        assess/model/standins.py), to be checked against a standard: check_record then raises
        every problem of the record, those of its shape (`problems`) among them, but none of a
        stand-in. None when even so it cannot be read (its data is not a mapping)."""
        if self.document is None or not isinstance(self.document.data, dict):
            return None
        optional = frozenset(name for name, f in EvidenceRecord.model_fields.items() if not f.is_required())
        found, replaced, data = list(self.problems), set(), self.document.data
        for _ in range(3):  # a round finds more when the last one let the record be validated further
            data, more = with_stand_ins(data, found, optional)
            replaced |= more
            try:
                loaded = evidence_from_document(replace(self.document, data=data), lenient=True)
            except RecordRefused as err:
                new = [p for p in err.problems if p not in found]
                if not new:
                    return None  # nothing more to stand in for
                found += new  # a problem of the whole record (the same document twice), once the union reads
                continue
            return replace(loaded, pending=tuple(_in_order([*found, *loaded.pending], self.document)),
                           stand_ins=frozenset(replaced))
        return None


def read_record_file(path: str) -> Document:
    """A YAML or JSON record file read (see read_document): a date that does not exist
    (2025-09-31) is the text written, refused where the record reads a date, with its other
    problems. A JSON Lines file (several records) that does not read as one is said to be one,
    with the command that scores it."""
    try:
        return read_document(path, bad_dates_as_text=True)
    except InputError as err:
        if len(err.problems) == 1 and err.problems[0].line is not None and _json_lines(path):
            # batch reads a file line by line only by its name (.jsonl): any other name, it says the
            # same of each file again, so the rename comes first
            renamed = os.path.splitext(str(path))[0] + ".jsonl"
            key = "error.yaml.json_lines" if str(path).lower().endswith(".jsonl") else "error.yaml.json_lines_renamed"
            raise InputError([Problem(str(path), "", message(key, file=str(path), renamed=renamed))]) from None
        raise


_HEAD = 1 << 20  # bytes read to tell a JSON Lines file


def _json_lines(path: str) -> bool:
    """Whether the file's first two lines that are not blank are each a JSON object."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return False
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    lines = [line for line in (lines[:-1] if len(head) == _HEAD else lines) if line.strip()][:2]  # the last may be cut
    try:
        return len(lines) == 2 and all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


def load_evidence(path: str) -> LoadedEvidence:
    return evidence_from_document(read_record_file(path))


def evidence_from_data(data: Any, name: str = "<record>", *, lenient: bool = False) -> LoadedEvidence:
    """A record given as plain data (JSON Lines, tests, other programs); see evidence_from_document."""
    return evidence_from_document(Document(name, data, {}), lenient=lenient)


def evidence_from_document(doc: Document, *, lenient: bool = False, known: bool = True) -> LoadedEvidence:
    """The record in `doc`, its values read as written (assess/model/normalise.py) and validated.
    Raises RecordRefused (an InputError) listing every problem of its shape. With `lenient`, a
    record whose problems lie only in entries of its lists and mappings (an event, a document, a
    judgement, an unknown top-level key) is returned without those entries, the problems kept in
    `pending` to be reported with those found against a standard; a bad union or period still
    raises (and RecordRefused.stand_in finds the record's other problems)."""
    if not isinstance(doc.data, dict):
        raise RecordRefused([Problem(doc.path, "", message("error.not_mapping"))], doc)
    record = _known_record(doc.data) if known else None  # known: False when looked for already (json_records)
    if record is not None:  # what the reading below gives a record without problems
        return LoadedEvidence(record, doc, pending=(), origins={})
    data, unread = normalise_record(doc.data)
    problems = [Problem(doc.path, dotted(loc), err.text(), doc.line_of(loc)) for loc, err in unread]
    try:
        record = EvidenceRecord.model_validate(data)
    except ValidationError as exc:
        marked = {p.path for p in problems}
        problems += [p for p in validation_problems(doc, exc, model=EvidenceRecord) if p.path not in marked]
        record, origins = _salvaged(data, exc) if lenient else (None, {})
        if record is None:
            raise RecordRefused(_in_order(in_cells(doc, problems), doc), doc) from None
    else:
        origins = {}
    if problems and not lenient:
        raise RecordRefused(_in_order(in_cells(doc, problems), doc), doc)
    return LoadedEvidence(record, doc, pending=tuple(_in_order(in_cells(doc, problems), doc)), origins=origins)


_ENTRY_MODELS = {"events": Event, "documents": DocumentRef, "honours": Honour, "applications": Application}
_KNOWN = caches({**_ENTRY_MODELS, "period": Period, "judgements": JudgementEntry}, {"events": event_parts})


def _known_record(data: dict[str, Any]) -> EvidenceRecord | None:
    """The record of `data` read and validated with the entries seen before taken as they were
    made (assess/model/known_entries.py: most of a batch's), when it has no problem; None when
    it has one, or no entry is known: the general reading then reads it and says what is wrong."""
    made = known_parts(data, _KNOWN)
    if not made:
        return None
    data, unread = normalise_record(data, made)
    if unread:
        return None
    try:  # model_validate without its wrapper (a record's 0.3 µs)
        return EvidenceRecord.__pydantic_validator__.validate_python(data)
    except ValidationError:
        return None


def _salvaged(data: dict[str, Any], exc: ValidationError) -> tuple[EvidenceRecord | None, dict[str, tuple[int, ...]]]:
    """The record without the entries `exc` found wrong, when every error lies in an entry of a
    list or mapping (or is an unknown top-level key), and the document's index of each entry kept
    in a list that lost some; else (None, {}). An entry whose only bad values have a stand-in
    (ENTRY_STAND_INS) is kept with those, so that its other values are still checked against a
    standard (an unknown kind of event beside a date that does not exist, a score out of range
    beside a missing reason): a record salvaged so has problems pending, and is never scored."""
    for stand_ins in (ENTRY_STAND_INS, {}):
        found = pruned(data, exc.errors(), EvidenceRecord.model_fields, _ENTRY_MODELS, stand_ins)
        if found is None:
            return None, {}
        kept, origins = found
        try:
            return EvidenceRecord.model_validate(kept), origins
        except ValidationError:
            continue  # a stand-in that does not fit after all: the entries left out as they are
    return None, {}


def _in_order(problems: list[Problem], doc: Document) -> list[Problem]:
    """Once each, in reading order (see reading_order)."""
    return sorted(set(problems), key=reading_order(doc)) if problems else []


# ---- checks against one standard ----------------------------------------------------------

def window_start(window, period: Period) -> date:
    """First day of a look-back window: the N years (months) ending on the period's last day."""
    if window == "period":
        return period.start
    assert isinstance(window, Window)
    end = period.end
    months = (window.years or 0) * 12 + (window.months or 0)
    year, month0 = divmod(end.year * 12 + (end.month - 1) - months, 12)
    day = min(end.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day) + dt.timedelta(days=1)


def check_facts(loaded: LoadedEvidence, standard: Standard, known: KnownNames,
                lineage: tuple[str, ...] = ()) -> dict[str, Any]:
    """The record's values for this standard's fields (None where missing); see check_record,
    which raises the same InputError."""
    return check_record(loaded, standard, known, lineage)[1]


def check_record(loaded: LoadedEvidence, standard: Standard, known: KnownNames,
                 lineage: tuple[str, ...] = ()) -> tuple[LoadedEvidence, dict[str, Any]]:
    """The record as this standard reads it, and its values for the standard's fields (None where
    missing). `known`: what the known standards declare (catalog.known_names); `lineage`: the ids
    of the standards this one extends. In the record returned, event kinds written as labels and
    the grade applied for are ids (its document and hash are the record's own).

    Raises InputError listing every problem of the record at once (with those kept from lenient
    loading; none of a stand-in, see RecordRefused.stand_in): unknown fields, event kinds and
    standards (with a "did you mean"), facts that cannot be read as their type, values out of
    range, cited documents that do not exist, events and judgements that do not fit the standard,
    a grade the standard does not have, a standard applied for twice, an honour's unknown standard
    or grade, a kind of union that is unknown or that the standard does not apply to."""
    if (quick := plain_record(loaded, standard, known, lineage)) is not None:
        return loaded, quick  # most records: no problem, nothing resolved (plain.plain_record)
    record, doc = loaded.record, loaded.document
    problems: list[Problem] = []
    values = fact_values(record, doc, standard, known, problems)
    problems += range_problems(doc, standard, values)
    plain, first = plain_events(record, standard, events_parts(loaded))
    events, found = (record.events, []) if plain else resolve_events(record, doc, standard, known)
    applications, more = resolve_applications(record, doc, standard, lineage, known)
    problems += found + more
    problems += application_conflicts(record, doc, loaded.origins)  # each [] at once for most records
    problems += honour_problems(record, doc, standard, lineage, known)
    problems += kind_problems(record, doc, standard, lineage, known)
    held = record.judgements
    if held and (len(held) > 1 or standard.id not in held):  # else none: filed under the standard's own id
        problems += judgement_standard_problems(record, doc, standard, lineage, known)
    if _same_entries(events, record.events) and _same_entries(applications, record.applications):
        resolved = loaded  # every kind and grade already an id (most records): the record as it is
    else:
        resolved = replace(loaded, record=record.model_copy(update={"events": events, "applications": applications}))
    if plain:
        resolved.kept_first_event = (resolved.record, tuple(events), first)
    else:
        problems += _check_events(resolved, standard)
    problems += _check_judgements(loaded, standard)
    if not problems and not loaded.pending:
        return resolved, values  # most records: nothing to renumber, leave out or report
    problems = renumbered(doc, problems, loaded.origins)
    if loaded.stand_ins:  # a refused record read with stand-ins (RecordRefused.stand_in)
        problems = [p for p in problems if not of_stand_in(p, loaded.stand_ins)]
    problems = list(loaded.pending) + problems
    if problems:  # always, for a record read with stand-ins: its pending problems are why
        raise InputError(_in_order(in_cells(doc, problems), doc))
    return resolved, values


def _same_entries(made: list, held: list) -> bool:
    return made is held or (len(made) == len(held) and all(map(is_, made, held)))


def _check_events(loaded: LoadedEvidence, standard: Standard) -> list[Problem]:
    """Events dated after the period's end, and citations of documents that do not exist. Events
    before the period are history (the last election, past incidents): kept, and counted only by
    a count whose look-back window reaches them."""
    record, doc = loaded.record, loaded.document
    end = record.period.end
    for ev in record.events:
        if ev.date > end or ev.documents:
            break
    else:
        return []  # most records: every event within the period, none citing a document
    problems = []
    doc_ids = {d.id for d in record.documents}
    for i, ev in enumerate(record.events):
        if ev.date > end:
            problems.append(problem_at(doc, ("events", i, "date"), message("evidence.event_after_period", date=ev.date,
                                                                          end=end)))
        for j, ref in enumerate(ev.documents):
            if ref not in doc_ids:
                problems.append(problem_at(doc, ("events", i, "documents", j), unknown_document(ref)))
    return problems


def _unknown_item(standard: Standard, item_id: str) -> str:
    """"Standard S has no item X", with a "did you mean" among its judgement items (else its items)."""
    items = [item for _, item in standard.item_locations()]
    judged = [item.id for item in items if getattr(getattr(item, "rule", None), "judged", False)]
    hint = (difflib.get_close_matches(item_id, judged, n=1, cutoff=0.6)
            or difflib.get_close_matches(item_id, [item.id for item in items], n=1, cutoff=0.6))
    if hint:
        return message("evidence.judgement_unknown_item_hint", item=item_id, standard=standard.id, hint=hint[0])
    return message("evidence.judgement_unknown_item", item=item_id, standard=standard.id)


def _check_judgements(loaded: LoadedEvidence, standard: Standard) -> list[Problem]:
    record, doc = loaded.record, loaded.document
    entries = record.judgements.get(standard.id)
    if not entries:
        return []
    judged = judged_points(standard)
    for item_id, entry in entries.items():
        points = judged.get(item_id)
        if points is None or not (0 <= entry.score <= points):
            break
    else:
        return []  # most records: judged items, each score within its points
    problems = []
    for item_id, entry in entries.items():
        path = ("judgements", standard.id, item_id)
        item = standard.find_item(item_id)
        if item is None:
            problems.append(problem_at(doc, path, _unknown_item(standard, item_id)))
        elif not item.rule.judged:
            problems.append(problem_at(doc, path, message("evidence.judgement_not_judgement", item=item_id)))
        elif not (0 <= entry.score <= item.points):
            problems.append(problem_at(doc, path + ("score",), message(
                "evidence.judgement_range", score=shown(entry.score, False, (0, item.points)),
                points=shown(item.points))))
    return problems
