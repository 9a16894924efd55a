"""A field or derived value named `id` or `sid`, names the rules engine (durable_rules) keeps for itself."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "reserved-name"
SEVERITY = "error"
RESERVED = ("id", "sid")


def check(standard, doc):
    for group in ("fields", "derived"):
        for name in getattr(standard, group):
            if name in RESERVED:
                yield Hit((group, name), {"name": name})
