"""The federation report: how a population of unions scored, from a batch file or the store.

Per standard and period: the grade distribution (overall, by parent federation, by kind of
unit), the most common gaps with the share of unions affected, the units that applied for a grade
and did not reach it, and the change against the previous period. Printed as tables, as JSON, or
written as one self-contained HTML page with inline SVG charts (no scripts, no network).

Input is any iterable of scorecard dicts (the schema of `assess score --format json`). Each card
is boiled down to a small summary as it is read, so a large batch file streams. Names (standard,
grades, items, vetoes) are taken from the built-in standard with the card's sha256 when it is
known, in the language asked for; otherwise from the card's own texts.

The parts: `reading` (batch files, --period), `rejected` (a batch's errors file), `names`, `model`
(the typed `Report`), `compute` (`build_report`), and its renderings: `data` (JSON), `sections`
(what text and HTML share), `text`, `html_page` with `svg_charts`, `attachment` (the full list as
CSV or xlsx); `history` renders `assess history`.
"""
from __future__ import annotations

from assess.workflows.report.attachment import list_heads, list_rows, write_list
from assess.workflows.report.compute import build_report
from assess.workflows.report.data import SCHEMA, render_json, report_data, report_dict
from assess.workflows.report.history import (HISTORY_SCHEMA, History, history_data, history_dict, history_table,
                                             render_history)
from assess.workflows.report.html_page import charts, render_html
from assess.workflows.report.model import Change, Duplicate, PeriodRef, Rejected, Report, StandardReport, Summary, share
from assess.workflows.report.names import gap_key, kind_name
from assess.workflows.report.reading import is_store_file, parse_period, read_batch
from assess.workflows.report.rejected import default_errors_file, read_rejected
from assess.workflows.report.sections import Section, sections
from assess.workflows.report.svg_charts import text_width as svg_text_width
from assess.workflows.report.text import duplicate_notes, render_text

__all__ = [
    "HISTORY_SCHEMA", "SCHEMA", "Change", "Duplicate", "History", "PeriodRef", "Rejected", "Report", "Section", "StandardReport",
    "Summary", "build_report", "charts", "default_errors_file", "duplicate_notes", "gap_key", "history_data", "history_dict", "history_table",
    "is_store_file", "kind_name", "list_heads", "list_rows", "parse_period", "read_batch", "read_rejected",
    "render_history", "render_html", "render_json", "render_text", "report_data", "report_dict", "sections", "share",
    "svg_text_width", "write_list",
]
