"""A derived count of events, or an `effort.events` cost, whose kind is not listed in `event_kinds`."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "undeclared-event-kind"
SEVERITY = "error"


def check(standard, doc):
    for name, d in standard.derived.items():
        if d.count_events is None:
            continue
        for k, kind in enumerate(d.count_events.kind):
            if kind not in standard.event_kinds:
                yield Hit(("derived", name, "count_events", "kind", k), {"kind": kind})
    if standard.effort is not None:
        for kind in standard.effort.events:
            if kind not in standard.event_kinds:
                yield Hit(("effort", "events", kind), {"kind": kind})
