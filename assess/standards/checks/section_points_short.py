"""A section whose items add up to less than its cap, so the section can never reach it."""
from __future__ import annotations


from assess.core.exact import Fraction
from assess.core.types import format_number
from assess.standards.checks._walk import Hit

ID = "section-points-short"
SEVERITY = "warning"


def check(standard, doc):
    for i, section in enumerate(standard.sections):
        points = sum((it.points for it in section.items), Fraction(0))
        if points < section.cap:
            yield Hit(("sections", i, "cap"), {"section": section.id, "sum": format_number(points),
                                               "cap": format_number(section.cap)})
