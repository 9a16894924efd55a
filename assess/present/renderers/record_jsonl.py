"""A scored batch record as one JSON Lines line (`assess batch --format jsonl`): its scorecard, as
`assess score --format json` prints it, on one line."""
from __future__ import annotations

from typing import Any

from assess.core.jsonout import json_text
from assess.present.renderers import LineRenderer, ScoredRecord
from assess.present.scorecard import build_scorecard


def jsonl_line(card: dict[str, Any]) -> str:
    """A scorecard as one line: `assess score --format json` without the indentation."""
    return json_text(card, compact=True)


def jsonl(record: ScoredRecord, lang: str) -> str:
    """The record's scorecard in `lang` as one line, newline included."""
    ev = record.evaluation
    card = build_scorecard(ev, record.inputs, record.evidence, lang, record.engine, lineage=record.lineage,
                           as_of=record.as_of)
    return jsonl_line(card) + "\n"


JSONL = LineRenderer(jsonl)
