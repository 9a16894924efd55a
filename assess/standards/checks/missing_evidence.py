"""An item that names no `evidence`: neither the union nor the inspector knows which documents prove it."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, items

ID = "missing-evidence"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        if not any(e.zh.strip() for e in item.evidence):
            yield Hit(loc + ("evidence",), {"item": item.id})
