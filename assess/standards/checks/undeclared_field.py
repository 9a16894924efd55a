"""A rule, condition, derived value, `not_above` or `effort.fields` entry that names a field or derived value nobody declared."""
from __future__ import annotations

import difflib

from assess.standards.checks._walk import Hit, references

ID = "undeclared-field"
SEVERITY = "error"


def _hit(loc, name, known, variant=""):
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        return Hit(loc, {"name": name, "hint": close[0]}, variant + "-hint" if variant else "hint")
    return Hit(loc, {"name": name}, variant)


def check(standard, doc):
    known = set(standard.fields) | set(standard.derived)
    for fname, decl in standard.fields.items():
        if decl.not_above and decl.not_above not in standard.fields:
            yield _hit(("fields", fname, "not_above"), decl.not_above, standard.fields, "not-above")
    for loc, name in references(standard):
        if name not in known:
            yield _hit(loc, name, known)
    if standard.effort is not None:
        for name in standard.effort.fields:
            if name not in standard.fields:
                yield _hit(("effort", "fields", name), name, standard.fields)
