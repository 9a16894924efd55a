"""Output formats: the one table that says which renderer turns which result into which format.

`RENDERERS` maps (result type's name, format name) to where its renderer lives
(`module:function`; `json:module:function` names a function giving the JSON-ready data, written
by the one JSON writer). A renderer (`assess.present.renderers.Renderer`:
`(result, lang, **options) -> str | FileOutput`) lives in a module of its own and reads only
that one result; file formats (CSV, xlsx, PDF) return a `FileOutput`, the bytes to write.
Renderers are imported when first used, so a command loads only the renderers it prints with. Every list of formats (the CLI's `--format` choices, what `assess batch`
writes) is read from this table, so a format exists exactly when it has a line here.

The table sits at the workflows layer because it has to see every result type: those of
`assess.present` (scorecards, the acceptance result, a scored batch record), of
`assess.standards` (lint findings), of `assess.store` (the audit trail) and of the workflows
(impact, report, history, rule tests).

Callers: `render(result, fmt, lang)` for any typed result; `render_scorecards(cards, fmt, lang)`
and `render_acceptance(result, fmt, lang)` for the dicts the scorecard and the acceptance check
return; `formats_for(ResultType)` for the choices; `format_of_file(path, ResultType)` for the
format an output file's suffix names (the one suffix table, `SUFFIX_FORMATS`).

To add a format: write its renderer (in `assess/present/renderers/` for a result of that layer or
below, else beside the workflow whose result it reads), add one line here, and put every text it
prints in messages.yaml.
"""
from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import Any

from assess.present.renderers import Acceptance, FileOutput, Renderer, Scorecards

_P = "assess.present.renderers."
RENDERERS: dict[tuple[str, str], str] = {
    ("Scorecards", "table"): _P + "scorecard_text:table",
    ("Scorecards", "json"): "json:" + _P + "jsondoc:scorecards_data",
    ("Scorecards", "markdown"): _P + "scorecard_text:markdown",
    ("Scorecards", "csv"): _P + "scorecard_csv:to_csv",
    ("Scorecards", "html"): _P + "scorecard_html:to_html",
    ("Scorecards", "xlsx"): _P + "scorecard_xlsx:to_xlsx",
    ("Scorecards", "pdf"): _P + "pdf:scorecards_pdf",
    ("Acceptance", "table"): _P + "acceptance_text:table",
    ("Acceptance", "json"): "json:" + _P + "jsondoc:acceptance_data",
    ("Acceptance", "markdown"): _P + "acceptance_text:markdown",
    ("Acceptance", "csv"): _P + "acceptance_csv:to_csv",
    ("Acceptance", "html"): _P + "acceptance_html:to_html",
    ("Acceptance", "xlsx"): _P + "acceptance_xlsx:to_xlsx",
    ("Acceptance", "pdf"): _P + "pdf:acceptance_pdf",
    ("ScoredRecord", "jsonl"): _P + "record_jsonl:JSONL",
    ("ScoredRecord", "csv"): _P + "record_csv:CSV",
    ("ScoredRecord", "xlsx"): _P + "record_xlsx:XLSX",
    ("Impact", "table"): "assess.workflows.impact.text:table",
    ("Impact", "markdown"): "assess.workflows.impact.text:markdown",
    ("Impact", "json"): "json:assess.workflows.impact:impact_data",
    ("Report", "table"): "assess.workflows.report:render_text",
    ("Report", "json"): "json:assess.workflows.report:report_data",
    ("Report", "html"): "assess.workflows.report:render_html",
    ("TestRun", "text"): "assess.workflows.ruletests:run_text",
    ("TestRun", "json"): "json:assess.workflows.ruletests:run_data",
    ("LintReport", "text"): "assess.standards.lint:report_text",
    ("LintReport", "json"): "json:assess.standards.lint:report_data",
    ("History", "table"): "assess.workflows.report:history_table",
    ("History", "json"): "json:assess.workflows.report:history_data",
    ("AuditReport", "table"): "assess.store:audit_text",
    ("AuditReport", "json"): "json:assess.store:audit_data",
}


# A file's suffix -> the format it names: what `assess score --out FILE` and `assess batch --out
# FILE` write when --format is not given (a file named 结果.xlsx holding a text table would not open
# in Excel). The one table of suffixes: `format_of_file` keeps those a result type renders to.
SUFFIX_FORMATS: dict[str, str] = {".xlsx": "xlsx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".csv": "csv",
                                  ".json": "json", ".jsonl": "jsonl", ".md": "markdown"}


def format_of_file(path: str | None, result_type: type | str) -> str:
    """The format `path`'s suffix names (SUFFIX_FORMATS, any case) when `result_type` renders to it;
    else the type's first format (table for scorecards, jsonl for batch records)."""
    formats = formats_for(result_type)
    found = SUFFIX_FORMATS.get(os.path.splitext(path)[1].lower()) if path else None
    return found if found in formats else formats[0]


def _name(result_type: type | str) -> str:
    return result_type if isinstance(result_type, str) else result_type.__name__


def formats_for(result_type: type | str) -> tuple[str, ...]:
    """The format names a result type (the type or its name) renders to, in the table's order
    (the first is the default). Raises ValueError for a type no renderer reads."""
    name = _name(result_type)
    found = tuple(fmt for kind, fmt in RENDERERS if kind == name)
    if not found:
        raise ValueError(f"no renderer reads {name}")
    return found


@lru_cache(maxsize=None)
def _load(target: str) -> Renderer:
    as_json = target.startswith("json:")
    module, _, attr = target.removeprefix("json:").partition(":")
    found = getattr(importlib.import_module(module), attr)
    if as_json:
        from assess.present.renderers.jsondoc import json_renderer

        return json_renderer(found)
    return found


def renderer_for(result_type: type | str, fmt: str) -> Renderer:
    """The renderer of `result_type` in format `fmt`. Raises ValueError naming the formats there
    are when there is none."""
    name = _name(result_type)
    target = RENDERERS.get((name, fmt))
    if target is None:
        raise ValueError(f"{name} has no format {fmt!r}; formats: {', '.join(formats_for(name))}")
    return _load(target)


def render(result: Any, fmt: str, lang: str, **options: Any) -> str | FileOutput:
    """`result` in format `fmt` and language `lang`: text, or a `FileOutput` (the bytes of a CSV,
    xlsx or PDF file); `options` go to the renderer (for example `verbose` for rule tests,
    `csv_encoding` for CSV). The renderer is chosen by the result's type. Raises ValueError for a
    type or format with no renderer; a PDF renderer raises `OutputUnavailable` when Chromium is
    not installed."""
    return renderer_for(type(result), fmt)(result, lang, **options)


def render_scorecards(cards: list[dict[str, Any]], fmt: str, lang: str, **options: Any) -> str | FileOutput:
    """Scorecard dicts (assess.scorecard/3) in one of `formats_for(Scorecards)`: table, json,
    markdown, csv, html, xlsx, pdf. One card prints as an object in JSON, several as an array.
    `options`: `csv_encoding` (CSV only; the other formats ignore it)."""
    return render(Scorecards(cards), fmt, lang, **options)


def render_acceptance(result: dict[str, Any], fmt: str, lang: str, **options: Any) -> str | FileOutput:
    """The acceptance result (assess.acceptance/1) in one of `formats_for(Acceptance)`; `options`
    as for `render_scorecards`."""
    return render(Acceptance(result), fmt, lang, **options)
