"""The benchmark's plain-Python 八好 scorer (benchmarks/reference_bahao.py) decides like `assess`:
on synthetic records and on the edges of every rule (cut-offs exactly, zero denominators, items
that do not apply, missing evidence, the veto, the mandatory item). No timing here."""
from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import limits_agree  # noqa: E402
import reference_bahao  # noqa: E402
import synthetic  # noqa: E402


def _base() -> dict:
    return synthetic.record(0, random.Random(7))


def _with(**facts) -> dict:
    rec = _base()
    for name, value in facts.items():
        if value is None:
            rec["facts"].pop(name, None)
        else:
            rec["facts"][name] = value
    return rec


def _agree(rec: dict) -> None:
    import json

    line = json.dumps(rec, ensure_ascii=False).encode("utf-8")
    assert limits_agree.differences(0, line, "test.jsonl:1") == []


def test_agrees_on_synthetic_records():
    for rec in synthetic.generate(120, seed=11):
        _agree(rec)


EDGES = {
    "no employees": dict(employees=0, members=0, women_members=0),
    "membership exactly 98%": dict(employees=100, members=98, women_members=40),
    "membership just under 95%": dict(employees=1000, members=949, women_members=400),
    "members missing": dict(members=None),
    "no enterprises": dict(enterprises=0, unionized_enterprises=0),
    "unionisation exactly 90%": dict(enterprises=10, unionized_enterprises=9),
    "unionisation 0.5 point short": dict(enterprises=200, unionized_enterprises=179),
    "unionisation far short": dict(enterprises=10, unionized_enterprises=1),
    "few women: does not apply": dict(women_members=9),
    "women missing": dict(women_members=None),
    "contract rate 95% as text": dict(labour_contract_rate="95%"),
    "contract rate 94.9% as text": dict(labour_contract_rate="94.9%"),
    "contract rate 0.95 as a number": dict(labour_contract_rate=0.95),
    "contract rate cited": dict(labour_contract_rate={"value": 0.97, "documents": ["D01"]}),
    "many complaints": dict(unresolved_complaints=5),
    "nobody in hardship": dict(workers_in_hardship=0, workers_in_hardship_aided=0),
    "hardship 80% aided": dict(workers_in_hardship=10, workers_in_hardship_aided=8),
    "not set up (mandatory)": dict(org_established=False),
    "set up missing": dict(org_established=None),
    "no staff": dict(union_staff=0),
    "three commendations and a demonstration library": dict(superior_commendations=3, workers_library_demonstration=True),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_agrees_on_the_edges_of_each_rule(name):
    rec = _with(**EDGES[name])
    if name == "contract rate cited":
        rec["documents"] = [{"id": "D01", "title": "台账", "kind": "台账", "date": "2025-12-10"}]
    _agree(rec)


def test_agrees_with_a_veto_without_a_judgement_and_with_everything_ticked():
    rec = _base()
    rec["events"].append({"kind": "mass_incident", "date": "2025-06-01"})
    rec.pop("judgements", None)
    _agree(rec)
    full = _base()
    full["facts"].update({k: True for k in synthetic._BOOLEANS})
    full["facts"].update(employees=1000, members=1000, women_members=400, enterprises=10, unionized_enterprises=10,
                         union_staff=3, fulltime_union_officers=1, labour_contract_rate=1, unresolved_complaints=0,
                         workers_in_hardship=4, workers_in_hardship_aided=4)
    full["events"] = [{"kind": k, "date": "2025-12-20", "count": 6} for k in (
        "party_union_meeting", "liaison_meeting", "workers_congress", "skills_training", "cultural_activity",
        "labour_competition", "co_building_day", "study_day", "deliberation_day", "hygiene_day", "service_day")]
    full["judgements"] = {"bahao-community": {"work_pattern": {"score": 3, "reason": "好", "by": "考核组"}}}
    _agree(full)
    assert reference_bahao.score(copy.deepcopy(full)).grade == "demonstration"


def test_a_disagreement_names_the_record_and_the_item(monkeypatch):
    import json

    rec = _with(has_sign=True)
    real = reference_bahao.score

    def off_by_one_tenth(data):
        got = real(data)
        points = list(got.points)
        points[reference_bahao.ITEM_IDS.index("five_haves")] -= 1
        return got._replace(points=tuple(points))

    monkeypatch.setattr(limits_agree.ref, "score", off_by_one_tenth)
    found = limits_agree.differences(4, json.dumps(rec).encode("utf-8"), "pop.jsonl:5")
    assert found and found[0].startswith("record 4 (union syn-0000000, pop.jsonl:5): item five_haves: reference ")
