"""Renderers: one module per output format of a result, each reading that one typed result.

A renderer is a function `(result, lang, **options) -> str | FileOutput` (`Renderer` below) that
turns one result into what a user reads: text (a terminal table, Markdown, JSON, an HTML page) or
a file's bytes (`FileOutput`: CSV in its encoding, an xlsx workbook, a PDF). It reads the result
and nothing else; computing belongs to the workflow that made the result. A caller writes text
as text (in the console's encoding) and a `FileOutput` byte for byte, to a file or a pipe.

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

from assess.core.messages import message
from assess.model.evidence import LoadedEvidence
from assess.scoring.results import Evaluation

R = TypeVar("R", contravariant=True)


@dataclass(frozen=True)
class FileOutput:
    """A renderer's output that is a file, not text: `data` are its bytes (CSV in the encoding
    asked for, an xlsx workbook, a PDF); `replaced` counts the times a character the encoding (or
    xlsx) could not hold was written as `?` (U+FFFD in xlsx), `missing` says which characters
    those were (the caller warns once); `suffix` is the usual file suffix; `text`: the bytes are
    text a terminal can show (CSV), not a binary file (xlsx, PDF)."""

    data: bytes
    suffix: str
    replaced: int = 0
    text: bool = False
    missing: frozenset[str] = frozenset()


class OutputUnavailable(Exception):
    """A format this machine cannot make (PDF without headless Chromium): `str(err)` is the
    message for the user, in the language asked for."""


class Renderer(Protocol[R]):
    """Turns one result into text, or a `FileOutput`, in `lang` ("zh" or "en"). `options` are
    switches the caller passes through `render` (say, `verbose`, or `csv_encoding` for CSV); the
    renderers of one result type take the same switches and ignore those their format has no
    use for, so a command passes its options whatever the format."""

    def __call__(self, result: R, lang: str, /, **options: Any) -> str | FileOutput: ...


def column_heads(columns: tuple[str, ...], lang: str | None = None) -> list[str]:
    """The header row of a CSV or xlsx output whose columns are `columns` (ids): each id's words
    (messages.yaml `table.<id>`; a numbered id such as `gap_2` is `table.gap_n` with n=2) in `lang`
    (default: the current language). In Chinese they are words; in English the ids themselves."""
    heads = []
    for column in columns:
        stem, _, n = column.rpartition("_")
        heads.append(message(f"table.{stem}_n", lang, n=n) if n.isdigit() else message(f"table.{column}", lang))
    return heads


def yes_no(value: bool, lang: str | None = None) -> str:
    """A yes-or-no cell in words (是 / 否), not a code."""
    return message("word.yes" if value else "word.no", lang)


class Scorecards(list):
    """Scorecard dicts (schema assess.scorecard/3, from `assess.present.scorecard.score`), printed
    together in this order. A list, typed so that the renderer table can tell it apart."""


class Acceptance(dict):
    """The acceptance check's result (schema assess.acceptance/1, from
    `assess.workflows.acceptance.accept`): the self-check and inspection scorecards, findings,
    differences and the conclusion. A dict, typed so that the renderer table can tell it apart."""


@dataclass(frozen=True, init=False)
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

    def __init__(self, evaluation: Evaluation, inputs: Mapping[str, Any], evidence: LoadedEvidence, engine: str,
                 lineage: tuple, as_of: date, position: str) -> None:
        # The fields set in the instance's dict directly: a frozen dataclass's own __init__ sets
        # each through object.__setattr__, and a batch makes one of these for every record.
        fields = self.__dict__
        fields["evaluation"] = evaluation
        fields["inputs"] = inputs
        fields["evidence"] = evidence
        fields["engine"] = engine
        fields["lineage"] = lineage
        fields["as_of"] = as_of
        fields["position"] = position


@dataclass(frozen=True)
class LineRenderer:
    """A renderer for results written one a line into a file (JSON Lines, CSV rows): `line`
    renders one result, newline included (`line_utf8`: as UTF-8 bytes); `header(lang)`, when set, is the text written once at
    the top of a new file (a CSV's header row, in the run's language: `header_text`).

    `assemble`, when set, makes the lines a staging file rather than the output itself:
    `assemble(staging_path, out_path)` turns the finished lines into the output file (an xlsx
    workbook, written as a stream) and returns how many times it had to replace a character and
    which characters (`(times, characters)`), so a run stays resumable line by line. `encoded`: the lines
    are written in the CSV encoding the run asks for (UTF-8 with a byte order mark by default, or
    GBK ...); otherwise always in UTF-8 (JSON Lines, staged rows)."""

    line: Callable[[Any, str], str]
    header: Callable[[str], str] | None = None
    assemble: Callable[[str, str], tuple[int, frozenset[str]]] | None = None
    encoded: bool = False
    # `line` as UTF-8 bytes, made without the text (a JSON Lines line: orjson writes bytes)
    utf8_line: Callable[[Any, str], bytes] | None = None

    def __call__(self, result: Any, lang: str, /, **options: Any) -> str:
        return self.line(result, lang, **options)

    def line_utf8(self, result: Any, lang: str) -> bytes:
        """`line(result, lang)` encoded as UTF-8 (raises as the encoding does)."""
        if self.utf8_line is not None:
            return self.utf8_line(result, lang)
        return self.line(result, lang).encode("utf-8")

    def header_text(self, lang: str) -> str:
        """What a new file starts with in `lang` ("" when the format has no header)."""
        return self.header(lang) if self.header is not None else ""


def line_utf8(render: Callable[[Any, str], str], result: Any, lang: str) -> bytes:
    """The line `render` makes for `result`, as UTF-8 bytes: a `LineRenderer`'s own bytes where it
    makes them, else its text encoded. Raises as rendering or encoding does."""
    if type(render) is LineRenderer:
        return render.line_utf8(result, lang)
    return render(result, lang).encode("utf-8")
