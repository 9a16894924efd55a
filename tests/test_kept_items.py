"""Item results kept per case (`items.kept_items`) have the very content `score_item` gives, field
by field with the types inside: for inspector's entries that differ only in their reason, by or
date, in the type of an equal score (2, 2.0, 2/1) or that cannot be a key; for facts equal in
value but not in type; and for missing evidence (a ratio's inputs, an `applies_if` field), whose
results read more than the rule's inputs. Records are scored one after another, each case
twice, so later ones meet the results earlier ones left. And rule kinds whose results are kept
by their answers alone read no value."""
from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import pytest

from assess.core.exact import Fraction
from assess.model.evidence import JudgementEntry, evidence_from_data, load_evidence
from assess.present.scorecard import assess
from assess.present.words import Words
from assess.rules.base import ItemContext, ItemStatus
from assess.scoring import engine, items
from assess.standards import catalog
from test_properties import PY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_item_caches(monkeypatch):
    monkeypatch.setattr(items, "_KEPT", {})
    monkeypatch.setattr(items, "_KEPT_SIZE", [0])


def _typed(value):
    """A value with every type inside it (1, 1.0, True and 1/1 are equal but read differently)."""
    if isinstance(value, (list, tuple, frozenset)):
        return type(value), tuple(_typed(v) for v in (sorted(value) if isinstance(value, frozenset) else value))
    if isinstance(value, dict):
        return type(value), tuple((k, _typed(v)) for k, v in value.items())
    if isinstance(value, JudgementEntry):
        return type(value), _typed(tuple(value.__dict__.values()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value), tuple((f.name, _typed(getattr(value, f.name))) for f in dataclasses.fields(value))
    return type(value), value


def _content(r) -> tuple:
    """Every field of an ItemResult (its item by id: the same object either way)."""
    return (r.item.id,) + tuple(_typed(getattr(r, f.name)) for f in dataclasses.fields(r) if f.name != "item")


def _entries() -> list:
    made = JudgementEntry.model_construct
    return [
        None,
        JudgementEntry(score=2, reason="个别谈话"),
        JudgementEntry(score=2, reason="个别谈话了解"),  # the reason text alone differs
        JudgementEntry(score=2, reason="个别谈话", by="区总工会考核组"),
        JudgementEntry(score=2, reason="个别谈话", by="街道总工会考核组"),  # by alone differs
        JudgementEntry(score=2, reason="个别谈话", by="区总工会考核组", date=date(2025, 6, 1)),
        JudgementEntry(score=Fraction(5, 2), reason="个别谈话"),
        made(score=2, reason="个别谈话", by=None, date=None),  # an int score, equal to 2.0 and 2/1
        made(score=2.0, reason="个别谈话", by=None, date=None),
        made(score=Fraction(2), reason="个别谈话", by=None, date=None),
        made(score=1, reason=["不能作键"], by=None, date=None),  # cannot be a key: scored each time
    ]


def _facts(facts: dict) -> list[dict]:
    """The record's facts, and the same with equal values of other types and with evidence
    missing: a ratio's numerator or denominator, the field `applies_if` reads."""
    out = [facts]
    for name, values in (("labour_contract_rate", (1, 1.0, Fraction(1))), ("women_committee", (True, False, None)),
                         ("enterprises", (None,)), ("unionized_enterprises", (None,)), ("members", (None,)),
                         ("workers_in_hardship", (None,)), ("workers_in_hardship_aided", (None,)), ("women_members", (None, 12, 12.0))):
        out += [dict(facts, **{name: v}) for v in values]
    return out


def test_kept_results_have_the_content_score_item_gives():
    loaded_standard = catalog.resolve_standard(synthetic.STANDARD)
    entries = _entries()
    for data in synthetic.generate(40):
        ev, inputs = assess(loaded_standard, evidence_from_data(data), PY)
        compiled, standard = ev.compiled, ev.standard
        base, *others = _facts(dict(inputs.facts))
        for facts, entry in [(base, e) for e in entries] + [(f, e) for f in others for e in entries[:2]]:
                judged = {} if entry is None else {"work_pattern": entry}
                case = dataclasses.replace(inputs, facts=facts, judgements=judged)
                values = engine.compute_values(standard, case)
                decisions = PY.decide(compiled, values)
                kept = items.kept_items(compiled)
                for section in standard.sections:
                    want = [_content(items.score_item(standard, section.id, it, values, decisions, case))
                            for it in section.items]
                    for _ in range(2):
                        got = kept.many(section.id, section.items, values, decisions, case)
                        assert [_content(r) for r in got] == want
                        assert [_content(kept(section.id, it, values, decisions, case)) for it in section.items] == want
    slots = items.kept_items(compiled).slots
    assert any(slot.wider for slot in slots.values())  # missing evidence was kept by every value read
    assert all(slot.found for (_, iid), slot in slots.items() if iid == "work_pattern")  # entries were found


FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_rules_reading_only_answers_read_no_value(path):
    """A rule kind marked `answers_only` (its results kept by answers alone) scores and shows its
    row the same with every value taken away, whenever no evidence is missing."""
    loaded = load_evidence(str(path))
    for app in loaded.record.applications:
        ev, inputs = assess(catalog.resolve_standard(app.standard), loaded, PY)
        for lang in ("zh", "en"):
            words = Words(ev.standard, lang)
            for r in ev.items() + ev.deductions:
                rule = r.item.rule
                if not rule.answers_only or r.missing or r.status in (ItemStatus.NOT_APPLICABLE, ItemStatus.WAIVED):
                    continue
                answers = {key: ev.decisions[cid] for key, cid in items.rule_condition_ids(r.item)}
                alone = rule.score(r.item.points, ItemContext({}, answers, None))
                assert _typed(alone) == _typed(rule.score(r.item.points, ItemContext(ev.values, answers, None)))
                assert rule.observed_required(r.points, r, {}, words) == rule.observed_required(r.points, r, ev.values, words)


def test_chunks_evaluated_together_have_the_content_score_item_gives():
    """`engine.evaluate_many` (each item looked up for a chunk's records at once) as above."""
    loaded_standard = catalog.resolve_standard(synthetic.STANDARD)
    entries, cases = _entries(), []
    for k, data in enumerate(synthetic.generate(30)):
        ev, inputs = assess(loaded_standard, evidence_from_data(data), PY)
        for j, facts in enumerate(_facts(dict(inputs.facts))):
            entry = entries[(k + j) % len(entries)]
            cases.append(dataclasses.replace(inputs, facts=facts, judgements={} if entry is None else {"work_pattern": entry}))
    compiled, standard = ev.compiled, ev.standard
    for _ in range(2):
        for ev, case in zip(engine.evaluate_many(compiled, cases, PY), cases):
            for section, s in zip(standard.sections, ev.sections):
                want = [_content(items.score_item(standard, section.id, it, ev.values, ev.decisions, case))
                        for it in section.items]
                assert [_content(r) for r in s.items] == want
