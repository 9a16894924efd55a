"""Lint rules for standard files, one module per rule (yamllint style).

Each rule module has `ID` (kebab-case), `SEVERITY` ("error" | "warning"), a docstring whose first
line says what it catches, and `check(standard, doc)` yielding `Hit`s. A hit names where (a key
path that `Document.position` turns into file, line and column) and the message parameters; the
texts live in messages.yaml under `check.<id>` (or `check.<id>.<variant>`) and `check.<id>.fix`.
Errors make a standard unusable: the catalogue refuses it (assess.standards.validation). Warnings do not.
"""
from __future__ import annotations

from types import ModuleType
from typing import Iterator

from assess.core.messages import message
from assess.core.problems import dotted
from assess.standards.checks._walk import Hit
from assess.standards.checks import (
    band_points_over_item,
    band_unreachable,
    bands_order,
    bands_overlap,
    caps_total,
    condition_always_met,
    condition_unmeetable,
    deduction_never_triggers,
    derived_cycle,
    duplicate_id,
    effective_dates,
    engine_limits,
    grade_order,
    grade_unreachable,
    item_points_over_cap,
    missing_evidence,
    missing_remediation,
    name_clash,
    reserved_name,
    section_points_short,
    text_placeholder,
    threshold_range,
    undeclared_event_kind,
    undeclared_field,
    undeclared_grade,
    undeclared_method,
    scores_misuse,
    unused_field,
    veto_no_condition,
    wrong_type_comparison,
)

ERROR, WARNING = "error", "warning"
__all__ = ["ERROR", "WARNING", "RULES", "Hit", "run", "text"]


# The registry, in the order rules run (names first, then arithmetic, then advice).
RULES: tuple[ModuleType, ...] = (
    name_clash,
    reserved_name,
    effective_dates,
    duplicate_id,
    undeclared_field,
    undeclared_event_kind,
    undeclared_grade,
    undeclared_method,
    scores_misuse,
    derived_cycle,
    unused_field,
    wrong_type_comparison,
    threshold_range,
    engine_limits,
    caps_total,
    item_points_over_cap,
    section_points_short,
    bands_order,
    bands_overlap,
    band_points_over_item,
    band_unreachable,
    deduction_never_triggers,
    grade_order,
    grade_unreachable,
    condition_unmeetable,
    condition_always_met,
    veto_no_condition,
    text_placeholder,
    missing_remediation,
    missing_evidence,
)


def text(rule: ModuleType, hit: Hit, lang: str | None = None) -> str:
    key = f"check.{rule.ID}" + (f".{hit.variant}" if hit.variant else "")
    return message(key, lang, **hit.params)


def run(standard, doc=None) -> Iterator[tuple[ModuleType, Hit]]:
    """Every rule's hits on a shape-valid standard; `doc` (a loading.Document, or None) is for rules
    that want to look at the file as written."""
    for rule in RULES:
        for hit in rule.check(standard, doc):
            yield rule, hit
