"""Two sections, two items (bonus items and deductions from the total included), two vetoes, two
grades or two 申报条件 with the same id."""
from __future__ import annotations

from assess.core.problems import dotted
from assess.standards.checks._walk import Hit, items

ID = "duplicate-id"
SEVERITY = "error"


def check(standard, doc):
    entries = [("section", ("sections", i), s.id) for i, s in enumerate(standard.sections)]
    entries += [("item", loc, it.id) for loc, it, _ in items(standard)]
    entries += [("veto", ("vetoes", i), v.id) for i, v in enumerate(standard.vetoes)]
    entries += [("grade", ("grades", i), g.id) for i, g in enumerate(standard.grades)]
    entries += [("eligibility", ("eligibility", i), e.id) for i, e in enumerate(standard.eligibility)]
    first: dict[tuple[str, str], tuple] = {}
    for kind, loc, ident in entries:
        if (kind, ident) in first:
            yield Hit(loc + ("id",), {"id": ident, "first": dotted(first[kind, ident])})
        else:
            first[kind, ident] = loc
