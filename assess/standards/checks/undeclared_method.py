"""A verification method (考核方法) an item names that is neither built in nor declared under `methods:`."""
from __future__ import annotations

import difflib

from assess.model.standard import BUILTIN_METHODS
from assess.standards.checks._walk import Hit, items

ID = "undeclared-method"
SEVERITY = "error"


def check(standard, doc):
    known = list(BUILTIN_METHODS) + sorted(standard.methods)
    for loc, item, _ in items(standard):
        for k, method in enumerate(item.method):
            if method not in known:
                close = difflib.get_close_matches(method, known, n=1)
                params = {"method": method, "known": ", ".join(known)}
                yield Hit(loc + ("method", k), dict(params, hint=close[0]) if close else params, "hint" if close else "")
