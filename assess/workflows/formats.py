"""Output formats: the one table that says which renderer turns which result into which format.

`RENDERERS` maps (result type, format name) to a renderer (`assess.present.renderers.Renderer`:
`(result, lang, **options) -> str`); each renderer lives in a module of its own and reads only
that one result. Every list of formats (the CLI's `--format` choices, what `assess batch`
writes) is read from this table, so a format exists exactly when it has a line here.

The table sits at the workflows layer because it has to see every result type: those of
`assess.present` (scorecards, the acceptance result, a scored batch record), of
`assess.standards` (lint findings), of `assess.store` (the audit trail) and of the workflows
(impact, report, history, rule tests).

Callers: `render(result, fmt, lang)` for any typed result; `render_scorecards(cards, fmt, lang)`
and `render_acceptance(result, fmt, lang)` for the dicts the scorecard and the acceptance check
return; `formats_for(ResultType)` for the choices.

To add a format: write its renderer (in `assess/present/renderers/` for a result of that layer or
below, else beside the workflow whose result it reads), add one line here, and put every text it
prints in messages.yaml.
"""
from __future__ import annotations

from typing import Any

from assess.present.renderers import Acceptance, Renderer, ScoredRecord, Scorecards
from assess.present.renderers import acceptance_csv, acceptance_html, acceptance_text, record_csv, record_jsonl
from assess.present.renderers import scorecard_csv, scorecard_html, scorecard_text
from assess.present.renderers.jsondoc import acceptance_data, json_renderer, scorecards_data
from assess.standards.lint import LintReport
from assess.standards.lint import report_data as lint_data
from assess.standards.lint import report_text as lint_text
from assess.store import AuditReport, audit_data, audit_text
from assess.workflows.impact import Impact, impact_data
from assess.workflows.impact import text as impact_text
from assess.workflows.report import History, Report, history_data, history_table, render_html, render_text, report_data
from assess.workflows.ruletests import TestRun, run_data, run_text

RENDERERS: dict[tuple[type, str], Renderer] = {
    (Scorecards, "table"): scorecard_text.table,
    (Scorecards, "json"): json_renderer(scorecards_data),
    (Scorecards, "markdown"): scorecard_text.markdown,
    (Scorecards, "csv"): scorecard_csv.to_csv,
    (Scorecards, "html"): scorecard_html.to_html,
    (Acceptance, "table"): acceptance_text.table,
    (Acceptance, "json"): json_renderer(acceptance_data),
    (Acceptance, "markdown"): acceptance_text.markdown,
    (Acceptance, "csv"): acceptance_csv.to_csv,
    (Acceptance, "html"): acceptance_html.to_html,
    (ScoredRecord, "jsonl"): record_jsonl.JSONL,
    (ScoredRecord, "csv"): record_csv.CSV,
    (Impact, "table"): impact_text.table,
    (Impact, "markdown"): impact_text.markdown,
    (Impact, "json"): json_renderer(impact_data),
    (Report, "table"): render_text,
    (Report, "json"): json_renderer(report_data),
    (Report, "html"): render_html,
    (TestRun, "text"): run_text,
    (TestRun, "json"): json_renderer(run_data),
    (LintReport, "text"): lint_text,
    (LintReport, "json"): json_renderer(lint_data),
    (History, "table"): history_table,
    (History, "json"): json_renderer(history_data),
    (AuditReport, "table"): audit_text,
    (AuditReport, "json"): json_renderer(audit_data),
}


def formats_for(result_type: type) -> tuple[str, ...]:
    """The format names a result type renders to, in the table's order (the first is the
    default). Raises ValueError for a type no renderer reads."""
    found = tuple(fmt for kind, fmt in RENDERERS if kind is result_type)
    if not found:
        raise ValueError(f"no renderer reads {result_type.__name__}")
    return found


def renderer_for(result_type: type, fmt: str) -> Renderer:
    """The renderer of `result_type` in format `fmt`. Raises ValueError naming the formats there
    are when there is none."""
    found = RENDERERS.get((result_type, fmt))
    if found is None:
        raise ValueError(f"{result_type.__name__} has no format {fmt!r}; formats: {', '.join(formats_for(result_type))}")
    return found


def render(result: Any, fmt: str, lang: str, **options: Any) -> str:
    """`result` as text in format `fmt` and language `lang`; `options` go to the renderer (for
    example `verbose` for rule tests). The renderer is chosen by the result's type. Raises
    ValueError for a type or format with no renderer."""
    return renderer_for(type(result), fmt)(result, lang, **options)


def render_scorecards(cards: list[dict[str, Any]], fmt: str, lang: str) -> str:
    """Scorecard dicts (assess.scorecard/1) in one of `formats_for(Scorecards)`: table, json,
    markdown, csv, html. One card prints as an object in JSON, several as an array."""
    return render(Scorecards(cards), fmt, lang)


def render_acceptance(result: dict[str, Any], fmt: str, lang: str) -> str:
    """The acceptance result (assess.acceptance/1) in one of `formats_for(Acceptance)`."""
    return render(Acceptance(result), fmt, lang)
