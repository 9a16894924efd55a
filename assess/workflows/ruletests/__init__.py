"""Rule tests: small evidence records with the outcome a standard should give them, and coverage.

A standard's test cases live next to it in `<stem>.tests.yaml`. Each case is an evidence record
reduced to the facts that matter (plus shared `defaults`) and what the standard must make of it:
the grade, the score, the statuses of chosen items, vetoes. `run_cases` scores every case with the
engine, compares, and reports which parts of the standard no case exercised (coverage units:
items, bands, deductions, vetoes, gates, grades; see docs/rule-tests.md).

The parts: `cases` (the case file), `record` (a case's evidence record), `results` (the typed
`TestReport` and `TestRun`), `run`, `compare`, `coverage`, and the renderings `text` and `data`.
"""
from __future__ import annotations

from assess.workflows.ruletests.cases import (SUFFIXES, Case, CaseFile, CaseFileSpec, Defaults, Expectation, ItemExpectation,
                                              LoadedCase, case_file_candidates, case_file_for, load_cases)
from assess.workflows.ruletests.compare import compare
from assess.workflows.ruletests.coverage import coverage_units, covered_units
from assess.workflows.ruletests.data import report_dict, run_data
from assess.workflows.ruletests.record import build_record
from assess.workflows.ruletests.results import (SCHEMA, UNIT_KINDS, CaseResult, Coverage, Failure, TestReport, TestRun,
                                                Unit)
from assess.workflows.ruletests.run import run_cases
from assess.workflows.ruletests.text import render_text, run_text

__all__ = [
    "SCHEMA", "SUFFIXES", "UNIT_KINDS", "Case", "CaseFile", "CaseFileSpec", "CaseResult", "Coverage", "Defaults",
    "Expectation", "Failure", "ItemExpectation", "LoadedCase", "TestReport", "TestRun", "Unit", "build_record",
    "case_file_candidates", "case_file_for", "compare", "coverage_units", "covered_units", "load_cases", "render_text",
    "report_dict", "run_cases", "run_data", "run_text",
]
