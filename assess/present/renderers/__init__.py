"""Renderers: one module per output format of a result, each reading that one typed result.

A renderer is a function `(result, lang, **options) -> str` (`Renderer` below) that turns one
result into the bytes a user reads: a terminal table, Markdown, CSV, JSON or an HTML page. It reads
the result and nothing else; computing belongs to the workflow that made the result.

Which renderer serves which (result type, format) is one table, `assess.workflows.formats.RENDERERS`
(it sits at the workflows layer because it must see every result type). To add a format: write
the renderer in a module of its own (here for results of this layer and below, beside the
workflow for a workflow's result), add one line to that table, and its texts to messages.yaml.

The result types defined at this layer: `Scorecards` (scorecard dicts printed together),
`Acceptance` (the acceptance check's dict) and `ScoredRecord` (one record of a batch, written a
line at a time by a `LineRenderer`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping, Protocol, TypeVar

from assess.model.evidence import LoadedEvidence
from assess.scoring.results import Evaluation

R = TypeVar("R", contravariant=True)


class Renderer(Protocol[R]):
    """Turns one result into text in `lang` ("zh" or "en"); `options` are the format's own
    switches (say, `verbose`), which the caller passes through `render`."""

    def __call__(self, result: R, lang: str, /, **options: Any) -> str: ...


class Scorecards(list):
    """Scorecard dicts (schema assess.scorecard/3, from `assess.present.scorecard.score`), printed
    together in this order. A list, typed so that the renderer table can tell it apart."""


class Acceptance(dict):
    """The acceptance check's result (schema assess.acceptance/1, from
    `assess.workflows.acceptance.accept`): the self-check and inspection scorecards, findings,
    differences and the conclusion. A dict, typed so that the renderer table can tell it apart."""


@dataclass(frozen=True)
class ScoredRecord:
    """One record of a batch, scored: what a line of `assess batch` output is made from.

    `evaluation` is the engine's result for `evidence` (the loaded record) with `inputs` (the
    values it was scored on); `engine` names the decider; `lineage` and `as_of` are the standard's
    ancestry and the date its version was chosen for; `position` is where the record was read
    ("file" or "file:line")."""

    evaluation: Evaluation
    inputs: Mapping[str, Any]
    evidence: LoadedEvidence
    engine: str
    lineage: tuple
    as_of: date
    position: str


@dataclass(frozen=True)
class LineRenderer:
    """A renderer for results written one a line into a file (JSON Lines, CSV rows): `line`
    renders one result, newline included; `header` is written once at the top of a new file."""

    line: Callable[[Any, str], str]
    header: str = ""

    def __call__(self, result: Any, lang: str, /, **options: Any) -> str:
        return self.line(result, lang, **options)
