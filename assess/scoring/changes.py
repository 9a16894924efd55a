"""Changes to the evidence, what they cost, and the fewest changes that make a condition hold.

A change is concrete: a fact raised, lowered or provided, events held, an inspector's score. The
same changes state a gap in words ("需再发展 48 名会员"), price a plan (整改成本: one event held,
one member recruited, one measure adopted, one document provided, a judgement, one percentage
point; `assess.model.standard.Effort`, which a standard overrides) and, applied to the record and
scored again, prove a plan reaches its grade.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from assess.core.exact import Fraction, exact_sum
from assess.core import conditions as cond
from assess.model.evidence import JudgementEntry
from assess.model.standard import Effort, Standard
from assess.scoring.engine import Inputs, compute_values, update_values
from assess.scoring.lowering import hidden_parts, lower
from assess.model.evidence import window_start
from assess.scoring.periods import lacking
from assess.scoring.reach import Reach, capped_by, make_room, reach, read_key

_STEP = Fraction(1, 1000)  # smallest raise for a strict ">" on a non-integer value
# The declared defaults, made without validating (defaults are not validated either way): building
# the model to validate nothing would cost every cold start a few milliseconds.
DEFAULT_EFFORT = Effort.model_construct()


class ChangeKind(str, enum.Enum):
    SET_FACT = "set_fact"            # a fact raised, lowered or provided
    ADD_EVENTS = "add_events"        # more events of a kind held in the period
    SET_JUDGEMENT = "set_judgement"  # the inspector's score for a judged item

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Change:
    """One concrete change to the evidence. For add_events, `after` is how many events to add and
    `dates` the days they fall on when it matters (one in each quarter that has none), else the
    period's last day. For set_fact, `meets` is the comparison the new value was chosen to meet,
    when there was one."""

    kind: ChangeKind
    name: str  # field name, event kind or item id
    before: Any
    after: Any  # the new value; for add_events, how many events to add
    dates: tuple[date, ...] = ()
    # For a fact set to make a comparison hold, that comparison: a gap names what the value must
    # meet ("劳动合同签订率 ≥ 95%"), not the one value chosen to meet it.
    meets: cond.Compare | None = None


# The last inputs a scenario was made of, and their memo: bounded to one record, and safe when
# threads interleave (memo keys carry the ids of the objects they keep alive).
_LAST: list = [None, {}]


@dataclass
class Scenario:
    """Inputs with changes applied, for what-if scoring.

    A scenario and its copies share one memo of computed values, keyed by the changes that reach
    the facts and events: a plan asks for the values of the same state many times (every
    comparison it satisfies reads them before and after), and the state is fully described by
    the base inputs and those changes.

    Copy on write: `apply` replaces the facts, events and judgements it changes and never
    mutates them, so copies and the Inputs made of a scenario share them without copying (a plan
    makes tens of thousands of copies a card, most never changed)."""

    facts: Mapping[str, Any]
    extra_events: tuple[tuple[str, date | None, int], ...] = ()
    judgements: Mapping[str, JudgementEntry] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # `state()`, kept as changes are applied (a plan asks for it tens of thousands of times a card).
    changed_state: tuple = field(default=(), repr=False, compare=False)

    @classmethod
    def of(cls, inputs: Inputs) -> "Scenario":
        """The inputs as they are. Scenarios of the same inputs object share the memo (a card's
        gaps and its plan ask for many of the same states)."""
        if _LAST[0] is not inputs:
            _LAST[:] = [inputs, {}]
        return cls(inputs.facts, (), inputs.judgements, [], _LAST[1])

    def copy(self) -> "Scenario":
        return Scenario(self.facts, self.extra_events, self.judgements, list(self.changes), self.memo, self.changed_state)

    def state(self) -> tuple:
        """What the facts and events hold beyond the base inputs: the changes that reach them."""
        return self.changed_state

    def values(self, standard: Standard, base: Inputs) -> dict[str, Any]:
        """`compute_values` of this scenario's inputs, computed once per state (do not mutate)."""
        state = self.state()
        key = (id(standard), id(base), state)
        hit = self.memo.get(key)
        if hit is None:
            # From the nearest state before it that is known (a plan's verification applies
            # several changes at once): only what the changes since reach.
            parent, known = None, len(state)
            while parent is None and known > 0:
                known -= 1
                parent = self.memo.get((id(standard), id(base), state[:known]))
            if parent is None:
                values = compute_values(standard, self.inputs(base))
            else:
                since = state[known:]
                values = update_values(standard, self.inputs(base), parent[2],
                                       [name for kind, name, *_ in since if kind == ChangeKind.SET_FACT],
                                       [name for kind, name, *_ in since if kind != ChangeKind.SET_FACT])
            # The standard and base are kept beside the values so their ids stay theirs.
            hit = self.memo[key] = (standard, base, values)
        return hit[2]

    def inputs(self, base: Inputs) -> Inputs:
        added = tuple((kind, day or base.period.end, n) for kind, day, n in self.extra_events)
        # Built directly: dataclasses.replace looks the fields up on every call (a plan makes
        # hundreds of these a record).
        return Inputs(self.facts, base.events + added, self.judgements, base.honours, base.period,
                      base.prior_honours, base.waived)

    def apply(self, change: Change) -> None:
        """Apply one change: the facts, events or judgements it changes are replaced, not mutated."""
        if change.kind == ChangeKind.SET_FACT:
            self.facts = {**self.facts, change.name: change.after}
        elif change.kind == ChangeKind.ADD_EVENTS:
            if change.dates:
                self.extra_events += tuple((change.name, day, 1) for day in change.dates)
            else:
                self.extra_events += ((change.name, None, change.after),)
        else:
            self.judgements = {**self.judgements, change.name: JudgementEntry(score=change.after, reason="plan")}
        if change.kind != ChangeKind.SET_JUDGEMENT:
            # The kind's text, not the enum: an enum member hashes in Python, and states are hashed
            # on every memo lookup.
            self.changed_state += ((change.kind.value, change.name, change.after, change.dates),)
        self.changes.append(change)


def known_values(standard: Standard, inputs: Inputs, values: dict[str, Any]) -> None:
    """Give the scenarios of `inputs` (`Scenario.of`) the values of the inputs as they are,
    `values` = compute_values(standard, inputs) (an evaluation's), so that a card's gaps and plan
    start from them rather than working them out again."""
    if _LAST[0] is not inputs:
        _LAST[:] = [inputs, {}]
    _LAST[1].setdefault((id(standard), id(inputs), ()), (standard, inputs, values))


# ---- what a change costs -------------------------------------------------------------------


def effort_of(standard: Standard) -> Effort:
    """The standard's costs of change (`effort:`), or the defaults."""
    return standard.effort or DEFAULT_EFFORT


def change_cost(standard: Standard, change: Change) -> Fraction:
    """The cost of one change: events held x the cost of one event of that kind; a fact given
    where evidence was missing, one document; a yes/no or text fact, one measure; a count raised
    or lowered by n, n units when its field says how to raise it (`increase:`, "需再发展 {n} 名会员"),
    else n measures; a rate moved by p percentage points (another number by p), p points; a
    judged item, one judgement. Costs are exact fractions, never negative.

    Kept per change object and standard: the changes `satisfy` works out are shared by every
    record that asks the same (`_SHARED`), and a card prices them for its options, candidates
    and fixes."""
    hit = _COSTS.get(id(change))
    if hit is not None and hit[0] is change and hit[1] is standard:
        return hit[2]
    cost = _change_cost(standard, change)
    if len(_COSTS) >= COST_LIMIT:
        _COSTS.clear()  # bounded memory; only costs working them out again
    _COSTS[id(change)] = (change, standard, cost)
    return cost


# id(change) -> (the change, the standard, its cost): the change held, so its id stays its own.
COST_LIMIT = 4096
_COSTS: dict[int, tuple[Change, Standard, Fraction]] = {}


def _change_cost(standard: Standard, change: Change) -> Fraction:
    """`change_cost` worked out."""
    e = effort_of(standard)
    if change.kind == ChangeKind.SET_JUDGEMENT:
        return Fraction(e.judgement)
    if change.kind == ChangeKind.ADD_EVENTS:
        return Fraction(change.after) * Fraction(e.events.get(change.name, e.event))
    if change.before is None:
        return Fraction(e.document)
    decl = standard.fields.get(change.name)
    if decl is None or decl.type in ("boolean", "string") or isinstance(change.after, (bool, str)):
        return Fraction(e.fields.get(change.name, e.measure))
    moved = abs(Fraction(change.after) - Fraction(change.before))
    if decl.type == "integer":
        return moved * Fraction(e.fields.get(change.name, e.unit if decl.increase else e.measure))
    per = Fraction(e.fields.get(change.name, e.point))
    return moved * 100 * per if decl.type == "ratio" else moved * per


def changes_cost(standard: Standard, changes: Iterable[Change]) -> Fraction:
    """The cost of several changes: their sum."""
    return exact_sum(change_cost(standard, c) for c in changes)


# ---- satisfying a condition ---------------------------------------------------------------


def target_for(op: str, lit: Fraction, integer: bool) -> Fraction | None:
    """The value nearest `lit` that meets `value OP lit` (a whole number when `integer`; a strict
    comparison of a non-integer steps 1/1000 past it); None when no such value exists (`!=`, or
    `==` a fraction for an integer)."""
    if op == ">=":
        return Fraction(math.ceil(lit)) if integer else lit
    if op == ">":
        return Fraction(math.floor(lit) + 1) if integer else lit + _STEP
    if op == "<=":
        return Fraction(math.floor(lit)) if integer else lit
    if op == "<":
        return Fraction(math.ceil(lit) - 1) if integer else lit - _STEP
    if op == "==":
        return lit if (not integer or Fraction(lit).denominator == 1) else None
    return None


def _compare(name: str, op: str, value: Fraction) -> cond.Compare:
    return cond.Compare(name, op, cond.Literal(value, str(value)))


_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _satisfy_compare(standard: Standard, node: cond.Compare, sc: Scenario, base: Inputs) -> bool:
    """Apply to `sc` the change of one value that makes `field OP literal` hold."""
    values = sc.values(standard, base)
    if cond.evaluate(node, values) is True:
        return True
    if node.field in standard.fields:
        new = _new_fact_value(standard, node, values)
        if new is None:
            return False
        sc.apply(Change(ChangeKind.SET_FACT, node.field, values.get(node.field), new, meets=node))
        return cond.evaluate(node, sc.values(standard, base)) is True
    if node.field in standard.derived:
        return _satisfy_derived(standard, node, values, sc, base)
    if hidden_parts(node.field) is not None:
        return _satisfy_hidden(standard, node, values, sc, base)
    return False


def _new_fact_value(standard: Standard, node: cond.Compare, values: dict[str, Any]) -> Any:
    """The value a declared fact must take for the comparison to hold, within its declared bounds
    and the facts it caps or is capped by; None when no allowed value does."""
    name, op, lit = node.field, node.op, node.literal.value
    decl = standard.fields[name]
    if decl.type in ("boolean", "string"):
        if op == "==" and (decl.choices is None or lit in decl.choices):
            return lit
        return (not lit) if op == "!=" and isinstance(lit, bool) else None
    if decl.type == "scores":
        return None  # scores are given by the scorers, not changed by a plan
    new = target_for(op, Fraction(lit), decl.type == "integer")
    if new is None:
        return None
    if (decl.min is not None and new < decl.min) or (decl.max is not None and new > decl.max):
        return None
    if decl.not_above and values.get(decl.not_above) is not None and new > values[decl.not_above]:
        return None
    # Fields capped by this one (women_members <= members) must stay within it.
    floor = max((values[o] for o in capped_by(standard).get(name, ()) if values.get(o) is not None), default=None)
    if floor is not None and new < floor:
        if op not in (">=", ">"):
            return None
        new = Fraction(floor)
    return int(new) if decl.type == "integer" else new


def _satisfy_hidden(standard: Standard, node: cond.Compare, values: dict[str, Any], sc: Scenario, base: Inputs) -> bool:
    """A difference of two values (raise the first, or lower the second) or a category's rank
    (the nearest category that meets it) made to satisfy the comparison."""
    kind, parts = hidden_parts(node.field)
    lit = Fraction(node.literal.value)
    if kind == "difference":
        left, right = (values.get(p) for p in parts)
        for name, other, op in ((parts[0], right, node.op), (parts[1], left, _FLIP[node.op])):
            if other is None:
                continue
            goal = Fraction(other) + lit if name == parts[0] else Fraction(other) - lit
            trial = sc.copy()
            if _satisfy_compare(standard, _compare(name, op, goal), trial, base):
                sc.__dict__.update(trial.__dict__)
                return True
        return False
    decl = standard.fields[parts[0]]
    current = decl.rank(values.get(parts[0])) if isinstance(values.get(parts[0]), str) else None
    fitting = [c for c in decl.choices if cond.evaluate(_compare("r", node.op, lit), {"r": decl.rank(c)})]
    if not fitting:
        return False
    best = min(fitting, key=lambda c: (abs(decl.rank(c) - (current if current is not None else int(lit))), decl.choices.index(c)))
    # The category the rank stands for, so a hint says "事故等级 ≤ 一般" as the requirement does.
    named = next((c for c in decl.choices if decl.rank(c) == lit), None)
    meets = cond.Compare(parts[0], node.op, cond.Literal(named, named)) if named is not None else None
    sc.apply(Change(ChangeKind.SET_FACT, parts[0], values.get(parts[0]), best, meets=meets))
    return True


def _satisfy_derived(standard: Standard, node: cond.Compare, values: dict[str, Any], sc: Scenario, base: Inputs) -> bool:
    """A derived value made to satisfy the comparison through its inputs: a ratio's numerator,
    one part of a sum or weighted sum, the first value of a difference (or its second), the value a multiple
    scales, or more events of a counted kind (past events cannot be undone)."""
    name, op, lit = node.field, node.op, Fraction(node.literal.value)
    derived, current = standard.derived[name], values.get(name)
    if derived.ratio is not None:
        den = values.get(derived.ratio.denominator)
        if den is None or den == 0 or op not in (">=", ">", "<=", "<"):
            return False
        return _satisfy_compare(standard, _compare(derived.ratio.numerator, op, lit * Fraction(den)), sc, base)
    if derived.multiple is not None:
        by = derived.multiple.by
        if by == 0 or op not in (">=", ">", "<=", "<"):
            return False
        return _satisfy_compare(standard, _compare(derived.multiple.value, op if by > 0 else _FLIP[op], lit / by), sc, base)
    if derived.difference is not None:
        return _satisfy_hidden(standard, _compare(f"{derived.difference[0]}__minus__{derived.difference[1]}", op, lit),
                               values, sc, base)
    if current is None or op not in (">=", ">"):
        return False
    if derived.sum is not None:
        return _satisfy_sum(standard, [(p, Fraction(1)) for p in derived.sum], op, lit - Fraction(current), values, sc, base)
    if derived.weighted is not None:  # one part raised by what is short over its weight
        terms = [(t.value, t.weight) for t in derived.weighted if t.weight > 0]
        return _satisfy_sum(standard, terms, op, lit - Fraction(current), values, sc, base)
    if derived.count_events is None:
        return False  # honours held and scores given are not changed by a plan
    return _add_events(standard, node, derived, current, sc, base)


def _satisfy_sum(standard: Standard, parts: list[tuple[str, Fraction]], op: str, more: Fraction, values: dict[str, Any],
                 sc: Scenario, base: Inputs) -> bool:
    """One (part, weight) of a sum or weighted sum raised by `more` / weight, the first that can be."""
    for part, weight in parts:
        part_value = values.get(part)
        if part_value is None:
            continue
        trial = sc.copy()
        if _satisfy_compare(standard, _compare(part, op, Fraction(part_value) + more / weight), trial, base):
            sc.__dict__.update(trial.__dict__)
            return True
    return False


def _add_events(standard: Standard, node: cond.Compare, derived, current, sc: Scenario, base: Inputs) -> bool:
    """More events of the counted kind: on the period's last day, or, for a count of calendar
    periods with enough events (每季召开1次以上), in each period that lacks them."""
    spec = derived.count_events
    need = int(target_for(node.op, Fraction(node.literal.value), True) - current)
    kind = spec.kind[0]
    if spec.per is None:
        sc.apply(Change(ChangeKind.ADD_EVENTS, kind, current, need))
    else:
        inputs = sc.inputs(base)
        days = lacking(inputs.events, spec.kind, window_start(spec.window, inputs.period), inputs.period.end, spec.per,
                       spec.at_least or 1, need)
        if not days:
            return False
        sc.apply(Change(ChangeKind.ADD_EVENTS, kind, current, len(days), tuple(days)))
    return cond.evaluate(node, sc.values(standard, base)) is True


def satisfy(standard: Standard, node: cond.Node, sc: Scenario, base: Inputs) -> bool:
    """Apply to `sc` the cheapest simple changes that make `node` hold; False if none can (the
    changes tried are left applied). Comparisons of two values and orderings of categories are
    lowered first, as the compiler lowers them (assess.scoring.lowering).

    Worked out once per condition and what it reads (`assess.scoring.reach`), for every record
    (a card's gaps and its plan, and a population's cards, ask the same questions); where a value
    cannot be a key, once per condition and state in the scenario's memo."""
    hit = _satisfied(standard, node, sc, base)
    for change in hit[3]:
        sc.apply(change)
    return hit[2]


def satisfying_changes(standard: Standard, node: cond.Node, sc: Scenario, base: Inputs) -> tuple[bool, tuple[Change, ...]]:
    """(whether `satisfy` makes `node` hold, the changes it applies) without applying them: `sc`
    is left as it was (a gap's fix is read, not applied)."""
    hit = _satisfied(standard, node, sc, base)
    return hit[2], hit[3]


def _satisfied(standard: Standard, node: cond.Node, sc: Scenario, base: Inputs) -> tuple:
    """What `satisfy` works out or finds kept: (standard, lowered or base, holds, changes)."""
    lowered = _lowered(standard, node)
    reached = reach(standard, lowered)
    values = sc.values(standard, base)
    # the events only where their dates are read (`read_key` reads none without `dated`)
    read = read_key(reached.names, reached.dated, values, base.events + sc.extra_events if reached.dated else (),
                    base.period)
    if read is not None:
        key = (id(standard), id(lowered), read)
        hit = _SHARED.get(key)
        if hit is None or hit[0] is not standard or hit[1] is not lowered:
            make_room(_SHARED)  # bounded memory: the older half goes; only costs working it out again
            hit = _SHARED[key] = (standard, lowered, *_worked_out(standard, lowered, sc, base))
    else:
        key = ("satisfy", id(standard), id(base), node, sc.state())
        hit = sc.memo.get(key)
        if hit is None:
            hit = sc.memo[key] = (standard, base, *_worked_out(standard, lowered, sc, base))
    return hit


def _worked_out(standard: Standard, lowered: cond.Node, sc: Scenario, base: Inputs) -> tuple[bool, tuple[Change, ...]]:
    trial = sc.copy()
    start = len(trial.changes)
    ok = _satisfy(standard, lowered, trial, base)
    return ok, tuple(trial.changes[start:])


# What `satisfy` worked out, shared by every record (keyed by what it read): (standard, lowered
# condition, whether it holds, the changes).
_SHARED: dict[tuple, tuple[Standard, cond.Node, bool, tuple[Change, ...]]] = {}


def satisfy_reads(standard: Standard, node: cond.Node) -> Reach:
    """What `satisfy(standard, node)` may read (`assess.scoring.reach`)."""
    return reach(standard, _lowered(standard, node))


_LOWERED: dict[tuple[int, cond.Node], tuple[Standard, cond.Node]] = {}


def _lowered(standard: Standard, node: cond.Node) -> cond.Node:
    """`lower(to_nnf(node), standard)`, worked out once per standard and condition (a card asks
    for the same conditions of its items in its gaps, its plan's options and their checks)."""
    held = _LOWERED_IDS.get(id(node))
    if held is not None and held[0] is node and held[1] is standard:
        return held[2]  # the same condition object again (a plan's levels): no hashing it
    key = (id(standard), node)
    hit = _LOWERED.get(key)
    if hit is None or hit[0] is not standard:
        if len(_LOWERED) >= 4096:
            _LOWERED.clear()
        hit = _LOWERED[key] = (standard, lower(cond.to_nnf(node), standard))
    if len(_LOWERED_IDS) >= 4096:
        _LOWERED_IDS.clear()
    _LOWERED_IDS[id(node)] = (node, standard, hit[1])
    return hit[1]


_LOWERED_IDS: dict[int, tuple[cond.Node, Standard, cond.Node]] = {}


def _satisfy(standard: Standard, node: cond.Node, sc: Scenario, base: Inputs) -> bool:
    if isinstance(node, cond.Compare):
        return _satisfy_compare(standard, node, sc, base)
    if isinstance(node, cond.And):
        return all(_satisfy(standard, term, sc, base) for term in node.terms)
    if isinstance(node, cond.Or):
        best: tuple[Fraction, int, Scenario] | None = None
        for term in node.terms:
            trial = sc.copy()
            if _satisfy(standard, term, trial, base):
                added = trial.changes[len(sc.changes):]
                key = (changes_cost(standard, added), len(added))
                if best is None or key < best[:2]:
                    best = (*key, trial)
        if best is None:
            return False
        sc.__dict__.update(best[2].__dict__)
        return True
    return False
