"""`effective_to` earlier than `effective_from`."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "effective-dates"
SEVERITY = "error"


def check(standard, doc):
    if standard.effective_to and standard.effective_to < standard.effective_from:
        yield Hit(("effective_to",), {"start": standard.effective_from.isoformat(), "end": standard.effective_to.isoformat()})
