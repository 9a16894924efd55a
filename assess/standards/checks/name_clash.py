"""A name declared both as an evidence field and as a derived value."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "name-clash"
SEVERITY = "error"


def check(standard, doc):
    for name in standard.derived:
        if name in standard.fields:
            yield Hit(("derived", name), {"name": name})
