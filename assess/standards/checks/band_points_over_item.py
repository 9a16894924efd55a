"""A band (or `otherwise`) that awards more than the item's points; the engine caps the item at its points."""
from __future__ import annotations

from assess.core.types import format_number
from assess.model.standard import Bands
from assess.standards.checks._walk import Hit, items

ID = "band-points-over-item"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        rule = item.rule
        if not isinstance(rule, Bands):
            continue
        for i, band in enumerate(rule.bands):
            if band.points > item.points:
                yield Hit(loc + ("rule", "bands", i, "points"), {
                    "points": format_number(band.points), "item": item.id, "item_points": format_number(item.points)})
        if rule.otherwise > item.points:
            yield Hit(loc + ("rule", "otherwise"), {
                "points": format_number(rule.otherwise), "item": item.id, "item_points": format_number(item.points)})
