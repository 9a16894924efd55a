"""An item (bonus items included) with no `remediation`: a union that loses its points is not told what to do."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, items

ID = "missing-remediation"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        if item.remediation is None or not item.remediation.zh.strip():
            yield Hit(loc + ("remediation",), {"item": item.id})
