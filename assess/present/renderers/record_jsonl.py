"""A scored batch record as one JSON Lines line (`assess batch --format jsonl`): its scorecard, as
`assess score --format json` prints it, on one line."""
from __future__ import annotations

from typing import Any

import orjson

from assess.core.jsonout import _ORJSON_COMPACT, json_bytes, json_text, own_size, plain_values
from assess.present.renderers import LineRenderer, ScoredRecord
from assess.present.scorecard import build_scorecard, kept_row, section_dict


def jsonl_line(card: dict[str, Any]) -> str:
    """A scorecard as one line: `assess score --format json` without the indentation."""
    return json_text(card, compact=True)


def jsonl(record: ScoredRecord, lang: str) -> str:
    """The record's scorecard in `lang` as one line, newline included."""
    line = _line(record, lang)
    return (line.decode("utf-8") if type(line) is bytes else line) + "\n"


def jsonl_utf8(record: ScoredRecord, lang: str) -> bytes:
    """`jsonl(record, lang)` encoded as UTF-8, as orjson writes it (not decoded and encoded again).
    Raises UnicodeEncodeError for a line json writes with a lone surrogate."""
    line = _line(record, lang)
    return line + b"\n" if type(line) is bytes else (line + "\n").encode("utf-8")


def _line(record: ScoredRecord, lang: str) -> bytes | str:
    """The card's line without its newline: orjson's UTF-8 bytes, or json's text when orjson does
    not write it as json does."""
    ev = record.evaluation
    # Item rows, item gaps, plan fixes and sections kept across cards are placed as their JSON
    # text, written once.
    card = build_scorecard(ev, record.inputs, record.evidence, lang, record.engine, lineage=record.lineage,
                           as_of=record.as_of, kept=(_as_text, _as_text, _as_text),
                           sections=_sections_as_text)
    line = _line_of_parts(card)
    if line is None:  # something json writes and orjson does not: the general path, card and all
        card = build_scorecard(ev, record.inputs, record.evidence, lang, record.engine, lineage=record.lineage,
                               as_of=record.as_of)
        return jsonl_line(card)
    return line


# Kept dict (an item row, item gap or plan fix of `scorecard`, never changed once made) -> its
# JSON text.
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
            text = orjson.Fragment(own_size(json_bytes(kept, compact=True)))  # kept: its own size
        except (TypeError, ValueError):
            return kept
        if len(_TEXTS) >= TEXT_LIMIT:
            _TEXTS.clear()
        hit = _TEXTS[id(kept)] = (kept, text)
    return hit[1]


# A section's JSON text, kept per section definition, standard, language, cap, score and item
# result objects: its dict reads nothing else (each item's row is kept per result object, which
# stands for the values it reads: `scorecard._item_dict`). An inspector's judgement is made anew
# for every record: its item stands in the key as its kept row (kept by what it reads:
# `scorecard.result_key`). The objects are held with it, so the ids in the key stay theirs.
# Sections with a judged item whose row is not kept are made each time, as their rows are.
SECTION_LIMIT = 10_000
_SECTIONS: dict[tuple, tuple] = {}


def _section_pins(items: list, ev, words) -> tuple | None:
    """What stands for each of a section's items in its key: the result, or a judged result's
    kept row; None when a judged row is not kept."""
    pins = []
    for r in items:
        if r.judgement is not None:
            r = kept_row(r, ev, words)
            if r is None:
                return None
        pins.append(r)
    return tuple(pins)


def _sections_as_text(ev, words) -> list:
    """`scorecard.section_dicts(ev, words, _as_text)` with each section placed as its kept JSON
    text (an orjson fragment); a section whose dict is not plain JSON is placed as its dict."""
    standard, lang = ev.standard, words.lang
    out = []
    for s_def, s in zip(standard.sections, ev.sections):
        items = s.items
        pins = _section_pins(items, ev, words)
        key = (id(s_def), id(standard), lang, s.section_id, s.cap, s.awarded, s.possible,
               *map(id, items if pins is None else pins))
        hit = _SECTIONS.get(key) if pins is not None else None
        if hit is not None:
            out.append(hit[3])
            continue
        made = section_dict(s_def, s, ev, words, _as_text)
        if pins is None:
            out.append(made)
            continue
        try:
            text = orjson.Fragment(own_size(orjson.dumps(made, option=_ORJSON_COMPACT)))
        except orjson.JSONEncodeError:
            text = None
        if text is None or not _plain_or_text((made,)):
            out.append(made)  # the line is then made the general way, which says why
            continue
        if len(_SECTIONS) >= SECTION_LIMIT:
            _SECTIONS.clear()
        _SECTIONS[key] = (s_def, standard, pins, text)
        out.append(text)
    return out


def _line_of_parts(card: dict[str, Any]) -> bytes | None:
    """`jsonl_line` of the card (UTF-8) with its kept parts written out, for a card whose parts are
    fragments (`_as_text`) and plain values; None when something else is in it. Each fragment
    is `json_text` of its part, and elsewhere the card holds only what orjson writes as json
    does, so the line is json's byte for byte."""
    try:
        data = orjson.dumps(card, option=_ORJSON_COMPACT)
    except orjson.JSONEncodeError:
        return None
    return data if _plain_or_text((card,)) else None


_FRAGMENT = orjson.Fragment


def _plain_or_text(values: Any) -> bool:
    """`jsonout._plain` with kept parts' fragments allowed."""
    return plain_values(values, _FRAGMENT)


JSONL = LineRenderer(jsonl, utf8_line=jsonl_utf8)
