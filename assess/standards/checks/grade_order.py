"""A grade ladder out of order: grades must be listed highest first, so a grade may not need more
points than the grade above it."""
from __future__ import annotations

from assess.core.types import format_number
from assess.standards.checks._walk import Hit

ID = "grade-order"
SEVERITY = "error"


def check(standard, doc):
    for i in range(1, len(standard.grades)):
        above, grade = standard.grades[i - 1], standard.grades[i]
        if grade.min_score > above.min_score:
            yield Hit(("grades", i, "min_score"), {
                "grade": grade.id, "min": format_number(grade.min_score),
                "above": above.id, "above_min": format_number(above.min_score)})
