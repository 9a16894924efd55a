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
from operator import lt
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


def score(rec: dict) -> Scored:
    """Score one parsed record against 八好 (see the module docstring for what is read)."""
    f = _facts(rec)
    yes = {k for k, v in f.items() if v is True}  # the boxes ticked; False and missing earn nothing
    c = _counts(rec)
    judged = ((rec.get("judgements") or {}).get(STANDARD) or {}).get("work_pattern")
    rate98, organisation = _organisation(f, yes)
    points = (_party_support(yes, c, judged) + organisation + _duties(f, yes, c) + _coordination(yes, c)
              + _service(yes, c) + _poverty_relief(f, yes) + _livelihood(yes) + _harmony(yes, c) + _bonus(f, yes))
    vetoed = c["serious_rights_violation"] + c["mass_incident"] >= 1
    return _settle(points, "org_established" in yes, rate98, vetoed)


def _party_support(yes: set, c: dict, judged: dict | None) -> tuple:
    """一、党政重视好: all_or_nothing 3; 1 a meeting, at most 4; the inspector's 0-3 (none: missing, 0)."""
    return (30 if "union_in_party_targets" in yes else 0, min(10 * c["party_union_meeting"], 40),
            min(30, _tenths(judged["score"])) if judged else 0)


def _organisation(f: dict, yes: set) -> tuple[bool | None, tuple]:
    """二、组织建设好, and whether the membership rate reaches 98% (None: unknown)."""
    staff, officers, women = f.get("union_staff"), f.get("fulltime_union_officers"), f.get("women_members")
    five = (("org_established" in yes) + ("has_sign" in yes) + (staff is not None and staff >= 1) + ("has_rules" in yes)
            + ("has_office" in yes))                                                # 五有, 1 each
    members, employees = f.get("members"), f.get("employees")
    rate98, membership = None, 0                                                    # missing: 0
    if members is not None and employees is not None:
        m100, e = (100 * members, employees) if employees else (0, 1)              # on_zero: 0
        rate98 = m100 >= 98 * e
        membership = 60 if rate98 else 40 if m100 >= 95 * e else 20 if m100 >= 90 * e else 0
    return rate98, (
        30 if "org_established" in yes else 0,                                      # mandatory
        10 * five,
        20 if "chair_is_party_secretary" in yes else 0,
        20 if officers is not None and officers >= 1 else 0,
        20 if "member_register_kept" in yes else 0,
        membership,
        _unionization(f.get("unionized_enterprises"), f.get("enterprises")),
        0 if women is None else None if women < 10 else 20 if "women_committee" in yes else 0,  # applies_if women >= 10
    )


def _duties(f: dict, yes: set, c: dict) -> tuple:
    """三、履行职责好: a congress 4; contract 3; checklist of 4 (contract rate >= 95%); 2 off a complaint, at most 4."""
    lcr = _decimal(f.get("labour_contract_rate"))
    complaints = f.get("unresolved_complaints")
    rights = ((lcr is not None and 100 * lcr[0] >= 95 * lcr[1]) + ("dispute_mediation_committee" in yes)
              + ("social_insurance_checked" in yes) + ("safety_supervision" in yes))
    return (40 if c["workers_congress"] >= 1 else 0, 30 if "collective_contract_signed" in yes else 0, 10 * rights,
            0 if complaints is None else 40 - min(20 * complaints, 40))


def _coordination(yes: set, c: dict) -> tuple:
    """四、协调配合好."""
    return (20 if "liaison_mechanism" in yes else 0, min(10 * c["liaison_meeting"], 40),
            20 if "resident_unit_contact" in yes else 0, 20 if "difficulties_resolved" in yes else 0)


def _service(yes: set, c: dict) -> tuple:
    """五、服务群众好: 六到家 1 each; training bands 4 -> 4, 2 -> 2, 1 -> 1."""
    home = (("home_dispute_mediation" in yes) + ("hospital_visits" in yes) + ("new_resident_visits" in yes)
            + ("rehabilitation_support" in yes) + ("benefits_delivered" in yes) + ("unemployed_placement" in yes))
    n = c["skills_training"]
    return 10 * home, 40 if n >= 4 else 20 if n >= 2 else 10 if n >= 1 else 0


def _poverty_relief(f: dict, yes: set) -> tuple:
    """六、扶贫济困好."""
    return (30 if "hardship_register" in yes else 0, _hardship(f.get("workers_in_hardship_aided"), f.get("workers_in_hardship")),
            30 if "vulnerable_support_measures" in yes else 0)


def _livelihood(yes: set) -> tuple:
    """七、改善民生好."""
    aid = ("autumn_student_aid" in yes) + ("free_health_checks" in yes) + ("serious_illness_aid" in yes)
    return (20 if "self_governance_rules" in yes else 0, 20 if "environment_campaign" in yes else 0, 10 * aid,
            30 if "workers_library" in yes else 0)


def _harmony(yes: set, c: dict) -> tuple:
    """八、和谐建设好: platforms 0.5 each; each of the five days 4 times a year, 1 each; culture checklist."""
    platforms = ("police_room" in yes) + ("governance_room" in yes) + ("mediation_court" in yes) + ("patrol_team" in yes)
    days = ((c["co_building_day"] >= 4) + (c["study_day"] >= 4) + (c["deliberation_day"] >= 4) + (c["hygiene_day"] >= 4)
            + (c["service_day"] >= 4))
    culture = (c["cultural_activity"] >= 2) + (c["labour_competition"] >= 1) + ("rationalisation_proposals" in yes)
    return 5 * platforms, 10 * days, 10 * culture


def _bonus(f: dict, yes: set) -> tuple:
    """附加分: 1 a commendation, at most 2; demonstration library 2 (the cap of 3 in _settle)."""
    commendations = f.get("superior_commendations")
    return (0 if commendations is None else min(10 * commendations, 20),
            20 if "workers_library_demonstration" in yes else 0)


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
    applies = points[_WOMEN] is not None
    filled = points if applies else points[:_WOMEN] + (FULL[_WOMEN],) + points[_WOMEN + 1:]  # for the sums below
    raw = sum(filled[:-2]) - (0 if applies else FULL[_WOMEN])
    possible = TOTAL * UNIT - (0 if applies else FULL[_WOMEN])                      # women_committee not applicable
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
    short = list(map(lt, filled, FULL))                                             # items short of full points
    # ... but a bonus item cannot raise a bonus at its cap: no gap then. (A section's items add up
    # to its cap on this sheet, so no section item is short of full points in a full section.)
    gaps = sum(short[:-2] if bonus >= BONUS_CAP else short)
    gaps += vetoed + (grade != "demonstration" and not rate98) + (not mandatory_ok)
    return Scored(points, Fraction(raw * TOTAL, possible), grade, gaps)
