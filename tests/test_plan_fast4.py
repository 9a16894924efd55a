"""A JSON Lines line made the short way is the general path's, byte for byte.

- `record_jsonl.jsonl_utf8` (orjson's bytes, never decoded) equals json_text of the card made the
  general way, encoded; `jsonl` equals it as text. Sections kept across cards as their JSON text
  (`record_jsonl._sections_as_text`) are found kept the second time and change nothing.
- `renderers.line_utf8` of a renderer without bytes of its own encodes its text.
- A line json writes with a lone surrogate raises UnicodeEncodeError, as encoding it did.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from assess.core.jsonout import json_text
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import scorecard
from assess.present.renderers import LineRenderer, ScoredRecord, line_utf8, record_jsonl
from assess.scoring.compiler import PythonDecider
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

PY = PythonDecider()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def _cases(n: int, seed: int) -> list:
    rng = random.Random(seed)
    standard = catalog.resolve_standard(synthetic.STANDARD)
    cases = [(standard, evidence_from_data(synthetic.record(i, rng))) for i in range(n)]
    return cases + [(catalog.resolve_standard(app.standard), loaded) for loaded in map(load_evidence, map(str, FIXTURES))
                    for app in loaded.record.applications]


def _general(ev, inputs, loaded, lang: str) -> str:
    card = scorecard.build_scorecard(ev, inputs, loaded, lang, PY.name, as_of=loaded.record.period.end)
    return json_text(card, compact=True) + "\n"


def test_line_bytes_and_kept_sections_equal_the_general_line():
    """Over synthetic records and every fixture, zh and en, twice (the second time every section
    of an unjudged card is found kept): the bytes, the text and the renderer's bytes are the
    general line's."""
    record_jsonl._SECTIONS.clear()
    cases = _cases(40, 21)
    for round_ in range(2):
        for std, loaded in cases:
            ev, inputs = scorecard.assess(std, loaded, PY)
            record = ScoredRecord(ev, inputs, loaded, PY.name, (), loaded.record.period.end, "1")
            for lang in ("zh", "en"):
                want = _general(ev, inputs, loaded, lang)
                if round_:
                    judged = any(r.judgement is not None for s in ev.sections for r in s.items)
                    found = [record_jsonl._SECTIONS.get((id(d), id(std.standard), lang, s.section_id, s.cap, s.awarded,
                                                         s.possible, *map(id, s.items)))
                             for d, s in zip(std.standard.sections, ev.sections)]
                    assert judged or all(found)
                assert record_jsonl.jsonl_utf8(record, lang) == want.encode("utf-8")
                assert record_jsonl.jsonl(record, lang) == want
                assert line_utf8(record_jsonl.JSONL, record, lang) == want.encode("utf-8")


def test_a_kept_section_is_the_section_written_out():
    """Each kept section's text is json_text of the section made the general way (some are kept)."""
    record_jsonl._SECTIONS.clear()
    fragments = 0
    for std, loaded in _cases(10, 22):
        ev, inputs = scorecard.assess(std, loaded, PY)
        for lang in ("zh", "en"):
            words = scorecard.Words(std.standard, lang)
            placed = record_jsonl._sections_as_text(ev, words)
            general = scorecard.section_dicts(ev, words)
            for part, want in zip(placed, general):
                text = record_jsonl.orjson.dumps(part) if isinstance(part, record_jsonl.orjson.Fragment) else None
                if text is not None:
                    fragments += 1
                    assert text.decode("utf-8") == json_text(want, compact=True)
    assert fragments


def test_line_utf8_of_a_renderer_without_bytes_encodes_its_text():
    assert line_utf8(lambda record, lang: f"{record}-{lang}é\n", 1, "zh") == "1-zhé\n".encode("utf-8")
    assert line_utf8(LineRenderer(lambda record, lang: f"{record}{lang}\n"), 2, "en") == b"2en\n"


def test_a_line_with_a_lone_surrogate_raises_as_encoding_did(monkeypatch):
    std = catalog.resolve_standard(synthetic.STANDARD)
    loaded = evidence_from_data(synthetic.record(5, random.Random(23)))
    standard_dict = scorecard._standard_dict
    monkeypatch.setattr(scorecard, "_standard_dict", lambda *a: {**standard_dict(*a), "odd": "\ud800"})
    ev, inputs = scorecard.assess(std, loaded, PY)
    record = ScoredRecord(ev, inputs, loaded, PY.name, (), loaded.record.period.end, "1")
    want = _general(ev, inputs, loaded, "zh")
    assert record_jsonl.jsonl(record, "zh") == want
    with pytest.raises(UnicodeEncodeError):
        want.encode("utf-8")
    with pytest.raises(UnicodeEncodeError):
        record_jsonl.jsonl_utf8(record, "zh")


def test_a_caller_changing_its_plan_fixes_does_not_change_the_next_card():
    """Plan fixes and alternatives kept across cards: each card's are its own copies (the shared
    decider, as a batch: its plans hand out the same change objects card after card)."""
    std = catalog.resolve_standard(synthetic.STANDARD)
    rng = random.Random(24)
    for i in range(200):  # the first record whose plan has fixes and alternatives
        loaded = evidence_from_data(synthetic.record(i, rng))
        plan = scorecard.score(std, loaded, "zh")["next_grade"]
        if plan is not None and plan["fixes"] and plan["alternatives"]:
            break
    else:
        raise AssertionError("no record with a plan's alternatives")
    want = json_text(scorecard.score(std, loaded, "zh"))
    for fix in [*plan["fixes"], *(f for a in plan["alternatives"] for f in a["fixes"])]:
        fix["actions"].append("x")
        fix["title"] = "x"
        for change in fix["changes"] or ():
            change["after"] = "x"
    for alternative in plan["alternatives"]:
        alternative["text"] = "x"
    assert json_text(scorecard.score(std, loaded, "zh")) == want
