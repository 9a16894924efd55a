"""Names a record uses for things a standard defines, checked and resolved: the grade applied for,
the kinds of its events, the standards its judgements and applications name, and its kind of
union against the standard's `applies_to`.

A misspelt name never counts as zero: a name that is neither this standard's nor any other known
standard's is an error with a "did you mean". Event kinds may be written by id or by the
standard's label (职工代表大会); grades by id, title or a part of a title naming one grade (示范).
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from assess.core.hints import hint_for
from assess.core.loading import Document
from assess.core.messages import LANGUAGES, current_language, message
from assess.core.natural import plain_text
from assess.core.per_object import once_per_object
from assess.core.problems import Problem, dotted
from assess.core.unions import kind_name
from assess.model.standard import Standard

Record = Any  # an EvidenceRecord (assess/model/evidence.py, which imports this module)


@dataclass(frozen=True)
class KnownNames:
    """What the known standards declare (a record may serve several standards): fact names,
    event kinds (ids, and labels in every language), standard ids, and kinds of union (the known
    list and every kind a standard applies to), and each standard's grades as (standard id,
    grade id) pairs."""

    fields: frozenset[str]
    event_kinds: frozenset[str] = frozenset()
    standards: frozenset[str] = frozenset()
    union_kinds: frozenset[str] = frozenset()
    grades: frozenset[tuple[str, str]] = frozenset()


def _problem(doc: Document, loc: tuple, text: str) -> Problem:
    return Problem(doc.path, dotted(loc), text, doc.line_of(loc))


_hint = hint_for  # the shared "did you mean" (assess.core.hints), as this module has always called it


def quoted_id(text: str) -> str:
    """A standard or grade id as a message quotes it: in quotes when empty or with spaces around
    it (" bahao-community"), which would otherwise not show."""
    return text if text and text == text.strip() else f'"{text}"'


def event_kind_id(standard: Standard, written: str) -> str | None:
    """The id of this standard's event kind `written` names (its id or a label), else None."""
    if type(written) is not str:
        return _kind_named(standard, written)
    named = _kind_ids(standard)
    if written not in named:
        if len(named) >= _MOST_NAMES:
            named.clear()
        named[written] = _kind_named(standard, written)
    return named[written]


_MOST_NAMES = 1024  # kinds as records write them, kept per standard


@once_per_object()
def _kind_ids(standard: Standard) -> dict[str, str | None]:
    """What `event_kind_id` found for each kind a record wrote (the same few in every record)."""
    return {}


def _kind_named(standard: Standard, written: str) -> str | None:
    text = plain_text(written)
    if text in standard.event_kinds:
        return text
    for kind, label in standard.event_kinds.items():
        if text in (plain_text(label.zh), plain_text(label.en or "")):
            return kind
    return None


def resolve_events(record: Record, doc: Document, standard: Standard,
                   known: KnownNames) -> tuple[list, list[Problem]]:
    """The record's events with kinds written as this standard's labels turned into ids, and a
    problem for each kind no known standard has (with a suggestion from this standard's kinds)."""
    if own_event_kinds(standard).issuperset(map(_KIND, record.events)):
        return list(record.events), []  # most records: every kind written as its id, kept as it is
    events, problems = [], []
    named = _kind_ids(standard)
    for i, ev in enumerate(record.events):
        kind = named.get(ev.kind, _NOT_SEEN)
        if kind is _NOT_SEEN:
            kind = event_kind_id(standard, ev.kind)
        if kind is None and plain_text(ev.kind) not in known.event_kinds:
            lang = current_language()
            choices = {k: f"{k} ({label.get(lang)})" for k, label in standard.event_kinds.items()}
            # Written in either language (a Chinese workbook read with --lang en): the hint in this one.
            labels = {text: k for k, label in standard.event_kinds.items() for text in (label.zh, label.en) if text}
            # Labels are long: one wrong character weighs less, so a lower cut-off.
            hit = _hint(plain_text(ev.kind), list(choices) + list(labels), 0.5)
            key = "refs.event_kind_hint" if hit else "refs.event_kind"
            hint = choices.get(hit) or choices.get(labels.get(hit, ""), "")
            problems.append(_problem(doc, ("events", i, "kind"), message(key, kind=ev.kind, standard=standard.id,
                                                                          hint=hint)))
        events.append(ev if kind is None or kind == ev.kind else ev.model_copy(update={"kind": kind}))
    return events, problems


_NOT_SEEN = object()  # a kind event_kind_id has not been asked about yet
_KIND = attrgetter("kind")


@once_per_object()
def own_event_kinds(standard: Standard) -> frozenset[str]:
    """The standard's kind ids that `event_kind_id` gives back as written: an event of one of
    them is kept as it is by `resolve_events`, with no problem (once per standard)."""
    return frozenset(k for k in standard.event_kinds if event_kind_id(standard, k) == k)


@once_per_object()
def _own_grades(standard: Standard) -> frozenset[str]:
    """The standard's grade ids that `grade_named` names as written: an application under this
    standard for one of them is kept as it is by `resolve_applications` (once per standard)."""
    return frozenset(g.id for g in standard.grades if (named := standard.grade_named(g.id)) is not None
                     and named.id == g.id)


def _ids(standard: Standard, lineage: tuple[str, ...]) -> tuple[str, ...]:
    return (standard.id, *lineage)


def own_applications(record: Record, standard: Standard, lineage: tuple[str, ...]) -> bool:
    """Whether every application of the record is under this standard (or one it extends) for
    one of its grades by its id: `resolve_applications` then keeps them as they are, with no problem."""
    ids = _ids(standard, lineage)
    own = _own_grades(standard)
    for app in record.applications:
        if app.standard not in ids or app.grade not in own:
            return False
    return True


def resolve_applications(record: Record, doc: Document, standard: Standard, lineage: tuple[str, ...],
                         known: KnownNames) -> tuple[list, list[Problem]]:
    """The record's applications with the grade applied for under this standard (or one it
    extends) as a grade id; a problem for a grade the standard does not have (listing its grades)
    and for an application naming no known standard."""
    if own_applications(record, standard, lineage):
        return list(record.applications), []  # most records: a grade of this standard by its id
    ids = _ids(standard, lineage)
    out, problems = [], []
    for i, app in enumerate(record.applications):
        if app.standard in ids:
            grade = standard.grade_named(app.grade)
            if grade is None:
                lang = current_language()
                grades = ", ".join(f"{g.id} ({g.title.get(lang)})" for g in standard.grades)
                hit = hint_for(app.grade, [g.id for g in standard.grades])  # as an honour's grade is hinted
                problems.append(_problem(doc, ("applications", i, "grade"), message(
                    "refs.grade_hint" if hit else "refs.grade", grade=quoted_id(app.grade), standard=standard.id,
                    grades=grades, hint=hit or "")))
            elif grade.id != app.grade:
                app = app.model_copy(update={"grade": grade.id})
        elif app.standard not in known.standards:
            problems.append(_unknown_standard(doc, ("applications", i, "standard"), app.standard, ids, known,
                                              "refs.application_standard"))
        out.append(app)
    return out, problems


def application_conflicts(record: Record, doc: Document, origins: dict[str, tuple[int, ...]]) -> list[Problem]:
    """A problem at each application under a standard an earlier entry already applies under
    (a card reads the first only, the other would be left aside in silence), naming the earlier
    entry by its place in the document (`origins`: see LoadedEvidence.origins) and its line."""
    apps = record.applications
    if len(apps) < 2:
        return []  # most records: one application, or none
    first: dict[str, int] = {}
    problems = []
    kept = origins.get("applications")
    for i, app in enumerate(apps):
        j = first.setdefault(app.standard, i)
        if j == i:
            continue
        loc = ("applications", kept[j] if kept and j < len(kept) else j)
        line = doc.line_of(loc) if doc.lines else None
        other = dotted(loc) if line is None else message("refs.entry_at_line", entry=dotted(loc), line=line)
        problems.append(_problem(doc, ("applications", i, "standard"), message(
            "refs.application_twice", standard=app.standard, other=other, grade=app.grade, other_grade=apps[j].grade)))
    return problems


def _unknown_standard(doc: Document, loc: tuple, name: str, ids: tuple[str, ...], known: KnownNames, key: str) -> Problem:
    hit = _hint(name, sorted(set(ids) | known.standards))
    return _problem(doc, loc, message(key + "_hint" if hit else key, standard=quoted_id(name), hint=hit or ""))


def judgement_standard_problems(record: Record, doc: Document, standard: Standard,
                                lineage: tuple[str, ...], known: KnownNames) -> list[Problem]:
    """Judgements filed under a standard id no known standard has."""
    ids = _ids(standard, lineage)
    return [_unknown_standard(doc, ("judgements", sid), sid, ids, known, "refs.judgement_standard")
            for sid in record.judgements if sid not in ids and sid not in known.standards]


def unknown_kind_text(kind: str, kinds: list[str]) -> str:
    """"Unknown kind of union", listing the kinds with their names, with a "did you mean"."""
    lang = current_language()
    shown = ", ".join(f"{k} ({kind_name(k, lang)})" for k in kinds)
    # Names in every language: a Chinese name misspelt (社区公会) finds its kind under --lang en too.
    names = {kind_name(k, other): k for other in LANGUAGES for k in kinds}
    hit = _hint(kind, kinds + list(names))
    key = "refs.union_kind_hint" if hit else "refs.union_kind"
    found = names.get(hit, hit) if hit else ""
    # In Chinese the hint is the kind's name as the user writes it (社区工会; the list gives ids).
    hint = kind_name(found, lang) if found and lang == "zh" else found
    return message(key, kind=kind, kinds=shown, hint=hint)


def kind_problems(record: Record, doc: Document, standard: Standard, lineage: tuple[str, ...],
                  known: KnownNames) -> list[Problem]:
    """An unknown kind of union (with a "did you mean"), or a kind the standard does not apply to
    without `override_kind: true` in the record's application for it."""
    kind = record.union.kind
    loc = ("union", "kind")
    # The standard's own kinds first: what every known standard declares is then read only for a
    # kind this standard does not apply to (the catalogue loads its other standards lazily).
    if kind in standard.applies_to:
        return []
    if kind not in known.union_kinds:
        return [_problem(doc, loc, unknown_kind_text(kind, sorted(known.union_kinds | set(standard.applies_to))))]
    ids = _ids(standard, lineage)
    if any(a.override_kind for a in record.applications if a.standard in ids):
        return []
    lang = current_language()
    kinds = ", ".join(f"{k} ({kind_name(k, lang)})" for k in standard.applies_to)
    return [_problem(doc, loc, message("refs.applies_to", standard=standard.id, kinds=kinds,
                                       kind=f"{kind} ({kind_name(kind, lang)})", advice=_override_advice(doc)))]


def _override_advice(doc: Document) -> str:
    """How to score a record with a standard that does not apply to its kind, in what the user
    fills in: a YAML or JSON record's applications, the 基本信息 sheet of a workbook (the sheet
    holding its 工会类型, by the name it has there), a roster's column."""
    yes = message("intake.yes")
    if doc.form == "roster":
        return message("refs.override.roster", yes=yes)
    if doc.form == "workbook":
        at = doc.cells.get("union.kind", "")
        sheet = at.rpartition("!")[0].strip("'") if "!" in at else message("intake.sheet.basics")
        return message("refs.override.workbook", sheet=sheet, key_column=message("intake.col.key"),
                       value_column=message("intake.col.value"), yes=yes)
    return message("refs.override.record")


def unread_judgements(record: Any, doc: Document, standard: Standard, lineage: tuple[str, ...]) -> list[Problem]:
    """Notes for judgements this standard does not read: filed under another standard's id, for
    an item this standard has and the judgements it reads (under its own id or one it extends,
    the first found) do not score. A copy of a standard under a new id used to score such an item
    as 缺少佐证 in silence; a record judged for two standards with items of their own gets none."""
    ids = _ids(standard, lineage)
    if all(filed in ids for filed in record.judgements):  # most records: nothing filed elsewhere
        return []
    read = next((record.judgements[i] for i in ids if i in record.judgements), {})
    items = _item_ids(standard)
    notes = []
    for filed, entries in record.judgements.items():
        if filed in ids:
            continue
        for item_id in entries:
            if item_id in items and item_id not in read:
                notes.append(_problem(doc, ("judgements", filed, item_id), message(
                    "refs.judgement_unread", item=item_id, filed=filed, standard=standard.id)))
    return notes


@once_per_object()
def _item_ids(standard: Standard) -> frozenset[str]:
    """The ids of the standard's items (deductions too), once per standard."""
    return frozenset(item.id for _, item in standard.item_locations())


def unapplied(record: Any, doc: Document, standard: Standard, lineage: tuple[str, ...]) -> list[Problem]:
    """A note when the record applies for grades, none of them under this standard (or one it
    extends): scored under another standard (a copy under a new id, say) its card has no grade
    applied for, and the application would otherwise vanish in silence."""
    ids = _ids(standard, lineage)
    if not record.applications or any(app.standard in ids for app in record.applications):
        return []
    named = ", ".join(f"{app.standard} {app.grade}" for app in record.applications)
    return [_problem(doc, ("applications",), message("refs.application_elsewhere", applications=named,
                                                     standard=standard.id))]
