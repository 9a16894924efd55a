"""The inspection layer (考核): what an inspector found on site, checked against the evidence record
it refers to, and applied to that record to give the inspected record.

An inspection file names one evidence record (union id, period and the record's sha256) and the
standard it was made for, and records, per item: facts corrected (the observed value), documents
not verified or missing, judgement scores with reasons, and notes; plus the inspector and the date.
`assess inspect` writes a worksheet in the same format, pre-filled from the evidence; anything left
blank means "confirmed as reported", so an untouched worksheet scores exactly as the self-check.

The parts: `model` (the inspection file: model, loading, matching the record and the standard),
`facts` (which facts an item reads), `apply` (the inspected record), `worksheet`, `statuses` (the
words a status is written in) and `standins` (what stands in for a bad value, so that every problem
of a file comes in one run).
"""
from __future__ import annotations

from assess.workflows.inspection.apply import (Correction, Inspected, JudgementFinding, Unproven,
                                               apply_inspection)
from assess.workflows.inspection.facts import condition_facts, declared_inputs, item_facts
from assess.workflows.inspection.model import (SCHEMA, DocumentFinding, InspectionFile, InspectionRefused, ItemFinding,
                                               LoadedInspection, Reference, check_reference, check_standard,
                                               inspection_from_data, inspection_from_document, load_inspection,
                                               standard_ref)
from assess.workflows.inspection.statuses import STATUSES, UNPROVEN
from assess.workflows.inspection.worksheet import worksheet

__all__ = [
    "SCHEMA", "STATUSES", "UNPROVEN", "Correction", "DocumentFinding", "Inspected", "InspectionFile", "InspectionRefused",
    "ItemFinding", "JudgementFinding", "LoadedInspection", "Reference", "Unproven", "apply_inspection", "check_reference",
    "check_standard", "condition_facts", "declared_inputs", "inspection_from_data", "inspection_from_document",
    "item_facts", "load_inspection", "standard_ref", "worksheet",
]
