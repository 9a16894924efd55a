"""Events dated before the period: history that a look-back window may count (the last election,
for "近三年内完成换届"), else counted in nothing.

Such an event is no error: a record keeps its history, and another standard, or a longer window,
may count it. But an event of a kind the standard counts, dated before every window it is counted
over, counts in nothing: the user is told, beside the card (a date written 2024 for 2025?).
"""
from __future__ import annotations

from datetime import date
from operator import attrgetter, is_

from assess.core.loading import in_cells
from assess.core.messages import current_language, message
from assess.core.per_object import once_per_object
from assess.core.problems import Problem
from assess.model.evidence import EvidenceRecord, LoadedEvidence, window_start
from assess.model.facts import problem_at
from assess.model.honours import honours_after_period
from assess.model.references import event_kind_id, unapplied, unread_judgements
from assess.model.standard import Standard


MOST_NOTES = 3  # events named one by one per record and standard; the rest in one line


@once_per_object()
def _windows(standard: Standard) -> dict[str, tuple]:
    """Event kind -> the windows of the derived values counting it (the period, or N years back)."""
    out: dict[str, list] = {}
    for d in standard.derived.values():
        if d.count_events is not None:
            for kind in d.count_events.kind:
                out.setdefault(kind, []).append(d.count_events.window)
    return {kind: tuple(windows) for kind, windows in out.items()}


def counted_since(standard: Standard, record: EvidenceRecord, kind: str) -> date:
    """The first day of the widest window the standard counts `kind` (an id) over: the period's
    start when none is wider, or when nothing counts the kind."""
    return min([record.period.start, *(window_start(w, record.period) for w in _windows(standard).get(kind, ()))])


def uncounted_history(loaded: LoadedEvidence, standard: Standard) -> list[Problem]:
    """The record's events dated before the period that no count of the standard reaches: of a
    kind a derived value counts (by id or label), dated before the first day of every window it is
    counted over. Each is a Problem at the event's date naming the event, its date, the period, the
    standard and the first day counted: a note beside the card, not an error; past MOST_NOTES, one
    line counts the rest. An event of a kind the standard
    counts nowhere is left alone: its date is not why it is not counted."""
    record, doc = loaded.record, loaded.document
    start = record.period.start
    notes: list[Problem] = []
    if not record.events or min(map(_DATE, record.events)) >= start:
        return notes  # most records: no event before the period
    windows = _windows(standard)
    for i, ev in enumerate(record.events):
        if ev.date >= start:
            continue
        kind = event_kind_id(standard, ev.kind) or ev.kind
        since = counted_since(standard, record, kind)
        if kind in windows and ev.date < since:
            label = standard.event_kinds[kind].get(current_language()) if kind in standard.event_kinds else kind
            event = f"{label} ({kind})" + (f" “{ev.title}”" if ev.title else "")
            notes.append(problem_at(doc, ("events", i, "date"), message(
                "evidence.event_uncounted", event=event, date=ev.date.isoformat(), start=record.period.start.isoformat(),
                end=record.period.end.isoformat(), since=since.isoformat(), standard=standard.id)))
    if len(notes) > MOST_NOTES:  # last year's events pasted in: a few named, the rest counted
        more = Problem(doc.path, "events", message("evidence.event_uncounted_more", n=len(notes) - MOST_NOTES,
                                                    standard=standard.id))
        notes = notes[:MOST_NOTES] + [more]
    return in_cells(doc, notes)


def note_text(problem: Problem) -> str:
    """A note as the user reads it, beside the card: 注意: FILE:LINE: FIELD: what."""
    return note_line(str(problem))


def note_line(text: str) -> str:
    """A card's note (an entry of its `notes`: FILE:LINE: FIELD: what) as the user reads it."""
    return message("evidence.note", text=text)


def note_problems(loaded: LoadedEvidence, standard: Standard, lineage: tuple[str, ...] = ()) -> list[Problem]:
    """What is noted beside a record's card under `standard` (a card's `notes`, as text): its
    events before the period that no count reaches (uncounted_history), its honours of a year
    after the period (honours.honours_after_period), then applications and judgements the
    standard does not read (references.unapplied, references.unread_judgements)."""
    record, doc, lang = loaded.record, loaded.document, current_language()
    kept = loaded.kept_notes
    if kept is not None and kept[0] is standard and kept[1] == lineage and kept[2] == lang and kept[3] is record \
            and kept[4] is doc and kept[5] == doc.path:
        return list(kept[6])
    if _quiet(loaded, standard, lineage):
        loaded.kept_notes = (standard, lineage, lang, record, doc, doc.path, ())
        return []
    unread = in_cells(doc, unapplied(record, doc, standard, lineage) + unread_judgements(record, doc, standard, lineage))
    found = [*uncounted_history(loaded, standard), *in_cells(doc, honours_after_period(loaded)), *unread]
    loaded.kept_notes = (standard, lineage, lang, record, doc, doc.path, tuple(found))
    return found


def _quiet(loaded: LoadedEvidence, standard: Standard, lineage: tuple[str, ...]) -> bool:
    """Whether a cheaper test proves that note_problems finds nothing (most records): no event
    before the period (its first day as check_record saw it, when it did), no honour of a year
    after the period's, no application (or one under this standard), every judgement filed under
    its id. False says only that it cannot tell."""
    record = loaded.record
    events, applications, judgements, honours = record.events, record.applications, record.judgements, record.honours
    kept = loaded.kept_first_event
    if kept is not None and kept[0] is record and len(kept[1]) == len(events) and all(map(is_, kept[1], events)):
        first = kept[2]  # the events check_record saw: the same objects (frozen models), in the same list
    else:
        first = min(map(_DATE, events)) if events else None
    return ((first is None or first >= record.period.start)
            and (not honours or max(map(_YEAR, honours)) <= record.period.end.year)
            and (not applications or standard.id in map(_STANDARD, applications))  # `in`: == of texts, in C
            and (not judgements or (len(judgements) == 1 and standard.id in judgements)))


_DATE = attrgetter("date")
_YEAR = attrgetter("year")
_STANDARD = attrgetter("standard")


def record_notes(loaded: LoadedEvidence, standard: Standard, lineage: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The notes of note_problems as the user reads them beside the card (see note_text)."""
    found = note_problems(loaded, standard, lineage)
    return tuple(note_text(p) for p in found) if found else ()
