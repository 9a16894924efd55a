"""A grade no evidence could reach: its `min_score` is above the highest score possible (bonus
included when it counts toward grades)."""
from __future__ import annotations

from assess.core.types import format_number
from assess.standards.checks._walk import Hit, most_grade_score

ID = "grade-unreachable"
SEVERITY = "error"


def check(standard, doc):
    most = most_grade_score(standard)
    for i, grade in enumerate(standard.grades):
        if grade.min_score > most:
            yield Hit(("grades", i, "min_score"), {"grade": grade.id, "min": format_number(grade.min_score),
                                                   "max": format_number(most)})
