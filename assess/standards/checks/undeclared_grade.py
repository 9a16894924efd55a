"""A veto scoped to a grade (`grades:`) that the standard does not list."""
from __future__ import annotations

import difflib

from assess.standards.checks._walk import Hit

ID = "undeclared-grade"
SEVERITY = "error"


def check(standard, doc):
    known = [g.id for g in standard.grades]
    for vi, veto in enumerate(standard.vetoes):
        for k, grade in enumerate(veto.grades or []):
            if grade not in known:
                close = difflib.get_close_matches(grade, known, n=1)
                params = {"grade": grade, "known": ", ".join(known)}
                yield Hit(("vetoes", vi, "grades", k), dict(params, hint=close[0]) if close else params, "hint" if close else "")
