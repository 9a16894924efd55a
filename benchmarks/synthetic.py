"""Synthetic evidence records of community unions for the 八好 standard (bahao-community).

Deterministic: the same seed gives the same records, byte for byte. The spread is meant to look
like a district's real returns: sizes from a handful of enterprises to a few hundred, membership
rates clustered just under and over 98%, most boxes ticked but not all, activities counted
through the year, now and then a missing fact, an unjudged item or a mass incident.

    python benchmarks/synthetic.py N OUT.jsonl [--seed S] [--bad I ...]

`--bad I` plants an invalid record (more members than employees) at record index I (0-based).
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from typing import Any, Iterable, Iterator

SEED = 20250101
STANDARD = "bahao-community"

_STREETS = ["坪山", "龙岗", "南山", "福田", "宝安", "罗湖", "光明", "盐田", "龙华", "大鹏", "坂田", "布吉"]
_COMMUNITIES = ["六联", "和平", "新城", "东方", "幸福", "长安", "华侨", "桂园", "南新", "塘朗", "沙湾", "金沙",
                "碧岭", "汤坑", "石井", "竹坑", "马峦", "江岭", "龙田", "老坑"]
_KINDS = [("community_union", "社区工会"), ("community_federation", "社区工会联合会"), ("street_federation", "街道总工会")]

# How often each box is ticked: most are, some much less often than others.
_BOOLEANS = {
    "union_in_party_targets": 0.9, "org_established": 0.97, "chair_is_party_secretary": 0.6, "has_sign": 0.95,
    "has_rules": 0.9, "has_office": 0.92, "member_register_kept": 0.85, "women_committee": 0.85,
    "collective_contract_signed": 0.8, "dispute_mediation_committee": 0.85, "social_insurance_checked": 0.8,
    "safety_supervision": 0.85, "liaison_mechanism": 0.85, "resident_unit_contact": 0.85,
    "difficulties_resolved": 0.8, "home_dispute_mediation": 0.85, "hospital_visits": 0.9, "new_resident_visits": 0.8,
    "rehabilitation_support": 0.6, "benefits_delivered": 0.9, "unemployed_placement": 0.75, "hardship_register": 0.9,
    "vulnerable_support_measures": 0.85, "self_governance_rules": 0.85, "environment_campaign": 0.9,
    "autumn_student_aid": 0.8, "free_health_checks": 0.75, "serious_illness_aid": 0.7, "workers_library": 0.75,
    "police_room": 0.9, "governance_room": 0.9, "mediation_court": 0.8, "patrol_team": 0.85,
    "rationalisation_proposals": 0.6, "workers_library_demonstration": 0.08,
}
_DOCUMENTS = [("D01", "辖区企业名录及建会台账", "台账"), ("D02", "职工花名册汇总表", "花名册"), ("D03", "会员名册", "名册"),
              ("D04", "社区工会成立批复", "批复"), ("D05", "党建目标责任书", "文件"), ("D06", "工会工作人员名单", "文件")]
_CITED = {"enterprises": "D01", "unionized_enterprises": "D01", "employees": "D02", "members": "D03",
          "women_members": "D03", "org_established": "D04", "union_in_party_targets": "D05", "union_staff": "D06"}
_JUDGES = ["区总工会考核组", "街道总工会考核组"]


def _day(rng: random.Random) -> str:
    return (date(2025, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()


def _events(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    spread = [("party_union_meeting", [0, 1, 2, 3, 4, 4, 4, 5]), ("liaison_meeting", [0, 1, 2, 3, 4, 4, 4, 4]),
              ("workers_congress", [0, 1, 1, 1, 1, 2]), ("skills_training", [0, 1, 2, 2, 3, 4, 5, 6]),
              ("cultural_activity", [0, 1, 2, 3, 4, 6]), ("labour_competition", [0, 0, 1, 1, 2])]
    for kind, choices in spread:
        for _ in range(rng.choice(choices)):
            out.append({"kind": kind, "date": _day(rng)})
    for kind in ("co_building_day", "study_day", "deliberation_day", "hygiene_day", "service_day"):
        n = rng.choice([0, 2, 3, 4, 4, 4, 4, 5])
        if n:  # the five days are often returned as one line with a count
            out.append({"kind": kind, "date": "2025-12-20", "count": n})
    if rng.random() < 0.02:
        out.append({"kind": rng.choice(["mass_incident", "serious_rights_violation"]), "date": _day(rng), "title": "群体性事件"})
    out.sort(key=lambda e: (e["date"], e["kind"]))
    return out


def record(index: int, rng: random.Random) -> dict[str, Any]:
    """One community union's evidence for 2025."""
    street, community = rng.choice(_STREETS), rng.choice(_COMMUNITIES)
    kind, suffix = rng.choices(_KINDS, weights=[70, 25, 5])[0]
    name = f"{street}街道总工会" if kind == "street_federation" else f"{street}街道{community}{suffix}"
    enterprises = max(1, int(rng.lognormvariate(3.5, 0.8)))
    unionized = min(enterprises, round(enterprises * rng.betavariate(9, 1.2)))
    employees = max(20, int(rng.lognormvariate(8, 0.9)))
    rate = rng.uniform(0.98, 1.0) if rng.random() < 0.35 else rng.betavariate(12, 1.3)
    members = min(employees, round(employees * rate))
    hardship = rng.randrange(0, 41)
    facts: dict[str, Any] = {
        "enterprises": enterprises,
        "unionized_enterprises": unionized,
        "employees": employees,
        "members": members,
        "women_members": min(members, round(members * rng.uniform(0.25, 0.55))),
        "union_staff": rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 9, 12]),
        "fulltime_union_officers": rng.choice([0, 1, 1, 1, 2]),
        "labour_contract_rate": (f"{rng.uniform(85, 100):.1f}%" if rng.random() < 0.5 else round(rng.uniform(0.85, 1.0), 3)),
        "unresolved_complaints": rng.choices([0, 1, 2, 3, 5], weights=[70, 18, 7, 3, 2])[0],
        "workers_in_hardship": hardship,
        "workers_in_hardship_aided": min(hardship, round(hardship * rng.betavariate(6, 1))),
        "superior_commendations": rng.choice([0, 0, 0, 1, 1, 2]),
    }
    for name_, p in _BOOLEANS.items():
        facts[name_] = rng.random() < p
    if rng.random() < 0.08:  # a return with gaps in it: missing evidence is a status of its own
        for gone in rng.sample(sorted(facts), rng.randint(1, 3)):
            del facts[gone]
    documents = []
    if rng.random() < 0.3:
        documents = [{"id": d, "title": t, "kind": k, "date": "2025-12-10"} for d, t, k in _DOCUMENTS]
        for fact, doc in _CITED.items():
            if fact in facts:
                facts[fact] = {"value": facts[fact], "documents": [doc]}
    out: dict[str, Any] = {
        "union": {"id": f"syn-{index:07d}", "name": name, "kind": kind, "parent": f"{street}街道总工会",
                  "region": f"广东省深圳市{street}街道"},
        "period": {"start": "2025-01-01", "end": "2025-12-31", "label": "2025年度"},
        "applications": [{"standard": STANDARD, "grade": rng.choice(["demonstration", "advanced", "compliant"])}],
        "facts": facts,
        "events": _events(rng),
        "documents": documents,
    }
    if rng.random() < 0.85:
        score = rng.choice([1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3])
        out["judgements"] = {STANDARD: {"work_pattern": {"score": score, "reason": "个别谈话了解工作格局", "by": rng.choice(_JUDGES)}}}
    if rng.random() < 0.2:
        out["honours"] = [{"title": "先进基层工会", "year": rng.choice([2019, 2021, 2023, 2024])}]
    return out


def _planted_bad(rec: dict[str, Any]) -> dict[str, Any]:
    # An impossible value the record checks must catch: more members than employees.
    facts = rec["facts"]
    facts["employees"] = 100
    facts["members"] = 150
    return rec


def generate(n: int, seed: int = SEED, bad: Iterable[int] = ()) -> Iterator[dict[str, Any]]:
    """n records; those at the indexes in `bad` are invalid."""
    rng = random.Random(seed)
    bad = set(bad)
    for i in range(n):
        rec = record(i, rng)
        yield _planted_bad(rec) if i in bad else rec


def lines(n: int, seed: int = SEED, bad: Iterable[int] = ()) -> Iterator[bytes]:
    """The records as JSON Lines, one bytes line each (newline included)."""
    for rec in generate(n, seed, bad):
        yield (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_jsonl(path: str, n: int, seed: int = SEED, bad: Iterable[int] = ()) -> str:
    with open(path, "wb") as fh:
        for line in lines(n, seed, bad):
            fh.write(line)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--bad", type=int, action="append", default=[])
    args = parser.parse_args()
    write_jsonl(args.out, args.n, args.seed, args.bad)


if __name__ == "__main__":
    main()
