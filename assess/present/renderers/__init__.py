"""Renderers: one module per output format of a result, each reading that one typed result.

A renderer is a function `(result, lang, **options) -> str` (`Renderer` below) that turns one
result into the bytes a user reads: a terminal table, Markdown, CSV, JSON or an HTML page. It reads
the result and nothing else; computing belongs to the workflow that made the result.

Which renderer serves which (result type, format) is one table, `assess.workflows.formats.RENDERERS`
(it sits at the workflows layer because it must see every result type). To add a format: write
the renderer in a module of its own (here for results of this layer and below, beside the
workflow for a workflow's result), add one line to that table, and its texts to messages.yaml.

The result types defined at this layer, for results that are plain dicts elsewhere:
`Scorecards` (scorecard dicts printed together) and `Acceptance` (the acceptance check's dict).
"""
from __future__ import annotations

from typing import Any, Protocol, TypeVar

R = TypeVar("R", contravariant=True)


class Renderer(Protocol[R]):
    """Turns one result into text in `lang` ("zh" or "en"); `options` are the format's own
    switches (say, `verbose`), which the caller passes through `render`."""

    def __call__(self, result: R, lang: str, /, **options: Any) -> str: ...


class Scorecards(list):
    """Scorecard dicts (schema assess.scorecard/1, from `assess.present.scorecard.score`), printed
    together in this order. A list, typed so that the renderer table can tell it apart."""


class Acceptance(dict):
    """The acceptance check's result (schema assess.acceptance/1, from
    `assess.workflows.acceptance.accept`): the self-check and inspection scorecards, findings,
    differences and the conclusion. A dict, typed so that the renderer table can tell it apart."""
