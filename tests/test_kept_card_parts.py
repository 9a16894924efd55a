"""An inspector's judgement is scored anew for every record, yet its row, its gap and the section
holding it are kept by what they read (`card_parts.result_key`): each equals the one made afresh,
with every cache warm, over synthetic records (judgements of several scores and inspectors) and
every fixture, in both languages; and a JSON Lines line with them kept is the line of a card made
with every cache empty. Grade checks' words kept per what they read (`card_parts.check_text`) are
`Words.check`'s, changes' words kept per what they read (`card_parts.change_text`) are
`Words.change`'s, and values' words kept per what they are (`Words.value`) are the words made
afresh."""
from __future__ import annotations

import random
import sys
from pathlib import Path

from assess.core.jsonout import json_text
from assess.model.evidence import evidence_from_data, load_evidence
from assess.present import card_parts, scorecard
from assess.present.renderers import ScoredRecord, record_jsonl
from fractions import Fraction as PyFraction

from assess.core.exact import Fraction
from assess.present import words as words_module
from assess.present.words import Words
from assess.scoring.gaps import GapKind, gaps
from assess.standards import catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402
from test_plan_fast4 import FIXTURES, PY, _cases  # noqa: E402  (synthetic records and every fixture)


def _clear() -> None:
    for cache in (scorecard._ROWS, scorecard._GAPS, scorecard._GAPS_BY_OBJECT, record_jsonl._SECTIONS,
                  record_jsonl._TEXTS):
        cache.clear()


def test_kept_judged_rows_and_gaps_are_the_fresh_ones():
    """Every item row and item gap, kept (judged ones by value), equals the one made afresh; and
    judged rows are found kept for records that judge alike."""
    _clear()
    judged_hits = 0
    for round_ in range(2):
        for std, loaded in _cases(60, 5):
            ev, inputs = scorecard.assess(std, loaded, PY)
            for lang in ("zh", "en"):
                words = Words(ev.standard, lang)
                results = [r for s in ev.sections for r in s.items] + list(ev.bonus_items)
                for r in results:
                    assert scorecard._item_dict(r, ev, words) == scorecard._item_row(r, ev, words)
                    if r.judgement is not None and round_:
                        key, _ = card_parts.result_key(r)
                        judged_hits += key is not None and (key, lang) in scorecard._ROWS
                for g in gaps(ev, inputs):
                    if g.kind in (GapKind.ITEM, GapKind.DEDUCTION):
                        assert scorecard._item_gap(g, ev, words, scorecard._own_gap) == \
                            scorecard._item_gap_dict(g, ev, words)
    assert judged_hits > 50


def test_judged_results_differing_in_what_they_read_are_kept_apart():
    """Two judgements differing only in score, reason or inspector are different keys."""
    std = catalog.resolve_standard(synthetic.STANDARD)
    rng = random.Random(3)
    base = synthetic.record(1, rng)
    keys, rows = set(), set()
    for score, reason, by in ((2.4, "甲", "组一"), (2.8, "甲", "组一"), (2.4, "乙", "组一"), (2.4, "甲", "组二"),
                              (2, "甲", "组一"), (2.0, "甲", "组一")):
        data = {**base, "judgements": {synthetic.STANDARD: {"work_pattern": {"score": score, "reason": reason, "by": by}}}}
        ev, _ = scorecard.assess(std, evidence_from_data(data), PY)
        (r,) = [r for s in ev.sections for r in s.items if r.judgement is not None]
        key, held = card_parts.result_key(r)
        assert held is r.item
        keys.add(key)
        rows.add(json_text(scorecard._item_dict(r, ev, Words(ev.standard, "zh")), compact=True))
    assert len(keys) >= 5  # 2 and 2.0 too, when the record keeps their types apart
    assert len(rows) >= 5


def test_lines_with_judged_sections_kept_equal_the_fresh_card():
    """A line made with rows, gaps and sections kept (judged ones too, found kept the second time)
    is json_text of the card made with every cache empty."""
    _clear()
    cases = _cases(40, 8)
    found_judged = 0
    for round_ in range(2):
        for std, loaded in cases:
            ev, inputs = scorecard.assess(std, loaded, PY)
            record = ScoredRecord(ev, inputs, loaded, PY.name, (), loaded.record.period.end, "1")
            for lang in ("zh", "en"):
                line = record_jsonl.jsonl(record, lang)
                if round_:
                    words = Words(ev.standard, lang)
                    for d, s in zip(std.standard.sections, ev.sections):
                        if any(r.judgement is not None for r in s.items):
                            pins = record_jsonl._section_pins(s.items, ev, words)
                            found_judged += pins is not None and (
                                id(d), id(std.standard), lang, s.section_id, s.cap, s.awarded, s.possible,
                                *map(id, pins)) in record_jsonl._SECTIONS
                saved = (dict(scorecard._ROWS), dict(scorecard._GAPS), dict(scorecard._GAPS_BY_OBJECT),
                         dict(record_jsonl._SECTIONS), dict(record_jsonl._TEXTS))
                _clear()
                card = scorecard.build_scorecard(ev, inputs, loaded, lang, PY.name, as_of=loaded.record.period.end)
                assert line == json_text(card, compact=True) + "\n"
                for cache, kept in zip((scorecard._ROWS, scorecard._GAPS, scorecard._GAPS_BY_OBJECT,
                                        record_jsonl._SECTIONS, record_jsonl._TEXTS), saved):
                    cache.clear()
                    cache.update(kept)
    assert found_judged > 20


def test_kept_check_texts_are_the_words_of_each_check():
    """Every grade check's kept words, the second time found kept, are `Words.check` of it."""
    card_parts._CHECK_TEXTS.clear()
    cases = _cases(40, 13)
    for _ in range(2):
        for std, loaded in cases:
            ev, _inputs = scorecard.assess(std, loaded, PY)
            for lang in ("zh", "en"):
                words = Words(ev.standard, lang)
                for g in ev.grades:
                    for c in g.checks:
                        assert card_parts.check_text(c, words) == words.check(c)
    assert card_parts._CHECK_TEXTS


def test_kept_value_words_are_the_words_made_afresh():
    """`Words.value` of every field of each standard, for values of every type (1, 1.0, True,
    Fraction, str, None, a list), kept and found kept, is the words `_value` makes."""
    values = [None, True, False, 0, 1, 1.0, 0.0, -0.0, 0.954, 0.95, 95, 2.5, Fraction(1, 3), Fraction(19, 20),
              PyFraction(7, 8), "一级", 1e-7, 123456.789, [1]]
    words_module._value_texts.cache_clear()
    ids = [synthetic.STANDARD, *(a.standard for p in FIXTURES for a in load_evidence(str(p)).record.applications)]
    for std in [catalog.resolve_standard(i).standard for i in dict.fromkeys(ids)]:
        names = [*std.fields, *std.event_kinds]
        for _ in range(2):
            for lang in ("zh", "en"):
                words = Words(std, lang)
                for name in names:
                    for v in values:
                        assert words.value(name, v) == words._value(name, v, ())
    assert words_module._value_texts(catalog.resolve_standard(synthetic.STANDARD).standard)



def test_kept_change_texts_are_the_words_of_each_change():
    """Every change a gap or plan asks for, its words kept per object and per what it reads
    (`card_parts.change_text`), found kept the second time, is `Words.change` of it; some
    changes met as new objects are found kept by what they read."""
    from assess.scoring.changes import known_values
    from assess.scoring.plan import plan_next_grade

    card_parts._CHANGE_TEXTS.clear()
    card_parts._CHANGE_TEXTS_BY_VALUE.clear()
    cases = _cases(40, 23)
    checked = 0
    for _ in range(2):
        for std, loaded in cases:
            ev, inputs = scorecard.assess(std, loaded, PY)
            known_values(ev.standard, inputs, ev.values)
            found = [c for g in gaps(ev, inputs) for c in (g.changes or ())]
            plan = plan_next_grade(ev, inputs)
            if plan is not None:
                found += [c for f in plan.fixes for c in f.changes]
                found += [c for a in plan.alternatives for f in a.fixes for c in f.changes]
            for lang in ("zh", "en"):
                words = Words(ev.standard, lang)
                for c in found:
                    assert card_parts.change_text(c, words) == words.change(c)
                    checked += 1
    assert checked > 200 and card_parts._CHANGE_TEXTS_BY_VALUE
