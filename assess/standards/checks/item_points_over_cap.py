"""An item worth more points than its section's cap: the sheet promises points the section can never give."""
from __future__ import annotations

from assess.core.types import format_number
from assess.standards.checks._walk import Hit, items

ID = "item-points-over-cap"
SEVERITY = "error"


def check(standard, doc):
    for loc, item, section in items(standard):
        if section is not None and item.points > section.cap:
            yield Hit(loc + ("points",), {"item": item.id, "points": format_number(item.points),
                                          "section": section.id, "cap": format_number(section.cap)})
