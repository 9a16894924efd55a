"""Scorecards rendered in any output format, for front ends that hand files to people (the web
app's printable acceptance sheet, CSV and xlsx downloads) without reaching below the library API.
"""
from __future__ import annotations

from typing import Any

from assess.core.messages import use_language
from assess.workflows.formats import formats_for
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
