"""Cheaper tests that prove a record free of some problems against a standard, so that
`assess.model.evidence.check_record` skips the checks that would find none (most records of a
batch): each gives True only where the general check finds nothing, and says nothing otherwise."""
from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any

from assess.core.per_object import once_per_object
from assess.model.references import own_event_kinds
from assess.model.standard import Standard


def plain_events(record: Any, standard: Standard) -> tuple[bool, date | None]:
    """Whether a cheaper test proves that the record's events are kept as they are by
    resolve_events (every kind written as an id of the standard's, `own_event_kinds`) with no
    problem, and that _check_events finds none (none dated after the period, none citing a
    document): a pass over the events for each, in C (most records). False says only that it
    cannot tell.
    With True, the first day of the events (None: there are none)."""
    events = record.events
    if not events:
        return True, None
    if not own_event_kinds(standard).issuperset(map(_KIND, events)) or any(map(_DOCUMENTS, events)):
        return False, None
    dates = list(map(_DATE, events))  # read once for the last day and the first
    if max(dates) <= record.period.end:
        return True, min(dates)
    return False, None


_KIND = attrgetter("kind")
_DATE = attrgetter("date")
_DOCUMENTS = attrgetter("documents")


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
