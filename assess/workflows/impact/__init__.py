"""What-if impact of a standard revision: score a population of evidence records under an old
and a new version of a standard and say what changes — grade transitions, each union whose
grade changes with the items, vetoes and grade conditions that made the difference, and the
distribution of score changes.

`compare` is the library entry point and returns an `Impact`; its renderers (`text`: table and
Markdown, `data`: JSON) are chosen from `assess.workflows.formats`. Numbers stay exact fractions
until they are printed. The parts: `model`, `compare`, `distribution`, `texts` (the words both
renderings use), `text`, `data`.
"""
from __future__ import annotations

from assess.workflows.impact.compare import causes, compare, evidence_files, ladder, load_records
from assess.workflows.impact.data import impact_data, problem_lines, to_dict, to_json
from assess.workflows.impact.distribution import bucket_bounds, bucket_width, distribution
from assess.workflows.impact.model import (NEW, NO_GRADE, OLD, OUT_OF_SCOPE, SCHEMA, Cause, Distribution, Impact,
                                           Invalid, Outcome, UnionResult)
from assess.workflows.impact.text import to_text, transition_rows

__all__ = [
    "NEW", "NO_GRADE", "OLD", "OUT_OF_SCOPE", "SCHEMA", "Cause", "Distribution", "Impact", "Invalid", "Outcome",
    "UnionResult", "bucket_bounds", "bucket_width", "causes", "compare", "distribution", "evidence_files",
    "impact_data", "ladder", "load_records", "problem_lines", "to_dict", "to_json", "to_text", "transition_rows",
]
