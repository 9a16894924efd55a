"""A band (or `otherwise`) that awards more than the item's points; the engine caps the item at its points."""
from __future__ import annotations

from assess.core.types import format_number
from assess.standards.checks._walk import Hit, items

ID = "band-points-over-item"
SEVERITY = "warning"


def check(standard, doc):
    for loc, item, _ in items(standard):
        for bs in item.rule.band_sets():
            at = loc + ("rule",) + bs.at
            for i, (_, points) in enumerate(bs.bands):
                if points > item.points:
                    yield Hit(at + ("bands", i, "points"), {
                        "points": format_number(points), "item": item.id, "item_points": format_number(item.points)})
            if bs.otherwise > item.points:
                yield Hit(at + ("otherwise",), {
                    "points": format_number(bs.otherwise), "item": item.id, "item_points": format_number(item.points)})
