"""Every scoring rule kind and its edges, on small inline standards, with both deciders.

Each scenario builds a minimal standard dict around one or two items, scores a record with the
engine (PythonDecider and DurableDecider, via the `decider` fixture) and also checks that the
independent scorer in tests/reference.py agrees on every item, the score, the bonus and the grade.
"""
from __future__ import annotations

import copy
from fractions import Fraction as F

import pytest

import reference
from assess.standards.catalog import standard_from_data
from assess.model.evidence import evidence_from_data
from assess.core.problems import InputError
from assess.present.scorecard import assess

SID = "t-rules"

FIELDS = {
    "employees": {"type": "integer", "label": "职工人数"},
    "members": {"type": "integer", "label": "会员人数", "not_above": "employees"},
    "women_members": {"type": "integer", "label": "女会员人数"},
    "disputes": {"type": "integer", "label": "未结争议"},
    "has_a": {"type": "boolean", "label": "甲"},
    "has_b": {"type": "boolean", "label": "乙"},
    "has_c": {"type": "boolean", "label": "丙"},
    "funds_rate": {"type": "ratio", "label": "经费拨缴率"},
    "level": {"type": "string", "label": "级别"},
}
DERIVED = {
    "membership_rate": {"label": "入会率", "ratio": {"numerator": "members", "denominator": "employees", "on_zero": 0}},
    "meetings": {"label": "会议次数", "count_events": {"kind": "meeting"}},
    "incidents": {"label": "事件", "count_events": {"kind": ["incident"], "window": {"years": 3}}},
}
EVENT_KINDS = {"meeting": "会议", "incident": "群体性事件"}


def item(id_="X", points=6, rule=None, **extra) -> dict:
    return {"id": id_, "title": f"指标{id_}", "points": points, "rule": rule or {"kind": "all_or_nothing", "when": "has_a"}, **extra}


def standard(*items, cap=None, total=None, na="rescale", bonus=None, vetoes=(), grades=None, derived=None,
             sections=None) -> dict:
    """A minimal standard: one section holding `items` (or the given sections)."""
    if sections is None:
        pts = sum(F(str(i["points"])) for i in items)
        cap = pts if cap is None else F(str(cap))
        sections = [{"id": "s1", "title": "一", "cap": str(cap), "items": list(items)}]
    if total is None:
        total = sum(F(str(s["cap"])) for s in sections)
    data = {
        "id": SID,
        "title": "测试",
        "version": "1",
        "effective_from": "2020-01-01",
        "source": {"citation": "test"},
        "applies_to": ["grassroots_union"],
        "total": str(total),
        "not_applicable": na,
        "fields": copy.deepcopy(FIELDS),
        "derived": copy.deepcopy(derived if derived is not None else DERIVED),
        "event_kinds": dict(EVENT_KINDS),
        "sections": sections,
        "vetoes": list(vetoes),
        "grades": grades or [{"id": "pass", "title": "合格", "min_score": 0}],
    }
    if bonus:
        data["bonus"] = bonus
    return data


def record(facts=None, events=(), judgements=None, honours=(), start="2025-01-01", end="2025-12-31") -> dict:
    return {
        "union": {"id": "u", "name": "测试工会", "kind": "grassroots_union"},
        "period": {"start": start, "end": end},
        "facts": dict(facts or {}),
        "events": [dict(e) for e in events],
        "judgements": {SID: dict(judgements)} if judgements else {},
        "honours": list(honours),
    }


def engine(std: dict, rec: dict, decider, extra: tuple = ()):
    """Score with the engine only (`extra`: other standards known beside it)."""
    return assess(standard_from_data(std), evidence_from_data(rec), decider, extra)[0]


def run(std: dict, rec: dict, decider):
    """Score with the engine, check the reference agrees, return the Evaluation."""
    ev = engine(std, rec, decider)
    ref = reference.score(std, rec)
    got = {r.item.id: (r.awarded, r.status) for r in ev.items() + ev.deductions}
    assert got == ref["items"], "engine and reference disagree on items"
    assert (ev.score, ev.bonus, ev.grade_score) == (ref["score"], ref["bonus"], ref["grade_score"])
    assert (ev.grade.id if ev.grade else None) == ref["grade"]
    return ev


def one(ev, item_id="X"):
    r = ev.item(item_id)
    return r.awarded, r.status


def problems(std: dict, rec: dict, decider) -> list:
    with pytest.raises(InputError) as info:
        assess(standard_from_data(std), evidence_from_data(rec), decider)
    return info.value.problems


def paths(std, rec, decider) -> set[str]:
    return {p.path for p in problems(std, rec, decider)}


# ---- all_or_nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("facts, expected", [
    ({"has_a": True}, (F(5), "full")),
    ({"has_a": False}, (F(0), "zero")),
    ({}, (F(0), "missing")),
])
def test_all_or_nothing(decider, facts, expected):
    ev = run(standard(item(points=5)), record(facts), decider)
    assert one(ev) == expected


def test_all_or_nothing_compound_condition(decider):
    it = item(points=5, rule={"kind": "all_or_nothing", "when": "has_a and (employees >= 25 or not has_b)"})
    std = standard(it)
    assert one(run(std, record({"has_a": True, "employees": 10, "has_b": False}), decider)) == (5, "full")
    assert one(run(std, record({"has_a": True, "employees": 10, "has_b": True}), decider)) == (0, "zero")
    # false decides an `and` even when another part is missing; unknown otherwise
    assert one(run(std, record({"has_a": False}), decider)) == (0, "zero")
    assert one(run(std, record({"has_a": True, "employees": 10}), decider)) == (0, "missing")
    assert one(run(std, record({"has_a": True, "employees": 30}), decider)) == (5, "full")


@pytest.mark.parametrize("when, value, expected", [
    ('level == "甲级"', "甲级", (F(5), "full")),
    ('level == "abc"', "ab", (F(0), "zero")),   # durable compares text prefix-wise: must not leak
    ('level == "a"', "abc", (F(0), "zero")),
    ('level != "a"', "abc", (F(5), "full")),
    ("level == '5'", "5.0", (F(0), "zero")),
    ('level == "x"', None, (F(0), "missing")),
])
def test_all_or_nothing_on_text(decider, when, value, expected):
    facts = {} if value is None else {"level": value}
    assert one(run(standard(item(points=5, rule={"kind": "all_or_nothing", "when": when})), record(facts), decider)) == expected


# ---- bands ---------------------------------------------------------------------------------

BANDS = {"kind": "bands", "value": "membership_rate", "otherwise": 1,
         "bands": [{"min": "98%", "points": 6}, {"min": "95%", "points": 4}, {"min": "90%", "points": 2}]}


@pytest.mark.parametrize("members, employees, expected", [
    (98, 100, (F(6), "full")),      # exactly at the top cut-off
    (100, 100, (F(6), "full")),
    (49, 50, (F(6), "full")),       # 98% as 49/50
    (979, 1000, (F(4), "partial")),  # just below the top cut-off
    (97, 100, (F(4), "partial")),
    (95, 100, (F(4), "partial")),
    (90, 100, (F(2), "partial")),
    (899, 1000, (F(1), "partial")),  # below every band: otherwise
    (0, 100, (F(1), "partial")),
])
def test_bands(decider, members, employees, expected):
    ev = run(standard(item(rule=BANDS)), record({"members": members, "employees": employees}), decider)
    assert one(ev) == expected


@pytest.mark.parametrize("written", [0.98, "98%", "0.98", "49/50"])
def test_bands_ratio_field_at_cut_off(decider, written):
    rule = {"kind": "bands", "value": "funds_rate", "bands": [{"min": "98%", "points": 6}, {"min": "50%", "points": 3}]}
    ev = run(standard(item(rule=rule)), record({"funds_rate": written}), decider)
    assert one(ev) == (6, "full")


@pytest.mark.parametrize("rule, expected", [
    ({"kind": "bands", "value": "funds_rate", "bands": [{"min": "98%", "points": 6}]}, (F(0), "zero")),
    ({"kind": "shortfall", "value": "funds_rate", "target": "98%", "per": "1%", "deduct": 1}, (F(5), "partial")),
    ({"kind": "all_or_nothing", "when": "funds_rate >= 98%"}, (F(0), "zero")),
])
def test_just_below_cut_off_by_less_than_float_precision(decider, rule, expected):
    # "Exactly at the cut-off means exactly": 0.97999999999999999 is below 98%, though as a
    # double it is 0.98. Both deciders must see it below.
    ev = engine(standard(item(rule=rule)), record({"funds_rate": "0.97999999999999999"}), decider)
    assert one(ev) == expected


def test_bands_otherwise_zero_and_missing(decider):
    rule = dict(BANDS, otherwise=0)
    assert one(run(standard(item(rule=rule)), record({"members": 10, "employees": 100}), decider)) == (0, "zero")
    assert one(run(standard(item(rule=rule)), record({"employees": 100}), decider)) == (0, "missing")


def test_band_points_above_item_points_are_capped(decider):
    rule = {"kind": "bands", "value": "funds_rate", "bands": [{"min": "50%", "points": 9}]}
    assert one(run(standard(item(points=6, rule=rule)), record({"funds_rate": "60%"}), decider)) == (6, "full")


def test_bands_listed_lowest_first_still_award_the_highest_band_reached(decider):
    # Standard.Bands: "Points by the highest band the value reaches". Nothing requires the list
    # to be in descending order, so a rule file listing bands upwards must score the same.
    upward = dict(BANDS, bands=list(reversed(BANDS["bands"])))
    ev = engine(standard(item(rule=upward)), record({"members": 99, "employees": 100}), decider)
    assert one(ev) == (6, "full")


# ---- ratio with a zero denominator ---------------------------------------------------------


def _zero_den(on_zero):
    derived = copy.deepcopy(DERIVED)
    derived["membership_rate"]["ratio"]["on_zero"] = on_zero
    return standard(item(rule=BANDS), derived=derived)


def test_zero_denominator_on_zero_0(decider):
    ev = run(_zero_den(0), record({"members": 0, "employees": 0}), decider)
    assert ev.values["membership_rate"] == 0
    assert one(ev) == (1, "partial")  # 0% is below every band: otherwise


def test_zero_denominator_on_zero_1(decider):
    ev = run(_zero_den(1), record({"members": 0, "employees": 0}), decider)
    assert one(ev) == (6, "full")


def test_zero_denominator_on_zero_missing(decider):
    ev = run(_zero_den("missing"), record({"members": 0, "employees": 0}), decider)
    assert ev.values["membership_rate"] is None
    r = ev.item("X")
    assert (r.awarded, r.status) == (0, "missing")


def test_ratio_missing_when_an_input_is_missing(decider):
    ev = run(standard(item(rule=BANDS)), record({"members": 5}), decider)
    assert one(ev) == (0, "missing")
    assert "employees" in ev.item("X").missing


# ---- shortfall -----------------------------------------------------------------------------


def _shortfall(partial="up", cap=None, points=5):
    rule = {"kind": "shortfall", "value": "membership_rate", "target": "98%", "per": "1%", "deduct": 1, "partial": partial}
    if cap is not None:
        rule["cap"] = cap
    return standard(item(points=points, rule=rule))


@pytest.mark.parametrize("partial, members, expected", [
    ("up", 955, (F(2), "partial")),        # 2.5 steps short count as 3
    ("down", 955, (F(3), "partial")),      # ... as 2
    ("exact", 955, (F(5, 2), "partial")),  # ... as 2.5
    ("up", 960, (F(3), "partial")),        # exactly 2 steps: all modes agree
    ("down", 960, (F(3), "partial")),
    ("exact", 960, (F(3), "partial")),
    ("up", 979, (F(4), "partial")),        # 0.1 step short: rounds up to a whole step
    ("down", 979, (F(5), "full")),         # ... is ignored when rounding down
    ("up", 980, (F(5), "full")),           # exactly at target
    ("exact", 980, (F(5), "full")),
    ("up", 1000, (F(5), "full")),          # above target
    ("up", 0, (F(0), "zero")),             # never below 0 without a cap
])
def test_shortfall(decider, partial, members, expected):
    ev = run(_shortfall(partial), record({"members": members, "employees": 1000}), decider)
    assert one(ev) == expected


def test_shortfall_cap(decider):
    ev = run(_shortfall(cap=2), record({"members": 900, "employees": 1000}), decider)
    assert one(ev) == (3, "partial")  # 8 points short, at most 2 off
    ev = run(_shortfall(cap=2), record({"members": 975, "employees": 1000}), decider)
    assert one(ev) == (4, "partial")  # 1 point off: under the cap


def test_shortfall_missing(decider):
    assert one(run(_shortfall(), record({"employees": 1000}), decider)) == (0, "missing")


# ---- per_occurrence ------------------------------------------------------------------------


def _per_occurrence(cap=None):
    rule = {"kind": "per_occurrence", "count": "disputes", "deduct": 2}
    if cap is not None:
        rule["cap"] = cap
    return standard(item(points=6, rule=rule))


@pytest.mark.parametrize("cap, disputes, expected", [
    (None, 0, (F(6), "full")),
    (None, 1, (F(4), "partial")),
    (None, 3, (F(0), "zero")),
    (None, 10, (F(0), "zero")),  # never below 0
    (5, 1, (F(4), "partial")),
    (5, 3, (F(1), "partial")),   # 6 off capped at 5
    (5, 100, (F(1), "partial")),
])
def test_per_occurrence(decider, cap, disputes, expected):
    assert one(run(_per_occurrence(cap), record({"disputes": disputes}), decider)) == expected


def test_per_occurrence_missing(decider):
    assert one(run(_per_occurrence(), record({}), decider)) == (0, "missing")


def test_per_occurrence_on_event_count(decider):
    it = item(points=6, rule={"kind": "per_occurrence", "count": "meetings", "deduct": 2})
    events = [{"kind": "meeting", "date": "2025-02-01"}, {"kind": "meeting", "date": "2025-03-01", "count": 2}]
    assert one(run(standard(it), record({}, events), decider)) == (0, "zero")
    # no events is a count of 0, not missing evidence
    assert one(run(standard(it), record({}), decider)) == (6, "full")


# ---- per_missing ---------------------------------------------------------------------------


def _per_missing(cap=4):
    rule = {"kind": "per_missing", "entries": ["has_a", "has_b", "has_c"], "deduct": 3}
    if cap is not None:
        rule["cap"] = cap
    return standard(item(points=6, rule=rule))


@pytest.mark.parametrize("cap, flags, expected", [
    (4, (True, True, True), (F(6), "full")),
    (4, (True, True, False), (F(3), "partial")),
    (4, (True, False, False), (F(2), "partial")),   # 6 off capped at 4
    (4, (False, False, False), (F(2), "partial")),
    (None, (True, False, False), (F(0), "zero")),
    (None, (False, False, False), (F(0), "zero")),  # 9 off: never below 0
])
def test_per_missing(decider, cap, flags, expected):
    facts = dict(zip(("has_a", "has_b", "has_c"), flags))
    assert one(run(_per_missing(cap), record(facts), decider)) == expected


def test_per_missing_unknown_entry(decider):
    ev = run(_per_missing(), record({"has_a": True, "has_b": True}), decider)
    r = ev.item("X")
    # an unknown entry counts as not met, and the item is marked missing evidence
    assert (r.awarded, r.status) == (3, "missing")
    assert r.missing == ["has_c"]


# ---- award_per_occurrence ------------------------------------------------------------------


def _award():
    return standard(item(points=4, rule={"kind": "award_per_occurrence", "count": "meetings", "award": 1}))


@pytest.mark.parametrize("n, expected", [
    (5, (F(4), "full")),  # 5 meetings at 1 point, item 4 -> 4
    (4, (F(4), "full")),
    (3, (F(3), "partial")),
    (0, (F(0), "zero")),
])
def test_award_per_occurrence(decider, n, expected):
    events = [{"kind": "meeting", "date": f"2025-{m:02d}-10"} for m in range(1, n + 1)]
    assert one(run(_award(), record({}, events), decider)) == expected


def test_award_per_occurrence_event_counts(decider):
    events = [{"kind": "meeting", "date": "2025-05-10", "count": 3}]
    assert one(run(_award(), record({}, events), decider)) == (3, "partial")


def test_award_per_occurrence_fractional_award(decider):
    it = item(points=4, rule={"kind": "award_per_occurrence", "count": "disputes", "award": "1.5"})
    assert one(run(standard(it), record({"disputes": 2}), decider)) == (3, "partial")
    assert one(run(standard(it), record({"disputes": 3}), decider)) == (4, "full")


# ---- checklist -----------------------------------------------------------------------------


@pytest.mark.parametrize("flags, expected", [
    ((True, True, False), (F(4), "partial")),  # 2 of 3 entries of 6 points
    ((True, True, True), (F(6), "full")),
    ((False, True, False), (F(2), "partial")),
    ((False, False, False), (F(0), "zero")),
])
def test_checklist(decider, flags, expected):
    std = standard(item(points=6, rule={"kind": "checklist", "entries": ["has_a", "has_b", "has_c"]}))
    assert one(run(std, record(dict(zip(("has_a", "has_b", "has_c"), flags))), decider)) == expected


def test_checklist_thirds_stay_exact(decider):
    std = standard(item(points=5, rule={"kind": "checklist", "entries": ["has_a", "has_b", "has_c"]}))
    assert one(run(std, record({"has_a": True, "has_b": False, "has_c": False}), decider)) == (F(5, 3), "partial")


def test_checklist_unknown_entry(decider):
    std = standard(item(points=6, rule={"kind": "checklist", "entries": ["has_a", "has_b", "has_c"]}))
    ev = run(std, record({"has_a": True, "has_b": True}), decider)
    assert one(ev) == (4, "missing")
    assert ev.item("X").missing == ["has_c"]


def test_checklist_numeric_entries(decider):
    std = standard(item(points=4, rule={"kind": "checklist", "entries": ["membership_rate >= 98%", "disputes == 0"]}))
    assert one(run(std, record({"members": 98, "employees": 100, "disputes": 1}), decider)) == (2, "partial")


# ---- judgement -----------------------------------------------------------------------------


def _judged():
    return standard(item(points=4, rule={"kind": "judgement"}))


@pytest.mark.parametrize("score, expected", [
    (0, (F(0), "zero")),
    ("2.5", (F(5, 2), "partial")),
    (2.5, (F(5, 2), "partial")),
    (4, (F(4), "full")),
])
def test_judgement_within_range(decider, score, expected):
    ev = run(_judged(), record(judgements={"X": {"score": score, "reason": "台账完整", "by": "张三"}}), decider)
    assert one(ev) == expected
    assert ev.item("X").judgement.reason == "台账完整"


def test_judgement_missing(decider):
    ev = run(_judged(), record(), decider)
    assert one(ev) == (0, "missing")


# ---- applicability -------------------------------------------------------------------------


def _applicability(na):
    a = item("A", points=4, applies_if="women_members >= 10", rule={"kind": "all_or_nothing", "when": "has_a"})
    b = item("B", points=6, rule={"kind": "checklist", "entries": ["has_b", "has_c"]})
    return standard(a, b, na=na)


def test_not_applicable_full_counts_as_full(decider):
    ev = run(_applicability("full"), record({"women_members": 5, "has_a": False, "has_b": True, "has_c": False}), decider)
    assert one(ev, "A") == (0, "not_applicable")
    assert ev.score == 4 + 3
    assert ev.sections[0].possible == 10


def test_not_applicable_rescale(decider):
    ev = run(_applicability("rescale"), record({"women_members": 5, "has_a": False, "has_b": True, "has_c": False}), decider)
    assert one(ev, "A") == (0, "not_applicable")
    assert ev.possible == 6
    assert ev.score == F(3, 6) * 10  # 3 of the 6 applicable points, rescaled to the total of 10


def test_applicable_item_is_scored(decider):
    ev = run(_applicability("rescale"), record({"women_members": 10, "has_a": True, "has_b": True, "has_c": False}), decider)
    assert one(ev, "A") == (4, "full")
    assert ev.score == 7


@pytest.mark.parametrize("na", ["full", "rescale"])
def test_applicability_unknown_is_missing(decider, na):
    ev = run(_applicability(na), record({"has_a": True, "has_b": True, "has_c": False}), decider)
    r = ev.item("A")
    assert (r.awarded, r.status) == (0, "missing")
    assert r.missing == ["women_members"]
    assert ev.score == 3  # the unknown item still counts as applicable: 3 of 10


def test_all_items_not_applicable_rescale_scores_zero(decider):
    a = item("A", points=4, applies_if="women_members >= 10")
    ev = run(standard(a, na="rescale"), record({"women_members": 0, "has_a": True}), decider)
    assert ev.possible == 0 and ev.score == 0


# ---- sections, bonus -----------------------------------------------------------------------


def test_section_cap_clamps(decider):
    std = standard(item("A", points=6), item("B", points=6, rule={"kind": "all_or_nothing", "when": "has_b"}), cap=10)
    ev = run(std, record({"has_a": True, "has_b": True}), decider)
    assert ev.sections[0].raw == 12 and ev.sections[0].awarded == 10
    assert ev.score == 10
    ev = run(std, record({"has_a": True, "has_b": False}), decider)
    assert ev.sections[0].awarded == 6 and ev.score == 6


def test_section_cap_two_sections(decider):
    s1 = {"id": "s1", "title": "一", "cap": 5, "items": [item("A", points=3), item("C", points=3)]}
    s2 = {"id": "s2", "title": "二", "cap": 5, "items": [item("B", points=5, rule={"kind": "all_or_nothing", "when": "has_b"})]}
    ev = run(standard(sections=[s1, s2]), record({"has_a": True, "has_b": False}), decider)
    assert [s.awarded for s in ev.sections] == [5, 0]
    assert ev.score == 5


def _with_bonus(counts=True, cap=3, min_score=10):
    base = item("A", points=10, rule={"kind": "judgement"})
    bonus = {"cap": cap, "counts_toward_grade": counts,
             "items": [item("B1", points=5, rule={"kind": "all_or_nothing", "when": "has_b"})]}
    grades = [{"id": "top", "title": "高", "min_score": min_score}, {"id": "low", "title": "低", "min_score": 0}]
    return standard(base, bonus=bonus, grades=grades)


def test_bonus_cap(decider):
    ev = run(_with_bonus(), record({"has_b": True}, judgements={"A": {"score": 8, "reason": "r"}}), decider)
    assert one(ev, "B1") == (5, "full")
    assert ev.bonus == 3
    assert ev.score == 8 and ev.grade_score == 11
    assert ev.grade.id == "top"  # 8 + 3 >= 10


def test_bonus_not_counting_toward_grade(decider):
    ev = run(_with_bonus(counts=False), record({"has_b": True}, judgements={"A": {"score": 8, "reason": "r"}}), decider)
    assert ev.bonus == 3
    assert ev.grade_score == 8
    assert ev.grade.id == "low"


def test_bonus_never_raises_score_above_total(decider):
    ev = run(_with_bonus(), record({"has_b": True}, judgements={"A": {"score": 10, "reason": "r"}}), decider)
    assert ev.score == 10 and ev.bonus == 3 and ev.grade_score == 13


def _gap_refs(std: dict, rec: dict, decider) -> list[str]:
    from assess.scoring.gaps import gaps

    ev, inputs = assess(standard_from_data(std), evidence_from_data(rec), decider)
    return [g.ref for g in gaps(ev, inputs)]


def test_a_bonus_item_short_of_full_is_no_gap_once_the_bonus_is_at_its_cap(decider):
    # B1 alone fills the bonus (5 points, cap 3): B2 at 0 can add nothing, and a scorecard that
    # told the union to work for it promised points it cannot get.
    data = _with_bonus()
    data["bonus"]["items"].append(item("B2", points=2, rule={"kind": "all_or_nothing", "when": "has_c"}))
    judged = {"A": {"score": 8, "reason": "r"}}
    full = record({"has_b": True, "has_c": False}, judgements=judged)
    ev = run(data, full, decider)
    assert ev.bonus == 3 and one(ev, "B2") == (0, "zero")
    assert _gap_refs(data, full, decider) == ["A"]
    # Evidence missing for B2 costs nothing either.
    assert _gap_refs(data, record({"has_b": True}, judgements=judged), decider) == ["A"]
    # Below the cap B2 would raise the bonus: a gap, as is B1.
    assert _gap_refs(data, record({"has_b": False, "has_c": False}, judgements=judged), decider) == ["A", "B1", "B2"]
    # A mandatory item stays a gap: the grade needs it at full points whatever the total.
    data["bonus"]["items"][1]["mandatory"] = True
    assert "B2" in _gap_refs(data, full, decider)


def test_an_item_short_of_full_in_a_section_at_its_cap_is_no_gap(decider):
    # The section's items add up to 8 against a cap of 6: with A met the section is full, and
    # X at 0 loses nothing.
    data = standard(item("A", points=6), item("X", points=2, rule={"kind": "all_or_nothing", "when": "has_b"}), cap=6)
    ev = run(data, record({"has_a": True, "has_b": False}), decider)
    assert ev.score == 6 and one(ev, "X") == (0, "zero")
    assert _gap_refs(data, record({"has_a": True, "has_b": False}), decider) == []
    assert _gap_refs(data, record({"has_a": False, "has_b": False}), decider) == ["A", "X"]


def test_a_bonus_item_loses_no_more_than_the_bonus_can_still_take(decider):
    # Bonus 2 of a 3-point cap: B2 short by 2 can add 1 only, so it loses 1 (the card said 失 2 分).
    from assess.scoring.gaps import gaps

    data = _with_bonus()
    data["bonus"]["items"] = [item("B1", points=2, rule={"kind": "all_or_nothing", "when": "has_b"}),
                              item("B2", points=2, rule={"kind": "all_or_nothing", "when": "has_c"})]
    ev, inputs = assess(standard_from_data(data), evidence_from_data(
        record({"has_b": True, "has_c": False}, judgements={"A": {"score": 8, "reason": "r"}})), decider)
    assert ev.bonus == 2
    assert {g.ref: (g.result.lost, g.lost) for g in gaps(ev, inputs)} == {"A": (2, 2), "B2": (2, 1)}


# ---- vetoes --------------------------------------------------------------------------------

VETO = {"id": "V1", "title": "群体性事件", "when": "incidents >= 1"}


def test_veto_triggered_no_grade(decider):
    ev = run(standard(item(points=5), vetoes=[VETO]), record({"has_a": True}, [{"kind": "incident", "date": "2025-06-01"}]), decider)
    assert ev.score == 5
    assert ev.vetoes[0].state is True
    assert ev.grade is None


def test_veto_clear(decider):
    ev = run(standard(item(points=5), vetoes=[VETO]), record({"has_a": True}), decider)
    assert ev.vetoes[0].state is False
    assert ev.grade.id == "pass"


def test_veto_undecidable_blocks_grade(decider):
    veto = {"id": "V2", "title": "争议", "when": "disputes >= 3"}
    ev = run(standard(item(points=5), vetoes=[veto]), record({"has_a": True}), decider)
    assert ev.vetoes[0].state is None
    assert ev.grade is None


def test_veto_not_blocking_a_grade(decider):
    grades = [{"id": "pass", "title": "合格", "min_score": 0, "blocked_by_veto": False}]
    ev = run(standard(item(points=5), vetoes=[VETO], grades=grades),
             record({"has_a": True}, [{"kind": "incident", "date": "2025-06-01"}]), decider)
    assert ev.vetoes[0].state is True
    assert ev.grade.id == "pass"


# ---- mandatory items -----------------------------------------------------------------------


def _mandatory(requires_mandatory=True):
    a = item("A", points=2, mandatory=True)
    b = item("B", points=98, rule={"kind": "judgement"})
    grades = [{"id": "pass", "title": "合格", "min_score": 60, "requires_mandatory": requires_mandatory}]
    return standard(a, b, grades=grades)


def test_mandatory_item_failing_blocks_grade(decider):
    ev = run(_mandatory(), record({"has_a": False}, judgements={"B": {"score": 98, "reason": "r"}}), decider)
    assert ev.score == 98
    assert ev.grade is None


def test_mandatory_item_missing_blocks_grade(decider):
    ev = run(_mandatory(), record({}, judgements={"B": {"score": 98, "reason": "r"}}), decider)
    assert ev.grade is None


def test_mandatory_item_partial_blocks_grade(decider):
    a = item("A", points=6, mandatory=True, rule={"kind": "checklist", "entries": ["has_a", "has_b", "has_c"]})
    b = item("B", points=94, rule={"kind": "judgement"})
    std = standard(a, b, grades=[{"id": "pass", "title": "合格", "min_score": 60}])
    ev = run(std, record({"has_a": True, "has_b": True, "has_c": False}, judgements={"B": {"score": 94, "reason": "r"}}), decider)
    assert ev.score == 98 and ev.grade is None


def test_mandatory_item_met(decider):
    ev = run(_mandatory(), record({"has_a": True}, judgements={"B": {"score": 60, "reason": "r"}}), decider)
    assert ev.grade.id == "pass"


def test_mandatory_not_required_by_grade(decider):
    ev = run(_mandatory(False), record({"has_a": False}, judgements={"B": {"score": 98, "reason": "r"}}), decider)
    assert ev.grade.id == "pass"


def test_mandatory_not_applicable_does_not_block(decider):
    a = item("A", points=2, mandatory=True, applies_if="employees >= 200")
    b = item("B", points=98, rule={"kind": "judgement"})
    std = standard(a, b, na="full", grades=[{"id": "pass", "title": "合格", "min_score": 60}])
    ev = run(std, record({"employees": 50, "has_a": False}, judgements={"B": {"score": 90, "reason": "r"}}), decider)
    assert ev.item("A").status == "not_applicable"
    assert ev.grade.id == "pass"


# ---- grades --------------------------------------------------------------------------------

LADDER = [
    {"id": "model", "title": "示范", "min_score": 90},
    {"id": "good", "title": "先进", "min_score": 80},
    {"id": "ok", "title": "达标", "min_score": 70},
]


def _graded(grades=LADDER):
    return standard(item("A", points=100, rule={"kind": "judgement"}), grades=copy.deepcopy(grades))


@pytest.mark.parametrize("score, grade", [
    (100, "model"), (90, "model"), ("89.99", "good"), (80, "good"), (75, "ok"), (70, "ok"), ("69.5", None), (0, None),
])
def test_grade_min_score_inclusive(decider, score, grade):
    ev = run(_graded(), record(judgements={"A": {"score": score, "reason": "r"}}), decider)
    assert (ev.grade.id if ev.grade else None) == grade


def _requires():
    grades = copy.deepcopy(LADDER)
    grades[0]["requires"] = ["membership_rate >= 98%"]
    return _graded(grades)


@pytest.mark.parametrize("members, grade", [(98, "model"), (97, "good")])
def test_grade_requires_condition(decider, members, grade):
    ev = run(_requires(), record({"members": members, "employees": 100}, judgements={"A": {"score": 95, "reason": "r"}}), decider)
    assert ev.grade.id == grade


def test_grade_requires_unknown_is_not_met(decider):
    ev = run(_requires(), record({"employees": 100}, judgements={"A": {"score": 95, "reason": "r"}}), decider)
    assert ev.grade.id == "good"


def _prerequisite(within=3):
    grades = copy.deepcopy(LADDER)
    grades[0]["prerequisite"] = {"any_of": ["good", "先进工会"], "label": "先进工会"}
    if within is not None:
        grades[0]["prerequisite"]["within_years"] = within
    return _graded(grades)


@pytest.mark.parametrize("honour, grade", [
    ({"title": "先进工会", "year": 2024}, "model"),                           # found within the window
    ({"title": "先进工会", "year": 2025}, "model"),
    ({"title": "先进工会", "year": 2020}, "good"),                            # too old
    ({"title": "先进工会", "year": 2026}, "good"),                            # after the period
    ({"title": "荣誉", "grade": "good", "year": 2024}, "model"),             # a grade id, any standard
    ({"title": "荣誉", "grade": "good", "standard": SID, "year": 2024}, "model"),
    ({"title": "荣誉", "grade": "good", "standard": "other-std", "year": 2024}, "good"),  # another standard's grade
    ({"title": "其他称号", "year": 2024}, "good"),
])
def test_grade_prerequisite(decider, honour, grade):
    rec = record(judgements={"A": {"score": 95, "reason": "r"}}, honours=[honour])
    if honour.get("standard") == "other-std":  # a known standard (an unknown one is refused), with a grade `good` too
        other = standard_from_data({**_prerequisite(), "id": "other-std"}).standard
        assert engine(_prerequisite(), rec, decider, (other,)).grade.id == grade
        assert reference.score(_prerequisite(), rec)["grade"] == grade
        return
    assert run(_prerequisite(), rec, decider).grade.id == grade


def test_grade_prerequisite_without_window(decider):
    rec = record(judgements={"A": {"score": 95, "reason": "r"}}, honours=[{"title": "先进工会", "year": 1990}])
    assert run(_prerequisite(None), rec, decider).grade.id == "model"


def test_grade_prerequisite_first_match_of_several(decider):
    rec = record(judgements={"A": {"score": 95, "reason": "r"}},
                 honours=[{"title": "先进工会", "year": 2010}, {"title": "先进工会", "year": 2024}])
    assert run(_prerequisite(), rec, decider).grade.id == "model"


# ---- events and windows --------------------------------------------------------------------


def _events_std():
    a = item("A", points=4, rule={"kind": "award_per_occurrence", "count": "meetings", "award": 1})
    return standard(a, vetoes=[VETO])


def test_event_in_look_back_window_is_counted(decider):
    ev = run(_events_std(), record({}, [{"kind": "incident", "date": "2023-06-01"}]), decider)
    assert ev.values["incidents"] == 1
    assert ev.vetoes[0].state is True and ev.grade is None


def test_look_back_window_first_day(decider):
    ev = run(_events_std(), record({}, [{"kind": "incident", "date": "2023-01-01"}]), decider)
    assert ev.values["incidents"] == 1


def test_event_before_look_back_window_is_history_kept_and_not_counted(decider):
    # Records carry history (the last election, past incidents): outside every window, not counted.
    ev = run(_events_std(), record({}, [{"kind": "incident", "date": "2022-12-31"}]), decider)
    assert ev.values["incidents"] == 0 and ev.vetoes[0].state is False


def test_event_after_period_is_an_input_error(decider):
    for kind in ("meeting", "incident"):
        assert "events[0].date" in paths(_events_std(), record({}, [{"kind": kind, "date": "2026-01-01"}]), decider)


def test_count_events_window_period(decider):
    events = [{"kind": "meeting", "date": "2025-01-01"}, {"kind": "meeting", "date": "2025-12-31"},
              {"kind": "incident", "date": "2025-06-01"}]
    ev = run(_events_std(), record({}, events), decider)
    assert ev.values["meetings"] == 2
    assert one(ev, "A") == (2, "partial")


def test_period_window_event_before_period_is_kept_and_not_counted(decider):
    events = [{"kind": "meeting", "date": "2024-12-31"}, {"kind": "incident", "date": "2024-12-31"}]
    ev = run(_events_std(), record({}, events), decider)
    assert ev.values["meetings"] == 0 and ev.values["incidents"] == 1  # the 3-year window reaches it


def test_events_of_other_kinds_are_ignored(decider):
    # A kind another known standard declares (a record may serve several standards) is not counted
    # here; a kind no standard declares is a misspelling, and an error (tests/test_references.py).
    ev = run(_events_std(), record({}, [{"kind": "party_union_meeting", "date": "2025-03-01"}]), decider)
    assert ev.values["meetings"] == 0 and ev.values["incidents"] == 0


@pytest.mark.parametrize("end, before_window", [("2025-03-31", "2025-02-28"), ("2024-03-31", "2024-02-29")])
def test_one_month_window_is_the_same_in_leap_years(decider, end, before_window):
    # A {months: 1} window ending 31 March is 1-31 March: the last day of February is outside
    # it in every year. assess.model.evidence.window_start clamps February to 28 days, so in a leap
    # year the window starts on 29 February instead and counts an event a month and a day back.
    derived = copy.deepcopy(DERIVED)
    derived["incidents"]["count_events"]["window"] = {"months": 1}
    std = standard(item(points=5), vetoes=[VETO], derived=derived)
    rec = record({"has_a": True}, [{"kind": "incident", "date": before_window}], start=end[:4] + "-01-01", end=end)
    ev = engine(std, rec, decider)
    assert ev.values["incidents"] == 0
    assert ev.grade is not None


# ---- input errors --------------------------------------------------------------------------


def _plain():
    return standard(item(points=5, rule={"kind": "judgement"}))


@pytest.mark.parametrize("facts, path", [
    ({"members": 101, "employees": 100}, "facts.members"),  # not_above
    ({"disputes": -1}, "facts.disputes"),                    # a count is never negative
    ({"employees": "12 people"}, "facts.employees"),         # text that is no number ("12" and "1,200" read)
    ({"employees": 12.5}, "facts.employees"),
    ({"has_a": "on"}, "facts.has_a"),
    ({"has_a": 1}, "facts.has_a"),
    ({"funds_rate": "150%"}, "facts.funds_rate"),            # a ratio is at most 1 (a bare 1.5 reads as 1.5%)
    ({"funds_rate": "lots"}, "facts.funds_rate"),
    ({"membrs": 3}, "facts.membrs"),                         # an unknown fact field
])
def test_bad_facts_are_input_errors(decider, facts, path):
    found = problems(_plain(), record(facts), decider)
    assert path in {p.path for p in found}, found


def test_every_problem_is_reported_at_once(decider):
    found = paths(_plain(), record({"members": 101, "employees": 100, "disputes": -1, "nonsense": 1}), decider)
    assert {"facts.members", "facts.disputes", "facts.nonsense"} <= found


@pytest.mark.parametrize("entry, path", [
    ({"score": 3}, "judgements.t-rules.X.reason"),                  # no reason
    ({"score": 3, "reason": "   "}, "judgements.t-rules.X.reason"),  # a blank reason
    ({"score": 6, "reason": "r"}, "judgements.t-rules.X.score"),     # above the item's points
    ({"score": -1, "reason": "r"}, "judgements.t-rules.X.score"),
])
def test_bad_judgements_are_input_errors(decider, entry, path):
    found = problems(_plain(), record(judgements={"X": entry}), decider)
    assert path in {p.path for p in found}, found


def test_judgement_for_unknown_or_rule_item_is_an_input_error(decider):
    std = standard(item("X", points=5, rule={"kind": "judgement"}), item("Y", points=5))
    assert "judgements.t-rules.Z" in paths(std, record(judgements={"Z": {"score": 1, "reason": "r"}}), decider)
    assert "judgements.t-rules.Y" in paths(std, record(judgements={"Y": {"score": 1, "reason": "r"}}), decider)


def test_cited_value_is_read(decider):
    rec = record({"has_a": {"value": True, "documents": ["d1"]}})
    rec["documents"] = [{"id": "d1", "title": "选举文件"}]
    assert one(run(standard(item(points=5)), rec, decider)) == (5, "full")
