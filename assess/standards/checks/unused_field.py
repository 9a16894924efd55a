"""An evidence field or derived value that is declared but never read by any rule, condition or derived value."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, references

ID = "unused-field"
SEVERITY = "warning"


def check(standard, doc):
    used = {name for _, name in references(standard)}
    # A field named as another's upper bound (members not_above employees) checks records: it is used.
    used |= {d.not_above for d in standard.fields.values() if d.not_above}
    for group in ("fields", "derived"):
        for name in getattr(standard, group):
            if name not in used:
                yield Hit((group, name), {"name": name})
