"""JSON output for every result: the result's data (a JSON-ready dict or list, its schema named in
it) written by the one deterministic JSON writer, `assess.core.jsonout.json_text`."""
from __future__ import annotations

from typing import Any, Callable

from assess.core.jsonout import json_text
from assess.present.renderers import Renderer


def json_renderer(to_data: Callable[..., Any]) -> Renderer:
    """A renderer that writes `to_data(result, lang, **options)` as one JSON document (sorted
    keys, two-space indent, newline at the end). `to_data` must return JSON-ready data."""

    def render(result: Any, lang: str, /, **options: Any) -> str:
        return json_text(to_data(result, lang, **options))

    render.__name__ = render.__qualname__ = f"json_of_{getattr(to_data, '__name__', 'data')}"
    render.__doc__ = f"JSON of {getattr(to_data, '__name__', 'the data')}."
    return render


def scorecards_data(cards: list[dict[str, Any]], lang: str | None = None, **_options: Any) -> Any:
    """`assess score --format json`: one scorecard as an object, several as an array (a plain
    list: json_text writes exact lists and dicts fastest)."""
    return cards[0] if len(cards) == 1 else list(cards)


def acceptance_data(result: dict[str, Any], lang: str | None = None, **_options: Any) -> dict[str, Any]:
    """The acceptance result is its own JSON data (schema assess.acceptance/1), as a plain dict."""
    return dict(result)
