"""A scored batch record as one JSON Lines line (`assess batch --format jsonl`): its scorecard, as
`assess score --format json` prints it, on one line."""
from __future__ import annotations

from typing import Any

import orjson

from assess.core.jsonout import _ORJSON_COMPACT, _STR, _same_float, json_bytes, json_text
from assess.present.renderers import LineRenderer, ScoredRecord
from assess.present.scorecard import build_scorecard


def jsonl_line(card: dict[str, Any]) -> str:
    """A scorecard as one line: `assess score --format json` without the indentation."""
    return json_text(card, compact=True)


def jsonl(record: ScoredRecord, lang: str) -> str:
    """The record's scorecard in `lang` as one line, newline included."""
    ev = record.evaluation
    # Item rows and item gaps kept across cards are placed as their JSON text, written once.
    card = build_scorecard(ev, record.inputs, record.evidence, lang, record.engine, lineage=record.lineage,
                           as_of=record.as_of, kept=(_as_text, _as_text))
    line = _line_of_parts(card)
    if line is None:  # something json writes and orjson does not: the general path, card and all
        card = build_scorecard(ev, record.inputs, record.evidence, lang, record.engine, lineage=record.lineage,
                               as_of=record.as_of)
        return jsonl_line(card) + "\n"
    return line + "\n"


# Kept dict (an item row or item gap of `scorecard`, never changed once made) -> its JSON text.
# Held with the dict, so its id stays its own. Bounded like the rows and gaps it stands for.
TEXT_LIMIT = 10_000
_TEXTS: dict[int, tuple[dict, Any]] = {}


def _as_text(kept: dict[str, Any]) -> Any:
    """The kept dict's compact JSON text as an orjson fragment (what `json_text` writes for it),
    made once per dict; the dict itself when it is not JSON (the line is then made the general
    way, which says why)."""
    hit = _TEXTS.get(id(kept))
    if hit is None or hit[0] is not kept:
        try:
            text = orjson.Fragment(json_bytes(kept, compact=True))
        except (TypeError, ValueError):
            return kept
        if len(_TEXTS) >= TEXT_LIMIT:
            _TEXTS.clear()
        hit = _TEXTS[id(kept)] = (kept, text)
    return hit[1]


def _line_of_parts(card: dict[str, Any]) -> str | None:
    """`jsonl_line` of the card with its kept parts written out, for a card whose parts are
    fragments (`_as_text`) and plain values; None when something else is in it. Each fragment
    is `json_text` of its part, and elsewhere the card holds only what orjson writes as json
    does, so the line is json's byte for byte."""
    try:
        data = orjson.dumps(card, option=_ORJSON_COMPACT)
    except orjson.JSONEncodeError:
        return None
    return data.decode("utf-8") if _plain_or_text((card,)) else None


_FRAGMENT = orjson.Fragment


def _plain_or_text(values: Any) -> bool:
    """`jsonout._plain` with kept parts' fragments allowed."""
    for value in values:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None or kind is _FRAGMENT:
            continue
        if kind is dict:
            if not (_STR.issuperset(map(type, value)) and _plain_or_text(value.values())):
                return False
        elif kind is list or kind is tuple:
            if not _plain_or_text(value):
                return False
        elif kind is not float or not _same_float(value):
            return False
    return True


JSONL = LineRenderer(jsonl)
