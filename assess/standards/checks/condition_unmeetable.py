"""A condition no value within the fields' declared bounds can meet (`membership_rate >= 198%` where
the rate is at most 100%, `meetings > 5 and meetings < 3`): the grade, veto, 申报条件 or item it
belongs to can never be met, and only scoring would say so (无法满足).

Each numeric field and derived value is confined to its declared range (`min`/`max`, a ratio's 0–100%,
`not_above`), a true/false field to true and false, a text field with choices to its choices; the
comparisons joined by `and` narrow those ranges, `or` offers alternatives. A comparison this cannot
judge (an ordered category, two values compared with each other beyond their ranges, a wrong type,
which wrong-type-comparison reports) is taken as one that can hold, so a finding is always real."""
from __future__ import annotations

import math
from typing import NamedTuple

from assess.core import conditions
from assess.core.conditions import And, Compare, Node, Or, Relation
from assess.core.messages import message
from assess.core.per_object import once_per_object
from assess.standards.checks._walk import Hit, at_most, bounds, condition_texts, is_numeric, items, shown, value_type

ID = "condition-unmeetable"
SEVERITY = "error"
# Work allowed per condition before giving up (unsure: no finding): an `or` inside an `and` multiplies
# the branches to try, each `or` met on the way down is one level deeper.
BUDGET, MAX_DEPTH = 20_000, 200


class _Range(NamedTuple):
    """The values a numeric name can still take: lo/hi (None: unbounded), each bound open or closed."""

    lo: object = None
    hi: object = None
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    not_equal: frozenset = frozenset()

    def narrowed(self, op: str, v) -> "_Range":
        if op == "!=":
            return self._replace(not_equal=self.not_equal | {v})
        r = self
        if op in (">", ">=", "==") and (r.lo is None or v > r.lo or (v == r.lo and op == ">")):
            r = r._replace(lo=v, lo_open=op == ">")
        if op in ("<", "<=", "==") and (r.hi is None or v < r.hi or (v == r.hi and op == "<")):
            r = r._replace(hi=v, hi_open=op == "<")
        return r

    def empty(self) -> bool:
        lo, hi = self.lo, self.hi
        if self.integer:  # the whole numbers inside, each excluded one by one
            lo = None if lo is None else (math.floor(lo) + 1 if self.lo_open else math.ceil(lo))
            hi = None if hi is None else (math.ceil(hi) - 1 if self.hi_open else math.floor(hi))
            if lo is None or hi is None:
                return False
            return hi < lo or (hi - lo < len(self.not_equal) and all(n in self.not_equal for n in range(lo, hi + 1)))
        if lo is None or hi is None or lo < hi:
            return False
        return lo > hi or self.lo_open or self.hi_open or lo in self.not_equal


class _Choices(NamedTuple):
    """The values a true/false or text name can still take (`allowed` None: any text)."""

    allowed: frozenset | None
    boolean: bool = False
    not_equal: frozenset = frozenset()

    def narrowed(self, op: str, v) -> "_Choices":
        if op == "!=":
            return self._replace(not_equal=self.not_equal | {v})
        return self._replace(allowed=frozenset({v}) if self.allowed is None else self.allowed & {v})

    def empty(self) -> bool:
        return self.allowed is not None and not (self.allowed - self.not_equal)


def _declared(standard, name: str):
    """What `name` can take before any comparison; None for a name this check does not judge."""
    kind = value_type(standard, name)
    if is_numeric(kind):
        lo, hi = bounds(standard, name)
        return _Range(lo, hi, integer=kind == "integer")
    if kind == "boolean":
        return _Choices(frozenset({True, False}), boolean=True)
    if kind == "string":  # an ordered category's ordering is not judged (_narrow)
        choices = standard.fields[name].choices
        return _Choices(frozenset(choices) if choices else None)
    return None


@once_per_object()
def _domains(standard) -> dict:
    """Every declared name's domain, worked out once per standard."""
    return {name: _declared(standard, name) for name in (*standard.fields, *standard.derived)}


def _domain(standard, name: str):
    return _domains(standard).get(name)


def _narrow(standard, env: dict, leaf: Compare) -> dict | None:
    """`env` with `leaf` applied; None when nothing is left; `env` itself for a comparison not judged."""
    declared = _domain(standard, leaf.field)
    dom = env.get(leaf.field, declared)
    value = leaf.literal.value
    if isinstance(dom, _Range) and leaf.literal.is_number:
        new = dom.narrowed(leaf.op, value)
    elif isinstance(dom, _Choices) and leaf.op in ("==", "!=") and isinstance(value, bool if dom.boolean else str):
        if declared.allowed is not None and value not in declared.allowed:
            return env  # a text outside the choices: wrong-type-comparison's to report
        new = dom.narrowed(leaf.op, value)
    else:
        return env
    return None if new.empty() else {**env, leaf.field: new}


def _may_relate(standard, env: dict, rel: Relation) -> bool:
    """Whether two values' ranges leave room for `left OP right` (their ranges are not narrowed by it),
    and `not_above` does (members > employees cannot hold)."""
    if (rel.op == ">" and at_most(standard, rel.left, rel.right)) or (rel.op == "<" and at_most(standard, rel.right, rel.left)):
        return False
    a, b = (env.get(n, _domain(standard, n)) for n in (rel.left, rel.right))
    if not (isinstance(a, _Range) and isinstance(b, _Range)):
        return True
    if rel.op in (">", ">="):
        return a.hi is None or b.lo is None or a.hi > b.lo or (a.hi == b.lo and rel.op == ">=" and not (a.hi_open or b.lo_open))
    if rel.op in ("<", "<="):
        return _may_relate(standard, env, Relation(rel.right, {"<": ">", "<=": ">="}[rel.op], rel.left))
    if rel.op == "==":
        return _may_relate(standard, env, Relation(rel.left, ">=", rel.right)) and \
            _may_relate(standard, env, Relation(rel.left, "<=", rel.right))
    return True


class _OutOfBudget(Exception):
    pass


def can_hold(standard, node: Node) -> bool:
    """Whether some values within the declared bounds meet the condition (True when unsure)."""
    steps = [0]

    def sat(todo: tuple, env: dict, depth: int) -> bool:
        """Whether `todo` (all to hold) can hold within `env`: `and` walked in a loop, each `or` a branch."""
        if depth > MAX_DEPTH:
            raise _OutOfBudget
        i = 0
        while i < len(todo):
            steps[0] += 1
            if steps[0] > BUDGET:
                raise _OutOfBudget
            first = todo[i]
            if isinstance(first, And):
                todo, i = first.terms + todo[i + 1:], 0
                continue
            if isinstance(first, Or):
                rest = todo[i + 1:]
                return any(sat((t,) + rest, env, depth + 1) for t in first.terms)
            if isinstance(first, Relation):
                if not _may_relate(standard, env, first):
                    return False
            else:
                env = _narrow(standard, env, first)
                if env is None:
                    return False
            i += 1
        return True

    try:
        return sat((conditions.to_nnf(node),), {}, 0)
    except _OutOfBudget:
        return True


def place(standard, loc: tuple) -> str:
    """Whose condition it is, in words: 等级 demonstration 的 requires, 一票否决项 x, 二级指标 1.2 ..."""
    kind = loc[0]
    if kind == "grades":
        return message("check.place.grade", id=standard.grades[loc[1]].id)
    if kind == "vetoes":
        return message("check.place.veto", id=standard.vetoes[loc[1]].id)
    if kind == "eligibility":
        return message("check.place.eligibility", id=standard.eligibility[loc[1]].id)
    item = next(it for at, it, _ in items(standard) if loc[:len(at)] == at)
    return message("check.place.item", id=item.id)


def ranges(standard, node: Node) -> str:
    """The declared bounds of the values the condition reads (membership_rate 0%–100%, a whole number,
    not above another value it reads)."""
    names = sorted(conditions.fields(node))
    out = []
    for name in names:
        dom = _domain(standard, name)
        if isinstance(dom, _Range):
            lo, hi = (None if v is None else shown(standard, name, v) for v in (dom.lo, dom.hi))
            if lo or hi:
                key = "both" if lo and hi else "lo" if lo else "hi"
                out.append(message(f"check.range.{key}" + (".integer" if dom.integer else ""), name=name, lo=lo, hi=hi))
            decl = standard.fields.get(name)
            if decl is not None and decl.not_above in names:
                out.append(message("check.range.not_above", name=name, other=decl.not_above))
        elif isinstance(dom, _Choices) and dom.allowed is not None and not dom.boolean:
            out.append(message("check.range.choices", name=name, choices=", ".join(sorted(dom.allowed))))
    return "; ".join(out)


@once_per_object()
def verdicts(standard) -> list[tuple[tuple, str, str]]:
    """(key path, condition, "never" or "always") for each condition that can never hold or always
    holds, worked out once for this rule and condition-always-met."""
    out = []
    for loc, text in condition_texts(standard):
        node = conditions.parse(text)
        if isinstance(node, Compare):  # most conditions: one comparison, narrowed directly
            never = _narrow(standard, {}, node) is None
            always = not never and _narrow(standard, {}, conditions.negate(node)) is None
        else:
            never = not can_hold(standard, node)
            always = not never and not can_hold(standard, conditions.negate(node))
        if never or always:
            out.append((loc, text, "never" if never else "always"))
    return out


def hits(standard, verdict: str):
    """A Hit naming the place, the condition and the bounds for each condition with this verdict."""
    for loc, text, found in verdicts(standard):
        if found == verdict:
            shown_ranges = ranges(standard, conditions.parse(text))
            yield Hit(loc, {"place": place(standard, loc), "condition": text, "ranges": shown_ranges},
                      "" if shown_ranges else "self")


def check(standard, doc):
    return hits(standard, "never")
