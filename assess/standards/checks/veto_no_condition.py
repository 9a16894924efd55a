"""A veto with a missing or empty `when`: nobody could tell when it rules a unit out."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "veto-no-condition"
SEVERITY = "error"


def check(standard, doc):
    for i, veto in enumerate(standard.vetoes):
        if not veto.when:
            yield Hit(("vetoes", i, "when"), {"veto": veto.id})
