"""A JSON Lines record whose events are all known is checked and scored from each event's parts as
worked out once per distinct event (plain.event_parts, kept by known_entries beside the event and
handed on as LoadedEvidence.event_parts) instead of the events' attributes: check_record,
inputs_for, the notes and the evaluation give exactly what the general code gives (every shortcut
off and no parts kept), over the synthetic population and generated records changed where the
parts are read (kinds written as labels or unknown, dates after or before the period, events citing
documents, honours, applications, judgements), good and bad, in Chinese and English."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings

from assess.core.messages import use_language
from assess.core.problems import InputError
from assess.model import evidence, history, plain
from assess.present.scorecard import inputs_for
from assess.scoring.compiler import compile_standard
from assess.scoring.decision_cache import shared_decider
from assess.scoring.engine import evaluate
from assess.workflows.batch.sources import Source
from assess.workflows.batch.worker import Config, Worker
from tests.test_fast_checks import _DATES, KNOWN, LINEAGE, SLOW, STANDARD, _changed, _general, synthetic
from tests.test_known_entries import same

_WORKERS: dict[str, Worker] = {}
_COMPILED = compile_standard(STANDARD)


def _worker(lang: str) -> Worker:
    if lang not in _WORKERS:
        _WORKERS[lang] = Worker(Config(synthetic.STANDARD, None, lang, "python", "csv", ()))
    return _WORKERS[lang]


def _outcome(data: dict, lang: str, seen: list | None = None) -> tuple:
    """What a batch worker makes of `data` written as a JSON Lines line, up to its evaluation: the
    record as checked, its values, the engine's inputs (events of the same classes), the notes
    and the evaluation's scores and grade; or every problem, as text. `seen` gathers whether
    the parts were at hand."""
    line = json.dumps(data, ensure_ascii=False).encode("utf-8")
    with use_language(lang):
        try:
            loaded = _worker(lang)._readable(Source("t:1", "line", line, "t", 1), [])
        except InputError as err:
            return ("refused", [str(p) for p in err.problems])
        if seen is not None:
            seen.append(plain.events_parts(loaded) is not None)
        try:
            resolved, values = evidence.check_record(loaded, STANDARD, KNOWN, LINEAGE)
        except InputError as err:
            return ("problems", [str(p) for p in err.problems])
        inputs = inputs_for(resolved, STANDARD.id, values, LINEAGE)
        ev = evaluate(_COMPILED, inputs, shared_decider())
        return ("ok", resolved.record.model_dump(), [(k, repr(v)) for k, v in values.items()],
                [(tuple(map(type, e)), e) for e in inputs.events], type(inputs.events), inputs.judgements,
                inputs.honours, history.record_notes(resolved, STANDARD, LINEAGE),
                history.record_notes(resolved, STANDARD, LINEAGE), ev.values, ev.decisions, ev.score, ev.bonus,
                getattr(ev.grade, "id", None), [(r.item.id, r.awarded, r.status) for r in ev.items()])


def _general_outcome(data: dict, lang: str) -> tuple:
    with _general(), pytest.MonkeyPatch.context() as m:
        m.setattr(evidence._KNOWN["events"], "summary", None)  # no parts kept: the events are read
        return _outcome(data, lang)


@settings(max_examples=120, **SLOW)
@given(_changed(), _changed())
def test_a_record_is_checked_and_scored_from_its_event_parts_as_by_the_general_code(data, other):
    for lang in ("zh", "en"):
        for one in (data, other, data):  # the first read keeps the parts, the next takes them
            assert _outcome(one, lang) == _general_outcome(one, lang)


def test_the_synthetic_population_is_checked_and_scored_from_its_event_parts_as_by_the_general_code():
    datas = list(synthetic.generate(160, seed=31, bad=range(0, 160, 13)))
    for i, data in enumerate(datas[::5]):
        data["events"].append({"kind": "workers_congress", "date": _DATES[i % len(_DATES)]})
    for data in datas[1::9]:
        data["events"][0]["documents"] = ["D01"]
    for data in datas[2::9]:
        data["events"][-1]["kind"] = "职工代表大会"
    seen: list = []
    for lang in ("zh", "en"):
        for data in datas + datas:
            assert _outcome(data, lang, seen) == _general_outcome(data, lang)
    assert sum(seen) > len(seen) // 2  # the parts were read for most records


def test_the_parts_answer_only_for_the_events_they_were_made_with():
    data = next(synthetic.generate(1, seed=3))
    line = json.dumps(data, ensure_ascii=False).encode("utf-8")
    worker = _worker("en")
    worker._readable(Source("t:1", "line", line, "t", 1), [])
    loaded = worker._readable(Source("t:1", "line", line, "t", 1), [])
    parts = plain.events_parts(loaded)
    assert parts is not None and parts == tuple((e.kind, e.date, e.count) for e in loaded.record.events)
    assert plain.events_parts(evidence.replace(loaded)) is None  # a copy never takes them
    loaded.record.events.append(loaded.record.events[0].model_copy(update={"date": evidence.date(2026, 3, 1)}))
    assert plain.events_parts(loaded) is None
    with pytest.raises(InputError):  # the event after the period is found
        evidence.check_record(loaded, STANDARD, KNOWN, LINEAGE)
    changed = copy.copy(loaded)
    changed.record = loaded.record.model_copy(update={"events": list(loaded.record.events[:-1])})
    assert plain.events_parts(changed) is None  # another list, even of the same events


def test_an_event_citing_a_document_has_no_parts():
    event = evidence.Event(kind="study_day", date=evidence.date(2025, 3, 1), documents=["D01"])
    assert plain.event_parts(event) is None
    plain_one = evidence.Event(kind="study_day", date=evidence.date(2025, 3, 1), count=2)
    assert same(plain.event_parts(plain_one), ("study_day", evidence.date(2025, 3, 1), 2))
