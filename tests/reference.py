"""An independent scorer: the oracle the engine is checked against.

It reads a standard and an evidence record as plain dicts (the YAML data) and scores them with
nothing but the standard library: no pydantic model, no import from `assess`. It assumes both
inputs are valid (validation is the library's job) and keeps every number a Fraction.

    score(standard_dict, record_dict) -> {
        "items": {item_id: (awarded, status)} (deductions from the total too), "sections": {section_id: awarded},
        "vetoes": {veto_id: True | False | None}, "score", "bonus", "grade_score", "grade", "eligible", "taken_off"}
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import operator
import re
from fractions import Fraction

FULL, PARTIAL, ZERO, MISSING, NOT_APPLICABLE = "full", "partial", "zero", "missing", "not_applicable"


def num(x) -> Fraction:
    """A number as written in YAML: 6, 0.98, "98%", "5/2"."""
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, float):
        return Fraction(str(x))
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    text = str(x).strip()
    return Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text)


def as_date(x) -> dt.date:
    return x if isinstance(x, dt.date) else dt.date.fromisoformat(str(x))


# ---- conditions: `field OP literal`, and / or / not, parentheses, bare boolean fields --------

_TOKEN = re.compile(r"\s*(?:(>=|<=|==|!=|[<>])|([()])|(-?\d+(?:\.\d+)?%?)|'([^']*)'|\"([^\"]*)\"|([A-Za-z_]\w*))")
_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _tokens(text: str) -> list[tuple[str, object]]:
    out, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read condition {text!r} at {pos}")
        op, paren, number, sq, dq, word = m.groups()
        if op:
            out.append(("op", op))
        elif paren:
            out.append((paren, paren))
        elif number:
            out.append(("lit", num(number)))
        elif sq is not None or dq is not None:
            out.append(("lit", sq if sq is not None else dq))
        elif word in ("and", "or", "not"):
            out.append((word, word))
        elif word in ("true", "false"):
            out.append(("lit", word == "true"))
        else:
            out.append(("name", word))
        pos = m.end()
    return out


def parse(text: str):
    """A condition as nested tuples: ("cmp", name, op, literal) | ("not", n) | ("and"|"or", [n...])."""
    toks = _tokens(text)
    pos = 0

    def peek():
        return toks[pos][0] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def chain(kind, sub):
        terms = [sub()]
        while peek() == kind:
            take()
            terms.append(sub())
        return terms[0] if len(terms) == 1 else (kind, terms)

    def or_expr():
        return chain("or", and_expr)

    def and_expr():
        return chain("and", not_expr)

    def not_expr():
        if peek() == "not":
            take()
            return ("not", not_expr())
        return atom()

    def atom():
        if peek() == "(":
            take()
            node = or_expr()
            assert take()[0] == ")", text
            return node
        kind, value = take()
        if peek() != "op":
            assert kind == "name", text
            return ("cmp", value, "==", True)  # a bare field means "field is true"
        _, op = take()
        kind2, value2 = take()
        if kind == "name" and kind2 == "name":  # two values compared with each other
            return ("rel", value, op, value2)
        if kind == "lit":  # 98% <= x is x >= 98%
            return ("cmp", value2, _FLIP[op], value)
        return ("cmp", value, op, value2)

    node = or_expr()
    assert pos == len(toks), text
    return node


def holds(node, values: dict) -> bool | None:
    """Three-valued (Kleene): None when a value the answer depends on is missing. An ordering
    with text compares ordered categories by their place in `values["@order:<field>"]` (the
    field's choices, highest first)."""
    tag = node[0]
    if tag == "rel":
        _, a, op, b = node
        if values.get(a) is None or values.get(b) is None:
            return None
        return _OPS[op](num(values[a]), num(values[b]))
    if tag == "cmp":
        _, name, op, lit = node
        value = values.get(name)
        if value is None:
            return None
        if isinstance(lit, str) and op not in ("==", "!="):
            order = values["@order:" + name]  # highest first: a smaller index is higher
            return _OPS[op](-order.index(value), -order.index(lit))
        if isinstance(lit, Fraction):
            value = num(value)
        return _OPS[op](value, lit)
    if tag == "not":
        r = holds(node[1], values)
        return None if r is None else not r
    results = [holds(t, values) for t in node[1]]
    decisive = tag == "or"  # True decides an or, False decides an and
    if any(r is decisive for r in results):
        return decisive
    if any(r is None for r in results):
        return None
    return not decisive


def check(text: str, values: dict) -> bool | None:
    return holds(parse(text), values)


def names_in(text: str) -> set[str]:
    def walk(node):
        if node[0] == "cmp":
            return {node[1]}
        if node[0] == "rel":
            return {node[1], node[3]}
        if node[0] == "not":
            return walk(node[1])
        return set().union(*(walk(t) for t in node[1]))

    return walk(parse(text))


# ---- values --------------------------------------------------------------------------------


def window_start(window, start: dt.date, end: dt.date) -> dt.date:
    """First day of the N years/months that end on the period's last day."""
    if window is None or window == "period":
        return start
    months = 12 * (window.get("years") or 0) + (window.get("months") or 0)
    year, month0 = divmod(end.year * 12 + end.month - 1 - months, 12)
    day = min(end.day, calendar.monthrange(year, month0 + 1)[1])
    return dt.date(year, month0 + 1, day) + dt.timedelta(days=1)


_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def counted(spec: dict, record: dict, start: dt.date, end: dt.date) -> int:
    """Events of the kinds in the window; with `per`, the calendar periods overlapping the window
    that hold at least `at_least` of them."""
    kinds = [spec["kind"]] if isinstance(spec["kind"], str) else spec["kind"]
    first = window_start(spec.get("window", "period"), start, end)
    inside = [(as_date(e["date"]), e.get("count", 1)) for e in record.get("events") or []
              if e["kind"] in kinds and first <= as_date(e["date"]) <= end]
    if not spec.get("per"):
        return sum(n for _, n in inside)
    size = _MONTHS[spec["per"]]

    def key(day):
        return day.year, (day.month - 1) // size

    per_period: dict = {}
    for day, n in inside:
        per_period[key(day)] = per_period.get(key(day), 0) + n
    first_key, last_key = key(first), key(end)
    keys = [(y, k) for y in range(first_key[0], last_key[0] + 1) for k in range(12 // size)
            if first_key <= (y, k) <= last_key]
    return sum(1 for k in keys if per_period.get(k, 0) >= spec.get("at_least", 1))


def values_of(standard: dict, record: dict) -> dict:
    facts = record.get("facts") or {}
    values: dict = {}
    for name, decl in standard["fields"].items():
        raw = facts.get(name)
        if isinstance(raw, dict):
            raw = raw.get("value")
        if raw is not None and decl["type"] in ("number", "ratio"):
            raw = num(raw)
        values[name] = raw
        if decl.get("ordered"):
            values["@order:" + name] = list(decl["choices"])
    start, end = as_date(record["period"]["start"]), as_date(record["period"]["end"])
    derived = standard.get("derived") or {}
    pending = dict(derived)
    while pending:  # derived values may use other derived values: compute when inputs are ready
        for name, d in list(pending.items()):
            needs = [d["ratio"]["numerator"], d["ratio"]["denominator"]] if "ratio" in d else \
                [d["multiple"]["value"]] if "multiple" in d else [d["mean"]["of"]] if "mean" in d else \
                [t["value"] for t in d["weighted"]] if "weighted" in d else d.get("sum") or d.get("difference") or []
            if any(n in pending for n in needs):
                continue
            del pending[name]
            if "ratio" in d:
                top, bottom = values.get(needs[0]), values.get(needs[1])
                if top is None or bottom is None:
                    values[name] = None
                elif bottom == 0:
                    on_zero = d["ratio"].get("on_zero", 0)
                    values[name] = None if on_zero == "missing" else num(on_zero)
                else:
                    values[name] = Fraction(top) / Fraction(bottom)
            elif "sum" in d or "difference" in d or "multiple" in d:
                parts = [values.get(n) for n in needs]
                if None in parts:
                    values[name] = None
                elif "sum" in d:
                    values[name] = sum(num(p) for p in parts)
                elif "difference" in d:
                    values[name] = num(parts[0]) - num(parts[1])
                else:
                    values[name] = num(parts[0]) * num(d["multiple"]["by"])
            elif "mean" in d:  # the average of the scores given, less the highest and lowest dropped
                marks = sorted(num(e["score"]) for e in values.get(needs[0]) or [])
                kept = marks[d["mean"].get("drop_lowest", 0):len(marks) - d["mean"].get("drop_highest", 0)]
                values[name] = sum(kept, Fraction(0)) / len(kept) if kept else None
            elif "weighted" in d:  # 季度考评平均 × 50% + 主席互评 × 20% + ...
                parts = [values.get(n) for n in needs]
                values[name] = None if None in parts else sum(num(p) * num(t["weight"]) for p, t in zip(parts, d["weighted"]))
            elif "honours" in d:
                spec = d["honours"]
                values[name] = sum(1 for h in record.get("honours") or []
                                   if honour_matches(standard, h, spec["any_of"], spec.get("within_years"), end.year))
            else:
                values[name] = counted(d["count_events"], record, start, end)
    return values


# ---- items ---------------------------------------------------------------------------------


def score_item(item: dict, values: dict, judgements: dict) -> tuple[Fraction, str]:
    points = num(item["points"])

    def done(awarded, status=None):
        awarded = max(Fraction(0), min(points, Fraction(awarded)))
        if status is None:
            status = FULL if awarded == points else ZERO if awarded == 0 else PARTIAL
        return awarded, status

    if item.get("applies_if"):
        applies = check(item["applies_if"], values)
        if applies is False:
            return done(0, NOT_APPLICABLE)
        if applies is None:
            return done(0, MISSING)
    awarded, missing = rule_points(item["rule"], points, values, judgements.get(item["id"]))
    if missing:  # a checklist keeps the points of the entries known to be met
        return done(awarded if item["rule"]["kind"] in ("checklist", "per_missing") else 0, MISSING)
    return done(awarded)


def rule_points(rule: dict, points: Fraction, values: dict, judgement: dict | None) -> tuple[Fraction, bool]:
    """(points a rule awards before clamping, whether evidence it needs is missing)."""
    kind = rule["kind"]
    if kind == "all_or_nothing":
        ok = check(rule["when"], values)
        return (Fraction(0), True) if ok is None else (points if ok else Fraction(0), False)
    if kind == "judgement":
        full = check(rule["full_when"], values) if rule.get("full_when") else False
        if full:  # full points when the condition holds, else the inspector's judgement
            return points, False
        return (Fraction(0), True) if judgement is None else (num(judgement["score"]), False)
    if kind in ("checklist", "per_missing"):
        entries = [e if isinstance(e, dict) else {"when": e} for e in rule["entries"]]
        answers = [check(e["when"], values) for e in entries]
        if kind == "checklist":  # shares by weight (1 each unless written)
            weights = [num(e.get("weight", 1)) for e in entries]
            awarded = points * sum(w for w, a in zip(weights, answers) if a is True) / sum(weights)
        else:  # each entry not met takes off its own deduction, or the rule's
            off = sum(num(e.get("deduct", rule.get("deduct"))) for e, a in zip(entries, answers) if a is not True)
            awarded = points - (min(off, num(rule["cap"])) if rule.get("cap") is not None else off)
        return awarded, None in answers
    if kind == "clauses":
        return clauses_points(rule, points, values)
    value = values.get(rule.get("value") or rule.get("count"))
    if value is None:
        return Fraction(0), True
    return value_points(rule, points, num(value), values)


def clauses_points(rule: dict, points: Fraction, values: dict) -> tuple[Fraction, bool]:
    """Clauses in order, clamped to [0, points] after each: an award adds, a deduct takes off what
    its rule takes off, a zero_if that holds zeroes the item whatever else."""
    running = Fraction(0) if any("award" in c for c in rule["clauses"]) else points
    zeroed = unknown = False
    for c in rule["clauses"]:
        if "zero_if" in c:
            answer = check(c["zero_if"], values)
            zeroed, unknown = zeroed or answer is True, unknown or answer is None
            continue
        own = num(c.get("points", points))
        got, missing = rule_points(c.get("award") or c.get("deduct"), own, values, None)
        unknown = unknown or missing
        got = max(Fraction(0), min(own, got))
        running = max(Fraction(0), min(points, running + (got if "award" in c else got - own)))
    if zeroed:
        return Fraction(0), False
    return (Fraction(0), True) if unknown else (running, False)


def value_points(rule: dict, points: Fraction, value: Fraction, values: dict) -> tuple[Fraction, bool]:
    kind = rule["kind"]
    if kind == "bands":  # a band may need a second condition (`when`)
        states = [(True if not b.get("when") else check(b["when"], values)) if value >= num(b["min"]) else False
                  for b in rule["bands"]]
        reached = [b for b, st in zip(rule["bands"], states) if st is True]
        best = max(reached, key=lambda b: (num(b["min"]), num(b["points"]))) if reached else None
        floor = num(best["points"]) if best else num(rule.get("otherwise", 0))
        if any(st is None and num(b["points"]) > floor for b, st in zip(rule["bands"], states)):
            return Fraction(0), True
        return floor, False
    if kind == "proportional":
        return points * value / num(rule["full"]), False
    if kind == "award_per_occurrence":
        return value * num(rule["award"]), False
    if kind == "shortfall":
        target = num(rule["target"])
        if value >= target:
            return points, False
        steps = (target - value) / num(rule["per"])
        partial = rule.get("partial", "up")
        steps = math.ceil(steps) if partial == "up" else math.floor(steps) if partial == "down" else steps
        off = steps * num(rule["deduct"])
    elif kind == "per_occurrence":
        off = value * num(rule["deduct"])
    else:
        raise ValueError(f"unknown rule kind {kind!r}")
    if rule.get("cap") is not None:
        off = min(off, num(rule["cap"]))
    return points - off, False


# ---- the whole standard --------------------------------------------------------------------


def honour_matches(standard: dict, h: dict, any_of, within_years, end_year: int) -> bool:
    """An honour with one of the names (its title, or its grade under this standard), awarded no
    later than the period's year and, with `within_years`, no earlier than that many years before."""
    names = {h["title"]}
    if h.get("grade") and h.get("standard") in (None, standard["id"]):
        names.add(h["grade"])
    if not names & set(any_of) or h["year"] > end_year:
        return False
    return within_years is None or h["year"] >= end_year - within_years


def honour_found(standard: dict, pre: dict, record: dict) -> bool:
    end_year = as_date(record["period"]["end"]).year
    return any(honour_matches(standard, h, pre["any_of"], pre.get("within_years"), end_year)
               for h in record.get("honours") or [])


def score(standard: dict, record: dict) -> dict:
    values = values_of(standard, record)
    judgements = (record.get("judgements") or {}).get(standard["id"], {})
    mode = standard.get("not_applicable", "rescale")
    items: dict[str, tuple[Fraction, str]] = {}
    sections: dict[str, Fraction] = {}
    earned = possible = Fraction(0)
    for section in standard["sections"]:
        got = could = Fraction(0)
        for item in section["items"]:
            awarded, status = items[item["id"]] = score_item(item, values, judgements)
            if status != NOT_APPLICABLE:
                got, could = got + awarded, could + num(item["points"])
            elif mode == "full":  # a not-applicable item counts as full points
                got, could = got + num(item["points"]), could + num(item["points"])
        cap = num(section["cap"])
        sections[section["id"]] = min(cap, got)
        earned, possible = earned + min(cap, got), possible + min(cap, could)
    total = num(standard["total"])
    if mode == "rescale":
        result = earned * total / possible if possible > 0 else Fraction(0)
    else:
        result = earned
    result = min(result, total)
    # Deductions from the total (扣分项): each takes off its points less what its rule leaves.
    taken_off = Fraction(0)
    for d in standard.get("deductions") or []:
        awarded, status = items[d["id"]] = score_item(d, values, judgements)
        if status != NOT_APPLICABLE:
            taken_off += num(d["points"]) - awarded
    result = max(Fraction(0), result - taken_off)

    bonus_def = standard.get("bonus")
    bonus = Fraction(0)
    if bonus_def:
        for item in bonus_def["items"]:
            awarded, status = items[item["id"]] = score_item(item, values, judgements)
            if status != NOT_APPLICABLE:
                bonus += awarded
        bonus = min(bonus, num(bonus_def["cap"]))
    counts = bool(bonus_def) and bonus_def.get("counts_toward_grade", True)
    grade_score = result + (bonus if counts else 0)

    vetoes = {v["id"]: check(v["when"], values) for v in standard.get("vetoes") or []}
    scope = {v["id"]: v.get("grades") for v in standard.get("vetoes") or []}  # None: every grade
    eligible = all(check(e["when"], values) is True for e in standard.get("eligibility") or [])
    mandatory_ok = all(
        items[it["id"]][1] in (FULL, NOT_APPLICABLE)
        for it in [i for s in standard["sections"] for i in s["items"]] + (bonus_def["items"] if bonus_def else [])
        if it.get("mandatory")
    )
    grade = None
    for g in standard["grades"]:
        if not eligible or grade_score < num(g["min_score"]):
            continue
        ruling_out = [state for vid, state in vetoes.items() if scope[vid] is None or g["id"] in scope[vid]]
        if g.get("blocked_by_veto", True) and any(state is not False for state in ruling_out):
            continue
        if g.get("requires_mandatory", True) and not mandatory_ok:
            continue
        if any(check(c, values) is not True for c in g.get("requires") or []):
            continue
        if g.get("prerequisite") and not honour_found(standard, g["prerequisite"], record):
            continue
        grade = g["id"]
        break
    return {"items": items, "sections": sections, "vetoes": vetoes, "score": result, "bonus": bonus,
            "grade_score": grade_score, "grade": grade, "values": values, "eligible": eligible, "taken_off": taken_off}
