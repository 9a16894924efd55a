"""Cheaper tests that prove a record free of some problems against a standard, so that
`assess.model.evidence.check_record` skips the checks that would find none (most records of a
batch): each gives True only where the general check finds nothing, and says nothing otherwise."""
from __future__ import annotations

from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from assess.core.per_object import once_per_object
from assess.model.facts import clean_values
from assess.model.honours import honour_problems
from assess.model.references import KnownNames, own_applications, own_event_kinds
from assess.model.standard import Standard


def plain_record(loaded: Any, standard: Standard, known: KnownNames, lineage: tuple[str, ...]) -> dict[str, Any] | None:
    """What `evidence.check_record(loaded, standard, known, lineage)` gives (its record being
    `loaded` itself) for a record a cheaper test proves free of problems (most records): nothing
    pending, its facts `clean_values`, events `plain_events`, applications (one at most)
    `own_applications`, honours none or with no problem, a kind of union the standard applies to,
    judgements filed under the standard's own id only, each of a judged item within its points.
    Then, as check_record does, the record's first day of events is kept with it
    (LoadedEvidence.kept_first_event), and its values are given. None says only that the test
    cannot tell (check_record then checks the record in full)."""
    record = loaded.record
    if loaded.pending or len(record.applications) > 1 or record.union.kind not in standard.applies_to:
        return None
    held = record.judgements
    if held:
        if len(held) > 1 or standard.id not in held:
            return None
        judged = judged_points(standard)
        for item_id, entry in held[standard.id].items():
            points = judged.get(item_id)
            if points is None or not (0 <= entry.score <= points):
                return None
    values = clean_values(record, standard)
    if values is None or not own_applications(record, standard, lineage):
        return None
    if record.honours and honour_problems(record, loaded.document, standard, lineage, known):
        return None
    plain, first = plain_events(record, standard, events_parts(loaded))
    if not plain:
        return None
    loaded.kept_first_event = (record, tuple(record.events), first)
    return values


def plain_events(record: Any, standard: Standard, parts: tuple | None = None) -> tuple[bool, date | None]:
    """Whether a cheaper test proves that the record's events are kept as they are by
    resolve_events (every kind written as an id of the standard's, `own_event_kinds`) with no
    problem, and that _check_events finds none (none dated after the period, none citing a
    document): a pass over the events for each, in C (most records). False says only that it
    cannot tell. `parts`: the events' `event_parts`, in order, when at hand (read instead of
    the events: none of them cites a document).
    With True, the first day of the events (None: there are none)."""
    events = record.events
    if not events:
        return True, None
    if parts is not None:
        if not own_event_kinds(standard).issuperset(map(_FIRST, parts)):
            return False, None
        dates = list(map(_SECOND, parts))
    else:
        if not own_event_kinds(standard).issuperset(map(_KIND, events)) or any(map(_DOCUMENTS, events)):
            return False, None
        dates = list(map(_DATE, events))  # read once for the last day and the first
    if max(dates) <= record.period.end:
        return True, min(dates)
    return False, None


_KIND = attrgetter("kind")
_DATE = attrgetter("date")
_DOCUMENTS = attrgetter("documents")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def event_parts(event: Any) -> tuple[str, date, int] | None:
    """An event as the engine reads it, (kind, date, count), for one citing no document (None
    for one that does): worked out once per distinct event of a batch (known_entries' summary of
    an event), its kind and date the same object for every equal one, so that many records'
    events read few objects."""
    if event.documents:
        return None
    same = _SAME if len(_SAME) < _MOST_SAME else _SAME.clear() or _SAME
    kind, day = event.kind, event.date
    # by class and value: a date is never taken for a datetime, nor a text for a subclass's
    return (same.setdefault((kind.__class__, kind), kind), same.setdefault((day.__class__, day), day), event.count)


_SAME: dict[tuple, Any] = {}
_MOST_SAME = 20_000


def events_parts(loaded: Any) -> tuple | None:
    """The `event_parts` of the events of `loaded` (a LoadedEvidence) in order, where the reading
    worked them out (LoadedEvidence.event_parts) for the very list of events its record holds;
    else None."""
    kept = loaded.event_parts
    if kept is not None:
        events = loaded.record.events
        if kept[0] is events and len(kept[1]) == len(events):
            return kept[1]
    return None


@once_per_object()
def judged_points(standard: Standard) -> dict[str, Any]:
    """Each judged item's points by id, as `evidence._check_judgements` finds it (`find_item`): a
    judgement of one of them within 0 and its points is no problem (once per standard)."""
    out = {}
    for _, item in standard.item_locations():
        found = standard.find_item(item.id)
        if found is item and item.rule.judged:
            out[item.id] = item.points
    return out
