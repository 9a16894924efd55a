"""Section caps that do not add up to the standard's declared `total`."""
from __future__ import annotations


from assess.core.exact import Fraction
from assess.core.types import format_number
from assess.standards.checks._walk import Hit

ID = "caps-total"
SEVERITY = "error"


def check(standard, doc):
    caps = sum((s.cap for s in standard.sections), Fraction(0))
    if caps != standard.total:
        yield Hit(("total",), {"total": format_number(standard.total), "sum": format_number(caps)})
