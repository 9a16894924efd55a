"""A field or derived value named `id` or `sid`, names the rules engine (durable_rules) keeps for
itself, or holding `__`, which names the hidden values the compiler adds (differences, ranks)."""
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
            elif "__" in name:
                yield Hit((group, name), {"name": name}, "double-underscore")
