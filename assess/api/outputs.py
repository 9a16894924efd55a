"""Scorecards rendered in any output format, for front ends that hand files to people (the web
app's printable acceptance sheet, CSV and xlsx downloads) without reaching below the library API.
"""
from __future__ import annotations

from typing import Any

from assess.core.messages import use_language
from assess.workflows.formats import formats_for
from assess.workflows.formats import render_acceptance as _render_acceptance
from assess.workflows.formats import render_scorecards as _render


def scorecard_formats() -> tuple[str, ...]:
    """The format names scorecards render to (as `assess score --format`)."""
    return formats_for("Scorecards")


def render_scorecards(cards: list[dict[str, Any]], fmt: str, lang: str = "zh", **options: Any) -> Any:
    """`cards` (scorecards, as `Scored.card`) in `fmt` ("json", "html", "csv", "xlsx", ...): text
    (`str`) for a text format, else a `FileOutput` (`.data` bytes, `.suffix`). The same cards give
    the same bytes. Raises ValueError for an unknown format, `OutputUnavailable` for pdf without
    Chromium."""
    with use_language(lang):
        return _render(cards, fmt, lang, **options)


def render_acceptance(result: dict[str, Any], fmt: str, lang: str = "zh", **options: Any) -> Any:
    """An acceptance check's result (`Acceptance.result`, schema assess.acceptance/1) in `fmt`
    ("json", "html": the printable sheet with both columns, "csv", "xlsx", ...), as
    `assess score --inspection --format`. Raises as render_scorecards."""
    with use_language(lang):
        return _render_acceptance(result, fmt, lang, **options)
