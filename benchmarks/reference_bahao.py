"""A straight-line plain-Python scorer of the 八好 score sheet (rulesets/bahao-community.yaml,
version 2025.1): the "machine limit" reference of benchmarks/bench_limits.py (issue 14).

It reads one record as the parsed JSON of a JSON Lines line written by benchmarks/synthetic.py and
returns, exactly as `assess` decides them: each item's points, the score, the grade and how many
gaps the scorecard lists. Every rule of the sheet is hand-coded below, in the sheet's order.

Exact arithmetic without Fraction in the hot path: points are counted in tenths (UNIT), the
finest step of the sheet (governance platforms 0.5 each; judgements such as 1.8); rates are
compared by cross-multiplying integers; the grade cut-offs are compared on the rescaled score by
cross-multiplying too. Only the returned score is a Fraction.

What it does not do (and `assess` does): validate the record (types, ranges, members <= employees,
unknown fields, documents cited), read natural spellings ("是", "1,200"), resolve event labels,
waivers, honours, texts. Values are those synthetic.py writes: JSON booleans and integers,
ratios as a float or "92.3%", facts optionally as {"value": ..., "documents": [...]}.
A missing fact makes the items reading it "missing evidence": 0 points (a checklist keeps the
entries known to be met), applicable, and a gap.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, NamedTuple

STANDARD = "bahao-community"
UNIT = 10  # points are counted in tenths

# (item id, points in tenths), sections in the sheet's order, then the bonus items.
SECTIONS = (
    ("party_support", 100, (("union_in_party_targets", 30), ("party_union_meetings", 40), ("work_pattern", 30))),
    ("organisation", 250, (("org_established", 30), ("five_haves", 50), ("chair_party_secretary", 20),
                           ("fulltime_officer", 20), ("member_register", 20), ("membership_rate", 60),
                           ("unionization_rate", 30), ("women_committee", 20))),
    ("duties", 150, (("workers_congress", 40), ("collective_bargaining", 30), ("rights_work", 40),
                     ("unresolved_complaints", 40))),
    ("coordination", 100, (("liaison_mechanism", 20), ("liaison_meetings", 40), ("resident_unit_contact", 20),
                           ("difficulties_resolved", 20))),
    ("service", 100, (("six_to_home", 60), ("skills_training", 40))),
    ("poverty_relief", 100, (("hardship_register", 30), ("hardship_aid", 40), ("vulnerable_support", 30))),
    ("livelihood", 100, (("self_governance", 20), ("environment", 20), ("health_and_aid", 30), ("workers_library", 30))),
    ("harmony", 100, (("governance_platforms", 20), ("five_days", 50), ("culture_and_competition", 30))),
)
BONUS = (("superior_commendation", 20), ("workers_library_demonstration", 20))
BONUS_CAP = 30
ITEMS = tuple(i for _, _, items in SECTIONS for i in items) + BONUS
ITEM_IDS = tuple(i for i, _ in ITEMS)
FULL = tuple(p for _, p in ITEMS)
TOTAL = 100
_WOMEN = ITEM_IDS.index("women_committee")
# Every section's items add up to exactly its cap and each item is clamped to its points, so no
# section cap can bind: the score below adds items directly (checked here, once).
assert all(sum(p for _, p in items) == cap for _, cap, items in SECTIONS)
assert sum(cap for _, cap, _ in SECTIONS) == TOTAL * UNIT

_COUNTED = ("party_union_meeting", "liaison_meeting", "workers_congress", "skills_training", "co_building_day",
            "study_day", "deliberation_day", "hygiene_day", "service_day", "cultural_activity", "labour_competition",
            "serious_rights_violation", "mass_incident")


class Scored(NamedTuple):
    """One record's result: `points` in tenths, in ITEM_IDS order (None: the item does not
    apply); `score` the 100-point score (rescaled over what applies, bonus not included);
    `grade` the grade id or None; `gaps` the number of gaps the scorecard lists."""

    points: tuple
    score: Fraction
    grade: str | None
    gaps: int


def _decimal(value: Any) -> tuple[int, int] | None:
    """A ratio as written (0.923, "92.3%", 1) as an exact (numerator, denominator); None if missing.
    A float is read as its shortest text, as `assess` reads it."""
    if value is None:
        return None
    if value.__class__ is int:
        return value, 1
    text = repr(value) if value.__class__ is float else value
    scale = 1
    if text.endswith("%"):
        text, scale = text[:-1], 100
    whole, _, frac = text.partition(".")
    if "e" in text or "E" in text:
        f = Fraction(text)
        return f.numerator, f.denominator * scale
    return int(whole + frac), 10 ** len(frac) * scale


def _tenths(value: Any) -> int:
    """An inspector's score in tenths of a point (raises ValueError for a finer score)."""
    n, d = _decimal(value)
    if (n * UNIT) % d:
        raise ValueError(f"reference: judgement {value!r} is finer than a tenth of a point")
    return n * UNIT // d


def _counts(rec: dict) -> dict[str, int]:
    """Events of each counted kind dated within the period (ISO dates compare as text)."""
    period = rec["period"]
    start, end = period["start"], period["end"]
    counts = dict.fromkeys(_COUNTED, 0)
    for e in rec.get("events") or ():
        kind = e["kind"]
        if kind in counts and start <= e["date"] <= end:
            counts[kind] += e.get("count", 1)
    return counts


def _facts(rec: dict) -> dict:
    facts = rec.get("facts") or {}
    for value in facts.values():
        if value.__class__ is dict:  # a cited value: {"value": ..., "documents": [...]}
            return {k: (v["value"] if v.__class__ is dict else v) for k, v in facts.items()}
    return facts


def _tick(value: Any, share: int) -> int:
    """A checklist entry or all_or_nothing item: its share when the box is ticked (True)."""
    return share if value is True else 0


def score(rec: dict) -> Scored:
    """Score one parsed record against 八好 (see the module docstring for what is read)."""
    f = _facts(rec)
    g = f.get
    c = _counts(rec)
    judged = ((rec.get("judgements") or {}).get(STANDARD) or {}).get("work_pattern")
    p: list = []
    add = p.append
    # 一、党政重视好
    add(_tick(g("union_in_party_targets"), 30))
    add(min(10 * c["party_union_meeting"], 40))                                    # award_per_occurrence 1, at most 4
    add(min(30, _tenths(judged["score"])) if judged else 0)                         # judgement; none: missing, 0
    # 二、组织建设好
    org = _tick(g("org_established"), 30)
    add(org)                                                                        # mandatory
    staff = g("union_staff")
    add(_tick(g("org_established"), 10) + _tick(g("has_sign"), 10) + (10 if staff is not None and staff >= 1 else 0)
        + _tick(g("has_rules"), 10) + _tick(g("has_office"), 10))                  # 五有, 1 each
    add(_tick(g("chair_is_party_secretary"), 20))
    officers = g("fulltime_union_officers")
    add(20 if officers is not None and officers >= 1 else 0)
    add(_tick(g("member_register_kept"), 20))
    members, employees = g("members"), g("employees")
    rate98 = None
    if members is None or employees is None:
        add(0)                                                                      # missing
    else:
        m100, e = (100 * members, employees) if employees else (0, 1)              # on_zero: 0
        rate98 = m100 >= 98 * e
        add(60 if rate98 else 40 if m100 >= 95 * e else 20 if m100 >= 90 * e else 0)
    add(_unionization(g("unionized_enterprises"), g("enterprises")))
    women = g("women_members")
    add(0 if women is None else None if women < 10 else _tick(g("women_committee"), 20))  # applies_if women >= 10
    # 三、履行职责好
    add(40 if c["workers_congress"] >= 1 else 0)
    add(_tick(g("collective_contract_signed"), 30))
    lcr = _decimal(g("labour_contract_rate"))
    add((10 if lcr is not None and 100 * lcr[0] >= 95 * lcr[1] else 0) + _tick(g("dispute_mediation_committee"), 10)
        + _tick(g("social_insurance_checked"), 10) + _tick(g("safety_supervision"), 10))
    complaints = g("unresolved_complaints")
    add(0 if complaints is None else 40 - min(20 * complaints, 40))                # per_occurrence 2 off, at most 4
    # 四、协调配合好
    add(_tick(g("liaison_mechanism"), 20))
    add(min(10 * c["liaison_meeting"], 40))
    add(_tick(g("resident_unit_contact"), 20))
    add(_tick(g("difficulties_resolved"), 20))
    # 五、服务群众好
    add(_tick(g("home_dispute_mediation"), 10) + _tick(g("hospital_visits"), 10) + _tick(g("new_resident_visits"), 10)
        + _tick(g("rehabilitation_support"), 10) + _tick(g("benefits_delivered"), 10)
        + _tick(g("unemployed_placement"), 10))                                     # 六到家, 1 each
    training = c["skills_training"]
    add(40 if training >= 4 else 20 if training >= 2 else 10 if training >= 1 else 0)
    # 六、扶贫济困好
    add(_tick(g("hardship_register"), 30))
    add(_hardship(g("workers_in_hardship_aided"), g("workers_in_hardship")))
    add(_tick(g("vulnerable_support_measures"), 30))
    # 七、改善民生好
    add(_tick(g("self_governance_rules"), 20))
    add(_tick(g("environment_campaign"), 20))
    add(_tick(g("autumn_student_aid"), 10) + _tick(g("free_health_checks"), 10) + _tick(g("serious_illness_aid"), 10))
    add(_tick(g("workers_library"), 30))
    # 八、和谐建设好
    add(_tick(g("police_room"), 5) + _tick(g("governance_room"), 5) + _tick(g("mediation_court"), 5)
        + _tick(g("patrol_team"), 5))                                               # 0.5 each
    add(sum(10 for k in ("co_building_day", "study_day", "deliberation_day", "hygiene_day", "service_day") if c[k] >= 4))
    add((10 if c["cultural_activity"] >= 2 else 0) + (10 if c["labour_competition"] >= 1 else 0)
        + _tick(g("rationalisation_proposals"), 10))
    # 附加分
    commendations = g("superior_commendations")
    add(0 if commendations is None else min(10 * commendations, 20))
    add(_tick(g("workers_library_demonstration"), 20))
    vetoed = c["serious_rights_violation"] + c["mass_incident"] >= 1
    return _settle(tuple(p), org == 30, rate98, vetoed)


def _unionization(unionized: int | None, enterprises: int | None) -> int:
    """shortfall: target 90%, 1 point off per 1% short, a part step counted whole, at most 3."""
    if unionized is None or enterprises is None:
        return 0
    if not enterprises:
        unionized, enterprises = 0, 1                                               # on_zero: 0
    short = 90 * enterprises - 100 * unionized                                      # (90% - rate) * 100 * enterprises
    if short <= 0:
        return 30
    steps = -(-short // enterprises)                                                # ceil(short% / 1%)
    return 30 - 10 * min(steps, 3)


def _hardship(aided: int | None, on_file: int | None) -> int:
    """bands on the aid rate: 100% -> 4, 80% -> 2, else 0; nobody on file counts as 100%."""
    if aided is None or on_file is None:
        return 0
    if not on_file or aided >= on_file:
        return 40
    return 20 if 10 * aided >= 8 * on_file else 0


def _settle(points: tuple, mandatory_ok: bool, rate98: bool | None, vetoed: bool) -> Scored:
    """Score (rescaled over what applies), bonus, grade ladder and the gap count."""
    bonus = min(BONUS_CAP, points[-1] + points[-2])
    raw = sum(x for x in points[:-2] if x is not None)
    possible = TOTAL * UNIT - (FULL[_WOMEN] if points[_WOMEN] is None else 0)         # women_committee not applicable
    # grade score = raw * 100 / possible + bonus / 10 >= cut, in integers
    left = raw * TOTAL * UNIT + bonus * possible
    grade = None
    if mandatory_ok and not vetoed:
        if rate98 and left >= 90 * UNIT * possible:
            grade = "demonstration"
        elif left >= 80 * UNIT * possible:
            grade = "advanced"
        elif left >= 70 * UNIT * possible:
            grade = "compliant"
    gaps = sum(1 for x, full in zip(points, FULL) if x is not None and x < full)
    gaps += vetoed + (grade != "demonstration" and not rate98) + (not mandatory_ok)
    return Scored(points, Fraction(raw * TOTAL, possible), grade, gaps)
